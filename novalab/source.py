"""``novalab.show(obj)``: the real source of a novalab class or function, highlighted.

A chapter never pastes a copy of the code it talks about: copies drift from what runs. It calls
``show(ComputeManager._build_and_run_instance)`` instead, which reads the source with
:func:`inspect.getsource` and displays it with the file name and line numbers, so the reader
can open the same lines in an editor (or with ``??``). Outside IPython it prints plain text.
"""
from __future__ import annotations

import importlib
import inspect
import os
import textwrap
from html import escape

import novalab

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(novalab.__file__)))


class Source:
    """Source lines of one object; draws itself highlighted in a notebook, plain elsewhere."""

    def __init__(self, obj):
        self.obj = _unwrap(_resolve(obj))
        self.name = _qualname(self.obj)
        lines, start = inspect.getsourcelines(self.obj)
        self.start = max(start, 1)                     # a module starts at 0
        self.code = textwrap.dedent("".join(lines))    # a method reads flush left
        self.end = self.start + len(lines) - 1
        path = inspect.getsourcefile(self.obj) or "?"
        self.path = os.path.relpath(path, _ROOT) if path.startswith(_ROOT) else path

    @property
    def where(self) -> str:
        return f"{self.path}, lines {self.start}–{self.end}"

    def __str__(self) -> str:
        return f"# {self.name} ({self.where})\n{self.code}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        header = (f"<div style='font-family:monospace;font-size:0.85em;color:#777777'>"
                  f"{escape(self.name)} &nbsp;·&nbsp; {escape(self.where)}</div>")
        return header + _highlight(self.code, self.start)

    def _repr_markdown_(self) -> str:       # for front ends that prefer Markdown
        return f"`{self.name}` ({self.where})\n\n```python\n{self.code}```\n"


def show(obj) -> None:
    """Display the source of ``obj`` (a class, function, method or module of novalab).

    ``obj`` may also be a dotted name: ``show("novalab.compute.manager.ComputeManager")``.
    """
    source = Source(obj)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(source)
        return
    if get_ipython() is None:
        print(source)
    else:
        display(source)


def _resolve(obj):
    """A dotted name becomes the object it names (module first, then attributes)."""
    if not isinstance(obj, str):
        return obj
    parts = obj.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            found = getattr(found, attr)
        return found
    raise ValueError(f"cannot find {obj!r}: give an object or a dotted name such as "
                     "'novalab.compute.manager.ComputeManager'")


def _unwrap(obj):
    """Show what the reader wrote: the function under a property, classmethod or decorator."""
    if isinstance(obj, property):
        obj = obj.fget
    obj = getattr(obj, "__func__", obj)            # bound and class methods
    return inspect.unwrap(obj)


def _qualname(obj) -> str:
    module = getattr(obj, "__module__", None) or getattr(obj, "__name__", "")
    qualname = getattr(obj, "__qualname__", None)
    return f"{module}.{qualname}" if qualname and not inspect.ismodule(obj) else module


def _highlight(code: str, first_line: int) -> str:
    """Pygments HTML with inline styles (no stylesheet needed, so it survives nbconvert and
    GitHub's notebook viewer); a plain <pre> if Pygments is missing."""
    box = ("background:#f8f8f8;color:#1f1f1f;border:1px solid #ddd;border-radius:4px;"
           "padding:6px 8px;overflow-x:auto;font-size:0.85em;line-height:1.35")
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre style='{box};font-family:monospace'>{escape(code)}</pre>"
    mono = "font-family:var(--jp-code-font-family, Menlo, Consolas, 'DejaVu Sans Mono', monospace)"
    formatter = HtmlFormatter(noclasses=True, nobackground=True, linenos="inline",
                              linenostart=first_line, style="default",
                              prestyles=f"margin:0;background:transparent;{mono}")
    return f"<div style='{box}'>{highlight(code, PythonLexer(), formatter)}</div>"

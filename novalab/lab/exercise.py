"""The exercise machinery: ``check()``, ``hint()`` and ``solution()``, as in Kaggle's learntools.

Each exercise is a small class: the question, a few hints, a worked solution, and a ``_check``
that answers one specific, friendly sentence per common mistake instead of a bare "wrong".
What counts as right is derived from a cloud (a fresh reference cloud, or the student's own),
never typed in by hand, so an exercise cannot drift from the code it is about.

``check()`` returns a :class:`Result`: true when correct, coloured in a notebook, plain text
in a terminal. Put it last in a cell so the notebook shows it.
"""
from __future__ import annotations

import inspect
from html import escape

# Okabe & Ito's colour-blind-safe palette; each message also starts with a word, not colour alone.
COLOURS = {"correct": "#009E73", "incorrect": "#D55E00", "unanswered": "#0072B2",
           "hint": "#0072B2", "solution": "#009E73"}
TITLES = {"correct": "Correct", "incorrect": "Incorrect", "unanswered": "Check",
          "hint": "Hint", "solution": "Solution"}


class Blank:
    """The ``____`` a student replaces with an answer."""

    def __repr__(self):
        return "____"


____ = Blank()


class Message:
    """A titled, coloured message (hint, solution, check result)."""

    def __init__(self, status: str, text: str, code: str | None = None):
        self.status, self.text, self.code = status, text, code

    @property
    def title(self) -> str:
        return TITLES[self.status]

    def __str__(self):
        code = f"\n\n{self.code}" if self.code else ""
        return f"{self.title}: {self.text}{code}"

    __repr__ = __str__

    def _repr_html_(self):
        colour = COLOURS[self.status]
        code = (f"<pre style='margin:4px 0 0 0;padding:4px 6px;background:rgba(128,128,128,0.12)'>"
                f"{escape(self.code)}</pre>") if self.code else ""
        return (f"<div style='border-left:4px solid {colour};padding:2px 8px;margin:2px 0'>"
                f"<span style='color:{colour};font-weight:bold'>{self.title}:</span> "
                f"{_inline(self.text)}{code}</div>")


class Result(Message):
    """What ``check()`` returns: ``bool(result)`` is whether the answer was right."""

    @property
    def ok(self) -> bool:
        return self.status == "correct"

    def __bool__(self):
        return self.ok


def correct(text: str = "") -> Result:
    return Result("correct", text or "well done.")


def incorrect(text: str) -> Result:
    return Result("incorrect", text)


def unanswered(text: str) -> Result:
    return Result("unanswered", text)


class Exercise:
    """One question. Subclasses set the texts and write ``_check``; students call the rest."""

    question: str = ""
    hints: list[str] = []
    solution_code: str = ""
    explanation: str = ""
    usage: str = "{name}.check(answer)"   # how to call check, shown when something is missing

    def __init__(self, name: str | None = None):
        self.name = name or type(self).__name__

    def check(self, *args, **kwargs) -> Result:
        """Is the answer right? A specific message for each common mistake."""
        usage = self.usage.format(name=self.name)
        if any(isinstance(a, Blank) for a in (*args, *kwargs.values())):
            return unanswered(f"replace ____ with your answer, then run the cell again "
                              f"(`{usage}`).")
        try:
            inspect.signature(self._check).bind(*args, **kwargs)
        except TypeError:
            return unanswered(f"give the whole answer: `{usage}`.")
        try:
            return self._check(*args, **kwargs)
        except (TypeError, ValueError, AttributeError) as exc:
            return incorrect(f"I could not read that answer ({exc}). Call it as `{usage}`.")

    def _check(self, *args, **kwargs) -> Result:
        raise NotImplementedError

    def hint(self, n: int = 1) -> Message:
        """Hint ``n`` (1 is gentlest; later ones give more away)."""
        if not self.hints:
            return Message("hint", "no hints for this one: try it!")
        n = max(1, min(n, len(self.hints)))
        more = f" (hint {n} of {len(self.hints)}; try hint({n + 1}) for more)" \
            if n < len(self.hints) else ""
        return Message("hint", self.hints[n - 1] + more)

    def solution(self) -> Message:
        """A worked answer and why it is the answer."""
        return Message("solution", self.explanation, self.solution_code or None)

    def __repr__(self):
        return f"{self.name}: {self.question}"

    def _repr_html_(self):
        return f"<b>{escape(self.name)}</b>: {_inline(self.question)}"


def _inline(text: str) -> str:
    """Escape text, rendering `backticks` as code (the only markup messages use)."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def as_text(answer) -> str | None:
    """A string answer, trimmed and lower-cased; None if it is not a string."""
    return answer.strip().lower() if isinstance(answer, str) else None


def as_number(answer) -> float | None:
    """A number, or a string holding one ("2048", "2048 MB"); None otherwise."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (int, float)):
        return answer
    if isinstance(answer, str):
        words = answer.replace(",", "").split()
        try:
            return float(words[0]) if words else None
        except ValueError:
            return None
    return None

"""What is installed here, and which parts of novalab are real and which are stand-ins.

novalab runs anywhere with in-memory stand-ins (``memory://`` queue, fake hypervisor) and
switches to the real thing where it is installed: RabbitMQ through pika, libvirt through
libvirt-python, a browser for the browser tests. This report says which is which on this
machine. It only looks (PATH, installed package metadata); it starts nothing, and always
exits 0.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import sys

NAME = "doctor"
HELP = "report what is installed and which parts of novalab are real"

# (distribution, import name, requirement) — mirrors pyproject.toml; tests/test_cmd.py checks it.
DEPENDENCIES = [
    ("sqlite-utils", "sqlite_utils", ">=3.36"),
    ("webob", "webob", ">=1.8"),
    ("jsonschema", "jsonschema", ">=4.17"),
    ("networkx", "networkx", ">=3.0"),
    ("plotly", "plotly", ">=5.20"),
    ("ipywidgets", "ipywidgets", ">=8.0"),
    ("anywidget", "anywidget", ">=0.9"),
    ("jupyterlab", "jupyterlab", ">=4.0"),
    ("rich", "rich", ">=13.0"),
    ("waitress", "waitress", ">=3.0"),
    ("cryptography", "cryptography", ">=41"),
]
EXTRAS = {
    "rabbit": [("pika", "pika", ">=1.3")],
    "libvirt": [("libvirt-python", "libvirt", ">=9.0")],
    "test": [("pytest", "pytest", ">=8.0"), ("pytest-xdist", "xdist", ">=3.5"),
             ("nbval", "nbval", ">=0.11"), ("hypothesis", "hypothesis", ">=6.100"),
             ("tempest", "tempest", ">=40.0"),
             ("python-openstackclient", "openstackclient", ">=7.0"),
             ("openstacksdk", "openstack", ">=4.0")],
}
# Program -> where Debian and Ubuntu put it when it is not on PATH (rabbitmq-server's package
# keeps its scripts in /usr/lib/rabbitmq/bin and links some into /usr/sbin).
PROGRAMS = {
    "rabbitmq-server": ["/usr/lib/rabbitmq/bin", "/usr/sbin"],
    "rabbitmqctl": ["/usr/lib/rabbitmq/bin", "/usr/sbin"],
    "qemu-system-x86_64": [],
    "chromium": [],
}
ALIASES = {"chromium": ["chromium", "chromium-browser"]}


def add_arguments(parser):
    parser.add_argument("--json", action="store_true", help="machine-readable report")
    parser.add_argument("--no-color", action="store_true", help="plain text")


def run(args) -> int:
    report = check()
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=False))
    else:
        show(report, no_color=args.no_color)
    return 0


# -- the checks ---------------------------------------------------------------------------------
def package(dist: str, module: str, requirement: str) -> dict:
    """Installed version (from metadata) and whether it imports (found on sys.path)."""
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        version = None
    try:
        importable = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        importable = False
    ok = version is not None and importable and _at_least(version, requirement.lstrip(">="))
    return {"version": version, "requires": requirement, "importable": importable, "ok": ok}


def _at_least(version: str, minimum: str) -> bool:
    def numbers(v):
        parts = []
        for piece in v.split("."):
            digits = "".join(c for c in piece if c.isdigit()) if piece[:1].isdigit() else ""
            if not digits:
                break
            parts.append(int(digits))
            if not piece.isdigit():
                break
        return tuple(parts)
    return numbers(version) >= numbers(minimum)


def program(name: str) -> str | None:
    for candidate in ALIASES.get(name, [name]):
        found = shutil.which(candidate)
        if found:
            return found
        for folder in PROGRAMS.get(name, []):
            path = os.path.join(folder, candidate)
            if os.access(path, os.X_OK):
                return path
    return None


def libvirt_importable() -> bool:
    """libvirt-python can be installed but fail to load libvirt.so; importing it is quick."""
    if importlib.util.find_spec("libvirt") is None:
        return False
    try:
        import libvirt  # noqa: F401
    except Exception:           # ImportError, or OSError from the shared library
        return False
    return True


def jupyter_kernels() -> list[str]:
    if importlib.util.find_spec("ipykernel") is None or importlib.util.find_spec("jupyter_client") is None:
        return []
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        return sorted(KernelSpecManager().find_kernel_specs())
    except Exception:
        return []


def check() -> dict:
    import novalab
    dependencies = {d: package(d, m, r) for d, m, r in DEPENDENCIES}
    extras = {extra: {d: package(d, m, r) for d, m, r in pkgs} for extra, pkgs in EXTRAS.items()}
    extras["libvirt"]["libvirt-python"]["importable"] = libvirt_importable()
    programs = {name: program(name) for name in PROGRAMS}
    kernels = jupyter_kernels()

    pika_ok = extras["rabbit"]["pika"]["importable"]
    rabbit_ok = pika_ok and programs["rabbitmq-server"] is not None
    libvirt_ok = extras["libvirt"]["libvirt-python"]["importable"]
    parts = {
        "queue": {
            "backend": "memory://",
            "real": "RabbitMQ (rabbit://)",
            "real_available": rabbit_ok,
            "why": "pika and rabbitmq-server found" if rabbit_ok else
                   "needs " + " and ".join(n for n, ok in (("pika", pika_ok), (
                       "rabbitmq-server", programs["rabbitmq-server"] is not None)) if not ok),
        },
        "database": {
            "backend": f"SQLite {sqlite3.sqlite_version} (in memory)",
            "real": "SQLite files (novalab up)",
            "real_available": dependencies["sqlite-utils"]["ok"],
            "why": "sqlite-utils installed" if dependencies["sqlite-utils"]["ok"] else
                   "needs sqlite-utils",
        },
        "hypervisor": {
            "backend": "fake",
            "real": "libvirt (test driver; QEMU on request)",
            "real_available": libvirt_ok,
            "why": ("libvirt-python imports" if libvirt_ok else "needs libvirt-python")
                   + ("; qemu-system-x86_64 found" if programs["qemu-system-x86_64"] else
                      "; no qemu-system-x86_64 for real VMs"),
        },
        "notebooks": {
            "backend": "jupyter kernel" if kernels else "none",
            "real": "JupyterLab",
            "real_available": bool(kernels) and dependencies["jupyterlab"]["ok"],
            "why": ("kernels: " + ", ".join(kernels)) if kernels else "no Jupyter kernel found",
        },
        "browser_tests": {
            "backend": "skipped" if programs["chromium"] is None else "chromium",
            "real": "chromium",
            "real_available": programs["chromium"] is not None,
            "why": programs["chromium"] or "no chromium on PATH",
        },
    }
    return {
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "novalab": {"version": novalab.__version__,
                    "path": os.path.dirname(os.path.abspath(novalab.__file__))},
        "dependencies": dependencies,
        "extras": extras,
        "programs": programs,
        "jupyter_kernels": kernels,
        "parts": parts,
    }


# -- the report ---------------------------------------------------------------------------------
def show(report: dict, no_color: bool = False):
    from rich.markup import escape
    from rich.table import Table
    from novalab.cmd import console as make_console

    out = make_console(no_color)
    yes, no = "[green]yes[/]", "[red]no[/]"
    out.print(escape(f"novalab {report['novalab']['version']} ({report['novalab']['path']}) on "
                     f"Python {report['python']['version']} ({report['python']['executable']})"))

    table = Table(title="Python packages", title_justify="left")
    for column in ("package", "group", "needs", "installed", "ok"):
        table.add_column(column)
    rows = [(d, "required", info) for d, info in report["dependencies"].items()]
    rows += [(d, extra, info) for extra, pkgs in report["extras"].items() for d, info in pkgs.items()]
    for dist, group, info in rows:
        table.add_row(dist, group, info["requires"], escape(info["version"] or "-"),
                      yes if info["ok"] else no)
    out.print(table)

    table = Table(title="Programs", title_justify="left")
    table.add_column("program")
    table.add_column("found at")
    for name, path in report["programs"].items():
        table.add_row(name, escape(path) if path else "[red]not found[/]")
    out.print(table)

    table = Table(title="Parts of novalab", title_justify="left")
    for column in ("part", "uses now", "the real one", "available here"):
        table.add_column(column)
    for part, info in report["parts"].items():
        verdict = "yes" if info["real_available"] else "no"
        style = "green" if info["real_available"] else "red"
        table.add_row(part, escape(info["backend"]), escape(info["real"]),
                      f"[{style}]{verdict}[/]: {escape(info['why'])}")
    out.print(table)

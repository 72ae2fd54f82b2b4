"""Run every benchmark and write benchmarks/results.md.

Each benchmark module has ``run(quick: bool) -> list[Result]``. Heavy runs happen in a child
process so peak memory and cold imports are measured honestly. ``python -m benchmarks --quick``
uses smaller sizes (for a smoke test); the figures in results.md come from the full run.
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

from benchmarks import bench_cloud, bench_up

MODULES = [bench_cloud, bench_up]
RESULTS = Path(__file__).with_name("results.md")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--quick", action="store_true", help="small sizes, no results.md")
    parser.add_argument("--only", metavar="NAME", help="run one module, e.g. bench_cloud")
    args = parser.parse_args(argv)
    rows = []
    for module in MODULES:
        if args.only and not module.__name__.endswith(args.only):
            continue
        print(f"== {module.__name__}", flush=True)
        for result in module.run(quick=args.quick):
            print("  " + result.line(), flush=True)
            rows.append(result)
    if not args.quick:
        RESULTS.write_text(render(rows))
        print(f"wrote {RESULTS}")
    return 0 if all(r.ok is not False for r in rows) else 1


def render(rows) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# novalab benchmark results", "",
             f"Measured {now} on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()} ({sys.implementation.name}). "
             "Ratios to a kernel step cancel most machine noise; absolute times are this machine's.",
             "", "| benchmark | figure | target | met |", "|---|---|---|---|"]
    for r in rows:
        met = {True: "yes", False: "**no**", None: "—"}[r.ok]
        lines.append(f"| {r.name} | {r.figure} | {r.target or '—'} | {met} |")
    notes = [r for r in rows if r.note]
    if notes:
        lines += ["", "## Notes", ""] + [f"- **{r.name}**: {r.note}" for r in notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

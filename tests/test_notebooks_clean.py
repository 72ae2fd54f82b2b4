"""Notebooks are committed clean: no outputs, no execution counts, no widget state.

Outputs in git make every run a diff, hide whether the notebook still runs, and can carry
megabytes of plotly.js; widget state is stale the moment it is saved. CI executes every notebook
(nbval), so nothing is lost by keeping them clean.
"""
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def problems(nb) -> list[str]:
    """Everything that makes a notebook dirty, one line each (empty when clean)."""
    found = []
    if "widgets" in nb.metadata:
        found.append("notebook metadata holds widget state ('widgets')")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec name is {kernel!r}, not 'python3'")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            if cell.get("outputs") or cell.get("execution_count") is not None:
                found.append(f"cell {i} ({cell.cell_type}) carries outputs")
            continue
        if cell.get("outputs"):
            found.append(f"cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            found.append(f"cell {i} has execution_count {cell.execution_count}")
        if "widgets" in cell.get("metadata", {}) or "execution" in cell.get("metadata", {}):
            found.append(f"cell {i} metadata holds run state")
    return found


def test_the_first_chapters_exist():
    names = {p.stem for p in NOTEBOOKS}
    assert {"00-welcome", "01-big-picture"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs_or_widget_state(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert problems(nb) == [], f"{path.name}: clear outputs before committing"


KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"}}


def test_a_dirty_notebook_is_caught():
    nb = nbformat.v4.new_notebook(metadata=dict(KERNEL))
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    cell.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                           execution_count=3)]
    nb.cells.append(cell)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    assert problems(nb) == ["notebook metadata holds widget state ('widgets')",
                            "cell 0 has 1 output(s)", "cell 0 has execution_count 3"]
    clean = nbformat.v4.new_notebook(metadata=dict(KERNEL),
                                     cells=[nbformat.v4.new_code_cell("1 + 1")])
    assert problems(clean) == []

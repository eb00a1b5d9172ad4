"""The lesson notebooks of notebooks/: stored clean, and every cell runs.

Each notebook is executed top to bottom with nbclient in a temporary folder
(a broken cell fails the suite), with a time limit per cell. Skipped with a
one-line reason where nbclient is not installed; it is in the ``dev`` extra,
so ``make test`` has it.
"""

import json
import os
from pathlib import Path

import pytest
from optional_tools import require_module

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSONS = ["01_gradient_descent", "02_gabor_minima_saddles", "03_sgd_batches_epochs",
           "04_momentum_nesterov", "05_adam_schedules", "06_chain_rule_toy_model",
           "07_gradient_checking"]
CELL_TIMEOUT = 120          # seconds per cell: a hang fails instead of stalling the suite


def test_every_lesson_has_a_notebook():
    assert [p.stem for p in NOTEBOOKS] == LESSONS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["nbformat"] == 4
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a lesson has code"
    assert any(c["cell_type"] == "markdown" for c in nb["cells"]), "a lesson has text"
    for c in code:
        assert c["outputs"] == [], f"stored outputs in {path.name}: {c['source'][:60]!r}"
        assert c["execution_count"] is None, f"execution count stored in {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    nbformat = require_module("nbformat")
    nbclient = require_module("nbclient")
    require_module("ipykernel")
    nb = nbformat.read(path, as_version=4)
    # The kernel imports this checkout's minigrad, whatever is installed.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3",     # `python` in its spec is this one
        resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


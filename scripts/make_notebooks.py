"""Write the lesson notebooks of notebooks/ from the cells listed in
scripts/notebook_cells.py, with nbformat v4 and without outputs.

Run: ``python scripts/make_notebooks.py`` (rewrites every notebook). The
notebooks are stored without outputs and execution counts; the test suite
(tests/docs/test_notebooks.py) runs them and the docs build renders them with
their outputs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from notebook_cells import LESSONS  # noqa: E402  (the cells live beside this script)

OUT = HERE.parent / "notebooks"


def cell(kind, text):
    text = text.strip("\n")
    if kind == "md":
        return nbformat.v4.new_markdown_cell(text)
    return nbformat.v4.new_code_cell(text)


def build(cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [cell(kind, text) for kind, text in cells]
    for k, c in enumerate(nb.cells):
        c["id"] = f"cell-{k:02d}"          # stable ids: regenerating changes nothing
    nbformat.validate(nb)
    return nb


def main():
    OUT.mkdir(exist_ok=True)
    for name, cells in LESSONS.items():
        path = OUT / f"{name}.ipynb"
        nbformat.write(build(cells), path)
        print(f"wrote {path.relative_to(HERE.parent)} ({len(cells)} cells)")


if __name__ == "__main__":
    main()

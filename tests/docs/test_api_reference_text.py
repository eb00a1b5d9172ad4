"""The API reference is rendered by mkdocstrings, which shows Sphinx roles
(:func:`x`) as literal text: docstrings use its cross-reference syntax instead,
and classes show their constructor signature."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROLE = re.compile(r":(?:func|mod|class|meth|attr|data|exc|obj|ref):`")


def test_no_sphinx_roles_in_docstrings():
    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "minigrad").rglob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1) if ROLE.search(line)]
    assert not found, f"Sphinx roles (shown as text by mkdocstrings): {found[:10]}"


def test_cross_references_name_real_objects():
    """Every [`text`][minigrad.path] in a docstring names an importable object."""
    import importlib
    link = re.compile(r"\]\[(minigrad(?:\.\w+)*)\]")
    for p in sorted((ROOT / "minigrad").rglob("*.py")):
        for target in link.findall(p.read_text()):
            parts = target.split(".")
            for k in range(len(parts), 0, -1):
                try:
                    obj = importlib.import_module(".".join(parts[:k]))
                    break
                except ImportError:
                    continue
            for name in parts[k:]:
                assert hasattr(obj, name), f"{p.relative_to(ROOT)}: no {target}"
                obj = getattr(obj, name)


def test_classes_show_their_constructor():
    config = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"^\s+merge_init_into_class: true", config, re.M)
    assert re.search(r"^\s+separate_signature: true", config, re.M)

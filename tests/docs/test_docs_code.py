"""The documentation site stays consistent with the code.

The code on the pages is run elsewhere: pytest collects every ``docs/**/*.md``
as a doctest (``--doctest-glob=*.md``), so each ``>>>`` example must print
what the page says.  This file checks what doctest cannot see:

* every Python block on the site's own pages (``CHECKED``: home, getting
  started, tutorials, how-to guides, exercises, reference, the chapter-6
  gallery) is either a doctest or explicitly marked as an illustration (first
  line ``# illustration``), so no untested code hides in them;
* every page in the ``mkdocs.yml`` nav exists, and every page is in the nav;
* every ``::: module`` of the API reference names an importable object;
* every image a page embeds exists.
"""

import importlib
import importlib.util
import re
from pathlib import Path

import pytest

import minigrad as mg

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
CHECKED = [p for p in PAGES if p.relative_to(DOCS).parts[0] in
           ("index.md", "getting-started.md", "tutorials", "how-to", "exercises", "reference",
            "chapter6", "problems")]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def rel(page):
    return page.relative_to(DOCS).as_posix()


def nav_pages():
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text.split("\nnav:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"([\w./-]+\.md)\s*$", nav, flags=re.M)


@pytest.mark.parametrize("page", CHECKED, ids=rel)
def test_python_blocks_are_doctests_or_marked(page):
    for lang, body in FENCE.findall(page.read_text()):
        if lang not in ("python", "py", "pycon"):
            continue
        first = body.lstrip().splitlines()[0] if body.strip() else ""
        assert first.startswith(">>>") or first.startswith("# illustration"), (
            f"{rel(page)}: a python block that is neither a doctest (>>>) nor marked "
            f"'# illustration':\n{body[:200]}")
        if first.startswith(">>>"):
            assert body.endswith("\n\n"), (
                f"{rel(page)}: end a doctest block with an empty line before the closing "
                f"fence, or doctest reads the fence as expected output:\n{body[-200:]}")


def test_nav_pages_exist_and_every_page_is_in_the_nav():
    listed = nav_pages()
    missing = [p for p in listed if not (DOCS / p).exists()]
    assert not missing, f"mkdocs.yml lists pages that do not exist: {missing}"
    unlisted = sorted(set(map(rel, PAGES)) - set(listed))
    assert not unlisted, f"pages missing from the nav in mkdocs.yml: {unlisted}"


@pytest.mark.parametrize("page", sorted((DOCS / "reference").glob("*.md")), ids=rel)
def test_api_reference_targets_import(page):
    for target in re.findall(r"^::: ([\w.]+)", page.read_text(), flags=re.M):
        module, _, attr = target.rpartition(".")
        try:
            importlib.import_module(target)
        except ModuleNotFoundError:
            assert hasattr(importlib.import_module(module), attr), target


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_embedded_images_exist(page):
    for src in re.findall(r"!\[[^\]]*\]\(([^)\s]+\.(?:png|svg))\)", page.read_text()):
        if "://" not in src:
            assert (page.parent / src).resolve().exists(), f"{rel(page)}: missing {src}"


def test_the_operations_table_lists_every_registered_op():
    path = ROOT / "scripts" / "operations_table.py"
    spec = importlib.util.spec_from_file_location("operations_table", path)
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    table = hooks.operations_table()
    for name, op in mg.REGISTRY.items():
        assert f"| {name} |" in table
        for rule in op.rules or ():
            if rule:
                assert f"`{rule}`" in table
    page = (ROOT / "docs" / "reference" / "minigrad.md").read_text()
    assert hooks.OPERATIONS_MARKER in page

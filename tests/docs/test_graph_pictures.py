"""The graph pictures of the docs are readable at column width: SVG, drawn top to
bottom when the chain is long, and each a link to itself (click to enlarge)."""

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = ["graph.md", "tutorials/autodiff-from-scratch.md"]
GRAPH = re.compile(r"(\[)?!\[[^\]]*\]\(([^)\s]*img/(?:backprop_toy|draw_mlp)[^)\s]*)\)"
                   r"(\]\(([^)]*)\))?")


@pytest.mark.parametrize("page", PAGES)
def test_graph_pictures_are_svg_links_to_themselves(page):
    found = GRAPH.findall((DOCS / page).read_text())
    assert found, f"{page} shows no graph picture"
    for opening, src, _, target in found:
        assert src.endswith(".svg"), f"{page}: {src} should be an SVG"
        assert opening and target == src, f"{page}: {src} should link to itself (to enlarge)"
        assert (DOCS / page).parent.joinpath(src).resolve().exists()


@pytest.mark.parametrize("name", ["backprop_toy.svg", "backprop_toy_path.svg"])
def test_long_chain_is_drawn_top_to_bottom(name):
    head = (DOCS / "img" / name).read_text()[:1000]
    width, height = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                                  head).groups())
    assert height > 2 * width            # a column-width picture, not a 3000-px-wide strip


def test_every_page_uses_an_svg_graph_picture_that_exists():
    unused = [p.name for p in (DOCS / "img").glob("*.svg")
              if not any(p.name in q.read_text() for q in DOCS.rglob("*.md"))]
    assert not unused, f"SVG pictures no page shows: {unused}"

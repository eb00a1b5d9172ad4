"""Rendering a drawing with Graphviz's `dot` program (skipped without it)."""

import numpy as np
import pytest
from graph_toys import label_of, node_lines, scalar, toy
from optional_tools import require_dot

import minigrad as mg


@pytest.mark.parametrize("fmt, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_render_with_the_real_binary(tmp_path, fmt, magic):
    require_dot()
    _, loss = toy()
    loss.backward()
    path = mg.draw(loss).render(tmp_path / "toy", format=fmt)
    data = open(path, "rb").read()
    assert magic in data[:400] and len(data) > 1000
    if fmt == "svg":
        assert "omega0" in data.decode() and "0.3342" in data.decode()


def test_jupyter_shows_svg():
    require_dot()
    x = scalar(1.0, "x")
    bundle = mg.draw(mg.sin(x))._repr_mimebundle_()
    assert "<svg" in bundle["image/svg+xml"]


def test_create_graph_gradient_is_drawable():
    require_dot()
    x = scalar(1.5, "x")
    y = x ** 3
    y.backward(create_graph=True)
    assert isinstance(x.grad, mg.Tensor)
    g = mg.draw(y)                              # d y/dx = 3x², from the observed pass
    assert f"{3 * 1.5 ** 2:.4g}" in label_of(g, "x")
    dg = mg.draw(x.grad)                        # the derivative's own graph
    assert "<B>x</B>" in dg.source and len(node_lines(dg.source)) > 3
    assert f"{6 * 1.5:.4g}" in label_of(dg, "x")     # d(3x²)/dx = 6x
    assert dg.pipe(format="svg")[:5]
    ledger = mg.explain(x.grad)
    assert np.isclose(ledger.grad(x), 6 * 1.5)


@pytest.mark.parametrize("call", ["positional", "outfile"])
def test_render_leaves_only_the_picture(tmp_path, call):
    """render(path, format="png") used to leave the DOT source beside the PNG."""
    require_dot()
    _, loss = toy()
    g = mg.draw(loss)
    if call == "positional":
        g.render(tmp_path / "toy", format="png")
    else:
        g.render(outfile=tmp_path / "toy.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.png"]


def test_render_keeps_the_dot_file_when_asked(tmp_path):
    require_dot()
    mg.draw(mg.sin(scalar(1.0, "x"))).render(tmp_path / "g", format="svg", cleanup=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g", "g.svg"]

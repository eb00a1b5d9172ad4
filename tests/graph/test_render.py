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

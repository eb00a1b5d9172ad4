"""mg.draw: the DOT structure, labels, options, scopes and the gradients it shows."""

import re

import graphviz
import numpy as np
import pytest
from graph_toys import (
    edge_label,
    edge_lines,
    every_tensor,
    label_of,
    mlp,
    node_lines,
    scalar,
    shown_grad,
    toy,
)

import minigrad as mg


# ----------------------------------------------------------------- structure
def test_counts_of_nodes_and_edges():
    x = scalar(0.5, "x")
    w = scalar(2.0, "w")
    out = mg.sin(w * x)                     # tensors x, w, t, out; ops mul, sin
    out.name = "out"
    g = mg.draw(out)
    nodes, edges = node_lines(g.source), edge_lines(g.source)
    assert len(nodes) == 4 + 2
    assert len(edges) == 2 + 1 + 1 + 1      # x,w -> mul -> t1 -> sin -> out
    assert set(g.tensor_ids) == {"x", "w", "t1", "out"}


def test_labels_show_names_values_and_grads():
    x = scalar(1.0, "x")
    out = mg.sin(x)
    out.name = "out"
    before = mg.draw(out)
    assert "<B>x</B>" in label_of(before, "x")
    assert ">grad<" not in before.source                        # no backward yet
    out.backward()
    g = mg.draw(out)
    x_label = label_of(g, "x")
    assert "<B>x</B>" in x_label and ">1<" in x_label            # name and value
    assert "grad" in x_label and "0.5403" in x_label             # gradient cos(1)
    assert "0.8415" in label_of(g, "out")                        # value sin(1)
    assert edge_label(g, "x", out._seq) == "0.5403"              # local derivative
    hidden = mg.draw(out, show_values=False)
    assert "value" not in hidden.source and "0.5403" in hidden.source


def test_edge_labels_are_local_derivatives_from_the_vjps():
    _, loss = toy()
    loss.backward()
    g = mg.draw(loss)
    h1 = next(t for t in every_tensor(loss) if t.name == "h1")
    f0 = h1._args[0]
    # d sin(f0)/d f0 = cos(f0), from the VJP with g = 1
    assert edge_label(g, "t2" if f0.name is None else f0.name, h1._seq) == \
        f"{np.cos(f0.item()):.4g}"
    # mul: d(omega0 * x)/d omega0 = x = 2.3
    t1 = f0._args[1]
    assert edge_label(g, "omega0", t1._seq) == "2.3"


def test_array_edges_carry_rules():
    X = mg.tensor(np.ones((3, 2)), name="X")
    W = mg.tensor(np.ones((2, 4)), requires_grad=True, name="W")
    out = (X @ W).sum()
    src = mg.draw(out).source
    assert "Xᵀ @ g" in src                   # matmul's rule for W, with X's name
    assert "copy g to\\nevery summed" in src  # sum's rule, wrapped onto lines


def test_reuse_shows_the_sum_of_contributions():
    x = scalar(1.0, "x")
    out = mg.sin(x) + x * 3.0               # x feeds two ops
    out.name = "out"
    out.backward()
    label = label_of(mg.draw(out), "x")
    assert f"= 3 + {np.cos(1.0):.4g}" in label          # mul's contribution arrives first
    assert f"{np.cos(1.0) + 3:.4g}" in label


def test_constant_nodes_and_leaf_root():
    x = scalar(3.0, "x")
    assert len(node_lines(mg.draw(x).source)) == 1
    out = x ** 2
    src = mg.draw(out).source
    assert re.search(r"c\d+_1 \[label=2 ", src)


# ---------------------------------------------- the gradients come from the pass
def test_draw_changes_nothing():
    p, loss = toy()
    mg.draw(loss)
    assert all(v.grad is None for v in p.values())
    loss.backward()
    grads = {k: v.grad.copy() for k, v in p.items()}
    mg.draw(loss, color_by_grad=True, highlight=p["omega0"])
    mg.explain(loss)
    for k, v in p.items():
        assert np.array_equal(v.grad, grads[k])
    interior = [t for t in every_tensor(loss) if t._op is not None]
    assert all(t.grad is None for t in interior)


def test_after_two_backward_calls_the_box_shows_this_roots_gradient():
    x = scalar(1.0, "x")
    out = mg.sin(x) + x * 3.0
    out.name = "out"
    out.backward()
    out.backward()                          # x.grad now holds twice d out/dx
    (expected,) = mg.autograd.grad(out, x)
    assert np.isclose(x.grad, 2 * expected)
    value, parts = shown_grad(mg.draw(out), "x")
    assert value == pytest.approx(expected, rel=1e-3)
    assert value != pytest.approx(x.grad.item(), rel=1e-3)     # not the stored .grad
    assert parts == pytest.approx([3.0, np.cos(1.0)], rel=1e-3)
    assert sum(parts) == pytest.approx(value, rel=1e-3)


def test_drawing_a_create_graph_gradient_shows_its_own_derivative():
    x = scalar(0.7, "x")
    y = x * mg.sin(x)
    y.backward(create_graph=True)           # x.grad = sin x + x cos x, a tensor
    dy = x.grad
    (expected,) = mg.autograd.grad(dy, x)   # 2 cos x - x sin x
    assert np.isclose(expected, 2 * np.cos(0.7) - 0.7 * np.sin(0.7))
    value, parts = shown_grad(mg.draw(dy), "x")
    assert value == pytest.approx(expected, rel=1e-3)
    assert value != pytest.approx(dy.item(), rel=1e-3)         # not the stored .grad
    assert len(parts) > 1                   # x is used several times in dy's graph
    assert sum(parts) == pytest.approx(value, rel=1e-3)


def test_a_root_with_many_elements_needs_a_gradient_to_show_gradients():
    x = mg.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = x * 3.0
    y.name = "y"
    y.backward(np.ones(2))
    quiet = mg.draw(y)
    assert ">grad<" not in quiet.source and "pass gradient=" in quiet.source
    seeded = mg.draw(y, gradient=np.array([1.0, -1.0]))
    assert "[3, -3]" in label_of(seeded, "x")
    with pytest.raises(mg.BackwardError, match=r"\(2,\)"):
        mg.draw(y, show_grads=True)
    with pytest.raises(mg.BackwardError, match=r"\(3,\)"):
        mg.draw(y, gradient=np.ones(3))


# ------------------------------------------------------------------- options
def test_options_rankdir_highlight_color():
    p, loss = toy()
    loss.backward()
    assert "rankdir=TB" in mg.draw(loss, rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir"):
        mg.draw(loss, rankdir="up")
    g = mg.draw(loss, highlight=p["omega0"])
    red_edges = [e for e in edge_lines(g.source) if "#dc2626" in e]
    assert len(red_edges) >= 2 * 9                 # omega0 -> ... -> loss, every hop
    assert "#dc2626" not in label_of(g, "beta3")   # off the path
    assert "#dc2626" in label_of(g, "omega0")
    with pytest.raises(ValueError, match="not part of this graph"):
        mg.draw(loss, highlight=scalar(1.0, "stranger"))
    colored = mg.draw(loss, color_by_grad=True).source
    assert "BGCOLOR=\"#fd9a4e\"" in colored        # the largest gradient, darkest


def test_missing_binary_gives_install_advice(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    x = scalar(1.0, "x")
    g = mg.draw(mg.sin(x))
    assert "digraph" in g.source                     # the DOT text needs nothing
    assert isinstance(g, graphviz.Digraph)
    with pytest.raises(mg.GraphvizNotFoundError, match="apt-get install graphviz") as info:
        g.render(tmp_path / "g", format="png")
    assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    with pytest.raises(mg.GraphvizNotFoundError):
        g.pipe(format="svg")
    assert "install" in g._repr_mimebundle_()["text/plain"]


# -------------------------------------------------------- scopes and limits
def test_collapse_scopes():
    loss = mlp()
    loss.backward()
    full = mg.draw(loss)
    assert "cluster_" in full.source and "layer1" in full.source
    inner = mg.draw(loss, collapse=["layer1", "layer2"])
    outer = mg.draw(loss, collapse=True)
    n_full, n_inner, n_outer = (len(node_lines(g.source)) for g in (full, inner, outer))
    assert n_outer < n_inner < n_full
    assert "W1 (2, 3)" in inner.source and "grad ‖·‖" in inner.source   # parameters listed
    assert "W1" not in inner.tensor_ids and "X" in inner.tensor_ids
    assert "model" in outer.source and "layer1" not in outer.source
    assert "3 ops: matmul, add, relu" in inner.source
    only2 = mg.draw(loss, collapse="layer2").source
    assert "1 op: matmul" in only2 and 'label="@"' in only2     # layer1's matmul still drawn


def test_max_nodes_error_says_how_to_collapse():
    x = scalar(0.1, "x")
    y = x
    for _ in range(150):
        y = mg.sin(y)
    with pytest.raises(ValueError, match=r"301 nodes.*max_nodes=200.*mg\.scope") as info:
        mg.draw(y)
    assert "collapse=True" in str(info.value)
    assert len(node_lines(mg.draw(y, max_nodes=None).source)) == 301
    z = scalar(0.1, "z")
    with mg.scope("chain"):
        for _ in range(150):
            z = mg.sin(z)
    with pytest.raises(ValueError, match="'chain'"):
        mg.draw(z)
    # z is used only inside the scope, so it is listed in the scope's node
    assert len(node_lines(mg.draw(z, collapse=True).source)) == 2   # chain, output


def test_deep_graph_no_recursion():
    x = scalar(0.5, "x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    g = mg.draw(y, max_nodes=None)
    assert g.source.count("->") == 3 * 5000
    assert shown_grad(g, "x")[0] == 1.0

"""mg.draw, mg.explain and mg.scope: DOT structure, rendering, the ledger."""

import re

import graphviz
import numpy as np
import pytest
from optional_tools import require_dot

import minigrad as mg
from minigrad.graph import GraphvizNotFoundError


def scalar(value, name, requires_grad=True):
    return mg.tensor(value, requires_grad=requires_grad, name=name)


def toy():
    """Chapter 7's toy model and its least-squares loss at one data point."""
    p = {k: scalar(v, k) for k, v in dict(beta0=1.0, beta1=2.0, beta2=-3.0, beta3=0.4,
                                          omega0=0.1, omega1=-0.4, omega2=2.0,
                                          omega3=3.0).items()}
    x, y = mg.tensor(2.3, name="x"), mg.tensor(2.0, name="y")
    f0 = p["beta0"] + p["omega0"] * x
    h1 = mg.sin(f0)
    h1.name = "h1"
    f3 = p["beta3"] + p["omega3"] * mg.cos(
        p["beta2"] + p["omega2"] * mg.exp(p["beta1"] + p["omega1"] * h1))
    loss = (f3 - y) ** 2
    loss.name = "loss"
    return p, loss


def node_lines(source):
    return [line for line in source.splitlines()
            if re.match(r"\s*\w+ \[", line) and line.split()[0] not in ("graph", "node", "edge")]


def edge_lines(source):
    return [line for line in source.splitlines() if "->" in line]


def label_of(graph, name):
    node_id = graph.tensor_ids[name]
    return next(line for line in graph.source.splitlines()
                if line.strip().startswith(f"{node_id} ["))


def edge_label(graph, src_name, op_output_seq):
    src = graph.tensor_ids[src_name]
    for line in edge_lines(graph.source):
        if line.strip().startswith(f"{src} -> op{op_output_seq} "):
            m = re.search(r'label="?([^" ]+)', line)
            return m.group(1) if m else None
    raise AssertionError(f"no edge {src_name} -> op{op_output_seq}")


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
    h1 = next(t for t in _all(loss) if t.name == "h1")
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


def _all(root):
    seen, stack, out = {id(root)}, [root], []
    while stack:
        t = stack.pop()
        out.append(t)
        for a in t.parents:
            if id(a) not in seen:
                seen.add(id(a))
                stack.append(a)
    return out


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
    interior = [t for t in _all(loss) if t._op is not None]
    assert all(t.grad is None for t in interior)


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


def test_constant_nodes_and_leaf_root():
    x = scalar(3.0, "x")
    assert len(node_lines(mg.draw(x).source)) == 1
    out = x ** 2
    src = mg.draw(out).source
    assert re.search(r"c\d+_1 \[label=2 ", src)


# ----------------------------------------------------------------- rendering
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


def test_missing_binary_gives_install_advice(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "")
    x = scalar(1.0, "x")
    g = mg.draw(mg.sin(x))
    assert "digraph" in g.source                     # the DOT text needs nothing
    assert isinstance(g, graphviz.Digraph)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as info:
        g.render(tmp_path / "g", format="png")
    assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    with pytest.raises(GraphvizNotFoundError):
        g.pipe(format="svg")
    assert "install" in g._repr_mimebundle_()["text/plain"]


# -------------------------------------------------------------------- ledger
def test_every_ledger_entry_matches_the_engine():
    p, loss = toy()
    ledger = mg.explain(loss)
    tensors = {id(e.tensor): e.tensor for e in ledger}
    wanted = list(tensors.values())
    engine = mg.autograd.grad(loss, wanted)
    final = {}
    for e in ledger:
        final[id(e.tensor)] = e.total
    for t, g in zip(wanted, engine):
        assert np.array_equal(final[id(t)], g)
        assert np.array_equal(ledger.grad(t), g)
    for e in ledger:                                 # product = incoming * local
        assert np.isclose(e.product.item(), e.incoming.item() * e.local)
    loss.backward()
    for v in p.values():
        assert np.array_equal(ledger.grad(v), v.grad)


def test_ledger_follows_the_backward_order():
    _, loss = toy()
    ledger = mg.explain(loss)
    seqs = [e.node._seq for e in ledger]
    assert seqs == sorted(seqs, reverse=True)         # newest node first, like the engine
    assert ledger[0].output == "loss" and ledger[-1].target == "omega0"
    text = str(ledger)
    assert "h1.grad" in text and "cos(" in text
    assert text.splitlines()[0].startswith("Backward pass from loss")


def test_ledger_line_format_and_reuse():
    x = scalar(1.0, "x")
    out = mg.sin(x)
    out.name = "out"
    assert str(mg.explain(out)[0]) == "x.grad += out.grad * cos(x) = 1 * 0.5403 = 0.5403"
    twice = mg.sin(x) + x * 3.0
    ledger = mg.explain(twice)
    xs = [e for e in ledger if e.target == "x"]
    assert [e.count for e in xs] == [1, 2]
    assert np.isclose(xs[-1].total, np.cos(1.0) + 3.0)
    assert f"x.grad = 3 + {np.cos(1.0):.4g} = {np.cos(1.0) + 3:.4g}" in str(ledger)


def test_ledger_for_arrays_shows_shapes_and_norms():
    X = mg.tensor(np.arange(6.0).reshape(3, 2), name="X")
    W = mg.tensor(np.ones((2, 4)), requires_grad=True, name="W")
    out = mg.tanh(X @ W).sum()
    ledger = mg.explain(out)
    line = str([e for e in ledger if e.target == "W"][0])
    assert "Xᵀ @ t" in line and "(2, 4) ‖·‖" in line
    assert np.allclose(ledger.grad(W), mg.autograd.grad(out, W)[0])
    with pytest.raises(mg.BackwardError, match="grad="):
        mg.explain(X @ W)
    seeded = mg.explain(X @ W, grad=np.ones((3, 4)))
    assert np.allclose(seeded.grad(W), X.data.T @ np.ones((3, 4)))


# -------------------------------------------------------- scopes and limits
def mlp():
    rng = np.random.default_rng(0)
    X = mg.tensor(rng.standard_normal((5, 2)), name="X")
    W1 = mg.tensor(rng.standard_normal((2, 3)), requires_grad=True, name="W1")
    b1 = mg.tensor(np.zeros(3), requires_grad=True, name="b1")
    W2 = mg.tensor(rng.standard_normal((3, 1)), requires_grad=True, name="W2")
    with mg.scope("model"):
        with mg.scope("layer1"):
            h = mg.relu(X @ W1 + b1)
        with mg.scope("layer2"):
            out = h @ W2
    loss = (out ** 2).sum()
    return loss


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
    ledger = mg.explain(y)
    assert len(ledger) == 5000 and ledger.grad(x) == 1.0
    assert mg.draw(y, max_nodes=None).source.count("->") == 3 * 5000


def test_create_graph_gradient_is_drawable():
    require_dot()
    x = scalar(1.5, "x")
    y = x ** 3
    y.backward(create_graph=True)
    assert isinstance(x.grad, mg.Tensor)
    g = mg.draw(y)                              # x.grad is a tensor: its value is shown
    assert f"{3 * 1.5 ** 2:.4g}" in label_of(g, "x")
    dg = mg.draw(x.grad)                        # the derivative's own graph
    assert "<B>x</B>" in dg.source and len(node_lines(dg.source)) > 3
    assert dg.pipe(format="svg")[:5]
    ledger = mg.explain(x.grad)                 # d(3x²)/dx = 6x
    assert np.isclose(ledger.grad(x), 6 * 1.5)

"""What a learner reads in the drawing's legend and in the ledger."""

import numpy as np
from graph_toys import scalar

import minigrad as mg


def _caption(g):
    return [line for line in g.source.splitlines() if "edge labels" in line][0]


def test_matmul_label_and_legend_agree():
    """A matmul edge shows ``g @ Wᵀ``, which is not a local derivative: the
    legend says what such a label is."""
    X = mg.tensor(np.ones((3, 2)), name="X")
    W = mg.tensor(np.ones((2, 4)), requires_grad=True, name="W")
    g = mg.draw((X @ W).sum())
    assert "Xᵀ @ g" in g.source
    caption = _caption(g)
    assert "local derivative" in caption
    assert "a label with g" in caption and "what the input receives" in caption


def test_scalar_graph_legend_has_no_vjp_line():
    x = scalar(1.0, "x")
    caption = _caption(mg.draw(mg.sin(x) * 2.0))
    assert "local derivative" in caption and "a label with g" not in caption


def test_ledger_writes_out_small_arrays():
    W = mg.tensor(np.array([0.5, -1.5]), requires_grad=True, name="W")
    text = str(mg.explain((W * 2.0).sum()))
    assert "W.grad  += t1.grad * 2 : [1, 1] -> [2, 2]" in text
    assert "W.grad  = [2, 2]" in text and "‖·‖" not in text


def test_ledger_writes_out_a_matrix_of_six_and_summarises_seven():
    A = mg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, name="A")
    assert "A.grad  = [[2, 2, 2], [2, 2, 2]]" in str(mg.explain((A * 2.0).sum()))
    B = mg.tensor(np.ones(7), requires_grad=True, name="B")
    assert "B.grad  = (7,) ‖·‖" in str(mg.explain((B * 2.0).sum()))


def test_explain_under_no_grad_says_why():
    x = scalar(1.0, "x")
    with mg.no_grad():
        y = mg.sin(x)
    text = str(mg.explain(y))
    assert text.startswith("Nothing to explain: no operation was recorded for t1")
    assert "mg.no_grad()" in text and "requires_grad=True" in text


def test_explain_of_a_leaf_says_why():
    x = scalar(1.0, "x")
    assert "x is a leaf" in str(mg.explain(x))

"""mg.explain: the ledger equals the engine's gradients, in the engine's order."""

import numpy as np
import pytest
from graph_toys import scalar, toy

import minigrad as mg


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


def test_the_ledger_ignores_gradients_already_stored():
    p, loss = toy()
    loss.backward()
    loss.backward()                                  # every .grad is now doubled
    ledger = mg.explain(loss)
    for v in p.values():
        assert np.allclose(2 * ledger.grad(v), v.grad)
    assert ledger.grad(loss) == 1.0                  # the root's gradient is the seed


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
    # The seed's checks are the engine's own (autograd.seed_gradient).
    with pytest.raises(mg.BackwardError, match=r"\(3, 4\)"):
        mg.explain(X @ W)
    with pytest.raises(mg.BackwardError, match=r"\(2, 2\)"):
        mg.explain(X @ W, gradient=np.ones((2, 2)))
    seeded = mg.explain(X @ W, gradient=np.ones((3, 4)))
    assert np.allclose(seeded.grad(W), X.data.T @ np.ones((3, 4)))
    assert W.grad is None


def test_deep_ledger_no_recursion():
    x = scalar(0.5, "x")
    y = x
    for _ in range(5000):
        y = y * 1.0
    ledger = mg.explain(y)
    assert len(ledger) == 5000 and ledger.grad(x) == 1.0


def test_explain_needs_a_tensor():
    with pytest.raises(TypeError, match="needs a Tensor"):
        mg.explain(1.0)

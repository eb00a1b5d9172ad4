"""minigrad.graph.trace: the engine's backward pass, observed, not replayed."""

import numpy as np
from graph_toys import every_tensor, scalar, toy

import minigrad as mg
from minigrad import autograd
from minigrad.graph import trace


def test_draw_and_explain_observe_the_one_engine_pass(monkeypatch):
    calls = []
    real = autograd.run_backward

    def spy(roots, seeds, create_graph=False, wanted=None, observer=None):
        calls.append((wanted, observer is not None))
        return real(roots, seeds, create_graph, wanted, observer)

    monkeypatch.setattr(trace, "run_backward", spy)
    _, loss = toy()
    mg.explain(loss)
    loss.backward()                              # the engine's own call, not the spy
    mg.draw(loss)
    assert calls == [({}, True), ({}, True)]     # one observed pass each, nothing stored


def test_observed_gradients_equal_the_engine():
    p, loss = toy()
    observed = trace.observe_backward(loss)
    tensors = [t for t in every_tensor(loss) if t.requires_grad]
    for t, g in zip(tensors, mg.autograd.grad(loss, tensors)):
        assert np.array_equal(observed.grad(t), g)
    assert observed.grad(loss) == observed.seed == 1.0
    assert all(v.grad is None for v in p.values())    # nothing written to .grad
    assert observed.grad(mg.tensor(1.0)) is None       # not part of the graph


def test_steps_are_the_engines_order_and_parts_sum_to_the_gradient():
    x = scalar(0.3, "x")
    y = mg.sin(x) * x + mg.exp(x)
    observed = trace.observe_backward(y)
    seqs = [node._seq for node, _, _ in observed.steps]
    assert seqs == sorted(seqs, reverse=True)
    parts = observed.contributions(x)
    assert len(parts) == 3
    assert np.isclose(sum(parts), np.cos(0.3) * 0.3 + np.sin(0.3) + np.exp(0.3))
    assert np.array_equal(observed.grad(x), parts[0] + parts[1] + parts[2])


def test_gradient_seeds_a_root_with_many_elements():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    observed = trace.observe_backward(x * x, gradient=np.array([1.0, 10.0]))
    assert np.array_equal(observed.grad(x), [2.0, 40.0])


def test_the_pass_records_no_graph():
    x = scalar(2.0, "x")
    observed = trace.observe_backward(x ** 3)
    assert not isinstance(observed.grad(x), mg.Tensor)
    for _node, incoming, flows in observed.steps:
        assert isinstance(incoming, np.ndarray)
        assert all(isinstance(c, np.ndarray) for _, _, c, _ in flows)


def test_local_derivative_is_the_vjp_at_one():
    x = scalar(2.0, "x")
    y = x ** 3
    assert trace.local_derivative(y, 0) == 12.0
    assert trace.local_derivative(y, 1) is None                 # the constant exponent
    v = mg.tensor([1.0, 2.0], requires_grad=True)
    assert trace.local_derivative(v * 2.0, 0) is None           # not one element


def test_display_names_and_collect():
    a = mg.tensor(1.0, requires_grad=True, name="a")
    b = a * 2.0
    c = b + a
    tensors, consumers = trace.collect(c)
    assert [id(t) for t in tensors] == [id(a), id(b), id(c)]          # oldest first
    assert len(consumers[id(a)]) == 2
    names = trace.display_names(tensors)
    assert [names[id(t)] for t in tensors] == ["a", "t1", "t2"]

"""Joining, axes and operands given as lists (issue 9, items 13, 15 and 16).

* backward through ``concatenate``/``stack`` is linear in the number of
  operands: the offsets of the slices are computed once per node (checked by
  counting, never by timing);
* every reduction takes a list of axes;
* a list of tensors given where a tensor is expected is stacked into the
  graph; ``concatenate(axis=None)``, ``transpose`` with an int, and bad
  arguments get NumPy's meaning or a clear ``TypeError``.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

CONCAT_VJPS = mg.REGISTRY["concatenate"].vjps


# ------------------------------------------------- 13. linear concatenation
def test_offsets_are_computed_once_per_concatenate_node():
    xs = [mg.tensor(float(i), requires_grad=True) for i in range(500)]
    y = (mg.stack(xs) ** 2).sum()
    before = CONCAT_VJPS.offset_computations
    y.backward()
    # One concatenate node with 500 operands: one computation, not one per operand.
    assert CONCAT_VJPS.offset_computations - before == 1
    np.testing.assert_array_equal([x.grad for x in xs], 2.0 * np.arange(500))


def test_offsets_stay_right_across_nodes_and_repeated_passes():
    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = mg.tensor([[3.0], [4.0]], requires_grad=True)
    first = mg.concatenate([a, a * 3, a], axis=0)               # sizes 2, 2, 2
    second = mg.concatenate([b, b * b], axis=1)                  # along axis 1
    loss = (first * np.arange(6.0)).sum() + (second * [[1.0, 10.0]]).sum()
    before = CONCAT_VJPS.offset_computations
    loss.backward()
    assert CONCAT_VJPS.offset_computations - before == 2
    np.testing.assert_array_equal(a.grad, [0 + 3 * 2 + 4, 1 + 3 * 3 + 5])
    np.testing.assert_array_equal(b.grad, [[1 + 60.0], [1 + 80.0]])
    a.grad = b.grad = None
    loss.backward()                                              # the same again
    np.testing.assert_array_equal(a.grad, [10.0, 15.0])


def test_an_operand_that_needs_no_grad_is_skipped_without_harm():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    out = mg.concatenate([np.zeros(3), x, np.ones(1), x], axis=0)
    (out * np.arange(8.0)).sum().backward()
    np.testing.assert_array_equal(x.grad, [3 + 6, 4 + 7])


def test_the_concatenate_cache_keeps_no_graph_alive():
    import gc
    import weakref

    x = mg.tensor([1.0], requires_grad=True)
    out = mg.concatenate([x, x * 2])
    out.sum().backward()
    ref = weakref.ref(out)
    del out
    gc.collect()
    assert ref() is None


def test_concatenate_backward_is_twice_differentiable():
    parts = (np.array([0.5, -1.0]), np.array([2.0]), np.array([1.5, 0.2, -0.3]))
    assert mg.gradgradcheck(lambda *ts: mg.concatenate([t * t for t in ts]), parts)


# ------------------------------------------------------- 15. lists of axes
X = np.arange(24.0).reshape(2, 3, 4) / 7.0 - 1.0


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_take_a_list_of_axes(name, keepdims):
    f = getattr(mg, name)
    as_list = f(mg.tensor(X), axis=[0, 2], keepdims=keepdims)
    as_tuple = f(mg.tensor(X), axis=(0, 2), keepdims=keepdims)
    np.testing.assert_allclose(as_list.data, as_tuple.data, rtol=1e-15)
    assert mg.gradcheck(lambda t: f(t, axis=[0, -1], keepdims=keepdims), (X,))
    method = getattr(mg.tensor(X), name)(axis=[0, 2], keepdims=keepdims)
    np.testing.assert_allclose(method.data, as_tuple.data, rtol=1e-15)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_takes_an_axis_in_a_list(name):
    f = getattr(mg, name)
    np.testing.assert_allclose(f(mg.tensor(X), axis=[1]).data, f(mg.tensor(X), axis=1).data,
                               rtol=1e-15)
    assert mg.gradcheck(lambda t: f(t, axis=[-1]), (X,))


def test_squeeze_and_expand_dims_take_lists():
    x = mg.tensor(np.ones((1, 3, 1)), requires_grad=True)
    assert mg.squeeze(x, axis=[0, 2]).shape == (3,)
    assert x.squeeze(axis=[0]).shape == (3, 1)
    assert mg.expand_dims(mg.tensor([1.0, 2.0]), [0, 2]).shape == (1, 2, 1)


def test_a_reduction_of_a_0d_tensor_over_an_empty_list():
    np.testing.assert_array_equal(mg.sum(mg.tensor(2.0), axis=[]).data, 2.0)


# ------------------------------------------ 16. lists of tensors as operands
def test_mean_of_a_list_of_0d_tensors_stays_in_the_graph():
    # HIPS autograd: grad(lambda x: np.mean([x, x + 2]))(1.0) == 1.0
    g = mg.grad(lambda x: mg.mean([x, x + 2]))(1.0)
    assert g == pytest.approx(1.0)
    x = mg.tensor(1.0, requires_grad=True)
    out = mg.mean([x, x + 2])
    assert isinstance(out, mg.Tensor) and out.dtype == np.float64 and out.item() == 2.0


def test_mean_of_a_list_of_1d_tensors_stacks_them():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = mg.mean([x, x * 2], axis=0)
    np.testing.assert_allclose(out.data, [1.5, 3.0, 4.5])
    out.sum().backward()
    np.testing.assert_allclose(x.grad, [1.5, 1.5, 1.5])


def test_composites_stack_nested_lists_with_numbers():
    x = mg.tensor(2.0, requires_grad=True)
    out = mg.logsumexp([[x, 0.0], [1.0, x * 3]])
    assert out.requires_grad
    out.backward()
    e = np.exp([2.0, 0.0, 1.0, 6.0])
    assert x.grad == pytest.approx((e[0] + 3 * e[3]) / e.sum())
    np.testing.assert_allclose(mg.sigmoid([x, x]).data, [1 / (1 + np.exp(-2.0))] * 2)


def test_concatenate_with_axis_none_flattens_like_numpy():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = mg.tensor([5.0, 6.0, 7.0], requires_grad=True)
    out = mg.concatenate([x, y], axis=None)
    np.testing.assert_array_equal(out.data, np.concatenate([x.data, y.data], axis=None))
    (out * np.arange(7.0)).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(y.grad, [4.0, 5.0, 6.0])
    x.grad = None
    mg.concatenate([x], axis=None).sum().backward()          # the case from the issue
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))
    assert mg.gradgradcheck(lambda a, b: mg.concatenate([a * b.sum(), b], axis=None),
                            (x.data, y.data))


def test_transpose_of_a_1d_tensor_takes_an_int():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = mg.transpose(x, 0)
    np.testing.assert_array_equal(out.data, np.transpose(x.data, 0))
    (out * out).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0, 6.0])
    np.testing.assert_array_equal(x.permute(0).data, x.data)


def test_type_errors_stay_type_errors():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(mg.DTypeError, match="expected integers"):
        x.permute((0,), 1)
    with pytest.raises(mg.DTypeError, match="negative_slope must be a real number"):
        mg.leaky_relu(x, negative_slope=None)
    with pytest.raises(TypeError):
        mg.leaky_relu(x, negative_slope="0.1")


def test_leaky_relu_refuses_a_complex_slope():
    x = mg.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.raises(mg.DTypeError, match="complex"):
        mg.leaky_relu(x, negative_slope=1j)
    np.testing.assert_allclose(mg.leaky_relu(x, negative_slope=np.float32(0.5)).data,
                               [-0.5, 2.0])
    np.testing.assert_allclose(mg.leaky_relu(x, 2).data, [-2.0, 2.0])


def test_split_gives_every_argument_its_vjp_at_once():
    # For an engine that asks a variadic op once per node (no spreading of N values).
    xs = (np.ones((2, 1)), np.ones((2, 3)), np.ones((2, 2)))
    out = np.concatenate(xs, axis=1)
    g = np.arange(12.0).reshape(2, 6)
    parts = CONCAT_VJPS.split(g, out, xs, axis=-1)
    for i, part in enumerate(parts):
        np.testing.assert_array_equal(part, CONCAT_VJPS[i](g, out, *xs, axis=-1))
    np.testing.assert_array_equal(np.concatenate(parts, axis=1), g)


def test_the_engine_asks_a_concatenation_for_all_its_gradients_at_once(monkeypatch):
    # Asking per argument spreads N saved values into N calls: O(N^2) for N operands.
    table = mg.REGISTRY["concatenate"].vjps

    def per_argument(i):
        raise AssertionError("the engine asked for one argument's VJP")
    monkeypatch.setattr(type(table), "__getitem__", lambda self, i: per_argument(i))
    xs = [mg.tensor(float(i), requires_grad=True) for i in range(50)]
    (mg.stack(xs) ** 2).sum().backward()
    assert [x.grad for x in xs[:3]] == [0.0, 2.0, 4.0]

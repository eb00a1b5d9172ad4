"""The backward pass, higher order, transforms, dtypes and the Tensor surface.

Expected values are derived by hand (calculus) or from NumPy, never copied
from a run of minigrad.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import minigrad as mg


def numerical_jacobian(f, x, eps=1e-6):
    """d f(x) / d x by central differences on plain arrays, shape out + in."""
    x = np.array(x, dtype=np.float64)
    out_shape = np.shape(f(x))
    columns = []
    for j in range(x.size):
        e = np.zeros(x.size)
        e[j] = eps
        e = e.reshape(x.shape)
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))).ravel() / (2 * eps))
    return np.array(columns).T.reshape(out_shape + x.shape)


# ------------------------------------------------------------ graph shapes
def test_diamond_sums_both_paths():
    x = mg.tensor(1.5, requires_grad=True)
    a = x * 2.0                      # a = 2x
    b = a * a + a * 3.0              # b = 4x² + 6x
    b.backward()
    assert x.grad == pytest.approx(8 * 1.5 + 6)


def test_tensor_used_many_times_receives_the_sum():
    x = mg.tensor([1.0, -2.0], requires_grad=True)
    total = x * 0.0
    for c in range(1, 101):
        total = total + x * float(c)
    total.sum().backward()
    np.testing.assert_allclose(x.grad, [5050.0, 5050.0])


def test_same_tensor_on_both_sides_of_an_op():
    x = mg.tensor([3.0, -1.0], requires_grad=True)
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad, [6.0, -2.0])
    y = mg.tensor([2.0, 5.0], requires_grad=True)
    (y / y).sum().backward()          # d(y/y)/dy = 0
    np.testing.assert_allclose(y.grad, [0.0, 0.0], atol=1e-15)


def test_broadcast_gradients_are_summed_back_to_each_shape():
    x = mg.tensor(np.arange(3.0).reshape(3, 1), requires_grad=True)
    y = mg.tensor(np.arange(4.0), requires_grad=True)
    s = mg.tensor(2.0, requires_grad=True)
    (x * y * s).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((3, 1), 2.0 * np.arange(4.0).sum()))
    np.testing.assert_allclose(y.grad, np.full(4, 2.0 * np.arange(3.0).sum()))
    assert s.grad == pytest.approx(np.arange(3.0).sum() * np.arange(4.0).sum())
    assert x.grad.shape == (3, 1) and y.grad.shape == (4,) and s.grad.shape == ()


def test_backward_twice_adds_the_same_gradients_again():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 2).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])
    y.backward()                      # the graph is kept: gradients accumulate
    np.testing.assert_allclose(x.grad, [4.0, 8.0])
    x.zero_grad()
    assert x.grad is None
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])


def test_backward_on_a_leaf_and_retain_grad_on_the_root():
    x = mg.tensor(2.0, requires_grad=True)
    x.backward()
    assert x.grad == 1.0
    w = mg.tensor([2.0, 3.0], requires_grad=True)
    y = (w * w).sum()
    y.retain_grad()
    y.backward()
    assert y.grad == 1.0
    np.testing.assert_allclose(w.grad, [4.0, 6.0])


def test_backward_twice_with_create_graph_accumulates_tensors():
    x = mg.tensor([2.0, 3.0], requires_grad=True)
    y = (x ** 3).sum()
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    assert isinstance(x.grad, mg.Tensor)
    np.testing.assert_allclose(x.grad.data, 2 * 3 * x.data ** 2)
    np.testing.assert_allclose(mg.autograd.grad(x.grad.sum(), x)[0], 2 * 6 * x.data)


def test_grad_of_several_outputs_with_their_own_seeds():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2.0, x * x
    (g,) = mg.autograd.grad([a, b], x, grad_outputs=[np.ones(2), np.array([1.0, 0.0])])
    np.testing.assert_allclose(g, [2.0 + 2.0 * 1.0, 2.0])


def test_gradients_accumulate_across_graphs_and_do_not_alias():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    (x + w).sum().backward()          # both receive the same incoming gradient
    x.grad[0] = 100.0                 # must not change w.grad
    np.testing.assert_allclose(w.grad, [1.0, 1.0])
    (3.0 * x).sum().backward()
    np.testing.assert_allclose(x.grad, [103.0, 4.0])


def test_million_node_chain_without_recursion():
    limit = sys.getrecursionlimit()
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    n = 1_000_000
    for _ in range(n):
        y = y * (1.0 + 1e-6)
    y.backward()
    assert sys.getrecursionlimit() == limit
    assert x.grad == pytest.approx((1.0 + 1e-6) ** n, rel=1e-9)
    assert y.item() == pytest.approx((1.0 + 1e-6) ** n, rel=1e-9)


# ------------------------------------------------------ retain_grad, modes
def test_interior_nodes_keep_grad_only_with_retain_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    k = h * h
    h.retain_grad()
    k.sum().backward()
    np.testing.assert_allclose(h.grad, 2 * 3.0 * np.array([1.0, 2.0]))
    assert k.grad is None              # interior, not retained
    np.testing.assert_allclose(x.grad, 18.0 * np.array([1.0, 2.0]))
    assert not h.is_leaf and x.is_leaf


def test_no_grad_context_manager_and_decorator():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        y = x * 2.0
        assert not mg.is_grad_enabled()
        with mg.enable_grad():
            z = x * 2.0
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    assert z.requires_grad

    @mg.no_grad()
    def double(t):
        return t * 2.0

    out = double(x)
    assert not out.requires_grad
    np.testing.assert_allclose(out.data, [2.0, 4.0])
    assert mg.is_grad_enabled()


def test_no_grad_restores_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError), mg.no_grad():
        raise ZeroDivisionError
    assert mg.is_grad_enabled()


def test_detach_cuts_the_graph_and_shares_data():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2.0).detach()
    assert not d.requires_grad and d.is_leaf and d.grad is None
    y = (x * d).sum()                 # d is a constant here
    y.backward()
    np.testing.assert_allclose(x.grad, [2.0, 4.0])
    e = x.detach()
    assert np.shares_memory(e.data, x.data)


def test_requires_grad_on_integer_tensor_errors():
    t = mg.tensor(np.array([1, 2]), dtype=np.int64)
    assert t.dtype == np.int64
    with pytest.raises(mg.DTypeError, match="integer"):
        t.requires_grad_()
    with pytest.raises(ValueError, match="detach"):
        (mg.tensor(1.0, requires_grad=True) * 2.0).requires_grad_(False)


# ------------------------------------------------------------ backward API
def test_backward_on_non_scalar_needs_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(mg.BackwardError, match=r"shape \(2,\).*gradient="):
        (x * 2.0).backward()


def test_backward_with_explicit_grad_for_non_scalar():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    v = np.array([[1.0, -1.0], [0.5, 2.0]])
    (x * x).backward(gradient=v)
    np.testing.assert_allclose(x.grad, 2 * x.data * v)


def test_create_graph_gives_differentiable_grads():
    x = mg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert isinstance(x.grad, mg.Tensor) and x.grad.requires_grad
    np.testing.assert_allclose(x.grad.data, 3 * x.data ** 2)
    (second,) = mg.autograd.grad(x.grad.sum(), x)          # d/dx sum(3x²) = 6x
    np.testing.assert_allclose(second, 6 * x.data)
    (third,) = mg.autograd.grad(mg.autograd.grad(x.grad.sum(), x, create_graph=True)[0].sum(), x)
    np.testing.assert_allclose(third, np.full(3, 6.0))


def test_create_graph_through_every_kind_of_op():
    x0 = np.array([[0.3, -0.7], [1.2, 0.4]])

    def f(x):
        y = mg.sin(x) @ x.T + mg.exp(x[:, ::-1]) / (1.0 + x * x)
        return mg.logsumexp(y, axis=1).sum() + mg.sqrt(mg.tanh(x) ** 2 + 1.0).sum()

    def grad_np(x):
        return mg.grad(f)(x)
    np.testing.assert_allclose(mg.hessian(f)(x0), numerical_jacobian(grad_np, x0), atol=1e-6)


def test_grad_of_leaves_dot_grad_untouched_and_zeros_unused():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    unused = mg.tensor([5.0], requires_grad=True)
    gx, gu = mg.autograd.grad((x * x).sum(), [x, unused], materialize_grads=True)
    np.testing.assert_allclose(gx, [2.0, 4.0])
    np.testing.assert_array_equal(gu, [0.0])
    assert x.grad is None and unused.grad is None


# --------------------------------------------------------------- transforms
A = np.array([[2.0, 1.0, 0.0], [-1.0, 3.0, 0.5], [0.0, 4.0, 1.0]])


def quadratic(x):
    return x @ (mg.tensor(A) @ x)


def test_grad_and_value_and_grad_of_quadratic_form():
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(mg.grad(quadratic)(x), (A + A.T) @ x)
    value, g = mg.value_and_grad(quadratic)(x)
    assert float(value) == pytest.approx(x @ A @ x)
    np.testing.assert_allclose(g, (A + A.T) @ x)


def test_hessian_of_quadratic_form_is_a_plus_a_transpose():
    x = np.array([1.0, -2.0, 0.5])
    hess = mg.hessian(quadratic)(x)
    np.testing.assert_allclose(hess, A + A.T, atol=1e-12)
    np.testing.assert_allclose(hess, numerical_jacobian(mg.grad(quadratic), x), atol=1e-6)


def test_hessian_of_a_nonlinear_function_matches_numerical_jacobian_of_grad():
    def f(x):
        return (mg.sin(x[0]) * x[1] ** 3 + mg.exp(x[0] * x[1])).sum()
    x = np.array([0.4, -0.3])
    a, b = x
    expected = np.array([
        [-np.sin(a) * b ** 3 + b * b * np.exp(a * b),
         3 * np.cos(a) * b ** 2 + np.exp(a * b) * (1 + a * b)],
        [3 * np.cos(a) * b ** 2 + np.exp(a * b) * (1 + a * b),
         6 * np.sin(a) * b + a * a * np.exp(a * b)]])
    np.testing.assert_allclose(mg.hessian(f)(x), expected, rtol=1e-10)
    np.testing.assert_allclose(mg.hessian(f)(x), numerical_jacobian(mg.grad(f), x), atol=1e-6)


def test_jacobian_of_linear_and_elementwise_maps():
    x = np.array([0.2, -1.0, 0.7])
    np.testing.assert_allclose(mg.jacobian(lambda t: mg.tensor(A) @ t)(x), A)
    np.testing.assert_allclose(mg.jacobian(mg.tanh)(x), np.diag(1 - np.tanh(x) ** 2))
    m = np.arange(6.0).reshape(2, 3) / 5
    jac = mg.jacobian(lambda t: t * t)(m)
    assert jac.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(jac, numerical_jacobian(lambda t: t * t, m), atol=1e-8)


def test_hvp_equals_hessian_times_vector():
    x = np.array([1.0, -2.0, 0.5])
    v = np.array([0.3, 1.0, -2.0])
    np.testing.assert_allclose(mg.hvp(quadratic)(x, v), (A + A.T) @ v)
    np.testing.assert_allclose(mg.hvp(lambda t: (t ** 3).sum())(x, v), 6 * x * v)


def test_nested_grad_gives_higher_derivatives():
    x = np.array([0.3, -1.1, 2.0])

    def f(t):
        return (t ** 3).sum()
    np.testing.assert_allclose(mg.grad(lambda t: mg.grad(f)(t).sum())(x), 6 * x)
    third = mg.grad(lambda t: mg.grad(lambda u: mg.grad(mg.sin)(u).sum())(t).sum())
    # d³/dx³ sin x = -cos x; here each level differentiates sum over elements.
    np.testing.assert_allclose(third(np.array(0.7)), -np.cos(0.7))


def test_argnums_tuple():
    def f(x, y, c):
        return (x * y ** 2).sum() + c

    x, y = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    gx, gy = mg.grad(f, argnums=(0, 1))(x, y, 4.0)
    np.testing.assert_allclose(gx, y ** 2)
    np.testing.assert_allclose(gy, 2 * x * y)
    (gy_only,) = mg.grad(f, argnums=(1,))(x, y, 4.0)
    np.testing.assert_allclose(gy_only, 2 * x * y)
    np.testing.assert_allclose(mg.grad(f, argnums=1)(x, y, 4.0), 2 * x * y)


def test_arrays_in_arrays_out_tensors_in_tensors_out():
    def f(t):
        return (t * t).sum()

    x = np.array([1.0, 2.0])
    for transform in (mg.grad(f), mg.jacobian(lambda t: t * t), mg.hessian(f)):
        assert isinstance(transform(x), np.ndarray)
        out = transform(mg.tensor(x))
        assert isinstance(out, mg.Tensor)
    assert isinstance(mg.hvp(f)(x, np.ones(2)), np.ndarray)
    assert isinstance(mg.hvp(f)(mg.tensor(x), np.ones(2)), mg.Tensor)
    np.testing.assert_allclose(mg.grad(f)(mg.tensor(x)).data, 2 * x)
    value, g = mg.value_and_grad(f)(mg.tensor(x))
    assert isinstance(g, mg.Tensor) and isinstance(value, mg.Tensor)
    assert value.item() == 5.0
    value, g = mg.value_and_grad(f)(x)
    assert isinstance(value, np.ndarray) and isinstance(g, np.ndarray)


def test_transforms_accept_python_numbers_and_int_arrays():
    assert mg.grad(lambda t: t ** 3)(2.0) == pytest.approx(12.0)
    g = mg.grad(lambda t: (t * t).sum())(np.array([1, 2, 3]))
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0])


# -------------------------------------------------------------------- dtypes
def test_float32_is_kept_and_grads_are_float32():
    x = mg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    assert x.dtype == np.float32
    y = mg.tanh(x * 2.0 + 1.0).sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, 2 * (1 - np.tanh(2 * np.array([1.0, 2.0]) + 1) ** 2),
                               rtol=1e-5, atol=1e-6)
    g = mg.grad(lambda t: (t * t).sum())(np.array([1.0, 2.0], dtype=np.float32))
    assert g.dtype == np.float32


def test_data_types_follow_torch_tensor():
    # torch.tensor's rules: Python floats -> the default float, Python ints -> int64,
    # bools -> bool, NumPy data keeps its dtype; arithmetic with a float promotes.
    assert mg.tensor(3.0).dtype == np.float64
    assert mg.tensor(3).dtype == np.int64 and mg.tensor([1, 2]).dtype == np.int64
    assert mg.tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor(np.float32(1.5)).dtype == np.float32
    assert (mg.tensor([1, 2]) * 0.5).dtype == np.float64


def test_powers_of_negative_bases_with_constant_exponents():
    # The property tests keep pow's base positive (its derivative in the
    # exponent needs log x); with a constant exponent, negative bases are fine.
    x0 = np.array([-2.0, -0.5, 1.5])
    x = mg.tensor(x0, requires_grad=True)
    ((x - 1.0) ** 2 + x ** 3).sum().backward()
    np.testing.assert_allclose(x.grad, 2 * (x0 - 1.0) + 3 * x0 ** 2)
    np.testing.assert_allclose(mg.hessian(lambda t: (t ** 3).sum())(x0), np.diag(6 * x0))


# ---------------------------------------------------------- kinks and ties
def test_relu_and_abs_derivative_at_zero_is_zero():
    x = mg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    mg.relu(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])
    y = mg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    abs(y).sum().backward()
    np.testing.assert_array_equal(y.grad, [-1.0, 0.0, 1.0])


def test_maximum_and_minimum_ties_split_half_and_half():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = mg.tensor([1.0, 5.0, 0.0], requires_grad=True)
    mg.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(y.grad, [0.5, 1.0, 0.0])
    x.zero_grad(), y.zero_grad()
    mg.minimum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(y.grad, [0.5, 0.0, 1.0])


def test_max_and_min_with_ties_split_evenly():
    x = mg.tensor([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0.5, 0.0, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x.zero_grad()
    x.max().backward()                 # the global max 3 is tied twice
    np.testing.assert_allclose(x.grad, [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]])
    x.zero_grad()
    x.min(axis=0, keepdims=True).sum().backward()
    np.testing.assert_allclose(x.grad, [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])


def test_clip_passes_the_gradient_at_the_boundary():
    x = mg.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], requires_grad=True)
    x.clip(-1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 1.0, 1.0, 0.0])


# ---------------------------------------------------------- tensor surface
def test_comparisons_return_tensors_without_grad():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [(x < 2.0, [True, False, False]), (x <= 2.0, [True, True, False]),
                             (x > 2.0, [False, False, True]), (x >= 2.0, [False, True, True]),
                             (x == 2.0, [False, True, False]), (x != 2.0, [True, False, True]),
                             (x > mg.tensor([0.0, 5.0, 3.0]), [True, False, False])]:
        assert isinstance(result, mg.Tensor)
        assert not result.requires_grad
        np.testing.assert_array_equal(result.data, expected)


def test_reflected_ops_with_numbers_and_numpy_arrays_on_the_left():
    x_np = np.array([1.0, 2.0, 4.0])
    a = np.array([3.0, -1.0, 0.5])
    cases = [
        (lambda t: a + t, a + x_np, np.ones(3)),
        (lambda t: a - t, a - x_np, -np.ones(3)),
        (lambda t: a * t, a * x_np, a),
        (lambda t: a / t, a / x_np, -a / x_np ** 2),
        (lambda t: a ** t, np.abs(a) ** x_np * np.sign(a) ** x_np, None),
        (lambda t: 2.0 ** t, 2.0 ** x_np, np.log(2.0) * 2.0 ** x_np),
        (lambda t: 1.0 - t, 1.0 - x_np, -np.ones(3)),
        (lambda t: 3.0 / t, 3.0 / x_np, -3.0 / x_np ** 2),
        (lambda t: a @ t, a @ x_np, a),
    ]
    for f, value, grad in cases:
        x = mg.tensor(x_np, requires_grad=True)
        out = f(x)
        assert isinstance(out, mg.Tensor), f
        np.testing.assert_allclose(out.data, a ** x_np if grad is None else value)
        if grad is not None:
            out.sum().backward()
            np.testing.assert_allclose(x.grad, grad)


def test_indexing_accumulates_repeated_indices():
    x = mg.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = x[[0, 2, 0, 0]].sum() + x[:, 1].sum() + x[x.data > 9].sum() + x[None, 1, ::2].sum()
    y.backward()
    expected = np.zeros((3, 4))
    expected[0] += 3
    expected[2] += 1
    expected[:, 1] += 1
    expected[x.data > 9] += 1
    expected[1, ::2] += 1
    np.testing.assert_array_equal(x.grad, expected)
    idx = mg.tensor(np.array([1, 1]), dtype=np.int64)
    z = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    z[idx].sum().backward()            # a tensor of indices works like its array
    np.testing.assert_array_equal(z.grad, [0.0, 2.0, 0.0])


def test_transpose_item_numpy_and_attributes():
    m = np.arange(6.0).reshape(2, 3)
    t = mg.tensor(m, requires_grad=True)
    np.testing.assert_array_equal(t.T.data, m.T)
    assert (t.shape, t.ndim, t.size(), t.numel(), t.dtype) == ((2, 3), 2, (2, 3), 6, np.float64)
    (t.T * mg.tensor(np.arange(6.0).reshape(3, 2))).sum().backward()
    np.testing.assert_array_equal(t.grad, np.arange(6.0).reshape(3, 2).T)
    assert t.numpy() is t.data
    s = t.sum()
    assert isinstance(s.item(), float) and s.item() == 15.0
    b = mg.tensor(np.arange(24.0).reshape(2, 3, 4))
    np.testing.assert_array_equal(b.permute(2, 0, 1).data, b.data.transpose(2, 0, 1))
    np.testing.assert_array_equal(b.permute((1, 0, 2)).data, b.data.transpose(1, 0, 2))
    np.testing.assert_array_equal(b.transpose(0, 2).data, b.data.swapaxes(0, 2))   # PyTorch's
    np.testing.assert_array_equal(b.T.data, b.data.T)


def test_repr_is_readable():
    w = mg.tensor([1.0, 2.0], requires_grad=True, name="w")
    assert repr(w) == "tensor([1., 2.], requires_grad=True, name='w')"
    assert repr(mg.tensor(3.0)) == "tensor(3.)"
    assert "op=mul" in repr(w * 2.0)
    assert "dtype=float32" in repr(mg.tensor(np.ones(2, dtype=np.float32)))


def test_methods_match_functions():
    x = np.array([[0.5, 1.5], [2.0, 0.25]])
    t = mg.tensor(x)
    for name in ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
                 "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax",
                 "squeeze", "flatten"]:
        np.testing.assert_allclose(getattr(t, name)().data, getattr(mg, name)(t).data)
    np.testing.assert_allclose(t.reshape(4).data, x.reshape(4))
    np.testing.assert_allclose(t.reshape(1, 4).data, x.reshape(1, 4))


def test_autograd_grad_follows_pytorch_on_unused_inputs():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    unused = mg.tensor([5.0], requires_grad=True)
    loss = (x * x).sum()
    with pytest.raises(mg.BackwardError, match="input 1 .* allow_unused=True"):
        mg.autograd.grad(loss, [x, unused])
    gx, gu = mg.autograd.grad(loss, [x, unused], allow_unused=True)
    np.testing.assert_allclose(gx, [2.0, 4.0])
    assert gu is None
    assert isinstance(mg.autograd.grad(loss, x), tuple)

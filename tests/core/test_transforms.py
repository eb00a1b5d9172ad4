"""Function transforms that nest and close over each other's variables.

Every expected value here is a closed form or a central difference, so the
tests mean something without PyTorch; tests/core/test_transforms_torch.py
checks the same kind of compositions against torch.func.
"""

import warnings

import numpy as np
import pytest

import minigrad as mg

X0 = np.array([0.2, -0.4, 0.9])
W0 = np.array([0.5, 1.5, -1.0])


def central_difference(f, x, eps=1e-6):
    """d f / d x for an array-valued f of an array x, shape f(x).shape + x.shape."""
    x = np.array(x, dtype=np.float64)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        jac[(...,) + i] = (np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * eps)
    return jac


def as_array(t):
    return t.data if isinstance(t, mg.Tensor) else np.asarray(t)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# ------------------------------------------------ the cases of issue 9, item 1
def test_grad_of_grad_closing_over_the_outer_variable(no_warnings):
    def inner_sum(y):
        return mg.grad(lambda x: mg.sin(x * y).sum())(X0).sum()

    # d/dy_i of y_i cos(x_i y_i)
    expected = np.cos(X0 * W0) - X0 * W0 * np.sin(X0 * W0)
    got = mg.grad(inner_sum)(W0)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_grad_through_a_jacobian_closing_over_the_outer_variable(no_warnings):
    def f(w):
        return (mg.as_tensor(mg.jacobian(lambda x: mg.tanh(x * w))(X0)) ** 2).sum()

    got = mg.grad(f)(W0)
    # The values PyTorch gives (issue 9); today's main returned zeros.
    np.testing.assert_allclose(got, [0.961, 0.540, 0.137], atol=1e-3)

    def f_np(w):
        return np.sum((w * (1 - np.tanh(X0 * w) ** 2)) ** 2)
    np.testing.assert_allclose(got, central_difference(f_np, W0), rtol=1e-6)


@pytest.mark.parametrize("x0", [-2.0, 0.0, 1.0, 3.5])
def test_no_perturbation_confusion(x0, no_warnings):
    # d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1 wherever the inner derivative
    # is taken; confusing the two variables gives 2.
    at_one = mg.grad(lambda x: x * mg.grad(lambda y: x + y)(1.0))(x0)
    at_x = mg.grad(lambda x: x * mg.grad(lambda y: x + y)(x))(x0)
    assert float(at_one) == 1.0 and float(at_x) == 1.0
    # d/dx [d/dy (x * y) at y = x] = d/dx x = 1 (confusion: d²/dx² x²/... = 2)
    assert float(mg.grad(lambda x: mg.grad(lambda y: x * y)(x))(x0)) == 1.0
    # The same with tensors in: tensors out, same values.
    t = mg.grad(lambda x: x * mg.grad(lambda y: x + y)(x))(mg.tensor(x0))
    assert isinstance(t, mg.Tensor) and t.item() == 1.0


def test_inner_derivative_at_the_outer_variable_counts_only_the_inner_uses():
    # d/dx [x² * d/dy (x y²) at y = x] = d/dx [x² * 2x²] = 8 x³
    def f(x):
        return x ** 2 * mg.grad(lambda y: x * y ** 2)(x)
    for x0 in (0.7, -1.3):
        assert float(mg.grad(f)(x0)) == pytest.approx(8 * x0 ** 3, rel=1e-12)


# ----------------------------------------------------------- depth and kinds
def test_grad_of_grad_of_grad_of_closures():
    # d³/dz dy dx sin(xyz) = cos u - 3u sin u - u² cos u with u = xyz
    x0, y0, z0 = 0.7, -1.1, 0.4

    def third(z):
        def second(y):
            return mg.grad(lambda x: mg.sin(x * y * z))(x0)
        return mg.grad(second)(y0)
    u = x0 * y0 * z0
    expected = np.cos(u) - 3 * u * np.sin(u) - u ** 2 * np.cos(u)
    assert float(mg.grad(third)(z0)) == pytest.approx(expected, rel=1e-12)


def test_fourth_derivative_by_nesting_grad():
    d4 = mg.grad(mg.grad(mg.grad(mg.grad(lambda x: mg.sin(2.0 * x)))))
    assert float(d4(0.3)) == pytest.approx(16 * np.sin(0.6), rel=1e-12)


def test_hessian_of_a_function_that_calls_jacobian(no_warnings):
    c = np.array([0.3, -0.8, 1.1])

    def f(w):       # J = diag(w cos(c w)), so f = sum_i w_i² cos²(c_i w_i)
        return (mg.as_tensor(mg.jacobian(lambda u: mg.sin(u * w))(c)) ** 2).sum()

    def f_np(w):
        return np.sum(w ** 2 * np.cos(c * w) ** 2)

    def grad_np(w):     # d/dw [w² cos²(cw)] = 2w cos² - 2cw² cos sin
        return 2 * w * np.cos(c * w) ** 2 - 2 * c * w ** 2 * np.cos(c * w) * np.sin(c * w)

    assert f(W0).item() == pytest.approx(f_np(W0))
    np.testing.assert_allclose(mg.grad(f)(W0), grad_np(W0), rtol=1e-12)
    H = mg.hessian(f)(W0)
    np.testing.assert_allclose(H, central_difference(grad_np, W0), atol=1e-7)
    np.testing.assert_allclose(H, np.diag(np.diag(H)), atol=1e-14)


def test_hvp_inside_grad():
    A = np.array([[2.0, 1.0, 0.0], [-1.0, 3.0, 0.5], [0.0, 4.0, 1.0]])
    S = A + A.T                                   # the Hessian of x·Ax

    def quad(x):
        return x @ (mg.tensor(A) @ x)
    v0 = np.array([0.3, 1.0, -2.0])
    # with respect to v: d/dv [v · H v] = 2 H v
    g = mg.grad(lambda v: (v * mg.hvp(quad)(X0, v)).sum())(v0)
    np.testing.assert_allclose(g, 2 * S @ v0, rtol=1e-12)

    # with respect to x: d/dx sum(H(x) v) for f = sum(x³), H v = 6 x v, so 6 v
    def cube(x):
        return (x ** 3).sum()
    np.testing.assert_allclose(mg.grad(lambda x: mg.hvp(cube)(x, v0).sum())(X0), 6 * v0)
    # and for f = sum(sin x): H v = -sin(x) v, d/dx sum = -cos(x) v
    np.testing.assert_allclose(
        mg.grad(lambda x: mg.hvp(lambda t: mg.sin(t).sum())(x, v0).sum())(X0),
        -np.cos(X0) * v0, rtol=1e-12)


def test_jacobian_of_grad_closing_over_the_outer_variable():
    # d/dw [w cos(x w)] = cos(xw) - xw sin(xw), on the diagonal
    J = mg.jacobian(lambda w: mg.grad(lambda x: mg.sin(x * w).sum())(X0))(W0)
    expected = np.diag(np.cos(X0 * W0) - X0 * W0 * np.sin(X0 * W0))
    np.testing.assert_allclose(J, expected, atol=1e-14)


def test_value_and_grad_nested():
    def f(y):
        value, g = mg.value_and_grad(lambda x: mg.sin(x * y).sum())(X0)
        return value + g.sum()

    # value = sum sin(xy), g = y cos(xy)
    expected = X0 * np.cos(X0 * W0) + np.cos(X0 * W0) - X0 * W0 * np.sin(X0 * W0)
    value, g = mg.value_and_grad(f)(W0)
    assert float(value) == pytest.approx(np.sum(np.sin(X0 * W0) + W0 * np.cos(X0 * W0)))
    np.testing.assert_allclose(g, expected, rtol=1e-12)


def test_argnums_tuples_nested():
    y0 = np.array([1.0, -2.0, 0.5])

    def f(a, b):
        gx, gy = mg.grad(lambda x, y: (a * x * y + b * x ** 2).sum(), argnums=(0, 1))(X0, y0)
        return (gx * gy).sum()      # gx = a y + 2 b x, gy = a x

    def f_np(ab):
        a, b = ab
        return np.sum((a * y0 + 2 * b * X0) * a * X0)
    ga, gb = mg.grad(f, argnums=(0, 1))(1.5, -0.5)
    np.testing.assert_allclose([ga, gb], central_difference(f_np, [1.5, -0.5]), rtol=1e-7)
    (gb_only,) = mg.grad(f, argnums=(1,))(1.5, -0.5)
    assert gb_only == pytest.approx(gb)


def test_jacobian_with_a_tuple_of_argnums():
    jx, jy = mg.jacobian(lambda x, y: x * y, argnums=(0, 1))(X0, W0)
    np.testing.assert_allclose(jx, np.diag(W0))
    np.testing.assert_allclose(jy, np.diag(X0))


def test_hessian_nested_in_grad():
    # f(w) = sum of the Hessian in x of sum(x³ w) = sum 6 x w, so grad_w = 6 x
    g = mg.grad(lambda w: mg.hessian(lambda x: (x ** 3 * w).sum())(X0).sum())(W0)
    np.testing.assert_allclose(g, 6 * X0, rtol=1e-12)


# -------------------------------------------- what comes out, and connected how
def test_inner_results_are_tensors_in_the_outer_graph_and_arrays_at_the_top():
    seen = []

    def f(y):
        g = mg.grad(lambda x: (x * y).sum())(X0)
        seen.append(g)
        return g.sum()
    assert isinstance(mg.grad(f)(W0), np.ndarray)
    assert isinstance(seen[0], mg.Tensor) and seen[0].requires_grad

    # An inner result that does not depend on the outer variable is a constant:
    # an array, as at the top level.
    seen.clear()

    def h(y):
        c = mg.grad(lambda x: (x ** 2).sum())(X0)
        seen.append(c)
        return (y * c).sum()
    np.testing.assert_allclose(mg.grad(h)(W0), 2 * X0)
    assert isinstance(seen[0], np.ndarray)


def test_grad_of_a_closure_over_a_parameter_stays_in_its_graph():
    w = mg.tensor(W0, requires_grad=True)
    g = mg.grad(lambda x: (mg.sin(x * w)).sum())(X0)       # w cos(xw)
    assert isinstance(g, mg.Tensor) and g.requires_grad
    np.testing.assert_allclose(g.data, W0 * np.cos(X0 * W0))
    g.sum().backward()
    np.testing.assert_allclose(w.grad, np.cos(X0 * W0) - X0 * W0 * np.sin(X0 * W0))
    # under no_grad nothing is connected: a plain array, the same values
    with mg.no_grad():
        plain = mg.grad(lambda x: (mg.sin(x * w)).sum())(X0)
    assert isinstance(plain, np.ndarray)
    np.testing.assert_allclose(plain, W0 * np.cos(X0 * W0))


def test_grad_at_a_tensor_that_requires_grad_gives_a_differentiable_gradient():
    x = mg.tensor(X0, requires_grad=True)
    g = mg.grad(lambda t: (t ** 3).sum())(x)
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(x.grad, 6 * X0)


def test_transforms_work_inside_no_grad():
    # The function's own derivative does not depend on the caller's grad mode
    # (main returned zeros here: f recorded no graph).
    with mg.no_grad():
        np.testing.assert_allclose(mg.grad(lambda x: (x ** 2).sum())(X0), 2 * X0)
        np.testing.assert_allclose(mg.hessian(lambda x: (x ** 3).sum())(X0), np.diag(6 * X0))
        assert not mg.is_grad_enabled()


def test_variables_of_a_finished_transform_are_constants():
    x = mg.tensor(X0)
    g = mg.grad(lambda t: (t * t).sum())(x)
    assert isinstance(g, mg.Tensor) and not g.requires_grad
    assert not x.requires_grad and x.grad is None


# ------------------------------------ item 16: outputs that ignore the input
def test_grad_of_a_constant_is_zero_with_a_warning():
    with pytest.warns(UserWarning, match="does not depend on its argument 0"):
        g = mg.grad(lambda x: 1.0)(2.0)
    assert g == 0.0 and isinstance(g, np.ndarray)
    with pytest.warns(UserWarning, match="does not depend"):
        g = mg.grad(lambda x: mg.tensor(3.0))(X0)
    np.testing.assert_array_equal(g, np.zeros(3))
    with pytest.warns(UserWarning, match="does not depend"):
        g = mg.grad(lambda x: mg.tensor(3.0))(mg.tensor(X0))
    assert isinstance(g, mg.Tensor)
    np.testing.assert_array_equal(g.data, np.zeros(3))
    with pytest.warns(UserWarning, match="does not depend"):
        value, g = mg.value_and_grad(lambda x: 7)(np.ones(2))
    assert float(value) == 7.0
    np.testing.assert_array_equal(g, np.zeros(2))
    with pytest.warns(UserWarning, match="does not depend"):
        g = mg.grad(lambda x: mg.tensor((x.data ** 2).sum()))(X0)     # cut off by .data
    np.testing.assert_array_equal(g, np.zeros(3))


def test_grad_of_something_that_requires_grad_but_not_the_argument_warns():
    w = mg.tensor(W0, requires_grad=True)
    with pytest.warns(UserWarning, match="does not depend"):
        g = mg.grad(lambda x: (w * w).sum())(X0)
    np.testing.assert_array_equal(g, np.zeros(3))


def test_jacobian_of_a_constant_is_zero_with_a_warning():
    with pytest.warns(UserWarning, match="jacobian"):
        J = mg.jacobian(lambda x: mg.tensor([1.0, 2.0]))(X0)
    np.testing.assert_array_equal(J, np.zeros((2, 3)))


def test_linear_functions_have_zero_hessians_without_warnings(no_warnings):
    def f(x):
        return (x * W0).sum()
    np.testing.assert_array_equal(mg.hessian(f)(X0), np.zeros((3, 3)))
    np.testing.assert_array_equal(mg.hvp(f)(X0, np.ones(3)), np.zeros(3))


def test_grad_of_the_constant_gradient_of_a_linear_function_warns():
    # As HIPS autograd does: grad(f)(x).sum() really does not depend on x.
    def f(x):
        return (x * W0).sum()
    with pytest.warns(UserWarning, match="does not depend"):
        np.testing.assert_array_equal(mg.grad(lambda x: mg.grad(f)(x).sum())(X0), np.zeros(3))


def test_outputs_that_are_not_one_number_are_still_errors():
    with pytest.raises(mg.BackwardError, match="one-element"):
        mg.grad(lambda x: x * 2)(X0)
    with pytest.raises(mg.BackwardError, match="one-element"):
        mg.grad(lambda x: np.ones(3))(X0)
    with pytest.raises(mg.BackwardError, match="needs f to return a tensor"):
        mg.grad(lambda x: "loss")(X0)
    with pytest.raises(mg.BackwardError, match="got NoneType"):      # a forgotten return
        mg.value_and_grad(lambda x: None)(X0)


def test_vjp_of_a_function_that_returns_its_argument():
    # The output is the variable itself (identity, atleast_1d of a vector): Jᵀv = v.
    _, vjp_fn = mg.vjp(lambda x: x, np.ones(3))
    np.testing.assert_array_equal(vjp_fn(np.array([1.0, 2.0, 3.0]))[0], [1.0, 2.0, 3.0])
    _, vjp_fn = mg.vjp(lambda x, y: (x, x * y), np.ones(2), np.full(2, 3.0))
    np.testing.assert_array_equal(vjp_fn((np.ones(2), np.ones(2)))[0], [4.0, 4.0])

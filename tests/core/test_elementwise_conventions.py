"""What the property tests of the elementwise ops (sampled away from kinks) cannot
see: the conventions at jumps, ties, zeros, NaN and infinities; the ``%``
operator both ways; the aliases; ``np.<name>(tensor)`` dispatch; float32; the
numerical soundness near overflow and near 0; errors.  Values that PyTorch
gives are checked against torch where it is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

NAN, INF = math.nan, math.inf


def grads(f, *values, gradient=None):
    """The value of ``f`` and the gradient of every input (float64 tensors)."""
    xs = [mg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    out = f(*xs)
    out.backward(np.ones(out.shape) if gradient is None else np.asarray(gradient))
    return (out.data, *[x.grad for x in xs])


def torch_grads(name, *values, **kwargs):
    torch = require_module("torch")
    xs = [torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    out = getattr(torch, name)(*xs, **kwargs)
    out.sum().backward()
    return (out.detach().numpy(), *[x.grad.numpy() for x in xs])


def assert_same(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(a, b)


# ------------------------------------------------------------------ steps
STEP_INPUT = [0.0, -0.0, 1.0, 2.5, -0.5, 0.5, 1.5, NAN]


@pytest.mark.parametrize("name", ["sign", "floor", "ceil", "round"])
def test_steps_have_zero_gradient_at_their_jumps_and_under_inf_and_nan(name):
    op = getattr(mg, name)
    gradient = [INF, NAN, 1.0, -INF, 2.0, 1.0, 1.0, 1.0]
    value, g = grads(op, STEP_INPUT, gradient=gradient)
    np.testing.assert_array_equal(g, np.zeros(len(STEP_INPUT)))   # not 0·inf = NaN
    assert not np.signbit(g).any()
    np.testing.assert_array_equal(value, getattr(np, name)(np.array(STEP_INPUT)))


@pytest.mark.parametrize("name", ["floor", "ceil", "round"])
def test_steps_agree_with_torch_at_jumps_and_halves(name):
    ours = grads(getattr(mg, name), STEP_INPUT)
    assert_same(ours, torch_grads(name, STEP_INPUT))


def test_sign_of_nan_is_nan_not_torchs_zero():
    value, g = grads(mg.sign, [NAN, -2.0, 0.0, 3.0])
    np.testing.assert_array_equal(value, [NAN, -1.0, 0.0, 1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 0.0])
    theirs = torch_grads("sign", [NAN, -2.0, 0.0, 3.0])
    np.testing.assert_array_equal(theirs[0], [0.0, -1.0, 0.0, 1.0])   # the difference
    np.testing.assert_array_equal(theirs[1], g)


def test_round_is_half_to_even_with_decimals_as_numpy_and_torch():
    x = mg.tensor([0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.135, 12345.0])
    np.testing.assert_array_equal(mg.round(x).data, [0.0, 2.0, 2.0, -0.0, -2.0, 0.0, 0.0,
                                                     12345.0])
    np.testing.assert_array_equal(x.round(decimals=2).data, np.round(x.data, 2))
    np.testing.assert_array_equal(mg.round(x, -2).data, np.round(x.data, -2))
    torch = require_module("torch")
    for d in (0, 2, -2):
        np.testing.assert_array_equal(mg.round(x, decimals=d).data,
                                      torch.round(torch.tensor(x.data), decimals=d).numpy())


# ------------------------------------------------------------- remainders
X = [5.0, -5.0, 5.0, -5.0, 4.0, -4.0, 0.5]
Y = [3.0, 3.0, -3.0, -3.0, 2.0, 2.0, -2.0]


def test_remainder_has_the_sign_of_the_divisor_and_gradients_1_and_minus_floor():
    value, gx, gy = grads(mg.remainder, X, Y)
    np.testing.assert_array_equal(value, [2.0, 1.0, -1.0, -2.0, 0.0, 0.0, -1.5])
    np.testing.assert_array_equal(gx, np.ones(7))
    np.testing.assert_array_equal(gy, -np.floor(np.divide(X, Y)))   # at the jumps 4/2 too
    assert_same((value, gx, gy), torch_grads("remainder", X, Y))


def test_fmod_has_the_sign_of_the_dividend_and_gradients_1_and_minus_trunc():
    value, gx, gy = grads(mg.fmod, X, Y)
    np.testing.assert_array_equal(value, [2.0, -2.0, 2.0, -2.0, 0.0, -0.0, 0.5])
    np.testing.assert_array_equal(gy, -np.trunc(np.divide(X, Y)))
    assert_same((value, gx, gy), torch_grads("fmod", X, Y))


@pytest.mark.parametrize("a", [7.0, -7.0, 7.5, -0.5])
@pytest.mark.parametrize("b", [3.0, -3.0, 2.0, -0.75])
def test_percent_operator_both_ways_is_pythons_percent(a, b):
    x, y = mg.tensor(a, requires_grad=True), mg.tensor(b, requires_grad=True)
    left, right = x % b, a % y
    assert left.op_name == right.op_name == "remainder"
    assert left.item() == a % b and right.item() == a % b
    left.backward()
    right.backward()
    assert x.grad == 1.0 and y.grad == -(a // b)


def test_percent_operator_broadcasts_and_keeps_arrays_on_the_left():
    x = mg.tensor([[-5.0], [5.0]], requires_grad=True)
    out = np.array([3.0, -3.0]) % x          # NumPy hands it to Tensor.__array_ufunc__
    assert isinstance(out, mg.Tensor) and out.op_name == "remainder"
    np.testing.assert_array_equal(out.data, np.remainder([3.0, -3.0], [[-5.0], [5.0]]))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, -np.floor_divide([3.0, -3.0], [[-5.0], [5.0]])
                                  .sum(axis=1, keepdims=True))


def test_mod_is_numpys_name_of_remainder():
    assert mg.mod is mg.remainder and mg.radians is mg.deg2rad and mg.degrees is mg.rad2deg
    x = mg.tensor([-5.0, 5.0], requires_grad=True)
    assert x.remainder(3.0).tolist() == mg.mod(x, 3.0).tolist() == [1.0, 2.0]


# ------------------------------------------------------------- fmax, fmin
A = [1.0, 2.0, NAN, NAN, 3.0, 1.0]
B = [1.0, 1.0, 2.0, NAN, NAN, 4.0]


def test_fmax_gives_ties_to_the_first_input_and_skips_nan():
    value, ga, gb = grads(mg.fmax, A, B)
    np.testing.assert_array_equal(value, [1.0, 2.0, 2.0, NAN, 3.0, 4.0])
    np.testing.assert_array_equal(ga, [1.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(gb, [0.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    assert_same((value, ga, gb), torch_grads("fmax", A, B))


def test_fmin_gives_ties_to_the_first_input_and_skips_nan():
    value, ga, gb = grads(mg.fmin, A, B)
    np.testing.assert_array_equal(value, [1.0, 1.0, 2.0, NAN, 3.0, 1.0])
    np.testing.assert_array_equal(ga, [1.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(gb, [0.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    assert_same((value, ga, gb), torch_grads("fmin", A, B))


def test_fmax_differs_from_maximum_at_ties():
    _, ga, gb = grads(mg.maximum, [1.0], [1.0])
    assert (ga[0], gb[0]) == (0.5, 0.5)
    _, ga, gb = grads(mg.fmax, [1.0], [1.0])
    assert (ga[0], gb[0]) == (1.0, 0.0)


# ------------------------------------------------------ hypot and arctan2
def test_arctan2_at_the_origin_gives_zero_as_torch():
    y, x = [0.0, 0.0, -0.0, 1.0, 0.0], [0.0, -1.0, -1.0, 0.0, 1.0]
    ours = grads(mg.arctan2, y, x)
    np.testing.assert_array_equal(ours[1], [0.0, -1.0, -1.0, 0.0, 1.0])
    np.testing.assert_array_equal(ours[2], [0.0, 0.0, 0.0, -1.0, 0.0])
    theirs = torch_grads("atan2", y, x)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_hypot_at_the_origin_gives_zero_where_torch_gives_nan():
    value, gx, gy = grads(mg.hypot, [0.0, 0.0, 3.0], [0.0, 1.0, -4.0])
    np.testing.assert_array_equal(value, [0.0, 1.0, 5.0])
    np.testing.assert_array_equal(gx, [0.0, 0.0, 0.6])
    np.testing.assert_array_equal(gy, [0.0, 1.0, -0.8])
    # the deliberate difference: torch.hypot's x/hypot is 0/0 there
    assert np.isnan(torch_grads("hypot", [0.0], [0.0])[1]).all()


def test_second_derivatives_at_the_origin_are_finite():
    for f in (lambda x: mg.hypot(x, 0.0 * x), lambda x: mg.arctan2(x, 0.0 * x)):
        h = mg.hessian(lambda x: mg.sum(f(x)))(np.array([0.0, 1.0]))
        assert np.isfinite(h).all()


@pytest.mark.parametrize("scale", [1e-200, 1e200])
def test_hypot_and_arctan2_neither_overflow_nor_underflow(scale):
    x, y = 3.0 * scale, 4.0 * scale
    value, gx, gy = grads(mg.hypot, [x], [y])
    np.testing.assert_allclose(value, [5.0 * scale], rtol=1e-15)
    np.testing.assert_allclose((gx[0], gy[0]), (0.6, 0.8), rtol=1e-15)
    _, gy2, gx2 = grads(mg.arctan2, [y], [x])      # d/dy = x/r², d/dx = -y/r²
    np.testing.assert_allclose((gy2[0], gx2[0]), (0.12 / scale, -0.16 / scale), rtol=1e-14)


def test_arcsinh_gradient_for_huge_x_does_not_overflow():
    _, g = grads(mg.arcsinh, [1e200, -1e300])
    np.testing.assert_allclose(g, [1e-200, 1e-300], rtol=1e-15)
    _, g = grads(mg.arccosh, [1e200])
    np.testing.assert_allclose(g, [1e-200], rtol=1e-15)


# --------------------------------------------------------------- logaddexp
@pytest.mark.parametrize("name, base", [("logaddexp", math.e), ("logaddexp2", 2.0)])
def test_logaddexp_is_stable_for_large_inputs(name, base):
    op = getattr(mg, name)
    x, y = [1000.0, -1000.0, 1000.0, 5.0], [1000.0, -1000.0, -1000.0, 800.0]
    value, gx, gy = grads(op, x, y)
    assert np.isfinite(value).all() and np.isfinite(gx).all() and np.isfinite(gy).all()
    log_base_of_2 = 1.0 if base == 2.0 else math.log(2.0)     # log(b^x + b^x) = x + log 2
    np.testing.assert_allclose(value[:2], np.array(x[:2]) + log_base_of_2, rtol=1e-15)
    np.testing.assert_allclose(gx + gy, np.ones(4), rtol=1e-15)
    np.testing.assert_allclose(gx, [0.5, 0.5, 1.0, 0.0], rtol=0, atol=1e-200)
    # The second derivative s(1 - s) is finite too (torch's overflows to NaN here).
    h = mg.hessian(lambda t: mg.sum(op(t, mg.tensor(y))))(np.array(x))
    assert np.isfinite(h).all()
    np.testing.assert_allclose(np.diag(h)[:2], [0.25 * math.log(base)] * 2, rtol=1e-14)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")   # inf - inf, as NumPy
def test_logaddexp_at_infinities_as_torch():
    x, y = [INF, -INF, INF, -INF, 0.0], [0.0, 0.0, INF, -INF, -INF]
    ours = grads(mg.logaddexp, x, y)
    np.testing.assert_array_equal(ours[1], [1.0, 0.0, NAN, NAN, 1.0])
    np.testing.assert_array_equal(ours[2], [0.0, 1.0, NAN, NAN, 0.0])
    for a, b in zip(ours, torch_grads("logaddexp", x, y)):
        np.testing.assert_array_equal(a, b)


# -------------------------------------------------------------------- sinc
def test_sinc_at_zero_has_value_one_slope_zero_and_curvature_minus_pi_squared_over_3():
    value, g = grads(mg.sinc, [0.0, -0.0])
    np.testing.assert_array_equal(value, [1.0, 1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0])
    h = mg.hessian(lambda t: mg.sum(mg.sinc(t)))(np.array([0.0]))
    np.testing.assert_allclose(h, [[-math.pi ** 2 / 3.0]], rtol=1e-15)


@pytest.mark.parametrize("x", [1e-12, -1e-9, 1e-6, 3e-4, 0.05, 0.0999, 0.1, 0.1001, 0.7])
def test_sinc_slope_is_accurate_on_both_sides_of_the_series_threshold(x):
    (g,) = grads(mg.sinc, [x])[1:]
    if abs(x) < 1e-5:       # -π²x/3 (1 - π²x²/10 + ...): the next term is below 1e-9
        expected = -math.pi ** 2 * x / 3.0
    else:                   # the formula in float64: cancellation ~ 1e-16/|x|
        px = math.pi * x
        expected = (math.cos(px) - math.sin(px) / px) / x
    np.testing.assert_allclose(g, [expected], rtol=1e-12 if abs(x) >= 0.05 else 1e-9)


def test_sinc_second_derivative_is_continuous_across_the_threshold():
    h = mg.hessian(lambda t: mg.sum(mg.sinc(t)))
    below, above = h(np.array([0.1 - 1e-9]))[0, 0], h(np.array([0.1 + 1e-9]))[0, 0]
    assert abs(below - above) < 1e-7


# ------------------------------------------------------------------ aliases
ALIASES = [("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"), ("asinh", "arcsinh"),
           ("acosh", "arccosh"), ("atanh", "arctanh"), ("atan2", "arctan2"),
           ("mod", "remainder")]


@pytest.mark.parametrize("alias, name", ALIASES)
def test_aliases_are_the_same_function_and_method(alias, name):
    assert getattr(mg, alias) is getattr(mg, name) is mg.REGISTRY[name]
    if alias != "mod":      # torch.Tensor has no .mod (it is torch's remainder)
        assert getattr(mg.Tensor, alias) is not None and getattr(mg.Tensor, name) is not None
        x = mg.tensor([1.5, 1.25] if name == "arccosh" else [0.5, 0.25], requires_grad=True)
        args = (x,) if name != "arctan2" else (x, mg.tensor(2.0))
        a = getattr(args[0], alias)(*args[1:])
        b = getattr(args[0], name)(*args[1:])
        assert a.op_name == b.op_name == name
        raw = [a.data for a in args]       # on arrays: the NumPy function itself
        np.testing.assert_array_equal(getattr(mg, alias)(*raw), getattr(np, name)(*raw))


# ------------------------------------------------------------------ NumPy
@pytest.mark.parametrize("call, name", [
    (lambda x: np.tan(x), "tan"), (lambda x: np.arcsin(x), "arcsin"),
    (lambda x: np.arctan2(x, 2.0), "arctan2"), (lambda x: np.hypot(x, x), "hypot"),
    (lambda x: np.log2(x), "log2"), (lambda x: np.expm1(x), "expm1"),
    (lambda x: np.square(x), "square"), (lambda x: np.reciprocal(x), "reciprocal"),
    (lambda x: np.cbrt(x), "cbrt"), (lambda x: np.sinc(x), "sinc"),
    (lambda x: np.logaddexp(x, 1.0), "logaddexp"), (lambda x: np.mod(x, 0.3), "remainder"),
    (lambda x: np.remainder(x, 0.3), "remainder"), (lambda x: np.fmod(x, 0.3), "fmod"),
    (lambda x: np.fmax(x, 0.4), "fmax"), (lambda x: np.fmin(x, 0.4), "fmin"),
    (lambda x: np.deg2rad(x), "deg2rad"), (lambda x: np.radians(x), "deg2rad"),
    (lambda x: np.degrees(x), "rad2deg"),
    (lambda x: np.round(x, 1), "round"), (lambda x: np.floor(x), "floor"),
    (lambda x: np.sign(x), "sign"), (lambda x: np.exp2(x), "exp2"),
])
def test_numpy_functions_on_tensors_stay_in_the_graph(call, name):
    x = mg.tensor([0.25, 0.5], requires_grad=True)
    out = call(x)
    assert isinstance(out, mg.Tensor) and out.op_name == name
    out.sum().backward()
    assert x.grad is not None and x.grad.shape == (2,)
    np.testing.assert_allclose(out.data, call(x.data))


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("f", [
    lambda x: x % 2.0, lambda x: 3.0 % x, lambda x: mg.logaddexp(x, np.float64(1.0)),
    lambda x: mg.round(x, decimals=1), lambda x: mg.reciprocal(x), lambda x: mg.sinc(x),
    lambda x: mg.arctan2(x, 0.0 * x), lambda x: mg.hypot(x, 0.0 * x),
    lambda x: mg.fmax(x, np.float64(0.1)), lambda x: mg.deg2rad(x), lambda x: mg.exp2(x),
    lambda x: mg.log10(x + 1.0), lambda x: mg.arcsinh(x),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")    # 3 % 0 and 1/0, as NumPy warns
def test_float32_stays_float32_at_special_points_and_with_float64_scalars(f):
    x = mg.tensor(np.array([0.0, 0.05, 1.5], dtype=np.float32), requires_grad=True)
    out = f(x)
    assert out.dtype == np.float32
    for create_graph in (False, True):
        x.zero_grad()
        out.backward(np.ones(3, dtype=np.float32), create_graph=create_graph)
        assert x.grad.dtype == np.float32


def test_reciprocal_of_integers_is_a_float_not_integer_division():
    out = mg.reciprocal(mg.tensor([2, 4]))
    np.testing.assert_array_equal(out.data, [0.5, 0.25])


# ------------------------------------------------------------------ errors
def test_broadcast_failure_names_the_op_and_shapes():
    with pytest.raises(mg.ShapeError, match=r"hypot.*\(2,\).*\(3,\)"):
        mg.hypot(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(mg.ShapeError, match=r"remainder.*\(2,\).*\(3,\)"):
        mg.tensor([1.0, 2.0]) % mg.tensor([1.0, 2.0, 3.0])


def test_round_refuses_a_fractional_number_of_decimals():
    with pytest.raises(mg.DTypeError, match=r"round.*decimals must be an integer.*0.5"):
        mg.round(mg.tensor([1.25]), decimals=0.5)


def test_strings_are_refused_with_the_op_name():
    with pytest.raises(mg.DTypeError, match=r"logaddexp: cannot compute with dtype <U1"):
        mg.logaddexp(mg.tensor([1.0]), np.array(["a"]))

"""Derivatives at edge values: a zero base of ``pow`` and NaN operands (issue 9,
items 4 and 5).  minigrad follows PyTorch's conventions there.

Every expected value below was read off PyTorch 2.13 (float64,
``torch.autograd.grad``) and is written out, so the tests mean the same with
or without PyTorch installed; where PyTorch is installed, the last tests
compare against it directly over a grid of points.
"""

from __future__ import annotations

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

NAN, INF = float("nan"), float("inf")


def grads(f, *values):
    """The value of ``f(*values).sum()`` and its gradient for each input."""
    ts = [mg.tensor(v, requires_grad=True) for v in values]
    out = f(*ts)
    return out.data, [np.asarray(g) for g in mg.autograd.grad(out.sum(), ts)]


# ------------------------------------------------------ 4. pow at a zero base
# (x, y) -> (d/dx x**y, d/dy x**y), from torch.autograd.grad.
POW_AT_ZERO = {
    (0.0, 0.0): (0.0, 0.0),     # the textbook formulas give 0*inf = nan and log(0)
    (0.0, 1.0): (1.0, 0.0),
    (0.0, 2.0): (0.0, 0.0),
    (0.0, 3.0): (0.0, 0.0),
    (0.0, 1.5): (0.0, 0.0),
    (0.0, 0.5): (INF, 0.0),     # the derivative in x is infinite: PyTorch says so too
    (2.0, 0.0): (0.0, np.log(2.0)),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # 0 ** -0.5 divides by zero
@pytest.mark.parametrize(("x", "y"), sorted(POW_AT_ZERO))
def test_pow_gradients_at_a_zero_base_follow_pytorch(x, y):
    _, (gx, gy) = grads(lambda a, b: a ** b, x, y)
    np.testing.assert_array_equal([gx, gy], POW_AT_ZERO[x, y])


def test_pow_with_a_zero_exponent_has_zero_derivative_in_the_base():
    # d/dx x**0 = 0 everywhere, 0 included (x**0 is the constant 1).
    x = mg.tensor([0.0, -0.0, 3.0, -2.0], requires_grad=True)
    (x ** 0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0, 0.0])
    x.grad = None
    (x ** 0.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0, 0.0])


def test_integer_powers_at_zero():
    for k, expected in [(1, 1.0), (2, 0.0), (3, 0.0)]:
        _, (g,) = grads(lambda a, k=k: a ** k, 0.0)
        assert g == expected, k


def test_a_zero_base_constant_gives_zero_gradient_to_the_exponent():
    # 0.0 ** y is constant (0, or 1 at y = 0) for y >= 0.
    y = mg.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)
    (0.0 ** y).sum().backward()
    np.testing.assert_array_equal(y.grad, [0.0, 0.0, 0.0, 0.0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # 0 ** -1 divides by zero
def test_a_negative_exponent_at_zero_stays_infinite():
    # PyTorch: 0**-1 = inf, and both derivatives are -inf (no masking for y < 0).
    _, (gx, gy) = grads(lambda a, b: a ** b, 0.0, -1.0)
    assert gx == -INF and gy == -INF
    _, (g,) = grads(lambda b: 0.0 ** b, -1.0)
    assert g == -INF


def test_pow_masks_elementwise_and_broadcasts():
    x = mg.tensor([0.0, 0.0, 2.0], requires_grad=True)
    y = mg.tensor([[0.0], [2.0]], requires_grad=True)
    (x ** y).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 4.0])           # 0 + 2·x
    np.testing.assert_allclose(y.grad, [[np.log(2.0)], [4.0 * np.log(2.0)]])


def test_pow_zero_base_keeps_float32():
    x = mg.tensor(np.array([0.0, 1.0], dtype=np.float32), requires_grad=True)
    (x ** 0).sum().backward()
    assert x.grad.dtype == np.float32
    x.grad = None
    (0.0 ** x).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_pow_at_zero_differentiates_twice():
    # The masked VJPs are written with primitives: second derivatives exist,
    # and at (0, 2) they are PyTorch's: d²/dx² = 2, d/dy d/dx = 0.
    x = mg.tensor(0.0, requires_grad=True)
    y = mg.tensor(2.0, requires_grad=True)
    gx, _ = mg.autograd.grad(x ** y, [x, y], create_graph=True)
    assert gx.requires_grad
    gxx, gxy = mg.autograd.grad(gx, [x, y])
    assert (gxx, gxy) == (2.0, 0.0)
    # Away from zero the formulas are the textbook ones, checked by finite differences.
    assert mg.gradgradcheck(lambda a, b: a ** b, (np.array([0.5, 2.0]), np.array([0.0, 1.5])))


def test_pow_convention_is_documented():
    assert "zero base" in mg.ops.__doc__ and "NaN" in mg.ops.__doc__


# ------------------------------------------------------------ 5. NaN inputs
# PyTorch gives the whole gradient to BOTH inputs of maximum/minimum when
# either is NaN (it masks only where one input is strictly smaller), and
# relu passes it at NaN (it masks where x <= 0, which NaN is not).
@pytest.mark.parametrize(("a", "b"), [(NAN, 1.0), (1.0, NAN), (NAN, NAN), (NAN, -1.0)])
@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_propagate_the_gradient_to_both_operands_at_nan(name, a, b):
    out, (ga, gb) = grads(getattr(mg, name), a, b)
    assert np.isnan(out)
    assert (ga, gb) == (1.0, 1.0)


def test_maximum_ties_and_order_are_unchanged():
    _, (ga, gb) = grads(mg.maximum, [1.0, 2.0, 0.0, INF], [1.0, 0.0, 2.0, 1.0])
    np.testing.assert_array_equal(ga, [0.5, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gb, [0.5, 0.0, 1.0, 0.0])


def test_relu_passes_the_gradient_at_nan():
    out, (g,) = grads(mg.relu, [NAN, 0.0, -1.0, 1.0])
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0, 1.0])
    assert np.isnan(out[0])


def test_abs_and_clip_at_nan_follow_pytorch():
    # PyTorch: abs'(nan) = sign(nan) = 0 there; clamp gives 0 (NaN is not inside).
    _, (g,) = grads(mg.abs, [NAN, 0.0, -1.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, -1.0])
    _, (g,) = grads(lambda x: mg.clip(x, -1.0, 1.0), [NAN, 0.5])
    np.testing.assert_array_equal(g, [0.0, 1.0])


def test_max_with_nan_gives_the_gradient_to_the_nan_entries():
    # torch.max(x) shares it evenly among the NaNs: [0.5, 0, 0.5].
    out, (g,) = grads(mg.max, [NAN, 1.0, NAN])
    assert np.isnan(out)
    np.testing.assert_array_equal(g, [0.5, 0.0, 0.5])
    out, (g,) = grads(lambda x: mg.min(x, axis=1), [[NAN, 1.0, NAN], [1.0, 2.0, 1.0]])
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5], [0.5, 0.0, 0.5]])


# ------------------------------------------------------- against PyTorch itself
def _torch_grads(torch, f, *values):
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = f(*ts)
    return [g.numpy() for g in torch.autograd.grad(out.sum(), ts)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_pow_matches_pytorch_on_a_grid_around_zero():
    torch = require_module("torch")
    points = [0.0, -0.0, 0.5, 2.0, -2.0]
    exponents = [0.0, 1.0, 2.0, 3.0, 0.5, 1.5, -1.0, -0.5]
    xs = np.array([x for x in points for _ in exponents])
    ys = np.array([y for _ in points for y in exponents])
    _, ours = grads(lambda a, b: a ** b, xs, ys)
    theirs = _torch_grads(torch, lambda a, b: a ** b, xs, ys)
    for mine, reference in zip(ours, theirs):   # inf and nan where PyTorch has them
        np.testing.assert_allclose(mine, reference, rtol=1e-14, atol=0)
    _, (ours,) = grads(lambda b: 0.0 ** b, np.array(exponents))
    (theirs,) = _torch_grads(torch, lambda b: 0.0 ** b, np.array(exponents))
    np.testing.assert_array_equal(ours, theirs)


def test_nan_conventions_match_pytorch():
    torch = require_module("torch")
    a = np.array([NAN, 1.0, NAN, NAN, 2.0, 1.0, -INF])
    b = np.array([1.0, NAN, NAN, -1.0, 2.0, 3.0, NAN])
    for ours_f, torch_f in [(mg.maximum, torch.maximum), (mg.minimum, torch.minimum)]:
        _, ours = grads(ours_f, a, b)
        theirs = _torch_grads(torch, torch_f, a, b)
        for mine, reference in zip(ours, theirs):
            np.testing.assert_array_equal(mine, reference)
    x = np.array([NAN, 0.0, -1.0, 2.0])
    for ours_f, torch_f in [(mg.relu, torch.relu), (mg.abs, torch.abs),
                            (lambda t: mg.clip(t, -1.0, 1.0), lambda t: t.clamp(-1.0, 1.0)),
                            (mg.max, torch.max)]:
        _, (mine,) = grads(ours_f, x)
        (reference,) = _torch_grads(torch, torch_f, x)
        np.testing.assert_array_equal(mine, reference)


def test_sigmoid_and_softplus_keep_relative_precision_for_very_negative_inputs():
    # For x << 0, sigmoid(x) = e/(1+e) and softplus(x) = log1p(e) with e = exp(x):
    # NumPy's closed forms are exact to rounding there; 1 + tiny used to lose them.
    x = np.array([-60.0, -40.0, -20.0, -5.0, 0.0])
    e = np.exp(x)
    t = mg.tensor(x, requires_grad=True)
    np.testing.assert_allclose(mg.sigmoid(t).data, e / (1 + e), rtol=1e-14)
    np.testing.assert_allclose(mg.softplus(x), np.log1p(e), rtol=1e-14)
    mg.sigmoid(t).sum().backward()
    np.testing.assert_allclose(t.grad, e / (1 + e) ** 2, rtol=1e-13)
    assert float(mg.log(mg.sigmoid(mg.tensor(-40.0)))) == pytest.approx(-40.0, rel=1e-15)

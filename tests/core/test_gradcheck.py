"""The checker itself: it must pass correct derivatives and fail wrong ones,
with a report that says which input and which element is wrong."""

from __future__ import annotations

import importlib
import re
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.ops import cos, exp, sin

# ``mg.gradcheck`` is the function; the module holds FULL_JACOBIAN_LIMIT.
gc_module = importlib.import_module("minigrad.gradcheck")

ROW = re.compile(r"output (\[[^\]]*\]|\S+)  element \[([^\]]*)\]  analytic\s+(\S+)  "
                 r"numeric\s+(\S+)  abs err (\S+)  (?:rel err (\S+)|numeric is 0)")
HEADER = re.compile(r"input (\d+)(?: \('(\w+)'\))?, shape (\([^)]*\)): ")


def parse(message):
    """The report as (headers, rows): input numbers, and per row the output index,
    the element index (as a tuple) and the analytic and numeric values."""
    headers = [(int(m.group(1)), m.group(2), m.group(3)) for m in HEADER.finditer(message)]
    rows = []
    for m in ROW.finditer(message):
        element = tuple(int(i) for i in m.group(2).split(",")) if m.group(2) else ()
        rows.append((m.group(1), element, float(m.group(3)), float(m.group(4))))
    return headers, rows


def index_of(flat, shape):
    return tuple(int(i) for i in np.unravel_index(flat, shape))


def custom_op(name, forward, *vjps, differentiable=False):
    """A primitive that is not added to mg.REGISTRY (the registry tests cover built-ins)."""
    op = mg.primitive(forward, name=name, differentiable_vjp=differentiable, register=False)
    return op.defvjp(*vjps)


# ------------------------------------------------------- correct ops pass
def test_correct_custom_ops_pass():
    softplus = custom_op("softplus", lambda x: np.logaddexp(0.0, x),
                         lambda g, out, x: g / (1.0 + np.exp(-x)))
    x = np.array([[-2.0, 0.3], [1.5, 4.0]])
    assert mg.gradcheck(softplus, (x,)) is True

    # Written with mg.ops functions: twice differentiable.
    smooth = custom_op("softplus2", lambda x: np.logaddexp(0.0, x),
                       lambda g, out, x: g / (1.0 + exp(-x)), differentiable=True)
    assert mg.gradcheck(smooth, (x,)) is True
    assert mg.gradgradcheck(smooth, (x,)) is True

    mul_sin = custom_op("mul_sin", lambda x, y: x * np.sin(y),
                        lambda g, out, x, y: g * sin(y),
                        lambda g, out, x, y: g * x * cos(y), differentiable=True)
    args = (np.array([1.0, -2.0, 0.5]), np.array([[0.1], [0.7]]))   # broadcast pair
    assert mg.gradcheck(mul_sin, args)
    assert mg.gradgradcheck(mul_sin, args)


def test_correct_op_passes_on_the_random_projection_path():
    n = 600
    assert n * n > gc_module.FULL_JACOBIAN_LIMIT
    x = np.linspace(-2.0, 2.0, n)
    assert mg.gradcheck(lambda t: mg.tanh(t) * t, (x,)) is True


# ------------------------------------------------------ wrong ops fail
WRONG = (1, 2)          # the element whose derivative we break


def broken_square():
    """x * y**2 whose derivative with respect to y is wrong at element WRONG only."""
    def vjp_y(g, out, x, y):
        d = 2.0 * x * y
        d[WRONG] *= 3.0              # the deliberate mistake
        return g * d
    return custom_op("broken_square", lambda x, y: x * y ** 2,
                     lambda g, out, x, y: g * y ** 2, vjp_y)


def test_wrong_derivative_fails_and_the_report_names_input_and_element():
    x = np.arange(1.0, 13.0).reshape(3, 4) / 4
    y = np.linspace(0.5, 2.0, 12).reshape(3, 4)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(broken_square(), (x, y))
    message = str(info.value)
    headers, rows = parse(message)
    assert [h[0] for h in headers] == [1], message          # only input 1 is wrong
    assert headers[0][2] == "(3, 4)"
    assert "1 of 144 Jacobian entries wrong" in message
    assert len(rows) == 1
    output, element, analytic, numeric = rows[0]
    assert element == WRONG and output == "[1, 2]"
    true = 2.0 * x[WRONG] * y[WRONG]
    assert numeric == pytest.approx(true, rel=1e-5)
    assert analytic == pytest.approx(3.0 * true, rel=1e-5)
    assert "abs err" in message and "rel err" in message
    assert isinstance(info.value, AssertionError)


def test_report_uses_the_input_name():
    x = mg.tensor(np.ones((3, 4)), requires_grad=True, name="w")
    y = mg.tensor(np.full((3, 4), 0.5), requires_grad=True, name="b")
    with pytest.raises(mg.GradcheckError, match=r"input 1 \('b'\), shape \(3, 4\)"):
        mg.gradcheck(broken_square(), (x, y))


def test_wrong_derivative_of_a_large_input_is_found_by_projection_and_localised():
    n = 700
    wrong = 123
    assert n * n > gc_module.FULL_JACOBIAN_LIMIT            # the projected path

    def vjp(g, out, x):
        d = np.cos(x)
        d[wrong] += 5.0
        return g * d
    op = custom_op("sin_wrong_at_123", np.sin, vjp)
    x = np.linspace(-3.0, 3.0, n)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (x,))
    message = str(info.value)
    assert "projection" in message
    assert f"1 of {n} entries of v·J are wrong" in message
    headers, rows = parse(message)
    assert [h[0] for h in headers] == [0]
    assert len(rows) == 1
    output, element, analytic, numeric = rows[0]
    assert element == (wrong,)
    # Row of v·J: v[wrong] * cos(x[wrong]) numerically, v[wrong] * (cos + 5) analytically.
    assert (analytic - numeric) / numeric == pytest.approx(5.0 / np.cos(x[wrong]), rel=1e-4)


def test_large_2d_input_report_names_a_2d_element():
    shape = (20, 30)
    wrong = (7, 11)

    def vjp(g, out, x):
        d = 2.0 * x
        d[wrong] = 0.0
        return g * d
    op = custom_op("square_wrong", lambda x: x * x, vjp)
    x = np.random.default_rng(1).uniform(1.0, 2.0, shape)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (x,))
    _, rows = parse(str(info.value))
    assert [r[1] for r in rows] == [wrong]
    assert rows[0][2] == 0.0


def test_missing_derivative_is_a_failure():
    # A VJP of None means "not differentiable": the analytic gradient is zero.
    op = custom_op("forgot", lambda x, y: x * y, lambda g, out, x, y: g * y, None)
    with pytest.raises(mg.GradcheckError, match="input 1"):
        mg.gradcheck(op, (np.array([1.0, 2.0]), np.array([3.0, 4.0])))


def test_raise_exception_false_returns_false_and_warns():
    x = np.arange(1.0, 13.0).reshape(3, 4)
    with pytest.warns(UserWarning, match=r"element \[1, 2\]"):
        result = mg.gradcheck(broken_square(), (x, x), raise_exception=False)
    assert result is False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.gradcheck(lambda t: t * t, (x,), raise_exception=False) is True


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_the_analytic_gradient_fails(bad):
    op = custom_op("bad_vjp", lambda x: 2.0 * x, lambda g, out, x: g * np.full(x.shape, bad))
    with np.errstate(invalid="ignore"), pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (np.array([1.0, 2.0]),))
    message = str(info.value)
    # 0 * nan and 0 * inf are nan: every entry of the analytic Jacobian is bad.
    assert "4 of 4 Jacobian entries wrong" in message
    _, rows = parse(message)
    assert all(not np.isfinite(r[2]) for r in rows)
    assert sorted(r[3] for r in rows) == [0.0, 0.0, 2.0, 2.0]     # numeric is fine


def test_nan_in_both_gradients_is_a_failure_not_a_pass():
    # sqrt of a negative number: NaN forward, NaN numeric, and NaN analytic
    # (its VJP divides by the NaN output).  NaN == NaN must not count as agreement.
    x = np.array([-1.0, 4.0])
    with np.errstate(invalid="ignore"), pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(mg.sqrt, (x,))
    _, rows = parse(str(info.value))
    flagged = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    analytic, numeric = flagged[("[0]", (0,))]
    assert np.isnan(analytic) and np.isnan(numeric)
    assert ("[1]", (1,)) not in flagged           # d sqrt(x)/dx at 4 is fine


def test_nan_in_the_numeric_gradient_only_fails():
    x = np.array([-1.0, 2.0])
    with np.errstate(invalid="ignore"), pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(mg.log, (x,))
    _, rows = parse(str(info.value))
    assert ("[0]", (0,), -1.0) in [(r[0], r[1], r[2]) for r in rows]   # analytic 1/x
    assert all(np.isnan(r[3]) for r in rows)


def test_inf_in_the_numeric_gradient_fails():
    op = custom_op("step", lambda x: np.where(x > 0, np.inf, 0.0),
                   lambda g, out, x: g * 0.0)
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(op, (np.array([0.0]),))


def test_float32_input_warns():
    x = np.array([0.5, 1.0], dtype=np.float32)
    with pytest.warns(UserWarning, match=r"input 0 has dtype float32.*float64"):
        mg.gradcheck(lambda t: t * 3.0, (x,), eps=1e-2, atol=1e-3, raise_exception=False)
    t = mg.tensor(x, requires_grad=True, name="w")
    with pytest.warns(UserWarning, match=r"input 0 \('w'\) has dtype float32"):
        mg.gradcheck(lambda t: t * 3.0, (t,), eps=1e-2, atol=1e-3, raise_exception=False)


def test_float64_input_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mg.gradcheck(lambda t: t * 3.0, (np.array([0.5, 1.0]),))


# ------------------------------------------------------------- gradgradcheck
X0 = np.array([0.3, -0.8, 1.1, 0.5])
WRONG2 = 2


def sin_with_wrong_second_derivative():
    """sin whose VJP, g * mycos(x), is right, but mycos (a custom op used inside
    that VJP) has a derivative with the wrong sign at element WRONG2.  First
    derivatives only run mycos forward, so gradcheck passes; the second
    derivative differentiates mycos and must fail there."""
    sign = np.ones_like(X0)
    sign[WRONG2] = -1.0
    mycos = custom_op("mycos", np.cos, lambda g, out, x: -g * sin(x) * sign,
                      differentiable=True)
    return custom_op("mysin", np.sin, lambda g, out, x: g * mycos(x), differentiable=True)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    op = sin_with_wrong_second_derivative()
    assert mg.gradcheck(op, (X0,)) is True        # first derivative is right
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradgradcheck(op, (X0,))
    headers, rows = parse(str(info.value))
    assert [h[0] for h in headers] == [0]
    assert [(r[0], r[1]) for r in rows] == [("[2]", (WRONG2,))]
    # d/dx of v * sin'(x) = -v sin(x); the broken one gives +v sin(x).
    _, _, analytic, numeric = rows[0]
    assert analytic == pytest.approx(-numeric, rel=1e-5)
    assert analytic != pytest.approx(0.0, abs=1e-3)
    with pytest.warns(UserWarning, match=r"element \[2\]"):
        assert mg.gradgradcheck(op, (X0,), raise_exception=False) is False


def test_gradgradcheck_passes_correct_second_derivatives():
    def f(x, y):
        return mg.exp(x) * mg.sin(y) + x ** 3 / (1.0 + y * y)
    args = (np.array([0.2, -0.5]), np.array([[0.4, 1.0], [-1.3, 0.7]]))
    assert mg.gradgradcheck(f, args) is True


def test_gradgradcheck_catches_a_vjp_that_hides_its_dependence():
    # The VJP uses a NumPy copy of x (no graph): fine for gradcheck, but its
    # second derivative is silently zero instead of -sin(x).
    op = custom_op("sin_raw", np.sin,
                   lambda g, out, x: g * cos(np.asarray(getattr(x, "data", x))),
                   differentiable=True)
    assert mg.gradcheck(op, (X0,))
    with pytest.raises(mg.GradcheckError, match="4 of 16 Jacobian entries wrong"):
        mg.gradgradcheck(op, (X0,))


# ---------------------------------------------------------- numerical_grad
def test_numerical_grad_matches_known_derivatives():
    x = np.array([0.3, -1.2, 2.5])
    np.testing.assert_allclose(mg.numerical_grad(lambda t: mg.sin(t).sum(), x), np.cos(x),
                               atol=1e-9)
    np.testing.assert_allclose(mg.numerical_grad(lambda t: (t ** 3).sum(), x), 3 * x ** 2,
                               rtol=1e-8)
    a = np.array([[2.0, 1.0], [0.0, 3.0]])
    v = np.array([1.0, -2.0])
    np.testing.assert_allclose(mg.numerical_grad(lambda t: t @ (mg.tensor(a) @ t), v),
                               (a + a.T) @ v, atol=1e-8)


def test_numerical_grad_of_several_inputs_and_constants():
    x, y = np.array([1.0, 2.0]), np.array([[0.5], [3.0]])
    gx, gy = mg.numerical_grad(lambda a, b: (a * b).sum(), x, y)
    np.testing.assert_allclose(gx, np.full(2, y.sum()), atol=1e-8)
    np.testing.assert_allclose(gy, np.full((2, 1), x.sum()), atol=1e-8)
    assert gx.shape == x.shape and gy.shape == y.shape
    g, none = mg.numerical_grad(lambda a, k: (a ** k).sum(), x, 3)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=1e-8)
    assert none is None
    assert x.tolist() == [1.0, 2.0]                # inputs are not modified


def test_numerical_grad_needs_a_scalar_function():
    with pytest.raises(ValueError, match="one number"):
        mg.numerical_grad(lambda t: t * 2.0, np.ones(3))


# ---------------------------------------------------- checker edge cases
def test_outputs_that_are_views_of_the_input_are_checked_correctly():
    # reshape, slicing and broadcast_to return views of their input.
    x = np.arange(6.0).reshape(2, 3)
    assert mg.gradcheck(lambda t: t.reshape(3, 2), (x,))
    assert mg.gradcheck(lambda t: t[:, 1:], (x,))
    assert mg.gradcheck(lambda t: mg.broadcast_to(t, (4, 2, 3)), (x,))
    assert mg.gradcheck(lambda t: t.T, (x,))
    wrong = custom_op("wrong_view", lambda x: x[::-1], lambda g, out, x: g)
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(wrong, (np.arange(3.0),))


def test_empty_output_and_constant_output():
    x = np.array([1.0, 2.0, 3.0])
    assert mg.gradcheck(lambda t: t[np.zeros(3, dtype=bool)], (x,))
    assert mg.gradcheck(lambda t: mg.tensor([1.0, 2.0]), (x,))   # J = 0 both ways


def test_tensors_without_requires_grad_are_constants():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    c = mg.tensor([3.0, 4.0])              # a constant: not checked, even if wrong
    op = custom_op("half_wrong", lambda a, b: a * b,
                   lambda g, out, a, b: g * b, lambda g, out, a, b: g * 0.0)
    assert mg.gradcheck(op, (x, c))
    with pytest.raises(mg.GradcheckError, match="input 1"):
        mg.gradcheck(op, (x, c.detach().requires_grad_()))


# ------------------------------------------------- non-contiguous inputs
def layouts():
    base = np.arange(1.0, 7.0).reshape(2, 3) / 3
    return {"transposed": base.T, "fortran": np.asfortranarray(base)}


@pytest.mark.parametrize("layout", ["transposed", "fortran"])
def test_non_contiguous_inputs_are_perturbed_where_f_reads_them(layout):
    # x.reshape(-1) of such an array is a copy: perturbing it left f's input
    # unchanged and gave a numeric Jacobian of zeros.
    x = layouts()[layout]
    assert not x.flags.c_contiguous
    before = x.copy()
    np.testing.assert_allclose(mg.numerical_grad(lambda t: (t ** 3).sum(), x), 3 * x ** 2,
                               rtol=1e-6)
    y = np.ones(x.shape[::-1]).T                           # a second transposed input
    gx, gy = mg.numerical_grad(lambda a, b: (a * b * b).sum(), x, y)
    np.testing.assert_allclose(gx, y, rtol=1e-6)
    np.testing.assert_allclose(gy, 2 * x, rtol=1e-6)
    assert mg.gradcheck(lambda t: t ** 3, (x,)) is True
    assert mg.gradgradcheck(lambda t: t ** 3, (x,)) is True
    assert mg.gradcheck(lambda t: t ** 3, (mg.tensor(x, requires_grad=True),)) is True
    np.testing.assert_array_equal(x, before)               # left as it was given


@pytest.mark.parametrize("layout", ["transposed", "fortran"])
def test_non_contiguous_input_reports_the_right_element(layout):
    x = layouts()[layout]
    wrong = (2, 1) if layout == "transposed" else (1, 2)

    def vjp(g, out, x):
        d = 2.0 * x
        d[wrong] = 0.0
        return g * d
    op = custom_op("square_wrong_" + layout, lambda x: x * x, vjp)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (x,))
    assert "1 of 36 Jacobian entries wrong" in str(info.value)
    _, rows = parse(str(info.value))
    assert [r[1] for r in rows] == [wrong]
    assert rows[0][3] == pytest.approx(2.0 * x[wrong], rel=1e-6)


def test_non_contiguous_input_on_the_projection_path():
    x = np.linspace(-2.0, 2.0, 700).reshape(35, 20).T       # (20, 35), transposed
    assert x.size ** 2 > gc_module.FULL_JACOBIAN_LIMIT
    assert mg.gradcheck(lambda t: mg.tanh(t) * t, (x,)) is True
    wrong = (4, 9)

    def vjp(g, out, x):
        d = np.cos(x)
        d[wrong] += 5.0
        return g * d
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(custom_op("sin_wrong_T", np.sin, vjp), (x,))
    assert "1 of 700 entries of v·J are wrong" in str(info.value)
    assert [r[1] for r in parse(str(info.value))[1]] == [wrong]


# ----------------------------------------------------- report layout
def scaled_errors_op(errors):
    """2 x with a VJP off by errors[j] at element j (0: right there)."""
    errors = np.asarray(errors, dtype=float)
    return custom_op("off_by", lambda x: 2.0 * x, lambda g, out, x: g * (2.0 + errors))


def test_report_lists_the_largest_errors_first_and_counts_the_rest():
    rng = np.random.default_rng(0)
    n = gc_module.REPORT_ROWS + 5
    errors = rng.permutation(np.arange(1.0, n + 1.0))        # every entry wrong, shuffled
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(scaled_errors_op(errors), (np.ones(n),))
    message = str(info.value)
    _, rows = parse(message)
    assert len(rows) == gc_module.REPORT_ROWS
    shown = [errors[r[1][0]] for r in rows]
    assert shown == sorted(errors, reverse=True)[:gc_module.REPORT_ROWS]
    assert message.count("more wrong entries not shown") == 1
    assert "    ... and 5 more wrong entries not shown\n" in message


def test_report_without_hidden_rows_has_no_more_line():
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(scaled_errors_op([0.0, 3.0, 0.0]), (np.ones(3),))
    assert "not shown" not in str(info.value)


def test_a_nan_error_is_listed_before_finite_ones():
    errors = np.zeros(gc_module.REPORT_ROWS + 3)
    errors[:-1] = 1.0
    errors[-1] = np.nan                                        # the last element
    with np.errstate(invalid="ignore"), pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(scaled_errors_op(errors), (np.ones(errors.size),))
    _, rows = parse(str(info.value))
    assert rows[0][1] == (errors.size - 1,) and np.isnan(rows[0][2])


def test_projection_report_also_counts_the_rows_not_shown():
    n = 700
    op = custom_op("double_wrong", lambda x: 2.0 * x, lambda g, out, x: g * 3.0)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (np.linspace(1.0, 2.0, n),))
    assert f"... and {n - gc_module.REPORT_ROWS} more wrong entries not shown" in str(info.value)


def test_negative_zero_is_printed_as_zero():
    op = custom_op("lost_sign", lambda x: x * x, lambda g, out, x: g * x * -0.0)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (np.array([1.0, 2.0]),))
    message = str(info.value)
    assert "-0 " not in message and "analytic  0  numeric  2" in message


def test_a_zero_numeric_derivative_says_so_instead_of_an_infinite_relative_error():
    op = custom_op("constant", lambda x: np.zeros_like(x) + 1.0, lambda g, out, x: g * 1.0)
    with pytest.raises(mg.GradcheckError) as info:
        mg.gradcheck(op, (np.array([1.0, 2.0]),))
    message = str(info.value)
    assert "inf" not in message
    assert message.count("numeric  0  abs err 1.00e+00  numeric is 0") == 2

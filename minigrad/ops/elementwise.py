"""NumPy's smooth elementwise functions beyond the core: trigonometric and
hyperbolic functions and their inverses, ``arctan2`` and ``hypot``, logarithms
and exponentials in other bases, powers, ``sinc``, ``logaddexp``, angle units.
The steps and kinks (``sign``, ``floor``, ``round``, ``remainder``, ``fmax``,
...) are in ``elementwise2``.

Each is one primitive whose forward is the NumPy function, under NumPy's name
with PyTorch's name beside it where PyTorch spells it differently (``arcsin``
and ``asin`` are the same function), and a Tensor method where
``torch.Tensor`` has one:

>>> import minigrad as mg
>>> x = mg.tensor([0.5, -0.25], requires_grad=True)
>>> mg.asin is mg.arcsin, x.asin().op_name
(True, 'arcsin')
>>> mg.arctanh(x).sum().backward()
>>> x.grad                                    # 1 / (1 - x²)
array([1.33333333, 1.06666667])

Where a textbook formula overflows or cancels, the VJP is written so that it
does not: ``logaddexp`` sends ``sigmoid(x - y)`` to ``x``, made of exponentials
that cannot overflow,
``hypot`` and ``arcsinh`` go through ``hypot``, ``sinc`` uses its Taylor
series near 0:

>>> mg.logaddexp(mg.tensor(1000.0), mg.tensor(1000.0))
tensor(1000.6931)
>>> mg.hypot(mg.tensor(3e200), mg.tensor(4e200))
tensor(5.e+200)
"""

from __future__ import annotations

import math

import numpy as np

from ..op_errors import broadcast_error
from ..tensor import unwrap
from .core import cos, exp, sqrt, where
from .declare import builtin

#: The public names this module declares (``mg.<name>``).
__all__ = []

_LN2, _LN10, _PI = math.log(2.0), math.log(10.0), math.pi   # Python floats keep float32


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _alias(name, op):
    """``mg.<name>`` for ``op`` under another name (PyTorch's or NumPy's)."""
    __all__.append(name)
    return op


def _masked(mask, value, formula, safe, *args):
    """``formula(*args)`` with ``value`` where ``mask``: the arguments at those
    entries are first replaced by ``safe`` (so the formula makes no NaN there, nor
    in its own derivative), then the result is replaced with ``where``."""
    if not np.any(mask):
        return formula(*args)
    args = [where(mask, safe, a) for a in args]
    return where(mask, value, formula(*args))


# ------------------------------------------------------- trigonometric
# Sampled on |x| <= 0.9: on [-3, 3] the tests would meet the poles at ±π/2,
# where a float32 input's rounding moves tan by more than any tolerance.
tan = _builtin("tan", np.tan, lambda g, out, x: g * (1.0 + out * out),
               rules=("1 + tan(x)²",), domain=("unit",), kind="elementwise", method=True)

arcsin = _builtin(
    "arcsin", np.arcsin, lambda g, out, x: g / sqrt((1.0 - x) * (1.0 + x)),
    rules=("1/sqrt(1 - x²)",), domain=("unit",), kind="elementwise",
    method={"arcsin": None, "asin": None})
asin = _alias("asin", arcsin)

arccos = _builtin(
    "arccos", np.arccos, lambda g, out, x: -g / sqrt((1.0 - x) * (1.0 + x)),
    rules=("-1/sqrt(1 - x²)",), domain=("unit",), kind="elementwise",
    method={"arccos": None, "acos": None})
acos = _alias("acos", arccos)

arctan = _builtin(
    "arctan", np.arctan, lambda g, out, x: g / (1.0 + x * x),
    rules=("1/(1 + x²)",), kind="elementwise", method={"arctan": None, "atan": None})
atan = _alias("atan", arctan)


def _over_radius_squared(g, top, y, x):
    """``g·top/(x² + y²)``, computed as ``g·(top/r)/r`` with ``r = hypot(y, x)`` so
    that neither x² + y² nor its reciprocal overflows; 0 at the origin (PyTorch's
    choice for ``atan2``, where the formula meets 0/0)."""
    r = hypot(y, x)
    return _masked(unwrap(r) == 0, 0.0, lambda r: g * (top / r) / r, 1.0, r)


arctan2 = _builtin(
    "arctan2", np.arctan2,
    lambda g, out, y, x: _over_radius_squared(g, x, y, x),
    lambda g, out, y, x: _over_radius_squared(g, -y, y, x),
    rules=("x/(x² + y²)", "-y/(x² + y²)"), domain=("nonzero", "real"), kind="elementwise",
    method={"arctan2": None, "atan2": None}, explain_error=broadcast_error)
atan2 = _alias("atan2", arctan2)


def _hypot_vjp(g, out, a):
    # a / hypot(a, b) is at most 1: no overflow.  At the origin (0/0) it is 0, the
    # subgradient that abs and linalg.norm give there (torch.hypot gives NaN).
    return _masked(unwrap(out) == 0, 0.0, lambda out: g * (a / out), 1.0, out)


hypot = _builtin(
    "hypot", np.hypot,
    lambda g, out, x, y: _hypot_vjp(g, out, x),
    lambda g, out, x, y: _hypot_vjp(g, out, y),
    rules=("x/hypot(x, y)", "y/hypot(x, y)"), domain=("nonzero", "real"),
    kind="elementwise", method=True, explain_error=broadcast_error)

# ------------------------------------------------------------ hyperbolic
sinh = _builtin("sinh", np.sinh, lambda g, out, x: g * cosh(x), rules=("cosh(x)",),
                kind="elementwise", method=True)
cosh = _builtin("cosh", np.cosh, lambda g, out, x: g * sinh(x), rules=("sinh(x)",),
                kind="elementwise", method=True)

# 1/sqrt(1 + x²) through hypot: x² would overflow for |x| > 1e154.
arcsinh = _builtin(
    "arcsinh", np.arcsinh, lambda g, out, x: g / hypot(1.0, x),
    rules=("1/sqrt(1 + x²)",), kind="elementwise", method={"arcsinh": None, "asinh": None})
asinh = _alias("asinh", arcsinh)

# sqrt(x - 1)·sqrt(x + 1) rather than sqrt(x² - 1): no overflow, no cancellation near 1.
arccosh = _builtin(
    "arccosh", np.arccosh, lambda g, out, x: g / (sqrt(x - 1.0) * sqrt(x + 1.0)),
    rules=("1/sqrt(x² - 1)",), domain=("above_one",), kind="elementwise",
    method={"arccosh": None, "acosh": None})
acosh = _alias("acosh", arccosh)

arctanh = _builtin(
    "arctanh", np.arctanh, lambda g, out, x: g / ((1.0 - x) * (1.0 + x)),
    rules=("1/(1 - x²)",), domain=("unit",), kind="elementwise",
    method={"arctanh": None, "atanh": None})
atanh = _alias("atanh", arctanh)

# ------------------------------------------- logarithms and exponentials
log2 = _builtin("log2", np.log2, lambda g, out, x: g / (x * _LN2), rules=("1/(x·ln 2)",),
                domain=("positive",), kind="elementwise", method=True)
log10 = _builtin("log10", np.log10, lambda g, out, x: g / (x * _LN10),
                 rules=("1/(x·ln 10)",), domain=("positive",), kind="elementwise",
                 method=True)
# exp(x), not out + 1: for x << 0, out + 1 has lost every digit of exp(x).
expm1 = _builtin("expm1", np.expm1, lambda g, out, x: g * exp(x), rules=("exp(x)",),
                 kind="elementwise", method=True)
exp2 = _builtin("exp2", np.exp2, lambda g, out, x: g * out * _LN2, rules=("2^x·ln 2",),
                kind="elementwise", method=True)


def _sigmoid(d):
    """``1/(1 + e^-d)`` from exponentials of numbers <= 0 only: it never overflows,
    is exactly 1/2 at d = 0 and 1 or 0 at d = ±inf (NaN for NaN), and each branch
    differentiates again (``where`` keeps their gradients apart)."""
    positive = unwrap(d) > 0
    e = exp(where(positive, 0.0, d))
    return where(positive, 1.0 / (1.0 + exp(-where(positive, d, 0.0))), e / (1.0 + e))


# The gradient is a's share e^a / (e^a + e^b) = sigmoid(a - b): exact for large
# inputs, where exp(a - out) would carry out's rounding error (about 1e-16·|out|).
# Both infinite (inf - inf) gives NaN, as PyTorch.
logaddexp = _builtin(
    "logaddexp", np.logaddexp,
    lambda g, out, x, y: g * _sigmoid(x - y),
    lambda g, out, x, y: g * _sigmoid(y - x),
    rules=("sigmoid(x - y)", "sigmoid(y - x)"), kind="elementwise", method=True,
    explain_error=broadcast_error)

logaddexp2 = _builtin(
    "logaddexp2", np.logaddexp2,
    lambda g, out, x, y: g * _sigmoid((x - y) * _LN2),
    lambda g, out, x, y: g * _sigmoid((y - x) * _LN2),
    rules=("1/(1 + 2^(y - x))", "1/(1 + 2^(x - y))"), kind="elementwise", method=True,
    explain_error=broadcast_error)

# ------------------------------------------------------------------ powers
square = _builtin("square", np.square, lambda g, out, x: g * (2.0 * x), rules=("2x",),
                  kind="elementwise", method=True)


def _reciprocal(x):
    """1/x as a float (``np.reciprocal`` of an integer array is integer division:
    ``1/2 == 0``; ``torch.reciprocal`` gives 0.5).

    >>> import minigrad as mg
    >>> mg.reciprocal(mg.tensor([2, 4]))
    tensor([0.5 , 0.25])
    """
    return np.divide(1.0, x)


reciprocal = _builtin(
    "reciprocal", _reciprocal, lambda g, out, x: -g * out * out, rules=("-1/x²",),
    domain=("nonzero",), kind="elementwise", reference=np.reciprocal, method=True)

# No torch.cbrt: NumPy's name only.  The derivative is infinite at 0.
cbrt = _builtin("cbrt", np.cbrt, lambda g, out, x: g / (3.0 * out * out),
                rules=("1/(3·cbrt(x)²)",), domain=("nonzero",), kind="elementwise")


# ------------------------------------------------------------------- sinc
#: sinc'(x) = Σ_k≥1 (-1)^k·2k·π^2k·x^(2k-1)/(2k+1)!: the coefficients of x^(2k-1).
_SINC_SERIES = tuple((-1) ** k * 2 * k * _PI ** (2 * k) / math.factorial(2 * k + 1)
                     for k in range(1, 8))
#: Below this |x| the series (error < 1e-17) replaces (cos(πx) - sinc(x))/x,
#: whose cancellation costs about 1e-16/|x| (no more than 1e-15 from here on).
_SINC_SMALL = 0.1


def _sinc_slope_series(x):
    x2, total = x * x, _SINC_SERIES[-1]
    for c in reversed(_SINC_SERIES[:-1]):   # Horner in x²
        total = total * x2 + c
    return total * x


def _sinc_vjp(g, out, x):
    small = np.abs(unwrap(x)) < _SINC_SMALL
    if np.all(small):
        return g * _sinc_slope_series(x)
    safe = where(small, 1.0, x)
    slope = (cos(_PI * safe) - out) / safe
    if np.any(small):
        slope = where(small, _sinc_slope_series(x), slope)
    return g * slope


sinc = _builtin(
    "sinc", np.sinc, _sinc_vjp, rules=("(cos(πx) - sinc(x))/x, 0 at x = 0",),
    kind="elementwise", method=True)

# ------------------------------------------------------------ angle units
deg2rad = _builtin("deg2rad", np.deg2rad, lambda g, out, x: g * (_PI / 180.0),
                   rules=("π/180",), kind="elementwise", method=True)
rad2deg = _builtin("rad2deg", np.rad2deg, lambda g, out, x: g * (180.0 / _PI),
                   rules=("180/π",), kind="elementwise", method=True)
# NumPy's other names (separate ufuncs: np.radians(t) finds mg.radians by name).
radians = _alias("radians", deg2rad)
degrees = _alias("degrees", rad2deg)

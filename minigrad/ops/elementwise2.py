"""NumPy's elementwise functions with steps and kinks: ``sign``, ``floor``,
``ceil``, ``round``, ``remainder`` (``mod``, the ``%`` operator), ``fmod``,
``fmax`` and ``fmin``.  Their conventions where the derivative does not exist
are PyTorch's (listed in the package's docstring):

>>> import minigrad as mg
>>> x = mg.tensor([-1.5, 0.0, 2.5], requires_grad=True)
>>> mg.round(x)                               # half to even, as NumPy and PyTorch
tensor([-2., 0., 2.], op=round)
>>> (mg.floor(x) + mg.sign(x)).sum().backward()
>>> x.grad                                    # steps: zero gradient, also at the jumps
array([0., 0., 0.])

``x % y`` is ``remainder``: the result has the sign of the divisor (NumPy's
``mod``, PyTorch's ``remainder``, Python's ``%``); ``fmod`` has the sign of the
dividend (C's ``fmod``, PyTorch's ``fmod``):

>>> t = mg.tensor([-5.0, 5.0])
>>> t % 3.0, mg.fmod(t, 3.0)
(tensor([1., 2.]), tensor([-2.,  2.]))
"""

from __future__ import annotations

import numpy as np

from ..op_errors import broadcast_error
from ..tensor import unwrap
from .core import where
from .declare import builtin, cast_like

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _zero(g, out, x, *args, **kwargs):
    """The gradient of a step function: exactly 0, even where ``g`` is inf or NaN
    (``0 * g`` would be NaN there), as PyTorch's ``zeros_like(grad)``.  Made with
    ``where`` so that under create_graph it is a tensor of the graph like any other."""
    return where(np.zeros(np.shape(unwrap(g)), dtype=bool), g, 0.0)


# ------------------------------------------------------------- steps
# The property tests sample these away from their jumps (a lattice for "real").
# sign(NaN) is NaN, NumPy's value; torch.sign gives 0 there (it would hide the NaN).
sign = _builtin("sign", np.sign, _zero, rules=("0",), domain=("nonzero",), smooth=False,
                kind="elementwise", method=True)
floor = _builtin("floor", np.floor, _zero, rules=("0",), smooth=False, kind="elementwise",
                 method=True)
ceil = _builtin("ceil", np.ceil, _zero, rules=("0",), smooth=False, kind="elementwise",
                method=True)


def _round(x, decimals=0):
    """``x`` rounded to ``decimals`` decimal places, halves to even (``np.round``
    and ``torch.round(x, decimals=)``: both scale by ``10**decimals`` and round
    half to even, so 2.5 gives 2.0 and 0.125 to two places gives 0.12).

    >>> import minigrad as mg
    >>> mg.tensor([0.5, 1.5, 2.5]).round(), mg.round(mg.tensor([0.125, 3.14159]), decimals=2)
    (tensor([0., 2., 2.]), tensor([0.12, 3.14]))
    """
    if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
        raise TypeError(f"decimals must be an integer (a number of decimal places, "
                        f"negative for tens, hundreds, ...), got {decimals!r}")
    return np.round(x, decimals)


round = _builtin("round", _round, _zero, rules=("0",), smooth=False, kind="elementwise",
                 reference=np.round, method=True)


# ------------------------------------------------------------- remainders
def _quotient_slope(g, x, y, rounding):
    # d/dy (x - q·y) = -q with q the rounded quotient: a constant (its own
    # derivative is zero), in the gradient's dtype.
    return -g * cast_like(rounding(unwrap(x), unwrap(y)), g)


def _trunc_divide(x, y):
    return np.trunc(np.true_divide(x, y))


remainder = _builtin(
    "remainder", np.remainder,
    lambda g, out, x, y: g,
    lambda g, out, x, y: _quotient_slope(g, x, y, np.floor_divide),
    rules=("1", "-floor(x/y)"), domain=("real", "divisor"), smooth=False,
    kind="elementwise", method=True, operator=("__mod__", "__rmod__"),
    explain_error=broadcast_error)
#: NumPy's name of ``remainder`` (``np.mod is np.remainder``).
mod = remainder
__all__.append("mod")

fmod = _builtin(
    "fmod", np.fmod,
    lambda g, out, x, y: g,
    lambda g, out, x, y: _quotient_slope(g, x, y, _trunc_divide),
    rules=("1", "-trunc(x/y)"), domain=("real", "divisor"), smooth=False,
    kind="elementwise", method=True, explain_error=broadcast_error)


# ----------------------------------------------------------- fmax, fmin
def _wins(x, y, g, compare, first=True):
    """Where ``x`` is the result of fmax/fmin (``first``; else where ``y`` is): x
    wins the comparison, ties included (all of the gradient to the first argument,
    as PyTorch), or ``y`` is NaN (the NaN is ignored: the gradient goes to the number)."""
    x, y = unwrap(x), unwrap(y)
    mask = compare(x, y) | np.isnan(y)
    return cast_like(mask if first else ~mask, g)


fmax = _builtin(
    "fmax", np.fmax,
    lambda g, out, x, y: g * _wins(x, y, g, np.greater_equal),
    lambda g, out, x, y: g * _wins(x, y, g, np.greater_equal, False),
    rules=("1 where x ≥ y or y is NaN", "1 where y > x or x is NaN"), smooth=False,
    kind="elementwise", method=True, explain_error=broadcast_error)

fmin = _builtin(
    "fmin", np.fmin,
    lambda g, out, x, y: g * _wins(x, y, g, np.less_equal),
    lambda g, out, x, y: g * _wins(x, y, g, np.less_equal, False),
    rules=("1 where x ≤ y or y is NaN", "1 where y < x or x is NaN"), smooth=False,
    kind="elementwise", method=True, explain_error=broadcast_error)

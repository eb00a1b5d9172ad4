"""The core primitives: arithmetic, the elementary functions the engine itself
needs, ``sum``/``max``, shape and index, concatenation, ``matmul``.

Each is one declaration (see the package's docstring for the rules); the
conventions at kinks and ties are listed there too.
"""

from __future__ import annotations

import itertools
import weakref

import numpy as np

from ..errors import BackwardError
from ..op_errors import broadcast_error, concat_error, index_error, matmul_error
from ..primitive import REGISTRY, normalize_axes, primitive
from ..tensor import Tensor, unwrap
from .declare import builtin, cast_like

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


# ------------------------------------------------------ elementwise, binary
add = _builtin(
    "add", np.add,
    lambda g, out, x, y: g,
    lambda g, out, x, y: g,
    rules=("1", "1"), kind="elementwise", operator=("__add__", "__radd__"),
    jvp=(lambda t, out, x, y: t, lambda t, out, x, y: t),
    explain_error=broadcast_error)

sub = _builtin(
    "sub", np.subtract,
    lambda g, out, x, y: g,
    lambda g, out, x, y: -g,
    rules=("1", "-1"), kind="elementwise", operator=("__sub__", "__rsub__"),
    jvp=(lambda t, out, x, y: t, lambda t, out, x, y: -t),
    explain_error=broadcast_error)

mul = _builtin(
    "mul", np.multiply,
    lambda g, out, x, y: g * y,
    lambda g, out, x, y: g * x,
    rules=("y", "x"), kind="elementwise", operator=("__mul__", "__rmul__"),
    jvp=(lambda t, out, x, y: t * y, lambda t, out, x, y: t * x),
    explain_error=broadcast_error)

# Division is a primitive rather than x * y**-1: one node and one rounding.
div = _builtin(
    "div", np.true_divide,
    lambda g, out, x, y: g / y,
    lambda g, out, x, y: -g * out / y,
    rules=("1/y", "-x/y²"), domain=("real", "nonzero"), kind="elementwise",
    operator=("__truediv__", "__rtruediv__"), explain_error=broadcast_error,
    jvp=(lambda t, out, x, y: t / y, lambda t, out, x, y: -t * out / y))


def _replace(mask, value, a, like):
    """``a`` with ``value`` where ``mask``: through ``where`` for an array or tensor
    (the graph is kept), else a constant array of ``like``'s dtype."""
    if isinstance(a, (Tensor, np.ndarray)):
        return where(mask, value, a)
    return np.asarray(np.where(mask, value, a), dtype=unwrap(like).dtype)


# At a zero base the formulas meet 0·inf and log(0); PyTorch gives 0 there.
# Only those entries are masked: computed at a stand-in (y = 1, x = 1), then
# replaced by 0 with ``where``, so no NaN is made, and elsewhere the formulas
# (written with primitives) still give the right second derivatives.
def _pow_vjp_base(g, out, x, y):
    zero = unwrap(y) == 0
    if np.any(zero):
        xv = unwrap(x)
        zero = zero & ((xv == 0) | np.isnan(xv))    # NaN**0 is 1 too: PyTorch gives 0
    if not np.any(zero):
        return g * y * x ** (y - 1)
    safe_y = _replace(zero, 1.0, y, out)
    return where(zero, 0.0, g * safe_y * x ** (safe_y - 1))


def _pow_vjp_exponent(g, out, x, y):
    flat = (unwrap(x) == 0) & (unwrap(y) >= 0)
    if not np.any(flat):
        return g * out * log(x)
    return g * where(flat, 0.0, out * log(_replace(flat, 1.0, x, out)))


pow = _builtin(
    "pow", np.power, _pow_vjp_base, _pow_vjp_exponent,
    rules=("y·x^(y-1)", "x^y·log(x)"),   # mg.explain prints them: kept short
    domain=("positive", "real"), kind="elementwise",
    operator=("__pow__", "__rpow__"), explain_error=broadcast_error,
    jvp=(_pow_vjp_base, _pow_vjp_exponent))   # diagonal Jacobians: the VJPs are the JVPs


def _maximum_mask(x, y, g):
    # 1 where x wins, ½ at a tie, 0 where y wins; 1 at a NaN (as PyTorch: it propagates).
    x, y = unwrap(x), unwrap(y)
    return cast_like(1.0 - (x < y) - 0.5 * (x == y), g)


maximum = _builtin(
    "maximum", np.maximum,
    lambda g, out, x, y: g * _maximum_mask(x, y, g),
    lambda g, out, x, y: g * _maximum_mask(y, x, g),
    rules=("1 where x>y (½ at ties)", "1 where y>x (½ at ties)"),
    smooth=False, kind="elementwise", method=True, explain_error=broadcast_error,
    jvp=(lambda t, out, x, y: t * _maximum_mask(x, y, t),
         lambda t, out, x, y: t * _maximum_mask(y, x, t)))

where = _builtin(
    "where", np.where,
    None,
    lambda g, out, c, x, y: where(unwrap(c), g, 0.0),
    lambda g, out, c, x, y: where(unwrap(c), 0.0, g),
    rules=(None, "1 where cond", "1 where not cond"), explain_error=broadcast_error,
    jvp=(None, lambda t, out, c, x, y: where(unwrap(c), t, 0.0),
         lambda t, out, c, x, y: where(unwrap(c), 0.0, t)))

# --------------------------------------------------------- elementwise, unary
# A unary elementwise op's Jacobian is diagonal: its VJP, given a tangent, is its JVP.
neg = _builtin("neg", np.negative, lambda g, out, x: -g, rules=("-1",),
               kind="elementwise", operator=("__neg__",), jvp=(lambda t, out, x: -t,))
exp = _builtin("exp", np.exp, lambda g, out, x: g * out, rules=("exp(x)",),
               kind="elementwise", method=True, jvp=(lambda t, out, x: t * out,))
log = _builtin("log", np.log, lambda g, out, x: g / x, rules=("1/x",), domain=("positive",),
               kind="elementwise", method=True, jvp=(lambda t, out, x: t / x,))
# log1p is a primitive because log(1 + x) loses x entirely when |x| < 1e-16:
# softplus(x) = log1p(exp(x)) needs it to keep its relative precision for x << 0.
log1p = _builtin("log1p", np.log1p, lambda g, out, x: g / (1.0 + x), rules=("1/(1+x)",),
                 domain=("positive",), kind="elementwise", method=True)
sqrt = _builtin("sqrt", np.sqrt, lambda g, out, x: g / (2.0 * out),
                rules=("1/(2·sqrt(x))",), domain=("positive",), kind="elementwise",
                method=True)
sin = _builtin("sin", np.sin, lambda g, out, x: g * cos(x), rules=("cos(x)",),
               kind="elementwise", method=True, jvp=(lambda t, out, x: t * cos(x),))
cos = _builtin("cos", np.cos, lambda g, out, x: -g * sin(x), rules=("-sin(x)",),
               kind="elementwise", method=True, jvp=(lambda t, out, x: -t * sin(x),))
tanh = _builtin("tanh", np.tanh, lambda g, out, x: g * (1.0 - out * out),
                rules=("1 - tanh(x)²",), kind="elementwise", method=True,
                jvp=(lambda t, out, x: t * (1.0 - out * out),))


# Kinks: the property tests sample ``nonzero`` arguments for these.
def _sign(x):
    """sign(x) with sign(NaN) = 0, as PyTorch's derivative of abs uses it."""
    x = unwrap(x)
    return (x > 0).astype(x.dtype) - (x < 0)


abs = _builtin(
    "abs", np.abs, lambda g, out, x: g * _sign(x),
    rules=("sign(x)",), domain=("nonzero",), smooth=False, kind="elementwise",
    method={"abs": None, "__abs__": None})
# relu passes the gradient wherever x <= 0 is false: for x > 0 and for NaN (PyTorch).
relu = _builtin(
    "relu", lambda x: np.maximum(x, 0.0), lambda g, out, x: g * ~(unwrap(x) <= 0),
    rules=("1 where x>0 else 0",), domain=("nonzero",), smooth=False, kind="elementwise",
    reference=lambda x: np.where(x > 0, x, 0.0), method=True)


def _clip(x, lo=None, hi=None):
    return np.clip(x, lo, hi)


def _clip_mask(x, lo, hi):
    x = unwrap(x)
    inside = np.ones(x.shape, dtype=bool)
    if lo is not None:
        inside &= x >= lo
    if hi is not None:
        inside &= x <= hi
    return inside


clip = _builtin(
    "clip", _clip, lambda g, out, x, lo=None, hi=None: g * _clip_mask(x, lo, hi),
    rules=("1 where lo≤x≤hi else 0",), smooth=False)


def _clone(x):
    """A copy that stays in the graph (PyTorch's ``clone``): the gradient passes through.

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 2.0], requires_grad=True).clone()
    tensor([1., 2.], op=clone)
    """
    return np.array(x, copy=True)


clone = _builtin("clone", _clone, lambda g, out, x: g, rules=("1",), kind="elementwise",
                 method=True, jvp=(lambda t, out, x: t,))


# ----------------------------------------------------------------- reductions
def axis_tuple(axis):
    """``axis`` as NumPy's reductions take it: a list (``axis=[0, 1]``) as a tuple."""
    return tuple(axis) if isinstance(axis, list) else axis


def _kept_shape(shape, axis):
    """The shape a reduction over ``axis`` has with keepdims=True."""
    axes = normalize_axes(axis, len(shape))
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


# Forwards call NumPy's C-level ufunc methods and array methods rather than
# np.sum / np.reshape / np.broadcast_to: those Python wrappers cost several
# microseconds each, more than the arithmetic on a small array.
def _sum(x, axis=None, keepdims=False):
    return np.add.reduce(x, axis=axis_tuple(axis), keepdims=keepdims)


def _sum_vjp(g, out, x, axis=None, keepdims=False):
    # Put the summed axes back as 1s so that g lines up with x.  (A full or
    # 1-D sum needs no reshape: broadcasting aligns a scalar by itself.)
    if axis is not None and not keepdims and x.ndim > 1:
        g = reshape(g, shape=_kept_shape(x.shape, axis))
    return broadcast_to(g, shape=x.shape)


# x.sum(), x.max(), x.clip(): reductions.py and functional.py (with dim=, min=, ...).
sum = _builtin(
    "sum", _sum, _sum_vjp, rules=("copy g to every summed element",), kind="reduction",
    jvp=(lambda t, out, x, axis=None, keepdims=False: sum(t, axis=axis, keepdims=keepdims),))


def _max(x, axis=None, keepdims=False):
    return np.maximum.reduce(x, axis=axis_tuple(axis), keepdims=keepdims)


def _max_vjp(g, out, x, axis=None, keepdims=False):
    kept = _kept_shape(x.shape, axis)
    x, out = unwrap(x), np.reshape(unwrap(out), kept)
    is_max = x == out
    if np.isnan(out).any():   # a NaN maximum: its gradient goes to the NaN entries
        is_max |= np.isnan(x) & np.isnan(out)
    share = is_max / np.sum(is_max, axis=axis_tuple(axis), keepdims=True)   # ties split evenly
    return reshape(g, shape=kept) * cast_like(share, g)


max = _builtin(
    "max", _max, _max_vjp, rules=("1 at the maximum (shared by ties)",), smooth=False,
    kind="reduction")

# ------------------------------------------------------------ shape and index
def _reshape(x, shape):
    return np.asarray(x).reshape(shape)


reshape = _builtin(
    "reshape", _reshape, lambda g, out, x, shape: reshape(g, shape=x.shape),
    rules=("reshape g back",),   # x.reshape(...), x.view(...): shape.py
    jvp=(lambda t, out, x, shape: reshape(t, shape=out.shape),))


def _transpose(x, axes=None):
    return np.asarray(x).transpose(axes)


def _transpose_vjp(g, out, x, axes=None):
    # Negative axes count from the end: normalise them before inverting.  A
    # single int is NumPy's spelling of the axes of a 1-D array.
    # The inverse permutation in plain Python: np.argsort costs ~15 us a call here.
    if isinstance(axes, (int, np.integer)):
        axes = (axes,)
    if axes is None:
        return transpose(g, axes=None)
    inverse = [0] * len(axes)
    for position, a in enumerate(axes):
        inverse[int(a) % x.ndim] = position
    return transpose(g, axes=tuple(inverse))


def _broadcast_to(x, shape):
    """A new array of ``shape`` holding ``x`` broadcast (not a read-only view:
    the gradient of a sum is one, and it should be an array of its own)."""
    x = np.asarray(x)
    if x.shape == tuple(shape):
        return x
    if x.ndim > len(shape):         # assignment would drop leading 1s; NumPy refuses
        np.broadcast_to(x, shape)
    out = np.empty(shape, dtype=x.dtype)
    try:
        out[...] = x
    except ValueError:
        np.broadcast_to(x, shape)   # raises NumPy's own message for _explain
        raise
    return out


transpose = _builtin(
    "transpose", _transpose, _transpose_vjp, rules=("transpose g back",),
    jvp=(lambda t, out, x, axes=None: transpose(t, axes=axes),),
    method={"T": property(lambda self: transpose(self))})   # x.transpose: shape.py

broadcast_to = _builtin(
    "broadcast_to", _broadcast_to,
    lambda g, out, x, shape: g,   # the engine sums g back to x's shape
    rules=("sum g over the broadcast axes",), method=True,
    jvp=(lambda t, out, x, shape: broadcast_to(t, shape=shape),))


def _astype(x, dtype):
    """``x`` as ``dtype`` (a copy); the gradient is cast back to ``x``'s dtype.

    >>> import numpy as np, minigrad as mg
    >>> mg.astype(mg.tensor([1.5, 2.0]), np.float32)
    tensor([1.5, 2. ], dtype=float32)
    """
    return np.asarray(x).astype(dtype)


astype = _builtin("astype", _astype, lambda g, out, x, dtype: astype(g, dtype=x.dtype),
                  rules=("1, cast back to x's dtype",), public=False,
                  jvp=(lambda t, out, x, dtype: astype(t, dtype=dtype),))


def _is_basic_index(index):
    """Slices, integers, None and Ellipsis never select an element twice."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
               for i in items)


def _unindex(g, index, shape):
    """Scatter-add ``g`` into zeros of ``shape`` at ``index`` (inverse of getitem)."""
    out = np.zeros(shape, dtype=g.dtype if hasattr(g, "dtype") else np.float64)
    if type(index) is int or _is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)   # repeated indices accumulate
    return out


getitem = _builtin(
    "getitem", lambda x, index: x[index],
    lambda g, out, x, index: unindex(g, index=index, shape=x.shape),
    rules=("g scattered back to the indexed elements",), explain_error=index_error,
    jvp=(lambda t, out, x, index: getitem(t, index=index),),
    public=False)   # x[index]: shape.py, which also orders the axes as PyTorch does

unindex = _builtin(
    "unindex", _unindex,
    lambda g, out, h, index, shape: getitem(g, index=index),
    rules=("g read at the indices",), public=False,
    jvp=(lambda t, out, h, index, shape: unindex(t, index=index, shape=shape),))


class _ConcatVJPs:
    """Argument i of a concatenation receives its own slice of ``g``.  Where the
    slices start is computed once per node (kept, under a weak reference to the
    output, for the node's other arguments): O(N) for N operands, not O(N²)."""

    def __init__(self):
        self._cache = (None, None, None)   # (weakref to out, len(xs), offsets)
        self.offset_computations = 0       # how often offsets were computed (tests)

    def __getitem__(self, i):
        def vjp(g, out, *xs, axis=0):
            return self._slice(i, g, out, xs, axis)
        return vjp

    def offsets(self, out, xs, axis):
        """Where each argument's slice of the output starts (and the end)."""
        ref, n, offsets = self._cache   # one read: another thread may replace it
        if ref is not None and n == len(xs) and ref() is out:
            return offsets
        self.offset_computations += 1
        sizes = [int(np.prod(np.shape(x))) if axis is None else np.shape(x)[axis] for x in xs]
        offsets = [0, *itertools.accumulate(sizes)]
        self._cache = (weakref.ref(out), len(xs), offsets)
        return offsets

    def split(self, g, out, xs, axis=0):
        """Every argument's gradient at once, ``xs`` as one tuple: for an engine that
        asks once per node instead of spreading N values into N calls (O(N²))."""
        return [self._slice(i, g, out, xs, axis) for i in range(len(xs))]

    def _slice(self, i, g, out, xs, axis):
        if axis is not None:
            axis = axis % out.ndim
        offsets = self.offsets(out, xs, axis)
        part = slice(offsets[i], offsets[i + 1])
        if axis is None:   # NumPy flattened every operand: unflatten the slice
            return reshape(getitem(g, index=part), shape=np.shape(xs[i]))
        return getitem(g, index=(slice(None),) * axis + (part,))


def _concatenate(*xs, axis=0):
    return np.concatenate(xs, axis=axis)


def _concatenate_function(tensors, axis=0):
    """Join tensors (or arrays) along an existing axis, like ``np.concatenate``.

    >>> import minigrad as mg
    >>> mg.concatenate([mg.tensor([1.0]), mg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.])
    """
    return _concatenate_op(*tensors, axis=axis)


concatenate = _builtin("concatenate", _concatenate, explain_error=concat_error,
                       rules=("the matching slice of g",), function=_concatenate_function)
_concatenate_op = REGISTRY["concatenate"]
_concatenate_op.vjps = _ConcatVJPs()
_concatenate_op.nargs = None     # variadic: every positional argument is an operand


# ------------------------------------------------------------------ matmul
def _swap_last(x):
    if x.ndim == 2:
        return x.T
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes=tuple(axes))


def _matmul_vjp_a(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return g * b
    if a.ndim == 1:   # (k,) @ (..., k, n): treat a as a row (1, k)
        grad_row = matmul(reshape(g, shape=g.shape[:-1] + (1, g.shape[-1])), _swap_last(b))
        return reshape(grad_row, shape=grad_row.shape[:-2] + (grad_row.shape[-1],))
    if b.ndim == 1:   # (..., m, k) @ (k,): outer product of g and b
        return reshape(g, shape=g.shape + (1,)) * b
    return matmul(g, _swap_last(b))


def _matmul_vjp_b(g, out, a, b):
    if a.ndim == 1 and b.ndim == 1:
        return g * a
    if b.ndim == 1:   # (..., m, k) @ (k,): treat b as a column (k, 1)
        grad_col = matmul(_swap_last(a), reshape(g, shape=g.shape + (1,)))
        return reshape(grad_col, shape=grad_col.shape[:-1])
    if a.ndim == 1:   # (k,) @ (..., k, n): outer product of a and g
        return reshape(a, shape=(a.shape[0], 1)) * reshape(
            g, shape=g.shape[:-1] + (1, g.shape[-1]))
    return matmul(_swap_last(a), g)


matmul = _builtin("matmul", np.matmul, _matmul_vjp_a, _matmul_vjp_b,
                  rules=("g @ Bᵀ", "Aᵀ @ g"), explain_error=matmul_error, method=True,
                  operator=("__matmul__", "__rmatmul__"),
                  jvp=(lambda t, out, a, b: matmul(t, b), lambda t, out, a, b: matmul(a, t)))


# ------------------------------------------------ higher order, first-order VJPs
def _refuse_second_derivative(g, out, *args, op_name):
    raise BackwardError(
        f"the derivative of custom op '{op_name}' was written with NumPy, so it cannot be "
        f"differentiated again. Write its VJP with mg.ops functions and operators "
        f"and declare it with differentiable_vjp=True to get higher-order derivatives.")


class _RefuseAll:
    def __getitem__(self, i):
        return _refuse_second_derivative


#: Wraps the gradient of a first-order-only custom op under create_graph=True.
first_order_only = primitive(lambda g, *args, op_name: g, name="first_order_only",
                             register=False)
first_order_only.vjps = _RefuseAll()

"""Reductions and scans beyond sum and max: ``prod``, ``cumsum``, ``cumprod``,
``diff``, ``sort`` and ``argsort``.

PyTorch's signatures and meanings, with NumPy's spellings accepted
(``axis=`` beside ``dim=``, ``keepdims=`` beside ``keepdim=``); where NumPy's
function of the same name means something else (``np.sort`` gives the values
only) ``np.<name>(tensor)`` runs NumPy's meaning, declared here with
``numpy_meaning``.

Zeros: the gradient of a product is the product of the *other* factors, and
``out / x`` gives it only where the product is neither zero nor underflowed.
``prod`` never divides: it multiplies cumulative products from both ends
(PyTorch's backward with zeros).  ``cumprod`` divides in an ordinary backward
pass where that is safe (PyTorch's fast path) and otherwise runs a
division-free recurrence.  Under ``create_graph=True`` both use division-free
formulas written with primitives (for ``cumprod`` PyTorch's O(n²)
double-backward one), so the second derivative is right at zeros and for tiny
factors, where ``out / x`` would cancel catastrophically.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from ..arguments import alias, dim_index, is_int
from ..errors import DTypeError, ShapeError
from ..primitive import Primitive, composite, install_methods, normalize_axes, numpy_meaning
from ..tensor import Tensor, install_method, leaf, unwrap
from .core import astype as cast
from .core import axis_tuple, concatenate, getitem, reshape, transpose, where
from .core import sum as total
from .declare import builtin

#: The public names this module declares (``mg.<name>``).
__all__ = []

#: What ``mg.sort`` returns, as ``torch.return_types.sort``: a named tuple.
SortResult = namedtuple("sort", ("values", "indices"))


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _export(fn):
    __all__.append(fn.__name__)
    return fn


# ------------------------------------------------------------------ helpers
def _flip(x, axis):
    """``x`` reversed along ``axis``, in the graph (a basic slice: ``getitem``)."""
    axis %= unwrap(x).ndim
    return getitem(x, index=(slice(None),) * axis + (slice(None, None, -1),))


def _to_last(x, axes):
    """``x`` with ``axes`` moved to the end, and the permutation that undoes it."""
    ndim = unwrap(x).ndim
    order = [i for i in range(ndim) if i not in axes] + list(axes)
    if order == list(range(ndim)):
        return x, None
    return transpose(x, axes=tuple(order)), tuple(np.argsort(order))


def _from_last(x, inverse):
    return x if inverse is None else transpose(x, axes=inverse)


def _operand(x):
    """A tensor or an array stays as it is; a list or a number becomes an array."""
    return x if isinstance(x, (Tensor, np.ndarray)) else np.asarray(x)


def numpy_keywords(fn, x, dtype=None, out=None):
    """NumPy's and PyTorch's ``dtype=`` (a float dtype: ``x`` converted first, in
    the graph, as ``torch.cumsum(x, dim, dtype=...)`` does) and NumPy's ``out=``
    (must be None: minigrad never writes into an existing array), for every
    reduction and scan that takes them."""
    if out is not None:
        raise TypeError(f"{fn}: out= is not supported: minigrad returns a new tensor of the "
                        f"graph and never writes into an existing one; write y = {fn}(...)")
    if dtype is None:
        return x
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise DTypeError(f"{fn}: dtype={dtype}: minigrad computes {fn} in a floating-point "
                         f"dtype (float32 or float64)")
    return x if unwrap(x).dtype == dtype else cast(x, dtype=dtype)


# --------------------------------------------------------------------- prod
def _prod(x, axis=None, keepdims=False):
    return np.multiply.reduce(x, axis=axis_tuple(axis), keepdims=keepdims)


def _others(x, axes):
    """The product of the other elements of each reduced slice, for every element,
    with no division: exclusive cumulative products from the left and from the
    right, multiplied (PyTorch's ``prod_safe_zeros_backward``)."""
    moved, inverse = _to_last(x, axes)
    shape = unwrap(moved).shape
    lead = shape[:len(shape) - len(axes)]
    flat = reshape(moved, shape=lead + (math.prod(shape[len(lead):]),))
    if isinstance(flat, Tensor):
        ones = np.ones(lead + (1,), dtype=unwrap(x).dtype)
        before = cumprod_op(concatenate(
            [ones, getitem(flat, index=(Ellipsis, slice(None, -1)))], axis=-1), axis=-1)
        after = _flip(cumprod_op(_flip(concatenate(
            [getitem(flat, index=(Ellipsis, slice(1, None))), ones], axis=-1), -1),
            axis=-1), -1)
        both = before * after
    else:                                   # arrays: the same, written into one buffer
        both, after = np.ones_like(flat), np.ones_like(flat)
        np.multiply.accumulate(flat[..., :-1], axis=-1, out=both[..., 1:])
        np.multiply.accumulate(flat[..., :0:-1], axis=-1, out=after[..., -2::-1])
        both *= after
    return _from_last(reshape(both, shape=shape), inverse)


def _prod_vjp(g, out, x, axis=None, keepdims=False):
    data = unwrap(x)
    axes = normalize_axes(axis_tuple(axis), data.ndim)
    kept = tuple(1 if i in axes else n for i, n in enumerate(data.shape))
    g = reshape(g, shape=kept)
    if not axes:
        return g
    if data.size == 0:
        return g * np.zeros(data.shape, dtype=data.dtype)
    # Never out / x (PyTorch's path without zeros): with no division the gradient is
    # right at zeros, at underflow, and differentiates again without cancellation.
    return g * _others(x, axes)


prod_op = _builtin(
    "prod", _prod, _prod_vjp, rules=("the product of the other elements",),
    kind="reduction", public=False)


def prod(x, axis=None, keepdims=None, *, dim=None, keepdim=None, dtype=None, out=None):
    """The product over ``axis``/``dim`` (None: every element; an int, a list or
    a tuple), as ``torch.prod`` and ``np.prod``; ``x.prod(dim, keepdim)`` too.

    The gradient of each element is the product of the others, also where the
    input has zeros: with one zero, the zero's gradient is the product of the
    rest and every other gradient is 0; with two or more, all are 0.

    >>> import minigrad as mg
    >>> x = mg.tensor([[2.0, 0.0], [0.0, 4.0]], requires_grad=True)
    >>> x.prod(dim=1)
    tensor([0., 0.], op=prod)
    >>> mg.prod(x).backward()
    >>> x.grad
    array([[0., 0.],
           [0., 0.]])
    >>> y = mg.tensor([2.0, 0.0, 5.0], requires_grad=True)
    >>> mg.prod(y).backward()
    >>> y.grad
    array([ 0., 10.,  0.])
    """
    axis = alias("prod", "axis", axis, "dim", dim)
    if dim is not None and not is_int(dim) and len(dim) == 0:
        axis = None                    # PyTorch's dim=(): every dim (NumPy's axis=(): none)
    keepdims = alias("prod", "keepdims", keepdims, "keepdim", keepdim)
    if keepdims is not None and not isinstance(keepdims, (bool, np.bool_, int)):
        raise DTypeError(f"prod: keepdims must be a bool, got {keepdims!r}; NumPy's "
                         f"np.prod(x, axis, dtype) passes dtype third: write dtype=...")
    keepdims = bool(keepdims)
    x = numpy_keywords("prod", _operand(x), dtype, out)
    ndim = unwrap(x).ndim
    if axis is not None:
        items = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
        for a in items:
            dim_index("prod", a, ndim)
        if ndim == 0:                  # a 0-d tensor takes dim 0 (PyTorch)
            axis = None
    if keepdims:
        return prod_op(x, axis=axis, keepdims=True)
    return prod_op(x) if axis is None else prod_op(x, axis=axis)


__all__.append("prod")
install_methods(prod_op, {"prod": prod})


# ------------------------------------------------------------ cumsum, cumprod
def _cumsum(x, axis):
    return np.add.accumulate(x, axis=axis)


def _reverse_cumsum(g, axis):
    return _flip(cumsum_op(_flip(g, axis), axis=axis), axis)


cumsum_op = _builtin(
    "cumsum", _cumsum, lambda g, out, x, axis: _reverse_cumsum(g, axis),
    rules=("the sum of g from the element to the end",), kind="scan", public=False)


def _cumprod(x, axis):
    return np.multiply.accumulate(x, axis=axis)


def _cumprod_vjp_exact(g, x, axis):
    """The gradient on arrays without dividing (zeros, or products that underflow):
    ``dL/dx_k = P_k · S_k``, ``P_k`` the product of the elements before ``k``
    and ``S_k = g_k + x_(k+1) · S_(k+1)``, run from the end (Horner's rule)."""
    xs, gs = np.moveaxis(x, axis, 0), np.moveaxis(g, axis, 0)
    before = np.ones_like(xs)
    np.multiply.accumulate(xs[:-1], axis=0, out=before[1:])
    s = np.empty_like(gs)
    s[-1] = gs[-1]
    for k in range(len(xs) - 2, -1, -1):     # a loop over one axis, vectorized across
        s[k] = gs[k] + xs[k + 1] * s[k + 1]
    return np.moveaxis(before * s, 0, axis)


def _divides_safely(out):
    """Every result a normal, finite number: ``out / x`` is the product of the others
    to rounding.  (A zero or underflowed product has lost them.)"""
    magnitude = np.abs(out)
    return bool(np.all((magnitude >= np.finfo(magnitude.dtype).tiny) & np.isfinite(magnitude)))


def _cumprod_vjp_graph(g, x, axis):
    """The gradient with zeros in ``x``, in the graph (O(n²), as PyTorch's
    differentiable path): row k of a matrix holds ``x`` with ``x_k`` set to 1;
    its cumulative product at ``i >= k`` is the derivative of output ``i`` with
    respect to ``x_k``.  No division, so it differentiates again at zeros."""
    axis %= unwrap(x).ndim
    x, inverse = _to_last(x, (axis,))
    g, _ = _to_last(g, (axis,))
    shape = unwrap(x).shape
    n = shape[-1]
    row = shape[:-1] + (1, n)
    rows = where(np.eye(n, dtype=bool), 1.0, reshape(x, shape=row))
    upper = np.triu(np.ones((n, n), dtype=bool))          # i >= k
    terms = where(upper, cumprod_op(rows, axis=-1) * reshape(g, shape=row), 0.0)
    return _from_last(total(terms, axis=-1), inverse)


def _cumprod_vjp(g, out, x, axis):
    if isinstance(g, Tensor) or isinstance(x, Tensor):
        return _cumprod_vjp_graph(g, x, axis)
    if _divides_safely(out):
        return _reverse_cumsum(g * out, axis) / x
    return _cumprod_vjp_exact(g, x, axis)


cumprod_op = _builtin(
    "cumprod", _cumprod, _cumprod_vjp,
    rules=("Σ_{i≥k} g_i · (product of x_0..x_i but x_k)",), kind="scan", public=False)

def _scan(fn, op, x, axis, dim, dtype, out):
    axis = alias(fn, "axis", axis, "dim", dim)
    x = numpy_keywords(fn, _operand(x), dtype, out)
    if axis is None:                       # NumPy's rule: the flattened array
        return op(reshape(x, shape=(-1,)), axis=0)
    shape = unwrap(x).shape
    axis = dim_index(fn, axis, len(shape))
    if not shape:                          # a 0-d tensor takes dim 0 (PyTorch)
        return reshape(op(reshape(x, shape=(1,)), axis=0), shape=())
    return op(x, axis=axis)


@_export
def cumsum(x, axis=None, dtype=None, out=None, *, dim=None):
    """Cumulative sum along ``dim``/``axis``, as ``torch.cumsum(x, dim)``; with
    no axis the flattened tensor, as ``np.cumsum``.  Also ``x.cumsum(dim)``.

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.cumsum(x, dim=1), x.cumsum(0), mg.cumsum(x)
    (tensor([[1., 3.],
            [3., 7.]]), tensor([[1., 2.],
            [4., 6.]]), tensor([ 1.,  3.,  6., 10.]))
    """
    return _scan("cumsum", cumsum_op, x, axis, dim, dtype, out)


@_export
def cumprod(x, axis=None, dtype=None, out=None, *, dim=None):
    """Cumulative product along ``dim``/``axis``, as ``torch.cumprod(x, dim)``;
    with no axis the flattened tensor, as ``np.cumprod``.  The gradient is
    right where ``x`` has zeros (PyTorch's backward), to second order too.

    >>> import minigrad as mg
    >>> x = mg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> y = x.cumprod(0)
    >>> y
    tensor([2., 0., 0.], op=cumprod)
    >>> y.sum().backward()
    >>> x.grad          # d(2 + 2b + 2bc)/d(a, b, c) at (2, 0, 3)
    array([1., 8., 0.])
    """
    return _scan("cumprod", cumprod_op, x, axis, dim, dtype, out)


install_methods(cumsum_op, {"cumsum": cumsum})
install_methods(cumprod_op, {"cumprod": cumprod})


# --------------------------------------------------------------------- diff
def _edge(value, x, axis):
    """A ``prepend``/``append`` value as a block to concatenate: a number is
    broadcast to one slice along ``axis`` (NumPy's rule) in ``x``'s dtype."""
    if isinstance(value, Tensor) or np.ndim(value):
        return value
    shape = list(unwrap(x).shape)
    shape[axis] = 1
    return np.full(shape, value, dtype=unwrap(x).dtype)


@_export
@composite(name="diff", rules=("g[i-1] - g[i] (via getitem and sub), n times",),
           reference=np.diff,
           samples=[(((5,),), {}), (((3, 4),), {"n": 2, "axis": 0}),
                    (((2, 3, 4),), {"axis": 1}), (((4, 3),), {"n": 2}),
                    (((3, 4),), {"prepend": 0.5, "append": -1.0})])
def diff(x, n=1, dim=-1, prepend=None, append=None, *, axis=None):
    """The ``n``-th forward difference along ``dim``/``axis`` (default the last),
    as ``torch.diff`` and ``np.diff``: ``out[i] = x[i + 1] - x[i]``, repeated
    ``n`` times, after joining ``prepend`` before and ``append`` after ``x``
    (a tensor, or a number used as one slice).  Also ``x.diff(n, dim)``.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 4.0, 9.0, 16.0])
    >>> x.diff(), mg.diff(x, n=2), mg.diff(x, prepend=0.0)
    (tensor([3., 5., 7.]), tensor([2., 2.]), tensor([1., 3., 5., 7.]))
    """
    if axis is not None:
        if dim != -1:
            alias("diff", "axis", axis, "dim", dim)
        dim = axis
    x = _operand(x)
    shape = unwrap(x).shape
    if not shape:
        raise ShapeError("diff: the tensor is 0-d (shape ()); a difference needs at least "
                         "one dim: reshape it first, e.g. x.reshape(-1)")
    if not is_int(n) or n < 0:
        raise ShapeError(f"diff: n must be an int >= 0 (the number of differences), got "
                         f"{n!r}")
    d = dim_index("diff", dim, len(shape))
    if prepend is not None or append is not None:
        parts = [_edge(prepend, x, d)] if prepend is not None else []
        parts.append(x)
        if append is not None:
            parts.append(_edge(append, x, d))
        x = concatenate(parts, axis=d)
    head = (slice(None),) * d
    for _ in range(n):
        x = getitem(x, index=head + (slice(1, None),)) - getitem(x, index=head + (slice(-1),))
    return x


install_method("diff", diff)


# ---------------------------------------------------------- sort, argsort
def _order(data, axis, descending, stable):
    """Sorting indices along ``axis``.  ``stable``: tied elements keep their
    order (NumPy's stable sort, 2-3x slower); else NumPy's default quicksort,
    whose order of ties is unspecified, as PyTorch's is with ``stable=False``.
    Descending puts NaN first, as PyTorch does (and keeps ties in order when
    stable): an ascending sort of the reversed slice, read backwards."""
    kind = "stable" if stable else None
    if not descending:
        return np.argsort(data, axis=axis, kind=kind)
    n = data.shape[axis]
    reversed_order = np.argsort(np.flip(data, axis), axis=axis, kind=kind)
    return n - 1 - np.flip(reversed_order, axis)


#: The permutation as a primitive with no gradient, called on the data: a trace records
#: it as a step, so mg.jit sorts each call's values instead of freezing the first order.
_order_op = Primitive("sort_order", _order).defvjp(None)


def _gather(x, indices, axis):
    """``x`` read at ``indices`` along ``axis`` (``np.take_along_axis``), by
    ``getitem``: its gradient goes back through the permutation."""
    grids = [np.arange(n).reshape((n,) + (1,) * (indices.ndim - k - 1))
             for k, n in enumerate(indices.shape)]
    return getitem(x, index=tuple(grids[:axis]) + (indices,) + tuple(grids[axis + 1:]))


def _indices(indices, like):
    """int64 indices: a tensor with no gradient for a tensor, else an array."""
    indices = np.asarray(indices, dtype=np.int64)
    return leaf(indices) if isinstance(like, Tensor) else indices


def _sort_dim(fn, x, dim, axis):
    if axis is not None:
        if dim != -1:
            alias(fn, "axis", axis, "dim", dim)
        dim = axis
    return dim_index(fn, dim, unwrap(x).ndim)


def _sort_reference(x, dim=-1, descending=False, stable=False, axis=None):
    """NumPy's sort, for the tests: (values, indices) as mg.sort gives them."""
    axis = dim if axis is None else axis
    indices = np.argsort(-x if descending else x, axis=axis, kind="stable")
    return np.take_along_axis(x, indices, axis), indices


@_export
@composite(name="sort", rules=("g put back through the permutation",), domain=("distinct",),
           smooth=False, reference=_sort_reference,
           samples=[(((5,),), {}), (((3, 4),), {"dim": 0}), (((3, 4),), {"descending": True}),
                    (((2, 3, 2),), {"dim": 1, "descending": True, "stable": True}),
                    (((4, 2),), {"axis": 0})])
def sort(x, dim=-1, descending=False, stable=False, *, axis=None):
    """Sorted values along ``dim`` (default the last) and where they were, as
    ``torch.sort``: a named tuple ``(values, indices)``.  The gradient of the
    values goes back to the elements they came from.  ``stable=True`` keeps
    tied elements in their order; without it their order is unspecified, as
    in PyTorch (NumPy's faster quicksort).  ``descending=True`` puts NaN
    first, as PyTorch does.  ``np.sort(x)`` has
    NumPy's meaning: the values only (``axis=None`` sorts the flattened tensor).

    >>> import minigrad as mg
    >>> x = mg.tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> values, indices = mg.sort(x, descending=True)
    >>> values, indices
    (tensor([3., 2., 1.], op=getitem), tensor([0, 2, 1]))
    >>> (values * mg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    array([  1., 100.,  10.])
    """
    x = _operand(x)
    data = unwrap(x)
    if data.ndim == 0:                      # PyTorch: the value itself, index 0
        dim_index("sort", dim if axis is None else axis, 0)
        return SortResult(reshape(x, shape=()), _indices(np.zeros((), np.int64), x))
    d = _sort_dim("sort", x, dim, axis)
    indices = _order_op(data, axis=d, descending=descending, stable=stable)
    return SortResult(_gather(x, indices, d), _indices(indices, x))


@_export
def argsort(x, dim=-1, descending=False, stable=False, *, axis=None):
    """The indices that sort ``x`` along ``dim``, as ``torch.argsort`` (int64,
    no gradient; ``stable`` and ``descending`` as in [`sort`][minigrad.ops.scans.sort]).
    ``np.argsort(x)`` runs NumPy's own on the data.

    >>> import minigrad as mg
    >>> mg.tensor([[3.0, 1.0, 2.0]]).argsort(), mg.argsort(mg.tensor([1.0, 2.0]), 0, True)
    (tensor([[1, 2, 0]]), tensor([1, 0]))
    """
    x = _operand(x)
    data = unwrap(x)
    if data.ndim == 0:
        dim_index("argsort", dim if axis is None else axis, 0)
        return _indices(np.zeros((), np.int64), x)
    d = _sort_dim("argsort", x, dim, axis)
    return _indices(_order_op(data, axis=d, descending=descending, stable=stable), x)


install_method("sort", sort)
install_method("argsort", argsort)


@numpy_meaning("sort")
def numpy_sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``np.sort(tensor)``: NumPy's meaning (the sorted values; ``axis=None``
    sorts the flattened tensor), in the graph.

    >>> import numpy as np, minigrad as mg
    >>> np.sort(mg.tensor([[3.0, 1.0], [0.0, 2.0]]), axis=None)
    tensor([0., 1., 2., 3.])
    """
    if order is not None:
        raise TypeError("np.sort(tensor, order=...): a tensor has no fields to order by")
    a = _operand(a)
    if axis is None:
        a, axis = reshape(a, shape=(-1,)), 0
    data = unwrap(a)
    if data.ndim == 0:
        raise ShapeError("np.sort: the tensor is 0-d (shape ()); NumPy sorts along an axis "
                         "of at least a 1-d array: reshape it first, or pass axis=None")
    axis = dim_index("np.sort", axis, data.ndim)
    return _gather(a, np.argsort(data, axis=axis, kind=kind, stable=stable), axis)


@numpy_meaning("argsort")
def numpy_argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``np.argsort(tensor)``: NumPy's own on the data (``kind=``, ``axis=None``),
    as an int64 tensor with no gradient.

    >>> import numpy as np, minigrad as mg
    >>> np.argsort(mg.tensor([[3.0, 1.0], [0.0, 2.0]]), axis=None)
    tensor([2, 1, 3, 0])
    """
    return leaf(np.asarray(np.argsort(unwrap(a), axis=axis, kind=kind, order=order,
                                      stable=stable), dtype=np.int64))

"""Reductions with NumPy's arguments and PyTorch's: sum, mean, max, min, amax,
amin, argmax, argmin, var, std (and the elementwise ``minimum``).

Each is a composite of the primitives ``sum``, ``max`` and ``getitem`` of
``ops/`` (or the primitive itself behind a wrapper that takes both
spellings), so its gradient comes from theirs.  ``axis=``/``keepdims=``
(NumPy) and ``dim=``/``keepdim=`` (PyTorch) are both taken; an axis is an int,
a list or a tuple.  Giving both spellings of one argument is a TypeError.

Where the two libraries give one name two meanings:

* ``x.max(dim)`` and ``mg.max(x, dim)`` return ``(values, indices)`` as
  PyTorch does, and the gradient goes to the element at the index;
  ``mg.max(x, axis=...)`` (NumPy's keyword) and ``x.max()`` return the values,
  and tied maxima share the gradient; ``mg.amax`` always returns the values;
* ``x.var()``/``x.std()`` have PyTorch's ``correction=1``; the functions
  ``mg.var``/``mg.std`` have NumPy's ``ddof=0`` (and refuse ``dim=`` without
  a ``correction=``, where the two defaults would silently differ).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from . import ops
from .errors import ShapeError
from .ops import getitem, reshape
from .ops.scans import numpy_keywords as scan_keywords
from .primitive import REGISTRY, composite, install_methods, normalize_axes
from .shape import alias, dim_index, is_int, operand, shape_of
from .tensor import Tensor, install_method, leaf, unwrap

#: The public functions of this module (``mg.<name>``, via ``functional``).
__all__ = []

_sum, _max = ops.sum, ops.max          # the primitives (the names below wrap them)

#: What ``x.max(dim)`` returns, as ``torch.return_types.max``: a named tuple.
MaxResult = namedtuple("max", ("values", "indices"))
#: What ``x.min(dim)`` returns, as ``torch.return_types.min``.
MinResult = namedtuple("min", ("values", "indices"))


def _function(fn):
    """Export ``fn`` as ``mg.<name>``."""
    __all__.append(fn.__name__)
    return fn


def _method(fn):
    """Export ``fn`` as ``mg.<name>`` and make it the Tensor method of that name."""
    return install_method(fn.__name__, _function(fn))


def reduction_args(fn, axis, keepdims, dim, keepdim):
    """(axis, keepdims) from either spelling of each.  An empty ``dim`` means every
    dim (PyTorch's ``dim=()``), an empty ``axis`` none (NumPy's ``axis=()``)."""
    axis = alias(fn, "axis", axis, "dim", dim)
    if dim is not None and not is_int(dim) and len(dim) == 0:
        axis = None
    return axis, bool(alias(fn, "keepdims", keepdims, "keepdim", keepdim))


def _reduce(op, x, axis, keepdims):
    # Only the keywords that differ from the defaults: the node (and mg.explain)
    # shows what the call said, and a plain x.sum() passes no keywords at all.
    if keepdims:
        return op(x, axis=axis, keepdims=True)
    return op(x) if axis is None else op(x, axis=axis)


def numpy_keywords(fn, x, dtype=None, out=None):
    """NumPy's ``dtype=`` and ``out=``, which ``np.sum(x)``, ``np.mean(x)``,
    ``np.var(x)``, ``np.max(x)`` pass to the method of that name (so those
    calls stay in the graph): ``dtype`` (a float dtype) converts ``x`` first,
    in the graph, as ``torch.sum(x, dtype=...)`` does; ``out`` must be None.
    The checks are the scans' (``prod``, ``cumsum``, ...), one copy for all."""
    return scan_keywords(fn, x if dtype is None else operand(x), dtype, out)


# ------------------------------------------------------------- sum, mean
@_function
def sum(x, axis=None, keepdims=None, *, dim=None, keepdim=None, dtype=None, out=None):
    """Sum over ``axis``/``dim`` (None: every axis; an int, a list or a tuple).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.sum(), x.sum(dim=1), mg.sum(x, axis=0, keepdims=True)
    (tensor(10.), tensor([3., 7.]), tensor([[4., 6.]]))
    """
    if dim is not None or keepdim is not None or dtype is not None or out is not None:
        axis, keepdims = reduction_args("sum", axis, keepdims, dim, keepdim)
        x = numpy_keywords("sum", x, dtype, out)
    if keepdims:                        # _reduce written out: x.sum() is a hot call
        return _sum(x, axis=axis, keepdims=True)
    return _sum(x) if axis is None else _sum(x, axis=axis)


install_methods(REGISTRY["sum"], {"sum": sum})


@_method
def mean(x, axis=None, keepdims=None, *, dim=None, keepdim=None, dtype=None, out=None):
    """Arithmetic mean over ``axis``/``dim``.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0], [3.0, 5.0]]).mean(dim=0)
    tensor([2. , 3.5])
    """
    axis, keepdims = reduction_args("mean", axis, keepdims, dim, keepdim)
    x = operand(numpy_keywords("mean", x, dtype, out))
    shape = shape_of(x)
    count = math.prod(shape[a] for a in normalize_axes(axis, len(shape)))
    return _reduce(_sum, x, axis, keepdims) / count


# ----------------------------------------------------- max, min and friends
@_method
def minimum(x, y):
    """Elementwise minimum; at ties each input receives half of the gradient.

    >>> import minigrad as mg
    >>> mg.minimum(mg.tensor([1.0, 5.0]), mg.tensor([3.0, 2.0]))
    tensor([1., 2.])
    """
    return -ops.maximum(-operand(x), -operand(y))


def _with_index(fn, x, dim, keepdim, pick, result):
    """The extreme along one dim and where it is, as PyTorch's ``max(dim)``: the
    values are read at the indices (``getitem``), so the gradient goes to that
    element.  Ties give the first index, as NumPy's argmax and PyTorch do."""
    if not is_int(dim):
        raise TypeError(f"{fn}(x, dim) takes one int dim, as in PyTorch, got {dim!r}: for "
                        f"several dims use mg.a{fn}(x, dim={dim!r}) or {fn}(x, axis={dim!r}), "
                        f"which return the values only")
    x = operand(x)
    data = unwrap(x)
    d = dim_index(fn, dim, data.ndim)
    if data.ndim == 0:
        return result(reshape(x, shape=()), _indices(np.zeros((), np.int64), x))
    if data.shape[d] == 0:
        raise ShapeError(f"{fn}: dim {dim} of a tensor of shape {data.shape} is empty; "
                         f"there is no {fn}imum to take")
    idx = pick(data, axis=d)
    grids = [np.arange(n).reshape((n,) + (1,) * (np.ndim(idx) - k - 1))
             for k, n in enumerate(np.shape(idx))]
    values = getitem(x, index=tuple(grids[:d]) + (idx,) + tuple(grids[d:]))
    if keepdim:
        idx = np.expand_dims(idx, d)
        values = reshape(values, shape=idx.shape)
    return result(values, _indices(idx, x))


def _indices(idx, like):
    """Indices as int64: a tensor (no gradient) for a tensor, else an array."""
    idx = np.asarray(idx, dtype=np.int64)
    return leaf(idx) if isinstance(like, Tensor) else idx


def _extreme(fn, x, dim, keepdim, axis, keepdims):
    """Shared by max and min: which of PyTorch's and NumPy's forms was called."""
    if isinstance(dim, (Tensor, np.ndarray)):          # torch.max(x, other)
        if (keepdim, axis, keepdims) != (None, None, None):
            raise TypeError(f"{fn}(x, other) compares two tensors elementwise and takes "
                            f"no other arguments")
        return ops.maximum(x, dim) if fn == "max" else minimum(x, dim)
    if dim is not None:
        alias(fn, "axis", axis, "dim", dim)
        keepdim = bool(alias(fn, "keepdims", keepdims, "keepdim", keepdim))
        if fn == "max":
            return _with_index(fn, x, dim, keepdim, np.argmax, MaxResult)
        return _with_index(fn, x, dim, keepdim, np.argmin, MinResult)
    keepdims = bool(alias(fn, "keepdims", keepdims, "keepdim", keepdim))
    if fn == "max":
        return _reduce(_max, x, axis, keepdims)
    return -_reduce(_max, -operand(x), axis, keepdims)


@_function
def max(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """The maximum, by PyTorch's rules and NumPy's:

    * ``x.max()``: the overall maximum (tied maxima share the gradient);
    * ``x.max(dim)`` / ``x.max(dim=1, keepdim=True)``: ``(values, indices)``
      along that dim, a named tuple as PyTorch returns; the gradient goes to
      the element at the index (the first one at a tie);
    * ``x.max(other)`` (a tensor): the elementwise ``maximum``;
    * ``mg.max(x, axis=..., keepdims=...)``: NumPy's form, the values over an
      axis or a tuple of axes (``mg.amax`` is PyTorch's name for it).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> x.max()
    tensor(5.)
    >>> x.max(dim=1)
    max(values=tensor([5., 4.]), indices=tensor([1, 0]))
    >>> mg.max(x, axis=0)
    tensor([4., 5.])
    """
    return _extreme("max", numpy_keywords("max", x, out=out), dim, keepdim, axis, keepdims)


@_method
def min(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """The minimum, in the forms [`max()`][minigrad.reductions.max] takes (``x.min(dim)`` gives
    ``(values, indices)``, ``x.min(other)`` the elementwise ``minimum``).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> x.min(), x.min(0).indices, mg.min(x, axis=1)
    (tensor(1.), tensor([0, 1]), tensor([1., 2.]))
    """
    return _extreme("min", numpy_keywords("min", x, out=out), dim, keepdim, axis, keepdims)


install_methods(REGISTRY["max"], {"max": max})


@_method
def amax(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """The maximum over ``dim`` (an int or a tuple; None: all), values only, as
    ``torch.amax``; tied maxima share the gradient.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 5.0], [4.0, 2.0]]).amax(dim=(0, 1))
    tensor(5.)
    """
    axis, keepdims = reduction_args("amax", axis, keepdims, dim, keepdim)
    return _reduce(_max, numpy_keywords("amax", x, out=out), axis, keepdims)


@_method
def amin(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """The minimum over ``dim``, values only, as ``torch.amin``.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 5.0], [4.0, 2.0]]).amin(dim=1)
    tensor([1., 2.])
    """
    axis, keepdims = reduction_args("amin", axis, keepdims, dim, keepdim)
    return -_reduce(_max, -operand(numpy_keywords("amin", x, out=out)), axis, keepdims)


def _arg(fn, pick, x, dim, keepdim, axis, keepdims):
    axis, keepdims = reduction_args(fn, axis, keepdims, dim, keepdim)
    data = unwrap(operand(x))
    if data.size == 0:
        raise ShapeError(f"{fn}: the tensor of shape {data.shape} is empty")
    if data.ndim == 0:
        if axis is not None:
            dim_index(fn, axis, 0)
        return _indices(np.zeros((), np.int64), x)
    axis = None if axis is None else dim_index(fn, axis, data.ndim)
    if axis is not None and data.shape[axis] == 0:
        raise ShapeError(f"{fn}: dim {axis} of a tensor of shape {data.shape} is empty")
    return _indices(pick(data, axis=axis, keepdims=keepdims), x)


@_method
def argmax(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """Where the maximum is: along ``dim``, or in the flattened tensor when
    ``dim`` is None (PyTorch's and NumPy's rule).  An int64 tensor with no
    gradient; the first index at a tie.

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> x.argmax(), x.argmax(dim=1), mg.argmax(x, dim=0, keepdim=True)
    (tensor(1), tensor([1, 0]), tensor([[1, 0]]))
    """
    return _arg("argmax", np.argmax, numpy_keywords("argmax", x, out=out), dim, keepdim, axis,
                keepdims)


@_method
def argmin(x, dim=None, keepdim=None, *, axis=None, keepdims=None, out=None):
    """Where the minimum is, as [`argmax()`][minigrad.reductions.argmax].

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 5.0], [4.0, 2.0]]).argmin(dim=1)
    tensor([0, 1])
    """
    return _arg("argmin", np.argmin, numpy_keywords("argmin", x, out=out), dim, keepdim, axis,
                keepdims)


# ------------------------------------------------------------- var, std
def _correction(fn, ddof, correction, unbiased):
    """The one of ``ddof`` (NumPy), ``correction`` and ``unbiased`` (PyTorch) given,
    as a number subtracted from the count; None when none is."""
    value = alias(fn, "ddof", ddof, "correction", correction)
    if unbiased is not None:
        if value is not None:
            raise TypeError(f"{fn}: pass one of unbiased=, correction= and ddof=")
        value = 1 if unbiased else 0
    return value


def _variance(x, axis, keepdims, correction):
    x = operand(x)
    shape = shape_of(x)
    n = math.prod(shape[a] for a in normalize_axes(axis, len(shape)))
    centred = x - mean(x, axis=axis, keepdims=True)
    # Fewer elements than the correction: divide by 0 (inf or nan), as both libraries do.
    return _reduce(_sum, centred * centred, axis, keepdims) / (
        n - correction if n > correction else 0)


def _numpy_var(x, axis=None, keepdims=False, ddof=0):
    return np.var(x, axis=axis, keepdims=keepdims, ddof=ddof)


def _numpy_std(x, axis=None, keepdims=False, ddof=0):
    return np.std(x, axis=axis, keepdims=keepdims, ddof=ddof)


@_function
@composite(name="var", kind="reduction", reference=_numpy_var,
           rules=("2(x - mean)/(n - ddof) (via mean, mul, sum)",))
def var(x, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None,
        unbiased=None, dtype=None, out=None):
    """Variance over ``axis``, dividing by ``n - ddof``.

    **The function and the method differ, on purpose.**  The function
    ``mg.var(x)`` is NumPy's ``np.var``: default ``ddof=0``, divide by ``n``
    (the population variance).  The method ``x.var()`` is PyTorch's
    ``torch.Tensor.var``: default ``correction=1``, divide by ``n - 1`` (the
    unbiased sample variance).  ``correction=`` (or ``unbiased=``) is
    PyTorch's name for ``ddof``.  ``mg.var(x, dim=...)`` with none of them is
    a TypeError: PyTorch's keyword with NumPy's default would silently give
    the other number.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    >>> mg.var(x), mg.var(x, ddof=1), x.var()
    (tensor(1.25), tensor(1.6667), tensor(1.6667))
    """
    axis, keepdims = reduction_args("var", axis, keepdims, dim, keepdim)
    x = numpy_keywords("var", x, dtype, out)
    return _variance(x, axis, keepdims, _function_correction("var", ddof, correction,
                                                                unbiased, dim))


@_function
@composite(name="std", reference=_numpy_std, domain=("distinct",),
           rules=("(x - mean)/((n - ddof)·std) (via var, sqrt)",),
           samples=[(((5,),), {}), (((3, 4),), {"axis": 1}),
                    (((3, 4),), {"axis": 0, "keepdims": True}),
                    (((2, 3, 2),), {"axis": (0, 2)}), (((4, 3),), {"axis": 0, "ddof": 1})])
def std(x, axis=None, ddof=None, keepdims=None, *, dim=None, keepdim=None, correction=None,
        unbiased=None, dtype=None, out=None):
    """Standard deviation, ``sqrt(var)``.  As for [`var`][minigrad.reductions.var],
    the function ``mg.std(x)`` is NumPy's ``np.std`` (``ddof=0``: divide by
    ``n``) and the method ``x.std()`` is PyTorch's (``correction=1``: divide
    by ``n - 1``).  Its gradient is infinite where the deviation is zero.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 3.0])
    >>> mg.std(x), x.std(), mg.std(x, dim=0, correction=0)
    (tensor(1.), tensor(1.4142), tensor(1.))
    """
    axis, keepdims = reduction_args("std", axis, keepdims, dim, keepdim)
    x = numpy_keywords("std", x, dtype, out)
    return ops.sqrt(_variance(x, axis, keepdims, _function_correction(
        "std", ddof, correction, unbiased, dim)))


def _function_correction(fn, ddof, correction, unbiased, dim):
    value = _correction(fn, ddof, correction, unbiased)
    if value is None and dim is not None:
        raise TypeError(
            f"mg.{fn}(x, dim=...): the function mg.{fn} has NumPy's default ddof=0 while "
            f"torch.{fn} has correction=1; say which with correction= (or ddof=), or call "
            f"the method x.{fn}(dim=...), which has PyTorch's default")
    return 0 if value is None else value


def _method_args(fn, dim, unbiased, keepdim, correction, axis, keepdims, ddof):
    if isinstance(dim, (bool, np.bool_)):         # x.var(False): PyTorch's var(unbiased)
        dim, unbiased = None, bool(dim)
    axis, keepdims = reduction_args(fn, axis, keepdims, dim, keepdim)
    value = _correction(fn, ddof, correction, unbiased)
    return axis, keepdims, 1 if value is None else value


def _var_method(self, dim=None, unbiased=None, keepdim=None, *, correction=None, axis=None,
                keepdims=None, ddof=None, dtype=None, out=None):
    """Variance over ``dim`` with PyTorch's default ``correction=1`` (divide by
    ``n - 1``), as ``torch.Tensor.var``; ``correction=0`` (or ``unbiased=False``)
    divides by ``n``.  Unlike this method, the function ``mg.var(x)`` has
    NumPy's default ``ddof=0`` (divide by ``n``), as ``np.var``.

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 5.0]])
    >>> x.var(), x.var(dim=1), x.var(1, keepdim=True, correction=0)
    (tensor(2.9167), tensor([0.5, 2. ]), tensor([[0.25],
            [1.  ]]))
    """
    axis, keepdims, c = _method_args("var", dim, unbiased, keepdim, correction, axis,
                                     keepdims, ddof)
    return _variance(numpy_keywords("var", self, dtype, out), axis, keepdims, c)


def _std_method(self, dim=None, unbiased=None, keepdim=None, *, correction=None, axis=None,
                keepdims=None, ddof=None, dtype=None, out=None):
    """Standard deviation with PyTorch's default ``correction=1`` (divide by
    ``n - 1``), as ``torch.Tensor.std``.  Unlike this method, the function
    ``mg.std(x)`` has NumPy's default ``ddof=0`` (divide by ``n``), as ``np.std``.

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 3.0]).std(), mg.tensor([1.0, 3.0]).std(unbiased=False)
    (tensor(1.4142), tensor(1.))
    """
    axis, keepdims, c = _method_args("std", dim, unbiased, keepdim, correction, axis,
                                     keepdims, ddof)
    return ops.sqrt(_variance(numpy_keywords("std", self, dtype, out), axis, keepdims, c))


install_method("var", _var_method)
install_method("std", _std_method)

"""Reading and writing at indices: take, take_along_axis (``take_along_dim``)
and put_along_axis.

``take`` and ``take_along_axis`` are composites of ``getitem`` (their
gradient scatters ``g`` back, repeated indices adding up);
``put_along_axis`` is a primitive.  ``np.put_along_axis`` writes into its
argument, which a tensor of the graph cannot allow: ``mg.put_along_axis``
returns a new tensor, and ``np.put_along_axis(tensor, ...)`` says so.
"""

from __future__ import annotations

import numpy as np

from ..arguments import alias, dim_index, operand, shape_of
from ..errors import DTypeError, IndexingError, ShapeError, UfuncError
from ..primitive import REGISTRY, numpy_meaning
from ..tensor import unwrap
from .core import getitem, reshape
from .declare import builtin, cast_like, declared

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _declare(method=(), **declaration):
    return declared(__all__, method, **declaration)


def _indices(fn, indices, size=None, where="the flattened tensor"):
    """``indices`` as an integer array, each in ``[-size, size)`` when ``size`` is given."""
    idx = np.asarray(unwrap(indices))
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"{fn}: indices must be integers, got dtype {idx.dtype} (pass an "
                         f"integer array, or mg.tensor(..., dtype=mg.long))")
    if size is not None and idx.size and not (-size <= idx.min() and idx.max() < size):
        bad = idx.min() if idx.min() < -size else idx.max()
        raise IndexingError(f"{fn}: index {bad} is out of range for {where} ({size} "
                            f"elements; indices go from {-size} to {size - 1})")
    return idx


@_declare(method=("take",), rules=("g scattered back to the taken elements",),
          reference=lambda x, indices, axis=None: np.take(x, indices, axis=axis),
          samples=[(((2, 3),), {"indices": np.array([[5, 0], [0, -1]])}),
                   (((3, 2),), {"indices": np.array([2, 2, 0]), "axis": 0}),
                   (((2, 3),), {"indices": np.array([1]), "axis": -1})])
def take(x, indices=None, axis=None, *, index=None):
    """The elements of ``x`` at ``indices`` (repeats allowed, negative from the
    end): of the flattened tensor (``torch.take``) or along ``axis``
    (``np.take``).  The result has the shape of ``indices`` in place of the axis.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.take(np.array([3, 0])), mg.take(x, np.array([1, 1]), axis=1)
    (tensor([4., 1.]), tensor([[2., 2.],
            [4., 4.]]))
    """
    indices = alias("take", "indices", indices, "index", index)
    x = operand(x)
    shape = shape_of(x)
    if axis is None:
        idx = _indices("take", indices, int(np.prod(shape)))
        return getitem(reshape(x, shape=(-1,)), index=idx)
    axis = dim_index("take", axis, len(shape))
    idx = _indices("take", indices, shape[axis], f"dim {axis} of shape {shape}")
    return getitem(x, index=(slice(None),) * axis + (idx,))


def _along_index(fn, shape, idx, axis):
    """The advanced index that reads ``idx`` along ``axis`` and every position of
    the other axes (which broadcast between ``x`` and ``indices``, as NumPy's)."""
    if idx.ndim != len(shape):
        raise ShapeError(f"{fn}: indices of shape {idx.shape} need as many dims as the "
                         f"tensor of shape {tuple(shape)}")
    for i, (n, m) in enumerate(zip(shape, idx.shape)):
        if i != axis and n != m and 1 not in (n, m):
            raise ShapeError(f"{fn}: indices of shape {idx.shape} do not fit a tensor of "
                             f"shape {tuple(shape)}: sizes other than along dim {axis} must "
                             f"match (or be 1)")
    ones = [1] * len(shape)
    return tuple(idx if i == axis else np.arange(n).reshape(ones[:i] + [n] + ones[i + 1:])
                 for i, n in enumerate(shape))


def _gather(fn, x, indices, axis):
    x = operand(x)
    shape = shape_of(x)
    if axis is None:
        idx = _indices(fn, indices, int(np.prod(shape)))
        return getitem(reshape(x, shape=(-1,)), index=idx.reshape(-1))
    axis = dim_index(fn, axis, len(shape))
    idx = _indices(fn, indices, shape[axis], f"dim {axis} of shape {shape}")
    return getitem(x, index=_along_index(fn, shape, idx, axis))


_GATHER_SAMPLES = [(((3, 2),), {"indices": np.array([[2, 0], [2, 2]]), "axis": 0}),
                   (((2, 3),), {"indices": np.array([[0], [2]]), "axis": 1}),
                   (((2, 3),), {"indices": np.array([5, 0, 5]), "axis": None})]


@_declare(rules=("g scattered back to the gathered elements",),
          reference=lambda x, indices, axis=-1: np.take_along_axis(x, indices, axis=axis),
          samples=_GATHER_SAMPLES)
def take_along_axis(x, indices, axis=-1):
    """The elements of ``x`` at ``indices`` along ``axis`` (an index array with as
    many dims as ``x``), as ``np.take_along_axis``; ``axis=None`` reads the
    flattened tensor.  ``x.gather(dim, index)``'s gradient, in NumPy's words.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    >>> mg.take_along_axis(x, np.array([[1], [0]]), axis=1)
    tensor([[30.],
            [60.]])
    """
    return _gather("take_along_axis", x, indices, axis)


@_declare(method=("take_along_dim",), rules=("g scattered back to the gathered elements",),
          reference=lambda x, indices, dim=None: np.take_along_axis(x, indices, axis=dim),
          samples=[(s, {"indices": k["indices"], "dim": k["axis"]})
                   for s, k in _GATHER_SAMPLES])
def take_along_dim(x, indices, dim=None):
    """PyTorch's ``take_along_dim``: ``mg.take_along_axis``
    with ``dim`` (the flattened tensor and indices when None).

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor([[1.0, 5.0], [7.0, 3.0]]).take_along_dim(np.array([0, 3]))
    tensor([1., 3.])
    """
    return _gather("take_along_dim", x, indices, dim)


def _put_index(x, indices, axis):
    shape = np.shape(x)
    return _along_index("put_along_axis", shape, np.asarray(indices),
                        dim_index("put_along_axis", axis, len(shape)))


def _put_along_axis(x, values, indices, axis):
    out = np.array(x, dtype=np.result_type(x, values))
    out[_put_index(x, indices, axis)] = values
    return out


def _written(x, indices, axis):
    """Which gathered positions wrote the final value (NumPy keeps the last of
    repeated indices: the others are overwritten and get no gradient)."""
    index = _put_index(x, indices, axis)
    positions = np.broadcast(*index)
    ids = np.arange(positions.size).reshape(positions.shape)
    slots = np.full(np.shape(x), -1)
    slots[index] = ids
    return index, slots[index] == ids


def _put_vjp_x(g, out, x, values, indices, axis):
    kept = np.ones(np.shape(x), dtype=bool)
    kept[_put_index(x, indices, axis)] = False
    return g * cast_like(kept, g)


def _put_vjp_values(g, out, x, values, indices, axis):
    index, written = _written(x, indices, axis)
    return getitem(g, index=index) * cast_like(written, g)


def put_along_axis(x, indices, values, axis=None, *, dim=None):
    """A NEW tensor: ``x`` with ``values`` written at ``indices`` along ``axis``
    (NumPy's ``put_along_axis``, out of place; ``scatter(x, dim, index, src)`` in
    PyTorch).  ``x`` is left unchanged; the gradient reaches ``x`` except at the
    written positions, and ``values``.  ``axis=None`` writes into the flattened
    ``x``.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.zeros(2, 3)
    >>> mg.put_along_axis(x, np.array([[2], [0]]), mg.tensor([[1.0], [2.0]]), axis=1)
    tensor([[0., 0., 1.],
            [2., 0., 0.]])
    """
    axis = alias("put_along_axis", "axis", axis, "dim", dim)
    x = operand(x)
    shape = shape_of(x)
    if axis is None:
        idx = _indices("put_along_axis", indices, int(np.prod(shape)))
        flat = _put_op(reshape(x, shape=(-1,)), values, indices=idx.reshape(-1), axis=0)
        return reshape(flat, shape=shape)
    axis = dim_index("put_along_axis", axis, len(shape))
    idx = _indices("put_along_axis", indices, shape[axis], f"dim {axis} of shape {shape}")
    _along_index("put_along_axis", shape, idx, axis)       # a clear error before NumPy's
    return _put_op(x, values, indices=idx, axis=axis)


_builtin(
    "put_along_axis", _put_along_axis, _put_vjp_x, _put_vjp_values, function=put_along_axis,
    rules=("g, 0 at the written positions", "g read at the written positions"),
    reference=lambda x, values, indices, axis: _numpy_put(x, values, indices, axis),
    samples=[(((3, 2), (1, 2)), {"indices": np.array([[2, 0]]), "axis": 0}),
             (((2, 3), (2, 2)), {"indices": np.array([[0, 2], [1, 1]]), "axis": 1}),
             (((2, 3), (1,)), {"indices": np.array([[1], [2]]), "axis": -1})])
_put_op = REGISTRY["put_along_axis"]     # the primitive (mg.put_along_axis: the wrapper)


def _numpy_put(x, values, indices, axis):
    out = x.copy()
    np.put_along_axis(out, indices, values, axis)
    return out


@numpy_meaning("put_along_axis")
def _numpy_put_along_axis(*args, **kwargs):
    """``np.put_along_axis`` on a tensor: refused, since NumPy's writes in place."""
    raise UfuncError(
        "np.put_along_axis writes into its argument and returns None; a tensor of the graph "
        "cannot be changed in place. Write y = mg.put_along_axis(x, indices, values, axis): "
        "a new tensor, with gradients to x and values")


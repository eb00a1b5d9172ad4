"""Arguments that NumPy and PyTorch spell differently, checked once for every op.

``alias`` takes ``axis=`` or ``dim=`` (never both), ``dim_index`` and
``dims_tuple`` turn PyTorch's dims into NumPy's axes with an error that names
the op and the shape.  Below the ops, so that a declaration in ``ops/`` can
take PyTorch's spelling as well as the public wrappers do.  ``operand``,
``shape_of`` and ``int_tuple`` read the operands and sizes of a composite.
"""

from __future__ import annotations

import numpy as np

from .errors import DTypeError, ShapeError
from .primitive import holds_tensor, stack_into_graph
from .tensor import Tensor, unwrap

__all__ = ["alias", "dim_index", "dims_tuple", "int_tuple", "is_int", "operand", "shape_of"]


def alias(fn, numpy_name, numpy_value, torch_name, torch_value):
    """The value of one argument that NumPy and PyTorch name differently
    (``axis``/``dim``, ``keepdims``/``keepdim``): the one given, None when
    neither is; both given is a TypeError.

    >>> alias("sum", "axis", None, "dim", 1)
    1
    """
    if torch_value is None:
        return numpy_value
    if numpy_value is not None:
        raise TypeError(
            f"{fn}: got both {numpy_name}={numpy_value!r} (NumPy's name) and "
            f"{torch_name}={torch_value!r} (PyTorch's name) for the same argument; "
            f"pass only one of them")
    return torch_value


def is_int(d):
    """An integer that is not a bool."""
    return isinstance(d, (int, np.integer)) and not isinstance(d, (bool, np.bool_))


def dim_index(fn, dim, ndim):
    """``dim`` as an axis in ``range(ndim)`` (negative counts from the end), or
    an error that names the op and the shape.  A 0-d tensor takes dims 0 and
    -1, as in PyTorch.

    >>> dim_index("squeeze", -1, 3)
    2
    """
    if not is_int(dim):
        raise DTypeError(f"{fn}: a dim must be an int, got {dim!r} ({type(dim).__name__})")
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise ShapeError(f"{fn}: dim {dim} is out of range for a tensor with {ndim} dims "
                         f"(expected a dim in [{-n}, {n - 1}])")
    return int(dim) % n


def dims_tuple(fn, dims, ndim):
    """An int or a list/tuple of ints as a tuple of distinct axes >= 0."""
    items = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    axes = tuple(dim_index(fn, d, ndim) for d in items)
    if len(set(axes)) != len(axes):
        raise ShapeError(f"{fn}: dims {items!r} name the same axis twice "
                         f"(a tensor with {ndim} dims)")
    return axes


def operand(x):
    """A tensor stays a tensor; other data becomes an array (integers as float64,
    as ``mg.tensor`` makes them), so composites work on both.  A list (or
    tuple) that holds tensors is stacked into one tensor of the graph:
    ``mg.mean([x, x + 2])`` differentiates through both items, not through a
    constant copy of their values."""
    if isinstance(x, Tensor):
        return x
    if holds_tensor(x):
        return stack_into_graph(x)
    x = np.asarray(x)
    return x.astype(np.float64) if x.dtype.kind in "biu" else x


def shape_of(x):
    """The shape of a tensor, an array or a number."""
    return np.shape(unwrap(x))


def int_tuple(fn, args):
    """``f(2, 3)`` or ``f((2, 3))`` (or an int alone) as the tuple ``(2, 3)``.

    >>> int_tuple("tile", ((2, 3),)), int_tuple("tile", (4,))
    ((2, 3), (4,))
    """
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray, Tensor)):
        args = tuple(np.asarray(unwrap(args[0])).tolist())
    if not all(is_int(a) for a in args):
        raise DTypeError(f"{fn}: expected integers, given as {fn}(2, 3) or {fn}((2, 3)); "
                         f"got {args!r}")
    return tuple(int(a) for a in args)

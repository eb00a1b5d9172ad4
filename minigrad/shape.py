"""Shape, join and index operations by PyTorch's names, with NumPy's beside them.

Every function here is a composite of the primitives ``reshape``,
``transpose``, ``getitem`` and ``concatenate`` of ``ops/``, so its gradient
(and its second derivative) comes from theirs.  Each is ``mg.<name>`` and,
where PyTorch has the method, the Tensor method of that name.

Where NumPy and PyTorch give one name two meanings, the Tensor method has
PyTorch's and says so when called the other way:

* ``x.transpose(dim0, dim1)`` swaps two dims (PyTorch); ``x.transpose()`` or
  ``x.transpose(2, 0, 1)`` raise and point to ``x.T``, ``x.permute(...)`` and
  ``mg.transpose(x, axes)``, which keeps NumPy's meaning;
* ``squeeze(x, dim)`` leaves a dim whose size is not 1 alone (PyTorch), where
  ``np.squeeze`` raises;
* ``x[0, :, [1, 2]]``: an integer and an index array separated by a slice put
  the indexed axis where PyTorch puts it (after the slice), not first as
  NumPy does.

PyTorch's keywords and NumPy's are both taken (``dim=``/``axis=``); giving
both for one argument is a TypeError.
"""

from __future__ import annotations

import math

import numpy as np

from . import ops
from .arguments import alias, dim_index, dims_tuple, int_tuple, is_int, operand, shape_of
from .errors import ShapeError
from .ops import getitem, reshape
from .primitive import REGISTRY, composite, install_methods
from .tensor import install_method, unwrap

#: The public functions of this module (``mg.<name>``, via ``functional``).
__all__ = []


def _function(fn):
    """Export ``fn`` as ``mg.<name>``."""
    __all__.append(fn.__name__)
    return fn


def _method(fn):
    """Export ``fn`` as ``mg.<name>`` and make it the Tensor method of that name."""
    return install_method(fn.__name__, _function(fn))


# Helpers shared with ops/ (operand, shape_of, int_tuple) live in arguments.py.

# ------------------------------------------------------------ reshaping
def _reshape_method(self, *shape, order="C"):
    """``x.reshape(2, 3)``, ``x.reshape((2, 3))``; ``x.view`` is the same (PyTorch's
    name; minigrad always copies, so there is no contiguity to worry about).
    -1 stands for the rest.  ``np.reshape(x, shape)`` calls it too (with
    ``order="C"``, the only order minigrad has), and stays in the graph.

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 2.0, 3.0, 4.0]).view(2, -1)
    tensor([[1., 2.],
            [3., 4.]])
    """
    if order != "C":
        raise ShapeError(f"reshape: only order='C' (row-major, as in PyTorch) is supported, "
                         f"got order={order!r}")
    return reshape(self, shape=int_tuple("reshape", shape))


install_methods(REGISTRY["reshape"], {"reshape": _reshape_method, "view": _reshape_method})


@_method
def squeeze(x, axis=None, *, dim=None):
    """Remove dims of size 1: all of them, or those of ``dim`` (an int or a tuple)
    that have size 1.  A named dim of another size is left alone, as in PyTorch
    (``np.squeeze`` would raise).

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor(np.zeros((1, 3, 1)))
    >>> x.squeeze().shape, x.squeeze(0).shape, x.squeeze((1, 2)).shape
    ((3,), (3, 1), (1, 3))
    """
    x = operand(x)
    shape = shape_of(x)
    axis = alias("squeeze", "axis", axis, "dim", dim)
    if axis is None:
        return reshape(x, shape=tuple(n for n in shape if n != 1))
    axes = dims_tuple("squeeze", axis, len(shape))
    return reshape(x, shape=tuple(n for i, n in enumerate(shape) if n != 1 or i not in axes))


@_method
def unsqueeze(x, dim):
    """A new dim of size 1 at position ``dim`` (``-1`` appends it), as ``torch.unsqueeze``.

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 2.0]).unsqueeze(0).shape, mg.tensor([1.0, 2.0]).unsqueeze(-1).shape
    ((1, 2), (2, 1))
    """
    x = operand(x)
    shape = shape_of(x)
    d = dim_index("unsqueeze", dim, len(shape) + 1)
    return reshape(x, shape=shape[:d] + (1,) + shape[d:])


@_method
def expand_dims(x, axis=None, *, dim=None):
    """New axes of size 1 at the positions ``axis`` (an int or a tuple), as
    ``np.expand_dims``; ``dim=`` is taken too.

    >>> import minigrad as mg
    >>> mg.expand_dims(mg.tensor([1.0, 2.0]), (0, 2)).shape
    (1, 2, 1)
    """
    x = operand(x)
    axis = alias("expand_dims", "axis", axis, "dim", dim)
    if axis is None:
        raise TypeError("expand_dims: pass axis= (or dim=), the position of the new axis")
    shape = shape_of(x)
    count = len(axis) if isinstance(axis, (list, tuple)) else 1
    axes = dims_tuple("expand_dims", axis, len(shape) + count)
    rest = iter(shape)
    new = tuple(1 if i in axes else next(rest) for i in range(len(shape) + len(axes)))
    return reshape(x, shape=new)


@_method
def flatten(x, start_dim=0, end_dim=-1):
    """The dims ``start_dim`` to ``end_dim`` (inclusive) merged into one; by
    default every dim, in row-major order.  A 0-d tensor becomes 1-d.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor(np.zeros((2, 3, 4)))
    >>> x.flatten().shape, x.flatten(1).shape, mg.flatten(x, 0, 1).shape
    ((24,), (2, 12), (6, 4))
    """
    x = operand(x)
    shape = shape_of(x)
    start = dim_index("flatten", start_dim, len(shape))
    end = dim_index("flatten", end_dim, len(shape))
    if start > end:
        raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                         f"for a tensor of shape {shape}")
    if not shape:
        return reshape(x, shape=(1,))
    return reshape(x, shape=shape[:start] + (math.prod(shape[start:end + 1]),)
                   + shape[end + 1:])


# ------------------------------------------------------------ reordering
@_method
def permute(x, *dims):
    """The dims of ``x`` in the order ``dims`` (a permutation of all of them):
    ``x.permute(2, 0, 1)`` or ``mg.permute(x, (2, 0, 1))``.  NumPy calls it
    ``transpose(x, axes)``.

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor(np.zeros((2, 3, 4))).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    x = operand(x)
    ndim = len(shape_of(x))
    axes = dims_tuple("permute", int_tuple("permute", dims), ndim)
    if len(axes) != ndim:
        raise ShapeError(f"permute: dims {dims!r} must name each of the {ndim} dims of a "
                         f"tensor of shape {shape_of(x)} once")
    return ops.transpose(x, axes=axes)


@_method
def swapaxes(x, axis0, axis1):
    """``x`` with two dims exchanged (NumPy's and PyTorch's name; ``swapdims`` is
    PyTorch's other one, ``x.transpose(dim0, dim1)`` the method).

    >>> import minigrad as mg, numpy as np
    >>> mg.swapaxes(mg.tensor(np.zeros((2, 3, 4))), 0, 2).shape
    (4, 3, 2)
    """
    x = operand(x)
    ndim = len(shape_of(x))
    a, b = dim_index("swapaxes", axis0, ndim), dim_index("swapaxes", axis1, ndim)
    axes = list(range(ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return ops.transpose(x, axes=tuple(axes))


# Declared for the registry-driven property tests (forward, gradcheck, float32).
composite(swapaxes, nargs=1, rules=("swap the two axes of g back",),
          reference=lambda x, axis0, axis1: np.swapaxes(x, axis0, axis1).copy(),
          samples=[(((2, 3, 4),), {"axis0": 0, "axis1": 2}), (((3, 2),), {"axis0": -1,
                                                                      "axis1": 0}),
                   (((2, 3),), {"axis0": 1, "axis1": 1})])


@_method
def swapdims(x, dim0, dim1):
    """PyTorch's other name for [`swapaxes()`][minigrad.shape.swapaxes].

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor(np.zeros((2, 3))).swapdims(0, 1).shape
    (3, 2)
    """
    return swapaxes(x, dim0, dim1)


def _transpose_method(self, *dims, dim0=None, dim1=None):
    """``x.transpose(dim0, dim1)``: ``x`` with the two dims swapped, as in PyTorch.

    NumPy's ``x.transpose()`` / ``x.transpose(axes)`` raise here instead of
    silently doing something else: write ``x.T`` (all axes reversed),
    ``x.permute(*axes)`` or ``mg.transpose(x, axes)``.  The error is a
    ShapeError (a ValueError), not a TypeError, which ``np.transpose(x)``
    would catch and answer with a plain array cut from the graph.

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor(np.zeros((2, 3, 4))).transpose(0, 1).shape
    (3, 2, 4)
    """
    dims += tuple(d for d in (dim0, dim1) if d is not None)
    if len(dims) == 2 and all(is_int(d) for d in dims):
        return swapaxes(self, *dims)
    given = ", ".join(repr(d) for d in dims)
    raise ShapeError(
        f"x.transpose(dim0, dim1) swaps two dims, as torch.Tensor.transpose does; got "
        f"x.transpose({given}) for a tensor of shape {self.shape}. For NumPy's "
        f"transpose(axes) write x.permute(*axes) or mg.transpose(x, axes); x.T reverses "
        f"all the axes, x.mT swaps the last two")


install_methods(REGISTRY["transpose"], {"transpose": _transpose_method})


@_function
def transpose(x, axes=None, *dim1):
    """NumPy's ``transpose(x, axes)``: the axes in the order ``axes`` (reversed when
    None).  With two dims, ``mg.transpose(x, 0, 1)`` swaps them as
    ``torch.transpose`` does (NumPy takes no third argument, so this is never
    ambiguous); the method ``x.transpose(dim0, dim1)`` always swaps.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor(np.zeros((2, 3, 4)))
    >>> mg.transpose(x).shape, mg.transpose(x, (1, 0, 2)).shape, mg.transpose(x, 0, 2).shape
    ((4, 3, 2), (3, 2, 4), (4, 3, 2))
    """
    if dim1:
        if len(dim1) > 1:
            raise TypeError(f"mg.transpose takes (x, axes) as NumPy or (x, dim0, dim1) as "
                            f"PyTorch; got {2 + len(dim1)} positional arguments")
        return swapaxes(x, axes, dim1[0])
    if axes is None:
        return ops.transpose(x)
    return ops.transpose(x, axes=axes)


@_method
def t(x):
    """The transpose of a matrix; 0-d and 1-d tensors are returned as they are
    (PyTorch's ``t``).  For more dims use ``x.mT``, ``x.transpose(d0, d1)`` or
    ``x.permute(...)``.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0]]).t().shape, mg.tensor([1.0, 2.0]).t().shape
    ((2, 1), (2,))
    """
    x = operand(x)
    shape = shape_of(x)
    if len(shape) > 2:
        raise ShapeError(f"t() expects a tensor with at most 2 dims, got shape {shape}: use "
                         f"x.mT to swap the last two dims, x.transpose(dim0, dim1) or "
                         f"x.permute(...)")
    return ops.transpose(x)


def _matrix_transpose(self):
    """The last two dims swapped (a batch of matrices, each transposed).

    >>> import minigrad as mg, numpy as np
    >>> mg.tensor(np.zeros((5, 2, 3))).mT.shape
    (5, 3, 2)
    """
    if self.ndim < 2:
        raise ShapeError(f"x.mT swaps the last two dims of a matrix or a batch of "
                         f"matrices; got a tensor of shape {self.shape}")
    return swapaxes(self, -2, -1)


install_method("mT", property(_matrix_transpose))


# ---------------------------------------------------------------- joining
@_function
def concatenate(tensors, axis=0, *, dim=None):
    """Join tensors (or arrays) along an existing axis, as ``np.concatenate``;
    ``mg.cat(tensors, dim)`` is PyTorch's name for it.  ``axis=None``
    flattens every operand first, as NumPy does.

    >>> import minigrad as mg
    >>> mg.cat([mg.tensor([1.0]), mg.tensor([2.0, 3.0])], dim=0)
    tensor([1., 2., 3.])
    """
    if dim is not None:
        if axis != 0:
            alias("concatenate", "axis", axis, "dim", dim)
        axis = dim
    return ops.concatenate(tensors, axis=axis)


cat = concatenate
concat = concatenate            # torch.concat, PyTorch's other name for cat
__all__ += ["cat", "concat"]


@_function
def stack(tensors, axis=None, *, dim=None):
    """Join tensors of one shape along a new axis (``axis``/``dim``, default 0).

    >>> import minigrad as mg
    >>> mg.stack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])], dim=1).shape
    (2, 2)
    """
    axis = alias("stack", "axis", axis, "dim", dim)
    axis = 0 if axis is None else axis
    return ops.concatenate([expand_dims(x, axis) for x in tensors], axis=axis)


# --------------------------------------------------------------- indexing
def _index_kind(i):
    """"int" for an integer (or a 0-d integer array), "array" for an advanced
    index (an integer or boolean array, a list, a bool), None otherwise."""
    if isinstance(i, (bool, np.bool_)):
        return "array"
    if isinstance(i, (int, np.integer)):
        return "int"
    if isinstance(i, np.ndarray):
        return "int" if i.ndim == 0 and i.dtype.kind in "iu" else "array"
    return "array" if isinstance(i, list) else None


def _apart(index):
    """True when the index mixes integers and arrays that are not side by side:
    the one case where NumPy's and PyTorch's axis orders differ."""
    kinds = [_index_kind(i) for i in index]
    where = [p for p, k in enumerate(kinds) if k is not None]
    return ("int" in kinds and "array" in kinds
            and where[-1] - where[0] + 1 != len(where))


def _index_as_pytorch(x, index):
    """``x[index]`` as PyTorch computes it: the integers select first, then the
    rest indexes what remains (NumPy would treat the integers as index arrays and
    move the indexed axes to the front)."""
    first, rest = [], []
    for i in index:
        kind = _index_kind(i)
        if kind == "int":
            first.append(i)
            continue
        rest.append(i)
        if i is Ellipsis:
            first.append(Ellipsis)
        elif kind == "array":
            a = np.asarray(i)
            first += [slice(None)] * (a.ndim if a.dtype == bool else 1)
        elif i is not None:
            first.append(slice(None))
    return getitem(getitem(x, index=tuple(first)), index=tuple(rest))


def _getitem_method(self, index):
    """``x[index]``: slices, integers, None, Ellipsis, integer and boolean arrays,
    lists and tensors.  An integer and an index array on either side of a slice
    (``x[0, :, [1, 2]]``) give PyTorch's axis order, not NumPy's.

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor(np.zeros((2, 3, 4)))
    >>> x[0, :, [1, 1]].shape              # NumPy's order would be (2, 3)
    (3, 2)
    """
    if isinstance(index, tuple):
        index = tuple(unwrap(i) for i in index)
        if len(index) > 2 and _apart(index):
            return _index_as_pytorch(self, index)
        return getitem(self, index=index)
    return getitem(self, index=unwrap(index))


install_methods(REGISTRY["getitem"], {"__getitem__": _getitem_method})

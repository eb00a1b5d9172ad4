"""Splitting and stacking: split, chunk, tensor_split, array_split, atleast_1d/2d/3d,
vstack, hstack, dstack, column_stack.

Every one is a composite of ``getitem`` (slices), ``reshape`` and
``concatenate``, so the gradient of a piece is ``g`` put back in its place.
One name, two meanings: ``mg.split(x, 2)`` and ``x.split(2)`` are PyTorch's
(2 is the CHUNK SIZE; a list gives the sizes), ``np.split(x, 2)`` keeps
NumPy's (2 equal SECTIONS; a list gives the indices where to cut), as
``mg.array_split`` does for unequal sections.
"""

from __future__ import annotations

import numpy as np

from ..arguments import dim_index, is_int, operand, shape_of
from ..errors import DTypeError, ShapeError
from ..primitive import numpy_meaning
from ..tensor import Tensor, unwrap
from .core import concatenate, getitem, reshape
from .declare import declared

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _declare(method=(), **declaration):
    return declared(__all__, method, **declaration)


# ------------------------------------------------------------- splitting
def _pieces(x, axis, cuts):
    """The slices of ``x`` along ``axis`` between consecutive ``cuts``."""
    lead = (slice(None),) * axis
    return tuple(getitem(x, index=lead + (slice(a, b),)) for a, b in zip(cuts, cuts[1:]))


def _setup(fn, x, dim):
    x = operand(x)
    shape = shape_of(x)
    if not shape:
        raise ShapeError(f"{fn}: cannot split a 0-d tensor; it has no dim to split along")
    axis = dim_index(fn, dim, len(shape))
    return x, axis, shape[axis]


def _sections(fn, n, sections):
    """Where ``sections`` near-equal parts of ``n`` start (NumPy's array_split)."""
    if not is_int(sections) or sections <= 0:
        raise ShapeError(f"{fn}: the number of sections must be a positive int, got "
                         f"{sections!r}")
    size, extra = divmod(n, sections)
    return [0] + np.cumsum([size + 1] * extra + [size] * (sections - extra)).tolist()


def _index_list(fn, indices):
    items = np.asarray(unwrap(indices))
    if items.ndim != 1 or (items.size and items.dtype.kind not in "iu"):
        raise DTypeError(f"{fn}: expected an int or a 1-D list of ints, got {indices!r}")
    return items.astype(int).tolist()


def _split_reference(x, split_size_or_sections, dim=0):
    n = x.shape[dim]
    s = split_size_or_sections
    cuts = range(s, n, s) if is_int(s) else np.cumsum(s)[:-1]
    return np.split(x, list(cuts), axis=dim)


@_declare(method=("split",), domain=("real",), rules=("each piece's g in its place",),
          reference=_split_reference,
          samples=[(((5, 2),), {"split_size_or_sections": 2}),
                   (((2, 6),), {"split_size_or_sections": [1, 0, 5], "dim": -1}),
                   (((3,),), {"split_size_or_sections": 3})])
def split(x, split_size_or_sections, dim=0):
    """``x`` cut along ``dim`` into pieces of ``split_size_or_sections`` elements
    (an int: the CHUNK SIZE, the last piece smaller if need be) or of the sizes in
    a list, as ``torch.split``; a tuple of tensors.  ``np.split`` keeps NumPy's
    meaning (an int there is the number of sections).

    >>> import minigrad as mg
    >>> [p.shape for p in mg.split(mg.zeros(5, 2), 2)]
    [(2, 2), (2, 2), (1, 2)]
    >>> [p.shape for p in mg.zeros(5).split([1, 4])]
    [(1,), (4,)]
    """
    x, axis, n = _setup("split", x, dim)
    if is_int(split_size_or_sections):
        size = split_size_or_sections
        if size <= 0 and not (size == 0 and n == 0):
            raise ShapeError(f"split: the chunk size must be positive, got {size} (an int "
                             f"is the size of each piece, as torch.split)")
        return _pieces(x, axis, list(range(0, n, size or 1)) + [n] if n else [0, 0])
    sizes = _index_list("split", split_size_or_sections)
    if sum(sizes) != n or min(sizes, default=0) < 0:
        raise ShapeError(f"split: sizes {sizes} must be non-negative and add up to {n}, "
                         f"the size of dim {dim} of a tensor of shape {shape_of(x)}")
    return _pieces(x, axis, [0] + np.cumsum(sizes).tolist())


@_declare(method=("chunk",), rules=("each piece's g in its place",),
          reference=lambda x, chunks, dim=0: _split_reference(
              x, -(-x.shape[dim] // chunks), dim),
          samples=[(((5, 2),), {"chunks": 2}), (((2, 6),), {"chunks": 4, "dim": 1}),
                   (((3,),), {"chunks": 3})])
def chunk(x, chunks, dim=0):
    """``x`` cut along ``dim`` into ``chunks`` pieces of ``ceil(n / chunks)``
    elements (the last smaller; fewer pieces when they run out), as
    ``torch.chunk``; a tuple of tensors.

    >>> import minigrad as mg
    >>> [p.shape for p in mg.zeros(6).chunk(4)]
    [(2,), (2,), (2,)]
    """
    x, axis, n = _setup("chunk", x, dim)
    if not is_int(chunks) or chunks <= 0:
        raise ShapeError(f"chunk: the number of chunks must be a positive int, got "
                         f"{chunks!r}")
    return split(x, max(-(-n // chunks), 1), axis) if n else _pieces(x, axis, [0, 0])


def _cut(fn, x, indices_or_sections, dim):
    x, axis, n = _setup(fn, x, dim)
    if is_int(indices_or_sections):
        return _pieces(x, axis, _sections(fn, n, indices_or_sections))
    if isinstance(indices_or_sections, Tensor) and indices_or_sections.ndim == 0:
        return _pieces(x, axis, _sections(fn, n, int(indices_or_sections.item())))
    # NumPy slices between the given indices: negative ones count from the end.
    return _pieces(x, axis, [0] + _index_list(fn, indices_or_sections) + [n])


@_declare(rules=("each piece's g in its place",),
          reference=lambda x, indices_or_sections, axis=0: np.array_split(
              x, indices_or_sections, axis=axis),
          samples=[(((5, 2),), {"indices_or_sections": 3}),
                   (((2, 6),), {"indices_or_sections": [4, 1, -1], "axis": 1}),
                   (((2,),), {"indices_or_sections": 3})])
def array_split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into ``indices_or_sections`` near-equal sections
    (an int: the first ``n % k`` have one element more) or at the indices of a
    list, as ``np.array_split``; a list of tensors.

    >>> import minigrad as mg
    >>> [p.shape for p in mg.array_split(mg.zeros(5), 3)]
    [(2,), (2,), (1,)]
    """
    return list(_cut("array_split", x, indices_or_sections, axis))


@_declare(method=("tensor_split",), rules=("each piece's g in its place",),
          reference=lambda x, indices_or_sections, dim=0: np.array_split(
              x, indices_or_sections, axis=dim),
          samples=[(((5, 2),), {"indices_or_sections": 3}),
                   (((2, 6),), {"indices_or_sections": [2, 5], "dim": -1})])
def tensor_split(x, indices_or_sections, dim=0):
    """PyTorch's ``tensor_split``: NumPy's ``mg.array_split``
    with ``dim``; a tuple of tensors.

    >>> import minigrad as mg
    >>> [p.shape for p in mg.zeros(2, 6).tensor_split([2, 5], dim=1)]
    [(2, 2), (2, 3), (2, 1)]
    """
    return _cut("tensor_split", x, indices_or_sections, dim)


@numpy_meaning("split")
def _numpy_split(x, indices_or_sections, axis=0):
    """``np.split(tensor, k)``: NumPy's meaning, ``k`` EQUAL sections (an error if
    they are not), or the pieces between the indices of a list."""
    if is_int(indices_or_sections):
        n = shape_of(x)[dim_index("split", axis, len(shape_of(x)))] if shape_of(x) else 0
        if indices_or_sections <= 0 or n % indices_or_sections:
            raise ShapeError(
                f"np.split: {indices_or_sections} sections do not divide the {n} elements "
                f"along axis {axis} equally; use np.array_split (unequal sections) or "
                f"mg.split(x, size) (PyTorch's: pieces of `size` elements)")
    return array_split(x, indices_or_sections, axis)


# ------------------------------------------------------------- stacking
def _at_least(tensors, place):
    """Each tensor with ``place`` applied when it has too few dims; one result
    for one tensor, a tuple for several or for one list of tensors (PyTorch's
    ``atleast_1d((x, y))``; a list of numbers is one operand, as in NumPy)."""
    sequence = (len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) and tensors[0]
                and all(isinstance(t, Tensor) for t in tensors[0]))
    items = tensors[0] if sequence else tensors
    out = _placed(items, place)
    return out if len(items) != 1 or sequence else out[0]


def _placed(items, place):
    return tuple(place(t, shape_of(t)) for t in map(operand, items))


def _grown(x, shape, new):
    return x if new == shape else reshape(x, shape=new)


def _as_1d(x, shape):
    return _grown(x, shape, shape or (1,))


def _as_2d(x, shape):
    return _grown(x, shape, (1,) * (2 - len(shape)) + shape if len(shape) < 2 else shape)


_AT_LEAST_SAMPLES = [(((), (3,), (2, 3), (2, 1, 2)), {}), (((3,),), {}), (((),), {})]


@_declare(domain=("real",) * 4, rules=("reshape g back",),
          reference=np.atleast_1d, samples=_AT_LEAST_SAMPLES)
def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (a 0-d one becomes shape ``(1,)``), as
    ``torch.atleast_1d``: one tensor for one, a tuple for several.

    >>> import minigrad as mg
    >>> mg.atleast_1d(mg.tensor(2.0)).shape
    (1,)
    """
    return _at_least(tensors, _as_1d)


@_declare(domain=("real",) * 4, rules=("reshape g back",),
          reference=np.atleast_2d, samples=_AT_LEAST_SAMPLES)
def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (``(n,)`` becomes ``(1, n)``), as
    ``torch.atleast_2d``.

    >>> import minigrad as mg
    >>> [t.shape for t in mg.atleast_2d(mg.tensor(2.0), mg.zeros(3))]
    [(1, 1), (1, 3)]
    """
    return _at_least(tensors, _as_2d)


def _as_3d(x, shape):
    new = {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}.get(len(shape), shape)
    return _grown(x, shape, new)


@_declare(domain=("real",) * 4, rules=("reshape g back",),
          reference=np.atleast_3d, samples=_AT_LEAST_SAMPLES)
def atleast_3d(*tensors):
    """Each tensor with at least 3 dims (``(n,)`` becomes ``(1, n, 1)``, ``(m, n)``
    becomes ``(m, n, 1)``), as ``torch.atleast_3d``.

    >>> import minigrad as mg
    >>> mg.atleast_3d(mg.zeros(2, 3)).shape
    (2, 3, 1)
    """
    return _at_least(tensors, _as_3d)


def _sequence(fn, tensors):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)) or not tensors:
        raise ShapeError(f"{fn}: expected a non-empty list or tuple of tensors, as "
                         f"mg.{fn}([a, b]); got {type(tensors).__name__}")
    return list(tensors)


def vstack(tensors):
    """The tensors joined row-wise, along dim 0 after ``atleast_2d`` (``torch.vstack``,
    ``np.vstack``; ``row_stack`` is its old name).

    >>> import minigrad as mg
    >>> mg.vstack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])])
    tensor([[1., 2.],
            [3., 4.]])
    """
    return concatenate(list(_placed(_sequence("vstack", tensors), _as_2d)), axis=0)


def hstack(tensors):
    """The tensors joined column-wise: along dim 1, or dim 0 when they are 1-D
    (``torch.hstack``, ``np.hstack``).

    >>> import minigrad as mg
    >>> mg.hstack([mg.tensor([1.0]), mg.tensor([2.0, 3.0])])
    tensor([1., 2., 3.])
    """
    parts = list(_placed(_sequence("hstack", tensors), _as_1d))
    return concatenate(parts, axis=0 if len(shape_of(parts[0])) == 1 else 1)


def dstack(tensors):
    """The tensors joined depth-wise, along dim 2 after ``atleast_3d``
    (``torch.dstack``, ``np.dstack``).

    >>> import minigrad as mg
    >>> mg.dstack([mg.zeros(2, 3), mg.ones(2, 3)]).shape
    (2, 3, 2)
    """
    return concatenate(list(_placed(_sequence("dstack", tensors), _as_3d)), axis=2)


def column_stack(tensors):
    """The tensors as columns: 0-d and 1-d ones become columns ``(n, 1)``, the
    others are kept, all joined along dim 1 (``torch.column_stack``,
    ``np.column_stack``).

    >>> import minigrad as mg
    >>> mg.column_stack([mg.tensor([1.0, 2.0]), mg.zeros(2, 2)])
    tensor([[1., 0., 0.],
            [2., 0., 0.]])
    """
    parts = [operand(t) for t in _sequence("column_stack", tensors)]
    parts = [reshape(p, shape=(-1, 1)) if len(shape_of(p)) < 2 else p for p in parts]
    return concatenate(parts, axis=1)


row_stack = vstack
# The registry tests pass the operands one by one: each join is declared through
# a spread form of itself (``vstack(a, b)`` is ``mg.vstack([a, b])``).
_STACK_SAMPLES = [(((2, 3), (1, 3), (3,)), {}), (((2,), (2,), (2,)), {})]
for _join, _numpy, _samples in (
        (vstack, np.vstack, _STACK_SAMPLES),
        (hstack, np.hstack, [(((2, 3), (2, 1), (2, 2)), {}), (((2,), (), (3,)), {})]),
        (dstack, np.dstack, [(((2, 3), (2, 3, 2), (2, 3)), {}), (((2,), (1, 2), (2,)), {})]),
        (column_stack, np.column_stack, [(((3,), (3, 2), (3,)), {}),
                                         (((2,), (2,), (2, 1)), {})])):
    __all__.append(_join.__name__)
    declared([], name=_join.__name__, domain=("real",) * 3, samples=_samples,
             rules=("each operand's slice of g",),
             reference=lambda *xs, _numpy=_numpy: _numpy(xs))(
        lambda *xs, _join=_join: _join(list(xs)))
__all__.append("row_stack")

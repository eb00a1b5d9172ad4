"""Moving elements without arithmetic: ravel, moveaxis, flip, roll, tile,
repeat_interleave, pad (``gather`` reads at indices, ``joining`` splits and stacks).

All but ``roll`` are composites of ``reshape``, ``transpose``,
``broadcast_to``, ``getitem`` and ``concatenate`` (so their gradients, and
second derivatives, come from those); ``roll`` is a primitive whose VJP rolls
``g`` back.  PyTorch's meaning wins where one name has two: ``x.repeat(2, 3)``
tiles (``torch.Tensor.repeat``), and ``np.repeat(x, 2)`` (NumPy's meaning) is
``mg.repeat_interleave``.
"""

from __future__ import annotations

import numpy as np

from ..arguments import alias, dim_index, dims_tuple, int_tuple, operand, shape_of
from ..errors import DTypeError, ShapeError
from ..primitive import REGISTRY, numpy_meaning
from ..tensor import install_method, unwrap
from .core import broadcast_to, concatenate, getitem, reshape, transpose
from .declare import builtin, declared

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


def _declare(method=(), **declaration):
    return declared(__all__, method, **declaration)


def _along(axis, index):
    """The index that applies ``index`` to ``axis`` alone."""
    return (slice(None),) * axis + (index,)


# ------------------------------------------------------------ reordering
@_declare(method=("ravel",), rules=("reshape g back",), reference=np.ravel,
          samples=[(((2, 3),), {}), (((),), {}), (((2, 1, 3),), {})])
def ravel(x, order="C"):
    """``x`` as a 1-D tensor, in row-major order (``torch.ravel``, ``np.ravel``).

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).ravel()
    tensor([1., 2., 3., 4.])
    """
    if order != "C":
        raise ShapeError(f"ravel: only order='C' (row-major, as in PyTorch) is supported, "
                         f"got order={order!r}")
    return reshape(operand(x), shape=(-1,))


@_declare(method=("moveaxis", "movedim"), rules=("move the axes of g back",),
          reference=lambda x, source, destination: np.moveaxis(x, source, destination).copy(),
          samples=[(((2, 3, 4),), {"source": 0, "destination": -1}),
                   (((2, 3, 4),), {"source": (0, 1), "destination": (2, 0)}),
                   (((3, 2),), {"source": [-1], "destination": [0]})])
def moveaxis(x, source, destination):
    """``x`` with the axes ``source`` (an int or a sequence) moved to the positions
    ``destination``, the others kept in order (``torch.movedim``, ``np.moveaxis``).

    >>> import minigrad as mg, numpy as np
    >>> x = mg.tensor(np.zeros((2, 3, 4)))
    >>> mg.moveaxis(x, 0, -1).shape, x.movedim((0, 1), (1, 2)).shape
    ((3, 4, 2), (4, 2, 3))
    """
    x = operand(x)
    ndim = len(shape_of(x))
    src, dst = dims_tuple("moveaxis", source, ndim), dims_tuple("moveaxis", destination, ndim)
    if len(src) != len(dst):
        raise ShapeError(f"moveaxis: source {source!r} and destination {destination!r} must "
                         f"name as many axes each")
    order = [a for a in range(ndim) if a not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(x, axes=tuple(order))


movedim = moveaxis          # PyTorch's other name
__all__.append("movedim")


def _flip_dims(fn, x, dims):
    shape = shape_of(x)
    axes = range(len(shape)) if dims is None else dims_tuple(fn, dims, len(shape))
    index = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(len(shape)))
    return getitem(x, index=index or Ellipsis)


@_declare(rules=("g flipped back",),
          reference=lambda x, dims=None: np.flip(x, dims).copy(),
          samples=[(((2, 3),), {"dims": 0}), (((2, 3, 2),), {"dims": (0, -1)}),
                   (((3, 2),), {})])
def flip(x, dims=None, *, axis=None):
    """``x`` with the order of the elements reversed along ``dims`` (an int or a
    sequence; ``axis=`` as NumPy), along every dim when None (``np.flip``).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> x.flip(0), mg.flip(x, axis=1)
    (tensor([[3., 4.],
            [1., 2.]]), tensor([[2., 1.],
            [4., 3.]]))
    """
    x = operand(x)
    return _flip_dims("flip", x, alias("flip", "axis", axis, "dims", dims))


def _flip_method(self, *dims):
    """``x.flip(0)``, ``x.flip(0, 1)`` or ``x.flip((0, 1))``, as PyTorch's method."""
    return flip(self, dims[0] if len(dims) == 1 else (dims or None))


install_method("flip", _flip_method)


@_declare(method=("fliplr",), rules=("g flipped back",),
          reference=lambda x: np.fliplr(x).copy(), samples=[(((2, 3),), {}),
                                                           (((2, 3, 2),), {})])
def fliplr(x):
    """``x`` flipped left to right (along dim 1; at least 2 dims), as ``torch.fliplr``.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0]]).fliplr()
    tensor([[2., 1.]])
    """
    x = operand(x)
    if len(shape_of(x)) < 2:
        raise ShapeError(f"fliplr: needs a tensor with at least 2 dims, got shape "
                         f"{shape_of(x)}; flip a vector with mg.flip(x, 0)")
    return _flip_dims("fliplr", x, 1)


@_declare(method=("flipud",), rules=("g flipped back",),
          reference=lambda x: np.flipud(x).copy(), samples=[(((3,),), {}), (((3, 2),), {})])
def flipud(x):
    """``x`` flipped upside down (along dim 0; at least 1 dim), as ``torch.flipud``.

    >>> import minigrad as mg
    >>> mg.flipud(mg.tensor([1.0, 2.0]))
    tensor([2., 1.])
    """
    x = operand(x)
    if len(shape_of(x)) < 1:
        raise ShapeError("flipud: needs a tensor with at least 1 dim, got a 0-d tensor")
    return _flip_dims("flipud", x, 0)


def _negated(shifts):
    return tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts


def _roll(x, shifts, dims=None):
    return np.roll(x, shifts, axis=dims)


def roll(x, shifts=None, dims=None, *, shift=None, axis=None):
    """``x`` with its elements shifted cyclically by ``shifts`` along ``dims``
    (ints or sequences of the same length), over the flattened tensor when
    ``dims`` is None (``torch.roll``; NumPy's ``shift=``/``axis=`` too).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    >>> x.roll(1, 1), mg.roll(x, 1)
    (tensor([[3., 1., 2.],
            [6., 4., 5.]]), tensor([[6., 1., 2.],
            [3., 4., 5.]]))
    """
    shifts = alias("roll", "shift", shift, "shifts", shifts)
    dims = alias("roll", "axis", axis, "dims", dims)
    if shifts is None:
        raise TypeError("roll: pass shifts (an int or a sequence of ints)")
    x = operand(x)
    ndim = len(shape_of(x))
    many = isinstance(shifts, (list, tuple))
    shifts = int_tuple("roll", (shifts,)) if many else int_tuple("roll", (shifts,))[0]
    if dims is None:
        if many:
            raise ShapeError(f"roll: shifts {shifts} needs dims of the same length (with "
                             f"dims=None the tensor is rolled flat by one int shift)")
        return _roll_op(x, shifts=shifts)
    if isinstance(dims, (list, tuple)):
        dims = tuple(dim_index("roll", d, ndim) for d in dims)
        shifts = shifts if many else (shifts,) * len(dims)
        if len(shifts) != len(dims):
            raise ShapeError(f"roll: shifts {shifts} and dims {dims} must have the same "
                             f"length")
    else:
        dims = dim_index("roll", dims, ndim)
        if many:
            raise ShapeError(f"roll: shifts {shifts} needs as many dims, got dims={dims}")
    return _roll_op(x, shifts=shifts, dims=dims)


_builtin(
    "roll", _roll, lambda g, out, x, shifts, dims=None: _roll_op(g, shifts=_negated(shifts),
                                                                  dims=dims),
    rules=("g rolled back by -shifts",), function=roll, method={"roll": roll},
    samples=[(((2, 3),), {"shifts": 1, "dims": 1}), (((2, 3),), {"shifts": -4}),
             (((2, 3, 2),), {"shifts": (1, -2), "dims": (0, 2)})])
_roll_op = REGISTRY["roll"]     # the primitive (mg.roll is the wrapper above)


# ------------------------------------------------------------- repeating
@_declare(method=("tile",), rules=("sum g over the copies",),
          reference=lambda x, dims: np.tile(x, dims),
          samples=[(((2, 3),), {"dims": (2, 1)}), (((3,),), {"dims": (2, 2)}),
                   (((2, 1, 2),), {"dims": (3,)}), (((),), {"dims": 2})])
def tile(x, dims=None, *more, reps=None):
    """``x`` repeated ``dims[i]`` times along each dim (``torch.tile``,
    ``np.tile(A, reps)``); fewer reps than dims are padded with 1s in front,
    more add leading dims.  ``x.repeat(2, 3)`` is PyTorch's name for it.

    >>> import minigrad as mg
    >>> mg.tile(mg.tensor([1.0, 2.0]), (2, 2))
    tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]])
    """
    dims = alias("tile", "reps", reps, "dims", dims)
    reps = int_tuple("tile", (dims,) + more if more else (dims,))
    if any(r < 0 for r in reps):
        raise ShapeError(f"tile: repetitions {reps} must not be negative")
    x = operand(x)
    shape = shape_of(x)
    d = max(len(reps), len(shape))
    reps, shape = (1,) * (d - len(reps)) + reps, (1,) * (d - len(shape)) + shape
    # (n0, n1) -> (1, n0, 1, n1) -> broadcast (r0, n0, r1, n1) -> (r0*n0, r1*n1):
    # the copies are a broadcast, so the gradient is a sum over them.
    spread = tuple(v for n in shape for v in (1, n))
    copies = broadcast_to(reshape(x, shape=spread),
                          shape=tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return reshape(copies, shape=tuple(r * n for r, n in zip(reps, shape)))


def _repeat_method(self, *sizes):
    """``x.repeat(2, 3)``: PyTorch's meaning, ``x`` TILED ``sizes[i]`` times along
    each dim (as ``mg.tile``), not NumPy's
    ``ndarray.repeat``, which repeats each element: that is
    ``x.repeat_interleave(2)`` (``np.repeat(x, 2)`` calls it too).

    >>> import minigrad as mg
    >>> mg.tensor([1.0, 2.0]).repeat(2), mg.tensor([1.0, 2.0]).repeat_interleave(2)
    (tensor([1., 2., 1., 2.]), tensor([1., 1., 2., 2.]))
    """
    sizes = int_tuple("repeat", sizes)
    if len(sizes) < self.ndim:
        raise ShapeError(
            f"x.repeat{sizes}: PyTorch's repeat tiles, and needs at least one size per dim "
            f"of the tensor (shape {self.shape}); write x.repeat(1, ..., n) or "
            f"mg.tile(x, {sizes}). To repeat each element (NumPy's ndarray.repeat) write "
            f"x.repeat_interleave(n, dim)")
    return tile(self, sizes)


install_method("repeat", _repeat_method)


@_declare(method=("repeat_interleave",), rules=("sum g over each element's copies",),
          reference=lambda x, repeats, dim=None: np.repeat(x, repeats, axis=dim),
          samples=[(((3, 2),), {"repeats": 2, "dim": 0}),
                   (((3, 2),), {"repeats": np.array([1, 0, 2]), "dim": 0}),
                   (((2, 3),), {"repeats": 2}),
                   (((2, 2),), {"repeats": np.array([3, 1]), "dim": -1})])
def repeat_interleave(x, repeats, dim=None, *, axis=None, output_size=None):
    """Each element of ``x`` repeated ``repeats`` times (an int, or one int per
    element along ``dim``) along ``dim``; over the flattened tensor when None.
    PyTorch's ``repeat_interleave``, which is NumPy's ``np.repeat`` (that call
    runs this).

    >>> import minigrad as mg
    >>> x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> mg.repeat_interleave(x, 2), x.repeat_interleave(mg.tensor([1, 2]), dim=0)
    (tensor([1., 1., 2., 2., 3., 3., 4., 4.]), tensor([[1., 2.],
            [3., 4.],
            [3., 4.]]))
    """
    dim = alias("repeat_interleave", "axis", axis, "dim", dim)
    x = operand(x)
    if dim is None:
        x, dim = reshape(x, shape=(-1,)), 0
    shape = shape_of(x)
    axis = dim_index("repeat_interleave", dim, len(shape))
    counts = np.asarray(unwrap(repeats))
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise DTypeError(f"repeat_interleave: repeats must be non-negative integers, got "
                         f"{repeats!r}")
    single = counts.ndim == 0 or counts.shape == (1,)
    if not single and counts.shape != (shape[axis],):
        raise ShapeError(f"repeat_interleave: repeats of shape {counts.shape} needs one count "
                         f"per element along dim {dim} ({shape[axis]}) of a tensor of "
                         f"shape {shape}")
    total = int(counts.sum()) * (shape[axis] if single else 1)
    if output_size is not None and output_size != total:
        raise ShapeError(f"repeat_interleave: output_size={output_size}, but the repeats "
                         f"give {total} elements along dim {dim}")
    if single:
        # (.., n, ..) -> (.., n, 1, ..) -> broadcast (.., n, r, ..) -> (.., n*r, ..)
        r = int(counts.reshape(()))
        spread = reshape(x, shape=shape[:axis + 1] + (1,) + shape[axis + 1:])
        copies = broadcast_to(spread, shape=shape[:axis + 1] + (r,) + shape[axis + 1:])
        return reshape(copies, shape=shape[:axis] + (total,) + shape[axis + 1:])
    return getitem(x, index=_along(axis, np.repeat(np.arange(shape[axis]), counts)))


@numpy_meaning("repeat")
def _numpy_repeat(a, repeats, axis=None):
    """``np.repeat(x, repeats, axis)`` on a tensor: each element repeated, as NumPy."""
    return repeat_interleave(a, repeats, axis)


# --------------------------------------------------------------- padding
def _pad_index(mode, n, before, after):
    """The source position of each position of the padded axis."""
    i = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "symmetric":
        j = i % (2 * n)
        return np.where(j >= n, 2 * n - 1 - j, j)
    if n == 1:                      # reflect: a single element reflects onto itself
        return np.zeros_like(i)
    j = i % (2 * (n - 1))
    return np.where(j >= n, 2 * (n - 1) - j, j)


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_widths(fn, pad_width, shape):
    widths = np.asarray(unwrap(pad_width))
    if widths.dtype.kind not in "iu":
        raise DTypeError(f"{fn}: pad_width must hold integers, got {pad_width!r}")
    try:
        widths = np.broadcast_to(widths, (len(shape), 2))
    except ValueError:
        raise ShapeError(f"{fn}: pad_width {pad_width!r} does not fit a tensor of shape "
                         f"{shape}: give an int, (before, after), or one (before, after) "
                         f"pair per dim") from None
    if (widths < 0).any():
        raise ShapeError(f"{fn}: pad_width {pad_width!r} must not be negative")
    return widths.tolist()


def _pad_reference(x, pad_width, mode="constant", constant_values=0):
    extra = {"constant_values": constant_values} if mode == "constant" else {}
    return np.pad(x, pad_width, mode=mode, **extra)


@_declare(rules=("g cut back to x (edge/reflect: copied elements add their g)",),
          reference=_pad_reference,
          samples=[(((2, 3),), {"pad_width": 1}),
                   (((2, 3),), {"pad_width": ((1, 0), (2, 1)), "constant_values": 2.5}),
                   (((2, 3),), {"pad_width": (2, 1), "mode": "edge"}),
                   (((3, 2),), {"pad_width": ((2, 5), (1, 1)), "mode": "reflect"}),
                   (((3,),), {"pad_width": 4, "mode": "symmetric"}),
                   (((3,),), {"pad_width": (4, 2), "mode": "wrap"})])
def pad(x, pad_width, mode="constant", *, constant_values=0):
    """``x`` padded by ``pad_width`` (an int, ``(before, after)``, or one pair per
    dim), as ``np.pad``: ``mode="constant"`` with ``constant_values``, ``"edge"``
    (the edge value repeated, PyTorch's ``replicate``), ``"reflect"`` (mirrored
    without the edge), ``"symmetric"`` (with it) or ``"wrap"`` (PyTorch's
    ``circular``).  The gradient of a copied element is added to its source.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0])
    >>> mg.pad(x, 1), mg.pad(x, (2, 1), mode="reflect")
    (tensor([0., 1., 2., 3., 0.]), tensor([3., 2., 1., 2., 3., 2.]))
    """
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    x = operand(x)
    shape = list(shape_of(x))
    widths = _pad_widths("pad", pad_width, shape)
    if mode == "constant":
        if getattr(constant_values, "requires_grad", False):
            raise DTypeError("pad: constant_values must be numbers; a tensor that requires "
                             "grad would get no gradient here. Pad with 0 and add "
                             "value * mg.pad(mg.zeros_like(x), ..., constant_values=1)")
        values = np.broadcast_to(np.asarray(unwrap(constant_values)), (len(shape), 2))
        dtype = unwrap(x).dtype
    for axis, (before, after) in enumerate(widths):
        if before == after == 0:
            continue
        if mode != "constant":
            if shape[axis] == 0:
                raise ShapeError(f"pad: mode {mode!r} cannot pad the empty axis {axis} of "
                                 f"shape {tuple(shape)}; use mode='constant'")
            x = getitem(x, index=_along(axis, _pad_index(mode, shape[axis], before, after)))
        else:                          # later axes overwrite the corners, as np.pad
            blocks = [np.full(shape[:axis] + [w] + shape[axis + 1:], v, dtype=dtype)
                      for w, v in ((before, values[axis][0]), (after, values[axis][1]))]
            x = concatenate([blocks[0], x, blocks[1]], axis=axis)
        shape[axis] += before + after
    return x

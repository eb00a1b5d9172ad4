"""Convolution and pooling (NCHW), through im2col.

Two primitives carry the calculus.  [`im2col`][minigrad.ops.conv.im2col]
copies every window a kernel sees into a column of a matrix: an input of shape
``(N, C, H, W)`` becomes ``(C·kH·kW, N·oH·oW)``, read as ``(C, kH, kW, N, oH,
oW)``, where ``cols[c, i, j, n, y, x]`` is the input at row ``y*stride +
i*dilation`` and column ``x*stride + j*dilation`` of the padded image.  Its adjoint
[`col2im`][minigrad.ops.conv.col2im] adds every window back where it came
from; each is the other's VJP (as ``getitem`` and ``unindex`` are), so a
convolution differentiates any number of times.  A convolution is then one
matrix product, the weight as a ``(C_out, C·kH·kW)`` matrix times that matrix
(the channels come first so that it is one large product rather than N small
ones, as a hand-written im2col does it), plus the bias: the primitive
``convolution`` does the three in one node, with VJPs written with ``im2col``,
``col2im`` and ``matmul``.  A pooling is a reduction over the kernel axes, a
composite with no derivative code of its own.  One spatial axis (``conv1d``)
works the same way.

``groups`` must be 1 (no grouped or depthwise convolutions yet).

The tie convention of max pooling is PyTorch's: the gradient of a window
goes to the *first* maximum in it (row-major order), not shared among ties
as ``mg.max`` shares it; a NaN in a window is its maximum, and the last NaN
of the window takes the gradient.
"""

from __future__ import annotations

import functools
import itertools
import math
import weakref

import numpy as np

from ..errors import ShapeError
from ..tensor import GRAD_ENABLED, Tensor, unwrap
from . import core
from .declare import builtin, cast_like, composite
from .windows import (
    check_fits,
    output_size,
    padding_pairs,
    reference_col2im,
    reference_im2col,
    reference_padded,
    window_ints,
)

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


# ------------------------------------------------------------ window geometry
# Cached: a network calls a layer with the same geometry at every step, and
# building the slices costs as much as copying a small image.
@functools.lru_cache(maxsize=256)
def _windows(kernel_size, stride, dilation, out):
    """For every kernel position, its index into the columns ``(C, *kernel, N,
    *out)`` and the strided slices of the padded input ``(C, N, *padded)`` that
    it sees across all the windows."""
    return tuple(((slice(None), *position), (Ellipsis, *(
        slice(p * d, p * d + s * (o - 1) + 1, s)
        for p, d, s, o in zip(position, dilation, stride, out))))
        for position in itertools.product(*(range(k) for k in kernel_size)))


@functools.lru_cache(maxsize=256)
def _geometry(spatial, kernel_size, stride, padding, dilation):
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(spatial, padding))
    out = tuple(output_size(n, k, s, p, d)
                for n, k, s, p, d in zip(spatial, kernel_size, stride, padding, dilation))
    inner = tuple(slice(lo, lo + n) for n, (lo, _) in zip(spatial, padding))
    return padded, out, inner


def _im2col(x, kernel_size, stride, padding, dilation, fill=0.0):
    """The windows of ``x`` (``(N, C, *spatial)``) as the matrix ``(C·K, N·L)``
    (``K`` kernel positions, ``L`` output positions), read as ``(C, *kernel_size,
    N, *out)``.

    ``padding`` holds ``(before, after)`` per spatial axis, filled with ``fill``
    (0 for a convolution, ``-inf`` for max pooling).  One strided copy per
    kernel position (9 for a 3x3 kernel): on small images this is about twice
    as fast as copying a ``sliding_window_view`` into the same layout.

    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> cols = im2col(x, kernel_size=(2, 2), stride=(1, 1), padding=((0, 0), (0, 0)),
    ...               dilation=(1, 1))
    >>> cols.shape, cols[:, 0].tolist()        # the first window, (0, 0)
    ((4, 4), [0.0, 1.0, 3.0, 4.0])
    """
    x = np.asarray(x)
    (n, c), spatial = x.shape[:2], x.shape[2:]
    padded, out, inner = _geometry(spatial, kernel_size, stride, padding, dilation)
    # The padded image channels first, (C, N, *padded): the copies below then
    # read and write in the same order.
    if padded != spatial:
        source = (np.zeros((c, n) + padded, dtype=x.dtype) if fill == 0
                  else np.full((c, n) + padded, fill, dtype=x.dtype))
        source[(Ellipsis, *inner)] = x.swapaxes(0, 1)
    else:
        source = x.swapaxes(0, 1)
    cols = np.empty((c, *kernel_size, n, *out), dtype=x.dtype)
    for column, window in _windows(kernel_size, stride, dilation, out):
        cols[column] = source[window]
    return cols.reshape(c * math.prod(kernel_size), n * math.prod(out))


def _col2im(g, kernel_size, stride, padding, dilation, shape):
    """The adjoint of ``im2col``: add every window of ``g`` back into an array of
    ``shape`` (what lands on the padding is dropped).  A loop over the kernel
    positions, each a vectorized strided add: within one position the windows
    never overlap, so no ``np.add.at`` is needed."""
    (n, c), spatial = shape[:2], tuple(shape[2:])
    padded, out, inner = _geometry(spatial, kernel_size, stride, padding, dilation)
    g = np.asarray(g).reshape((c,) + tuple(kernel_size) + (n,) + out)
    total = np.zeros((c, n) + padded, dtype=g.dtype)
    for column, window in _windows(kernel_size, stride, dilation, out):
        part = total[window]
        np.add(part, g[column], out=part)      # in place (``+=`` would write it back again)
    # Back to (N, C, ...) as a view: a copy would cost as much as the adds.
    return (total[(Ellipsis, *inner)] if padded != spatial else total).swapaxes(0, 1)


_IM2COL_SAMPLES = [
    (((2, 3, 5, 5),), dict(kernel_size=(3, 3), stride=(1, 1), padding=((1, 1), (1, 1)),
                           dilation=(1, 1))),
    (((1, 2, 6, 7),), dict(kernel_size=(2, 3), stride=(2, 1), padding=((0, 1), (2, 0)),
                           dilation=(1, 2))),
    (((2, 2, 7),), dict(kernel_size=(3,), stride=(2,), padding=((1, 1),), dilation=(2,))),
]


def _col2im_sample(shape, kwargs):
    _, out, _ = _geometry(shape[2:], kwargs["kernel_size"], kwargs["stride"],
                          kwargs["padding"], kwargs["dilation"])
    rows, columns = shape[1] * math.prod(kwargs["kernel_size"]), shape[0] * math.prod(out)
    return (((rows, columns),), {**kwargs, "shape": shape})


im2col = _builtin(
    "im2col", _im2col,
    lambda g, out, x, kernel_size, stride, padding, dilation, fill=0.0: col2im(
        g, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
        shape=x.shape),
    rules=("col2im(g): every window of g added back where it was read",),
    samples=_IM2COL_SAMPLES, reference=reference_im2col, public=False)

col2im = _builtin(
    "col2im", _col2im,
    lambda g, out, cols, kernel_size, stride, padding, dilation, shape: im2col(
        g, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation),
    rules=("im2col(g): the windows of g",),
    samples=[_col2im_sample(shapes[0], kwargs) for shapes, kwargs in _IM2COL_SAMPLES],
    reference=reference_col2im, public=False)


# ------------------------------------------------------- max with a first winner
def _first_max_mask(x, axis, g):
    """One-hot along ``axis`` at the first maximum (PyTorch's max pooling: the
    first in row-major order wins a tie; among NaNs the last, as PyTorch's
    kernel keeps replacing its running maximum by a NaN)."""
    x = unwrap(x)
    index = np.argmax(x, axis=axis)
    nan = np.isnan(x)
    if nan.any():
        last_nan = x.shape[axis] - 1 - np.argmax(np.flip(nan, axis), axis=axis)
        index = np.where(nan.any(axis=axis), last_nan, index)
    mask = np.expand_dims(index, axis) == np.arange(x.shape[axis]).reshape(
        (-1,) + (1,) * (x.ndim - 1 - axis % x.ndim))
    return cast_like(mask, g)


pool_max = _builtin(
    "pool_max", lambda x, axis: np.max(x, axis=axis),
    lambda g, out, x, axis: core.reshape(g, shape=np.expand_dims(unwrap(out), axis).shape)
    * _first_max_mask(x, axis, g),
    rules=("1 at the first maximum along axis",), domain=("distinct",), smooth=False,
    samples=[(((3, 4, 2),), {"axis": 1}), (((2, 3, 4, 2),), {"axis": 2})],
    reference=lambda x, axis: np.sort(x, axis=axis).take(-1, axis=axis), public=False)


# ------------------------------------------------------------- arguments
def _shape(a):
    # A tensor's own attribute: np.shape would go through __array_function__.
    return a.shape if isinstance(a, (Tensor, np.ndarray)) else np.shape(a)


def _batched(x, d, where, what="input"):
    """``x`` with a batch axis (PyTorch takes one unbatched example too), and
    whether one was added."""
    shape = _shape(x)
    if len(shape) == d + 1:
        return core.reshape(x, shape=(1,) + shape), True
    if len(shape) != d + 2:
        layout = "(N, C, L)" if d == 1 else "(N, C, H, W)"
        raise ShapeError(f"{where}: the {what} must have shape {layout} (or one example, "
                         f"without N), got shape {shape}")
    return x, False


def _unbatch(y, unbatched):
    return core.reshape(y, shape=_shape(y)[1:]) if unbatched else y


# ------------------------------------------------------------- convolution
def _conv(input, weight, bias, stride, padding, dilation, groups, d, where):
    if groups != 1:
        raise ValueError(f"{where}: only groups=1 is supported (no grouped or depthwise "
                         f"convolution yet), got groups={groups!r}")
    x, unbatched = _batched(input, d, where)
    (_, c, *spatial), w_shape = _shape(x), _shape(weight)
    if len(w_shape) != d + 2 or w_shape[1] != c:
        raise ShapeError(f"{where}: the weight must have shape (C_out, C_in={c}, "
                         f"{', '.join('k' * d)}) for an input of shape {_shape(input)}, "
                         f"got {w_shape}")
    c_out, kernel_size = w_shape[0], tuple(w_shape[2:])
    stride = window_ints(stride, d, "stride", where, 1)
    dilation = window_ints(dilation, d, "dilation", where, 1)
    pad = padding_pairs(padding, kernel_size, stride, dilation, where)
    if bias is not None and _shape(bias) != (c_out,):
        raise ShapeError(f"{where}: the bias must have shape ({c_out},), one per output "
                         f"channel, got {_shape(bias)}")
    check_fits(spatial, kernel_size, stride, pad, dilation, where)
    return _unbatch(convolution(x, weight, bias, stride=stride, padding=pad,
                                dilation=dilation), unbatched)


# One primitive for the whole layer (im2col, one product, the bias added in the
# product's own array), not a chain of six nodes: on a small layer the nodes'
# bookkeeping cost as much as the arithmetic.  Its VJPs are written with
# im2col, col2im and matmul, so it differentiates again like the chain did.
_COLUMNS = {}        # id(output array) -> (weak reference to it, its im2col columns)


def _convolution(x, w, b=None, *, stride, padding, dilation):
    """The convolution of ``x`` ``(N, C, *spatial)`` with ``w`` ``(C_out, C, *k)``
    plus ``b`` ``(C_out,)`` (or None); ``padding`` holds ``(before, after)`` pairs.

    >>> import numpy as np
    >>> convolution(np.ones((1, 1, 3)), np.ones((1, 1, 2)), np.array([0.5]), stride=(1,),
    ...             padding=((0, 0),), dilation=(1,))
    array([[[2.5, 2.5]]])
    """
    c_out, kernel_size = w.shape[0], w.shape[2:]
    cols = _im2col(x, kernel_size, stride, padding, dilation)
    y = np.matmul(w.reshape(c_out, -1), cols)
    if b is not None:
        y = _add_in_place(y, np.reshape(b, (c_out, 1)))
    _, out, _ = _geometry(x.shape[2:], kernel_size, stride, padding, dilation)
    result = y.reshape((c_out, x.shape[0]) + out).swapaxes(0, 1)
    if GRAD_ENABLED.get():       # kept for the weight's VJP while the output lives
        key = id(result)
        _COLUMNS[key] = (weakref.ref(result, lambda _, key=key: _COLUMNS.pop(key, None)), cols)
    return result


def _add_in_place(y, b):
    return np.add(y, b, out=y) if np.result_type(y, b) == y.dtype else y + b


def _columns(x, out, w, stride, padding, dilation):
    """The forward's im2col columns when ``out`` is its array, else computed again
    (with the primitive: under ``create_graph`` they stay in the graph)."""
    if isinstance(out, np.ndarray):
        kept = _COLUMNS.get(id(out))
        if kept is not None and kept[0]() is out:
            return kept[1]
    return im2col(x, kernel_size=tuple(_shape(w)[2:]), stride=stride, padding=padding,
                  dilation=dilation)


_G_MATRIX = [None]   # (g, its matrix): the input's and the weight's VJPs share one copy


def _g_matrix(g):
    """``g`` ``(N, C_out, *out)`` as the ``(C_out, N·L)`` matrix of the product (a copy)."""
    last = _G_MATRIX[0]
    if last is not None and last[0] is g:
        return last[1]
    shape = _shape(g)
    matrix = core.reshape(core.transpose(g, axes=(1, 0) + tuple(range(2, len(shape)))),
                          shape=(shape[1], -1))
    if isinstance(g, np.ndarray):
        _G_MATRIX[0] = (g, matrix)
    return matrix


def _convolution_vjp_x(g, out, x, w, b=None, *, stride, padding, dilation):
    w2 = core.reshape(w, shape=(_shape(w)[0], -1))
    return col2im(core.matmul(core.transpose(w2, axes=(1, 0)), _g_matrix(g)),
                  kernel_size=tuple(_shape(w)[2:]), stride=stride, padding=padding,
                  dilation=dilation, shape=_shape(x))


def _convolution_vjp_w(g, out, x, w, b=None, *, stride, padding, dilation):
    cols = _columns(x, out, w, stride, padding, dilation)
    return core.reshape(core.matmul(_g_matrix(g), core.transpose(cols, axes=(1, 0))),
                        shape=_shape(w))


def _convolution_vjp_b(g, out, x, w, b=None, *, stride, padding, dilation):
    return core.sum(g, axis=(0,) + tuple(range(2, len(_shape(g)))))


convolution = _builtin(
    "convolution", _convolution, _convolution_vjp_x, _convolution_vjp_w, _convolution_vjp_b,
    rules=("col2im(Wᵀ g)", "g · columnsᵀ", "g summed over N and positions"),
    samples=[(((2, 3, 5, 5), (4, 3, 3, 3), (4,)),
              dict(stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1))),
             (((1, 2, 6, 7), (3, 2, 2, 3), (3,)),
              dict(stride=(2, 1), padding=((0, 1), (2, 0)), dilation=(1, 2))),
             (((2, 2, 7), (2, 2, 3), (2,)), dict(stride=(2,), padding=((1, 1),),
                                                  dilation=(2,)))],
    reference=lambda x, w, b, stride, padding, dilation: _reference_conv(
        reference_padded(x, padding, 0.0), w, b, stride=stride, dilation=dilation),
    public=False)


def _channels_second(y):
    """``(C, N, ...)`` as ``(N, C, ...)`` (a view)."""
    return core.transpose(y, axes=(1, 0) + tuple(range(2, len(_shape(y)))))


def _reference_conv(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    # A sum over kernel positions, one output position at a time.
    d = w.ndim - 2
    stride, dilation = window_ints(stride, d, "", "", 1), window_ints(dilation, d, "", "", 1)
    pad = padding_pairs(padding, w.shape[2:], stride, dilation, "")
    xp = reference_padded(x, pad, 0.0)
    out = tuple(output_size(n, k, s, p, dl) for n, k, s, p, dl in
                zip(x.shape[2:], w.shape[2:], stride, pad, dilation))
    y = np.zeros((x.shape[0], w.shape[0]) + out)
    for o in np.ndindex(*out):
        for k in np.ndindex(*w.shape[2:]):
            at = tuple(oi * s + ki * dl for oi, ki, s, dl in zip(o, k, stride, dilation))
            y[(slice(None), slice(None), *o)] += (
                xp[(slice(None), slice(None), *at)] @ w[(slice(None), slice(None), *k)].T)
    return y if b is None else y + b.reshape((-1,) + (1,) * d)


_CONV_RULES = ("g convolved with the flipped weight (col2im of Wᵀg)",
               "g correlated with the input windows", "g summed over N and positions")


@composite(nargs=3, rules=_CONV_RULES, reference=_reference_conv, samples=[
    (((2, 3, 5, 5), (4, 3, 3, 3), (4,)), {}),
    (((2, 2, 6, 5), (3, 2, 3, 2), (3,)), {"stride": 2, "padding": 1}),
    (((1, 2, 7, 7), (2, 2, 3, 3), (2,)), {"padding": "same", "dilation": 2}),
    (((2, 1, 6, 6), (2, 1, 2, 2), (2,)), {"stride": (1, 2), "padding": "valid"}),
    (((1, 1, 5, 6), (1, 1, 2, 2), (1,)), {"padding": "same"}),
    (((2, 2, 6, 5), (2, 2, 3, 3), (2,)), {"padding": (2, 0), "dilation": (1, 2)}),
])
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (PyTorch's cross-correlation) of ``input`` ``(N, C_in, H, W)``
    with ``weight`` ``(C_out, C_in, kH, kW)``, plus ``bias`` ``(C_out,)``.

    ``stride``, ``padding`` (zeros) and ``dilation`` are an int or one per
    spatial axis; ``padding`` may also be ``'valid'`` (none) or ``'same'`` (the
    output as large as the input, stride 1 only).  ``groups`` must be 1.
    im2col then one matrix product: the derivative comes from theirs.

    >>> import numpy as np, minigrad as mg
    >>> x = mg.tensor(np.arange(16.0).reshape(1, 1, 4, 4), requires_grad=True)
    >>> y = mg.conv2d(x, mg.ones(1, 1, 2, 2), padding="same")
    >>> y.shape, y.data[0, 0, 0].tolist()
    ((1, 1, 4, 4), [10.0, 14.0, 18.0, 10.0])
    >>> y.sum().backward()
    >>> x.grad[0, 0].tolist()[0]
    [1.0, 2.0, 2.0, 2.0]
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


@composite(nargs=3, rules=_CONV_RULES, reference=_reference_conv, samples=[
    (((2, 3, 7), (4, 3, 3), (4,)), {}),
    (((2, 2, 9), (3, 2, 2), (3,)), {"stride": 2, "padding": 1, "dilation": 2}),
    (((1, 2, 6), (2, 2, 4), (2,)), {"padding": "same"}),
])
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of ``input`` ``(N, C_in, L)`` with ``weight``
    ``(C_out, C_in, k)``, plus ``bias``; the arguments of
    [`conv2d`][minigrad.ops.conv.conv2d], with one spatial axis.

    >>> import minigrad as mg
    >>> mg.conv1d(mg.tensor([[[1.0, 2.0, 3.0, 4.0]]]), mg.tensor([[[1.0, -1.0]]]))
    tensor([[[-1., -1., -1.]]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


# ----------------------------------------------------------------- pooling
def _pool_arguments(x, kernel_size, stride, padding, dilation, ceil_mode, where):
    if ceil_mode:
        raise ValueError(f"{where}: ceil_mode=True is not supported; pad the input so "
                         f"that the windows cover it instead")
    x, unbatched = _batched(x, 2, where)
    kernel_size = window_ints(kernel_size, 2, "kernel_size", where, 1)
    stride = kernel_size if stride is None else window_ints(stride, 2, "stride", where, 1)
    dilation = window_ints(dilation, 2, "dilation", where, 1)
    pads = window_ints(padding, 2, "padding", where, 0)
    if any(p > k // 2 for p, k in zip(pads, kernel_size)):
        raise ValueError(f"{where}: padding {pads} must be at most half of kernel_size "
                         f"{kernel_size}, as in PyTorch")
    pad = tuple((p, p) for p in pads)
    out = check_fits(_shape(x)[2:], kernel_size, stride, pad, dilation, where)
    return x, unbatched, kernel_size, stride, pad, dilation, out


def _reference_pool(x, kernel_size, stride, padding, dilation, fill, reduce):
    k, s = window_ints(kernel_size, 2, "", "", 1), None if stride is None else stride
    s = k if s is None else window_ints(s, 2, "", "", 1)
    p, dl = window_ints(padding, 2, "", "", 0), window_ints(dilation, 2, "", "", 1)
    xp = reference_padded(x, tuple((q, q) for q in p), fill)
    out = [output_size(n, ki, si, (pi, pi), di)
           for n, ki, si, pi, di in zip(x.shape[2:], k, s, p, dl)]
    y = np.zeros(x.shape[:2] + tuple(out))
    for i, j in np.ndindex(*out):
        window = xp[:, :, i * s[0]:i * s[0] + dl[0] * (k[0] - 1) + 1:dl[0],
                    j * s[1]:j * s[1] + dl[1] * (k[1] - 1) + 1:dl[1]]
        y[:, :, i, j] = reduce(window.reshape(window.shape[:2] + (-1,)), axis=-1)
    return y


@composite(nargs=1, rules=("1 at the first maximum of each window",), domain=("distinct",),
           smooth=False, reference=lambda x, kernel_size, stride=None, padding=0, dilation=1:
           _reference_pool(x, kernel_size, stride, padding, dilation, -np.inf, np.max),
           samples=[(((2, 3, 4, 4),), {"kernel_size": 2}),
                    (((1, 2, 5, 6),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                    (((1, 2, 7, 6),), {"kernel_size": (2, 3), "stride": 1,
                                       "dilation": (2, 1)})])
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The maximum of each ``kernel_size`` window of ``input`` ``(N, C, H, W)``,
    ``stride`` apart (``kernel_size`` by default), the input padded with ``-inf``.

    The gradient of a window goes to its first maximum (PyTorch's convention).

    >>> import minigrad as mg
    >>> x = mg.tensor([[[[1.0, 3.0], [3.0, 0.0]]]], requires_grad=True)
    >>> y = mg.max_pool2d(x, 2)
    >>> y.backward(mg.ones(1, 1, 1, 1))
    >>> y.item(), x.grad.tolist()
    (3.0, [[[[0.0, 1.0], [0.0, 0.0]]]])
    """
    if return_indices:
        raise ValueError("max_pool2d: return_indices=True is not supported")
    x, unbatched, kernel_size, stride, pad, dilation, out = _pool_arguments(
        input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    cols = im2col(x, kernel_size=kernel_size, stride=stride, padding=pad, dilation=dilation,
                  fill=-np.inf)
    n, c = _shape(x)[:2]
    cols = core.reshape(cols, shape=(c, math.prod(kernel_size), n) + out)
    return _unbatch(_channels_second(pool_max(cols, axis=1)), unbatched)


@composite(nargs=1, rules=("1/(kernel size) to each element of the window",),
           reference=lambda x, kernel_size, stride=None, padding=0:
           _reference_pool(x, kernel_size, stride, padding, 1, 0.0, np.mean),
           samples=[(((2, 3, 4, 4),), {"kernel_size": 2}),
                    (((1, 2, 5, 6),), {"kernel_size": 3, "stride": 2, "padding": 1}),
                    (((1, 2, 5, 5),), {"kernel_size": (3, 2), "stride": (1, 2)})])
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each ``kernel_size`` window of ``input`` ``(N, C, H, W)``, ``stride``
    apart (``kernel_size`` by default), the input padded with zeros.

    As in PyTorch, the zeros of the padding count in the mean unless
    ``count_include_pad=False``; ``divisor_override`` replaces the divisor.

    >>> import minigrad as mg
    >>> mg.avg_pool2d(mg.tensor([[[[1.0, 2.0], [3.0, 6.0]]]]), 2)
    tensor([[[[3.]]]])
    """
    x, unbatched, kernel_size, stride, pad, dilation, out = _pool_arguments(
        input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    geometry = dict(kernel_size=kernel_size, stride=stride, padding=pad, dilation=dilation)
    n, c = _shape(x)[:2]
    cols = core.reshape(im2col(x, **geometry), shape=(c, math.prod(kernel_size), n) + out)
    total = core.sum(cols, axis=1)
    dtype = np.result_type(unwrap(x).dtype, np.float32)
    if divisor_override is not None:
        divisor = np.asarray(divisor_override, dtype=dtype)
    elif count_include_pad:
        divisor = np.asarray(math.prod(kernel_size), dtype=dtype)
    else:   # how many elements of each window are the input's own
        ones = np.ones((1, 1) + _shape(x)[2:], dtype=dtype)
        divisor = np.sum(_im2col(ones, **geometry), axis=0).reshape(out)
    return _unbatch(_channels_second(core.div(total, divisor)), unbatched)


__all__ += ["conv1d", "conv2d", "max_pool2d", "avg_pool2d"]

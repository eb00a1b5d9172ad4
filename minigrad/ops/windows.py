"""The arguments and the geometry of a sliding window, shared by convolution and
pooling: how many windows fit (``output_size``), PyTorch's int-or-tuple
arguments (``window_ints``), its ``padding`` (``padding_pairs``: ints,
``'valid'`` or ``'same'``) and the check that a kernel fits (``check_fits``);
and the element-by-element loops the tests check im2col and col2im against.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ..errors import ShapeError

__all__ = []


def output_size(size, kernel, stride, padding, dilation):
    """Length of one output axis: how many windows fit along an input axis of
    ``size`` padded by ``padding = (before, after)``.

    >>> output_size(8, 3, 1, (1, 1), 1), output_size(7, 3, 2, (0, 0), 2)
    (8, 2)
    """
    return (size + padding[0] + padding[1] - dilation * (kernel - 1) - 1) // stride + 1


def window_ints(value, d, name, where, low):
    """``value`` (an int or a sequence of ``d`` ints) as a tuple of ``d`` ints >= low."""
    if type(value) is tuple and len(value) == d and all(type(v) is int and v >= low
                                                         for v in value):
        return value                     # the common cases, checked cheaply
    if type(value) is int and value >= low:
        return (value,) * d
    given = value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),) * d
    try:
        value = tuple(value)
    except TypeError:
        value = None
    if (value is None or len(value) != d or any(
            not isinstance(v, numbers.Integral) or isinstance(v, bool) for v in value)):
        raise TypeError(f"{where}: {name} must be an int or a tuple of {d} ints, got "
                        f"{given!r}")
    if min(value) < low:
        raise ValueError(f"{where}: {name} must be at least {low}, got {value}")
    return tuple(int(v) for v in value)


def padding_pairs(padding, kernel_size, stride, dilation, where):
    """PyTorch's ``padding`` (an int, a tuple, ``'valid'`` or ``'same'``) as
    ``(before, after)`` per spatial axis."""
    d = len(kernel_size)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * d
        if padding != "same":
            raise ValueError(f"{where}: padding must be 'valid', 'same', an int or a tuple "
                             f"of {d} ints, got {padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(f"{where}: padding='same' is not supported for strided "
                             f"convolutions (stride={stride}), as in PyTorch; pad "
                             f"explicitly with an int or a tuple instead")
        # PyTorch puts the odd element of an even total after the input.
        totals = [dl * (k - 1) for k, dl in zip(kernel_size, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in window_ints(padding, d, "padding", where, 0))


def check_fits(spatial, kernel_size, stride, padding, dilation, where):
    out = tuple(output_size(n, k, s, p, dl) for n, k, s, p, dl in
                zip(spatial, kernel_size, stride, padding, dilation))
    if min(out) < 1:
        raise ShapeError(f"{where}: the input's spatial size {tuple(spatial)} padded by "
                         f"{padding} is smaller than the kernel {kernel_size} with dilation "
                         f"{dilation}; the output would have size {out}. Pad the input or "
                         f"use a smaller kernel")
    return out


# ------------------------------------------ references, element by element
def reference_padded(x, padding, fill):
    return np.pad(x, ((0, 0), (0, 0), *padding), constant_values=fill)


def reference_im2col(x, kernel_size, stride, padding, dilation, fill=0.0):
    # Element by element: cols[c, *k, n, *o] = padded[n, c, o*stride + k*dilation].
    xp = reference_padded(x, padding, fill)
    out = tuple(output_size(n, k, s, p, d) for n, k, s, p, d in
                zip(x.shape[2:], kernel_size, stride, padding, dilation))
    cols = np.zeros(x.shape[:2] + tuple(kernel_size) + out, dtype=x.dtype)
    for k in np.ndindex(*kernel_size):
        for o in np.ndindex(*out):
            at = tuple(oi * s + ki * d for oi, ki, s, d in zip(o, k, stride, dilation))
            cols[(slice(None), slice(None), *k, *o)] = xp[(slice(None), slice(None), *at)]
    cols = np.moveaxis(cols, 0, 1 + len(kernel_size))
    return cols.reshape(x.shape[1] * math.prod(kernel_size), -1)


def reference_col2im(g, kernel_size, stride, padding, dilation, shape):
    spatial = shape[2:]
    xp = np.zeros(tuple(shape[:2]) + tuple(n + lo + hi for n, (lo, hi) in
                                           zip(spatial, padding)))
    out = tuple(output_size(n, k, s, p, d) for n, k, s, p, d in
                zip(spatial, kernel_size, stride, padding, dilation))
    g = np.moveaxis(g.reshape((shape[1],) + tuple(kernel_size) + (shape[0],) + out),
                    1 + len(kernel_size), 0)
    for k in np.ndindex(*kernel_size):
        for o in np.ndindex(*out):
            at = tuple(oi * s + ki * d for oi, ki, s, d in zip(o, k, stride, dilation))
            xp[(slice(None), slice(None), *at)] += g[(slice(None), slice(None), *k, *o)]
    return xp[(Ellipsis, *(slice(lo, lo + n) for n, (lo, _) in zip(spatial, padding)))]

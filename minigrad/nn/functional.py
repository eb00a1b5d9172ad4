"""PyTorch's ``torch.nn.functional`` names, for scripts written as ``import ... as F``.

Everything here is a composite: the activations come from
[`minigrad.functional`][minigrad.functional], the losses from [`minigrad.losses`][minigrad.losses]
(their one home, re-exported here under the same names), and
[`linear()`][minigrad.nn.functional.linear] and [`dropout()`][minigrad.nn.functional.dropout] are
written with minigrad operations, so every derivative comes from the engine.  The
convolutions and poolings (``conv1d``, ``conv2d``, ``max_pool2d``, ``avg_pool2d``) are the
composites of [`minigrad.ops.conv`][minigrad.ops.conv] (im2col, then a matrix product or a
reduction), with PyTorch's arguments; ``groups`` must be 1.  Arguments have
PyTorch's names and defaults (``input``, ``target``, ``dim``, ``reduction="mean"``).

>>> import minigrad as mg
>>> import minigrad.nn.functional as F
>>> z = mg.tensor([[1.0, 2.0, 3.0]])
>>> F.softmax(z, dim=1).data.round(4).tolist()
[[0.09, 0.2447, 0.6652]]
>>> round(F.cross_entropy(z, [2]).item(), 4)
0.4076
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import functional as _F
from ..errors import ShapeError
from ..losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from ..ops import conv as _conv
from ..random import as_generator, default_generator
from ..tensor import as_tensor

__all__ = ["relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "mse_loss",
           "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "linear", "dropout", "layer_norm", "conv1d",
           "conv2d", "max_pool2d", "avg_pool2d"]


def _no_inplace(inplace, where):
    # minigrad has no in-place operations on tensors of the graph: a result is
    # always a new tensor, so inplace=True would silently do something else.
    if inplace:
        raise ValueError(f"{where}: inplace=True is not supported (minigrad never "
                         f"overwrites a tensor of the graph); write y = {where}(x) instead")


def relu(input, inplace=False):
    """``max(0, input)`` elementwise.

    >>> import minigrad as mg
    >>> relu(mg.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    _no_inplace(inplace, "relu")
    return _F.relu(as_tensor(input))


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, ``negative_slope * input`` elsewhere.

    >>> import minigrad as mg
    >>> leaky_relu(mg.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2,  3. ])
    """
    _no_inplace(inplace, "leaky_relu")
    return _F.leaky_relu(as_tensor(input), negative_slope)


def tanh(input):
    """Hyperbolic tangent elementwise."""
    return _F.tanh(as_tensor(input))


def sigmoid(input):
    """Logistic function ``1 / (1 + exp(-input))`` elementwise, stable at any input."""
    return _F.sigmoid(as_tensor(input))


def _dim(dim, where):
    # PyTorch's implicit dim (dim=None) is deprecated there because it guesses
    # the axis from the number of dimensions; here it is an error instead.
    if dim is None:
        raise TypeError(f"{where}: pass dim= (the axis that sums to one), e.g. "
                        f"{where}(logits, dim=1) for a batch of rows or dim=-1 for the last "
                        f"axis; PyTorch's implicit choice of dim is deprecated")
    if not isinstance(dim, numbers.Integral) or isinstance(dim, bool):
        raise TypeError(f"{where}: dim must be an int, got {type(dim).__name__}")
    return int(dim)


def softmax(input, dim=None):
    """``exp(input) / sum(exp(input))`` along ``dim``, stable for large inputs.

    >>> import minigrad as mg
    >>> softmax(mg.tensor([[0.0, 0.0], [1000.0, 1000.0]]), dim=1).data.tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    return _F.softmax(as_tensor(input), axis=_dim(dim, "softmax"))


def log_softmax(input, dim=None):
    """``log(softmax(input, dim))`` computed as ``input - logsumexp(input)``.

    >>> import minigrad as mg
    >>> log_softmax(mg.tensor([0.0, 0.0]), dim=0).data.round(4).tolist()
    [-0.6931, -0.6931]
    """
    return _F.log_softmax(as_tensor(input), axis=_dim(dim, "log_softmax"))


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: what ``nn.Linear`` computes, with
    ``weight`` of shape ``(out_features, in_features)``.

    >>> import minigrad as mg
    >>> linear(mg.tensor([[1.0, 2.0]]), mg.tensor([[1.0, 1.0], [0.0, 2.0]]), mg.tensor([0.5, 0.0]))
    tensor([[3.5, 4. ]])
    """
    y = as_tensor(input) @ as_tensor(weight).T
    return y if bias is None else y + bias


def dropout(input, p=0.5, training=True, inplace=False, generator=None):
    """Zero each element with probability ``p`` and scale the others by ``1 / (1 - p)``,
    so the expected output is the input; the identity when ``training`` is False.

    ``generator`` (a ``numpy.random.Generator`` or an int seed) draws the
    mask; without it the masks come from a generator seeded once (see
    [`minigrad.manual_seed()`][minigrad.random.manual_seed]), so a script is the same on every run.
    The gradient flows through the kept elements, scaled the same way.

    >>> import numpy as np, minigrad as mg
    >>> x = mg.tensor(np.ones(8))
    >>> dropout(x, p=0.5, generator=0).data.tolist()
    [2.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0]
    >>> dropout(x, p=0.5, training=False) is x
    True
    """
    _no_inplace(inplace, "dropout")
    if not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability p has to be between 0 and 1, got {p!r}")
    x = as_tensor(input)
    if not training or p == 0.0:
        return x
    rng = default_generator if generator is None else as_generator(generator, where="dropout")
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = rng.random(x.shape) >= p
    return x * (keep / (1.0 - p)).astype(x.dtype)


def normalized_shape_tuple(normalized_shape, where="layer_norm"):
    """``normalized_shape`` as a tuple of ints (an int ``n`` means ``(n,)``)."""
    if isinstance(normalized_shape, numbers.Integral):
        normalized_shape = (normalized_shape,)
    shape = tuple(int(s) for s in normalized_shape)
    if not shape or min(shape) < 1:
        raise ValueError(f"{where}: normalized_shape must name at least one trailing "
                         f"dimension, all positive, got {normalized_shape!r}")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalize over the trailing dimensions ``normalized_shape``: subtract their
    mean and divide by ``sqrt(variance + eps)``, with the biased variance (divided
    by the number of elements, as PyTorch's layer norm does); then multiply by
    ``weight`` and add ``bias`` (each of shape ``normalized_shape``) when given.

    Written with minigrad operations (mean, subtraction, sqrt), so the engine
    differentiates it.

    >>> import minigrad as mg
    >>> layer_norm(mg.tensor([[1.0, 2.0, 3.0]]), 3).data.round(4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    """
    x = as_tensor(input)
    shape = normalized_shape_tuple(normalized_shape)
    k = len(shape)
    if x.ndim < k or x.shape[x.ndim - k:] != shape:
        raise ShapeError(f"layer_norm: normalized_shape {shape} must be the last dimensions "
                         f"of the input, but the input has shape {x.shape}; e.g. for a "
                         f"batch of shape (N, {', '.join(map(str, shape))}) pass "
                         f"normalized_shape={shape}")
    axes = tuple(range(x.ndim - k, x.ndim))
    centred = x - _F.mean(x, axis=axes, keepdims=True)
    variance = _F.mean(centred * centred, axis=axes, keepdims=True)
    y = centred / _F.sqrt(variance + eps)
    if weight is not None:
        y = y * weight
    return y if bias is None else y + bias


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution, input ``(N, C_in, L)``, weight ``(C_out, C_in, k)``: see
    [`minigrad.ops.conv.conv1d()`][minigrad.ops.conv.conv1d] (``groups=1`` only).

    >>> import minigrad as mg
    >>> conv1d(mg.tensor([[[1.0, 2.0, 4.0]]]), mg.tensor([[[1.0, 1.0]]]), padding="same")
    tensor([[[3., 6., 4.]]])
    """
    return _conv.conv1d(as_tensor(input), weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (PyTorch's cross-correlation), input ``(N, C_in, H, W)``,
    weight ``(C_out, C_in, kH, kW)``, bias ``(C_out,)``; ``padding`` is an int,
    a pair, ``'valid'`` or ``'same'``.  See
    [`minigrad.ops.conv.conv2d()`][minigrad.ops.conv.conv2d] (``groups=1`` only).

    >>> import minigrad as mg
    >>> conv2d(mg.ones(2, 3, 8, 8), mg.ones(4, 3, 3, 3), stride=2, padding=1).shape
    (2, 4, 4, 4)
    """
    return _conv.conv2d(as_tensor(input), weight, bias, stride, padding, dilation, groups)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The maximum of each window (``stride`` defaults to ``kernel_size``); the
    gradient goes to the first maximum of a window, as in PyTorch.  See
    [`minigrad.ops.conv.max_pool2d()`][minigrad.ops.conv.max_pool2d].

    >>> import numpy as np, minigrad as mg
    >>> max_pool2d(mg.tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2).data.tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """
    return _conv.max_pool2d(as_tensor(input), kernel_size, stride, padding, dilation,
                            ceil_mode, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each window (``stride`` defaults to ``kernel_size``); see
    [`minigrad.ops.conv.avg_pool2d()`][minigrad.ops.conv.avg_pool2d].

    >>> import numpy as np, minigrad as mg
    >>> avg_pool2d(mg.tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2).data.tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    return _conv.avg_pool2d(as_tensor(input), kernel_size, stride, padding, ceil_mode,
                            count_include_pad, divisor_override)

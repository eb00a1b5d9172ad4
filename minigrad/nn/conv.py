"""Convolution and pooling layers for images and sequences: [`Conv2d`][minigrad.nn.conv.Conv2d],
[`Conv1d`][minigrad.nn.conv.Conv1d], [`MaxPool2d`][minigrad.nn.conv.MaxPool2d] and
[`AvgPool2d`][minigrad.nn.conv.AvgPool2d] (PyTorch's ``torch.nn`` names, arguments,
defaults, initialization and ``state_dict`` keys).

They call the functions of [`minigrad.nn.functional`][minigrad.nn.functional] (im2col
and one matrix product, see [`minigrad.ops.conv`][minigrad.ops.conv]); nothing here has
derivative code.

>>> import numpy as np, minigrad as mg
>>> net = mg.nn.Sequential(mg.nn.Conv2d(1, 4, 3, padding=1, rng=0), mg.nn.ReLU(),
...                        mg.nn.MaxPool2d(2))
>>> net(np.zeros((5, 1, 8, 8))).shape
(5, 4, 4, 4)
>>> list(net.state_dict())
['0.weight', '0.bias']
"""

from __future__ import annotations

import math

import numpy as np

from ..random import as_generator, default_generator
from . import functional as F
from . import init
from .modules import Module
from .parameter import Parameter, default_dtype, requested_dtype

__all__ = ["Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d"]


def _pair(value, d):
    return (int(value),) * d if isinstance(value, (int, np.integer)) else tuple(value)


class _ConvNd(Module):
    """What Conv1d and Conv2d share: the parameters, PyTorch's initialization, the repr."""

    _d = 2
    _name = "Conv2d"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None, *, rng=None):
        super().__init__()
        where = self._name
        requested_dtype((), {"device": device}, where=where)      # only the CPU
        if groups != 1:
            raise ValueError(f"{where}: only groups=1 is supported, got groups={groups!r}")
        if padding_mode != "zeros":
            raise ValueError(f"{where}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        d = self._d
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride = _pair(kernel_size, d), _pair(stride, d)
        self.padding = padding if isinstance(padding, str) else _pair(padding, d)
        if isinstance(padding, str) and (padding not in ("same", "valid") or (
                padding == "same" and self.stride != (1,) * d)):
            raise ValueError(f"{where}: padding={padding!r} is not supported with stride="
                             f"{self.stride}: use 'valid', an int or a tuple, or 'same' "
                             f"with stride 1 (as in PyTorch)")
        self.dilation, self.groups, self.padding_mode = _pair(dilation, d), 1, padding_mode
        dtype = default_dtype() if dtype is None else dtype
        shape = (self.out_channels, self.in_channels) + self.kernel_size
        self.weight = Parameter(np.zeros(shape), name="weight", dtype=dtype)
        if bias:
            self.bias = Parameter(np.zeros(self.out_channels), name="bias", dtype=dtype)
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(default_generator if rng is None
                              else as_generator(rng, where=where))

    def reset_parameters(self, generator=None):
        """Draw the weights and the bias as PyTorch does: weight by
        ``kaiming_uniform_(a=sqrt(5))`` (uniform on ``±1/sqrt(fan_in)`` with
        ``fan_in = in_channels * prod(kernel_size)``), bias uniform on
        ``±1/sqrt(fan_in)``, from ``generator`` (the package generator by default)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            fan_in = self.in_channels * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound, generator=generator)

    def extra_repr(self):
        # PyTorch's text: the defaults it leaves out are left out here too.
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * self._d:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self._d:
            text += f", dilation={self.dilation}"
        return text if self.bias is not None else text + ", bias=False"


class Conv2d(_ConvNd):
    """A 2-D convolution layer: input ``(N, C_in, H, W)``, output ``(N, C_out, H', W')``,
    ``weight`` of shape ``(out_channels, in_channels, kH, kW)`` and ``bias`` of
    shape ``(out_channels,)`` (PyTorch's ``nn.Conv2d``; ``groups=1`` and
    ``padding_mode='zeros'`` only).

    ``padding`` is an int, a pair, ``'valid'`` or ``'same'``.  The weights start
    as PyTorch's do, drawn from the package generator that ``mg.manual_seed``
    restarts, or from ``rng`` (a ``numpy.random.Generator`` or an int seed).

    >>> import numpy as np, minigrad as mg
    >>> conv = mg.nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, rng=0)
    >>> conv
    Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    >>> conv(np.ones((4, 3, 16, 16))).shape
    (4, 8, 8, 8)
    >>> bool(np.abs(conv.weight.data).max() <= 1 / np.sqrt(3 * 9))
    True
    """

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation)


class Conv1d(_ConvNd):
    """A 1-D convolution layer: input ``(N, C_in, L)``, ``weight`` of shape
    ``(out_channels, in_channels, k)``; the arguments of [`Conv2d`][minigrad.nn.conv.Conv2d].

    >>> import numpy as np, minigrad as mg
    >>> mg.nn.Conv1d(2, 4, 3, padding="same", rng=0)(np.ones((1, 2, 10))).shape
    (1, 4, 10)
    """

    _d = 1
    _name = "Conv1d"

    def forward(self, input):
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation)


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window, ``stride`` apart (``kernel_size``
    by default); PyTorch's ``nn.MaxPool2d`` (the gradient goes to the first
    maximum of a window).

    >>> import numpy as np, minigrad as mg
    >>> pool = mg.nn.MaxPool2d(2)
    >>> pool
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4)).data.tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of each ``kernel_size`` window, ``stride`` apart (``kernel_size`` by
    default); PyTorch's ``nn.AvgPool2d``.

    >>> import numpy as np, minigrad as mg
    >>> pool = mg.nn.AvgPool2d(2)
    >>> pool
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4)).data.tolist()
    [[[[2.5, 4.5], [10.5, 12.5]]]]
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

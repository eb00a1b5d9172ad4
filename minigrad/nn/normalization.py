"""Normalization layers: [`LayerNorm`][minigrad.nn.normalization.LayerNorm] (PyTorch's
``nn.LayerNorm``, with its arguments and defaults).

>>> import numpy as np, minigrad as mg
>>> norm = mg.nn.LayerNorm(4)
>>> norm
LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
>>> y = norm(np.arange(8.0).reshape(2, 4))
>>> y.data.mean(axis=1).round(12).tolist(), y.data.var(axis=1).round(4).tolist()
([0.0, 0.0], [1.0, 1.0])
"""

from __future__ import annotations

import numpy as np

from . import functional as F
from . import init
from .modules import Module
from .parameter import Parameter, default_dtype, requested_dtype

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """Normalize each example over its trailing dimensions ``normalized_shape`` (an
    int or a tuple): ``(x - mean) / sqrt(var + eps) * weight + bias``, with the
    mean and the biased variance over those dimensions (see
    [`minigrad.nn.functional.layer_norm()`][minigrad.nn.functional.layer_norm]).

    ``weight`` (ones) and ``bias`` (zeros) have shape ``normalized_shape`` and are
    learned when ``elementwise_affine`` is True; ``bias=False`` leaves the bias
    out.  ``dtype`` is the package's default dtype unless given.

    >>> import minigrad as mg
    >>> norm = mg.nn.LayerNorm((2, 3), elementwise_affine=False)
    >>> norm.parameters(), norm.weight is None
    ([], True)
    >>> [name for name, _ in mg.nn.LayerNorm(3).named_parameters()]
    ['weight', 'bias']
    """

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        requested_dtype((), {"device": device}, where="LayerNorm")      # only the CPU
        self.normalized_shape = F.normalized_shape_tuple(normalized_shape, "LayerNorm")
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        dtype = default_dtype() if dtype is None else dtype
        if elementwise_affine:
            self.weight = Parameter(np.zeros(self.normalized_shape), name="weight", dtype=dtype)
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape), name="bias",
                                      dtype=dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Weight to ones and bias to zeros."""
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")

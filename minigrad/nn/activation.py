"""Activation functions as modules, for [`Sequential`][minigrad.nn.layers.Sequential] and
[`MLP`][minigrad.nn.layers.MLP]; each applies the function of the same name in
[`minigrad.functional`][minigrad.functional] (where its derivative comes from the engine).

>>> import minigrad as mg
>>> mg.nn.LeakyReLU(0.1)(mg.tensor([-2.0, 3.0]))
tensor([-0.2,  3. ])
"""

from __future__ import annotations

from .. import functional as F
from ..tensor import as_tensor
from . import functional as nn_functional
from .modules import Module

__all__ = ["Identity", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Softmax", "LogSoftmax",
           "ACTIVATIONS"]


class Identity(Module):
    """Returns its input unchanged."""

    def forward(self, x):
        return as_tensor(x)


class ReLU(Module):
    """``max(0, x)`` elementwise."""

    def forward(self, x):
        return F.relu(x)


class LeakyReLU(Module):
    """``x`` if positive, else ``negative_slope * x``."""

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Tanh(Module):
    """Hyperbolic tangent elementwise."""

    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    """Logistic sigmoid ``1 / (1 + exp(-x))`` elementwise."""

    def forward(self, x):
        return F.sigmoid(x)


class Softmax(Module):
    """``softmax`` along ``dim`` (PyTorch's ``nn.Softmax(dim)``: pass ``dim``).

    >>> import minigrad as mg
    >>> mg.nn.Softmax(dim=1)(mg.tensor([[0.0, 0.0]]))
    tensor([[0.5, 0.5]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return nn_functional.softmax(input, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """``log_softmax`` along ``dim`` (PyTorch's ``nn.LogSoftmax(dim)``: pass ``dim``)."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return nn_functional.log_softmax(input, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


#: Activation modules by the names MLP(activation=...) accepts.
ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid,
               "identity": Identity, "linear": Identity}

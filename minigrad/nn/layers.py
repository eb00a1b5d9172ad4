"""Layers with weights and the containers that chain them: [`Linear`][minigrad.nn.layers.Linear],
[`Sequential`][minigrad.nn.layers.Sequential] and [`MLP`][minigrad.nn.layers.MLP].  Layers made
without ``rng=`` draw their initial weights from the package generator that ``mg.manual_seed``
restarts, so a script gives the same model on every run.

``Linear`` starts as PyTorch's does (uniform on ``+-1/sqrt(in_features)``);
``MLP``, the book's network, starts each layer with the initialization of
chapter 7 that suits its activation (He for ReLU, Glorot for tanh and sigmoid,
see [`minigrad.nn.init`][minigrad.nn.init]) and zero biases, drawn from its ``seed``.

>>> import minigrad as mg
>>> mg.nn.MLP([2, 4, 1], seed=0).num_parameters()
17
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ShapeError
from ..random import as_generator, default_generator
from ..tensor import as_tensor
from . import init as _init
from .activation import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from .modules import Module
from .parameter import Parameter, default_dtype, requested_dtype

__all__ = ["Linear", "Sequential", "MLP"]


class Linear(Module):
    """A fully connected layer ``y = x W^T + b`` with ``W`` of shape ``(out, in)``
    (PyTorch's ``nn.Linear``, with its arguments).

    By default the weights and the bias start as PyTorch's do, uniform on
    ``[-1/sqrt(in_features), 1/sqrt(in_features)]`` (``kaiming_uniform_`` with
    ``a=sqrt(5)``), drawn from the package generator that ``mg.manual_seed``
    restarts, or from ``rng`` (a ``numpy.random.Generator`` or an int seed).
    ``init`` chooses the book's initialization instead: ``"he"`` for ReLU
    networks, ``"glorot"`` for tanh/sigmoid (see [`minigrad.nn.init`][minigrad.nn.init]), or a
    function ``f(shape, rng) -> array``; the bias then starts at zero, as in
    the book.  ``dtype`` is the package's default dtype unless given; minigrad
    has only the CPU, so ``device`` may only be None or ``"cpu"``.

    >>> import numpy as np, minigrad as mg
    >>> layer = mg.nn.Linear(3, 2, rng=0)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> x = np.ones((4, 3))
    >>> y = layer(x)
    >>> y.shape
    (4, 2)
    >>> np.allclose(y.data, x @ layer.weight.data.T + layer.bias.data)
    True
    >>> bool(np.abs(layer.weight.data).max() <= 1 / np.sqrt(3))
    True
    >>> mg.nn.Linear(3, 2, init="he").bias
    Parameter([0., 0.], name='bias')
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None, *,
                 init=None, rng=None):
        super().__init__()
        requested_dtype((), {"device": device}, where="Linear")      # only the CPU
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        dtype = default_dtype() if dtype is None else dtype
        self.init = init if init is None or isinstance(init, str) else getattr(
            init, "__name__", "custom")
        rng = default_generator if rng is None else as_generator(rng, where="Linear")
        shape = (self.out_features, self.in_features)
        self.weight = Parameter(np.zeros(shape), name="weight", dtype=dtype)
        self.bias = Parameter(np.zeros(self.out_features), name="bias",
                              dtype=dtype) if bias else None
        if init is None:
            self.reset_parameters(rng)
        else:
            weight = np.asarray(_init.get(init)(shape, rng))
            if weight.shape != shape:
                raise ShapeError(f"Linear: the initialization {self.init!r} returned an array "
                                 f"of shape {weight.shape} for a weight of shape {shape}")
            self.weight.data[...] = weight          # and the bias stays zero, as in the book

    def reset_parameters(self, generator=None):
        """Draw the weights and the bias again as PyTorch's ``nn.Linear`` does: weight
        by ``kaiming_uniform_(a=sqrt(5))`` and bias uniform on ``[-1/sqrt(fan_in),
        1/sqrt(fan_in)]``, both from ``generator`` (the package generator by default)."""
        _init.kaiming_uniform_(self.weight, a=math.sqrt(5), generator=generator)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            _init.uniform_(self.bias, -bound, bound, generator=generator)

    def forward(self, x):
        x = as_tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ShapeError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}) "
                f"got input of shape {x.shape}: the last axis must have "
                f"{self.in_features} features. A batch of N examples has shape "
                f"(N, {self.in_features}); reshape 1-D inputs with x.reshape(-1, 1) if "
                f"there is one feature.")
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self):
        # PyTorch's text, plus the book's initialization when one was chosen.
        text = (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
        return text if self.init is None else f"{text}, init={self.init!r}"


class Sequential(Module):
    """Modules applied one after the other; indexable like a list.

    >>> import minigrad as mg
    >>> net = mg.nn.Sequential(mg.nn.Linear(2, 3, rng=0), mg.nn.Tanh())
    >>> len(net), type(net[1]).__name__
    (2, 'Tanh')
    """

    opens_scope = False

    def __init__(self, *modules):
        super().__init__()
        for module in modules:
            self.append(module)

    def append(self, module):
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules, got {type(module).__name__}; wrap a "
                            f"function in a Module subclass (e.g. mg.nn.ReLU() instead of "
                            f"mg.relu)")
        self.add_module(str(len(self._modules)), module)
        self._name_parameters()
        return self

    def _name_parameters(self):
        # Give each parameter that has a plain local name ('weight') its dotted
        # name ('2.weight'), so graphs and gradcheck reports say which layer it
        # belongs to.  Names that already have a dot are left alone: slicing a
        # model (net[2:]) must not rename the parameters of the original.
        for name, p in self.named_parameters():
            if p.name is None or "." not in p.name:
                p.name = name

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        return layers[index]

    def forward(self, x):
        for module in self:
            x = module(x)
        return x


# The initialization that keeps the variance steady for each activation (chapter 7).
_DEFAULT_INIT = {ReLU: "he", LeakyReLU: "he", Tanh: "glorot", Sigmoid: "glorot",
                 Identity: "glorot"}


def _activation_factory(activation):
    if isinstance(activation, str):
        try:
            return ACTIVATIONS[activation.lower()]
        except KeyError:
            raise ValueError(f"unknown activation {activation!r}; use one of "
                             f"{sorted(ACTIVATIONS)} or a Module class") from None
    if isinstance(activation, type) and issubclass(activation, Module):
        return activation
    if callable(activation):
        return activation
    raise TypeError(f"activation must be a name, a Module class or a function returning a "
                    f"Module, got {activation!r}")


class MLP(Sequential):
    """A fully connected network: ``Linear, activation, ..., Linear``.

    ``sizes = [D_i, D_1, ..., D_K, D_o]`` gives the input size, the widths of
    the hidden layers and the output size; the last layer has no activation
    (its outputs are the model's predictions or logits).  ``init`` defaults to
    He for ReLU-type activations and Glorot otherwise; ``seed`` (an int or a
    ``numpy.random.Generator``) fixes the initial weights.

    >>> import minigrad as mg
    >>> net = mg.nn.MLP([1, 6, 6, 6, 6, 6, 1], seed=0)      # chapter 7's deep network
    >>> len(net), net.num_parameters()
    (11, 187)
    """

    def __init__(self, sizes, activation="relu", init=None, seed=0, bias=True):
        super().__init__()
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"MLP(sizes={sizes}): give at least an input and an output "
                             f"size, all positive, e.g. [2, 16, 16, 1]")
        make_activation = _activation_factory(activation)
        if init is None:
            init = _DEFAULT_INIT.get(make_activation, "he")
        rng = as_generator(seed, where="MLP", unseeded=True)
        self.sizes = sizes
        layers = []
        for k, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(d_in, d_out, bias=bias, init=init, rng=rng))
            if k < len(sizes) - 2:
                layers.append(make_activation())
        for layer in layers:
            self.append(layer)


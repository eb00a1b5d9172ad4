"""Neural-network building blocks in PyTorch's habit: Module, Parameter, Linear, MLP.

A :class:`Module` holds :class:`Parameter` tensors and other modules as
attributes; it finds them itself, so ``parameters()``, ``named_parameters()``,
``zero_grad()``, ``state_dict()`` and ``save()``/``load()`` need no
bookkeeping from the user.  Calling a module runs its ``forward``.

Nothing here has derivative code: a layer is written with minigrad operations,
and the engine differentiates it.  Initial weights come from :mod:`minigrad.init`
(He for ReLU networks, Glorot for tanh and sigmoid), drawn from a seeded
``numpy.random.Generator`` so that a model is the same on every run.

>>> import numpy as np, minigrad as mg
>>> model = mg.nn.MLP([2, 8, 1], seed=0)
>>> model
MLP(
  (0): Linear(in_features=2, out_features=8, bias=True, init='he')
  (1): ReLU()
  (2): Linear(in_features=8, out_features=1, bias=True, init='he')
)
>>> [(name, p.shape) for name, p in model.named_parameters()]
[('0.weight', (8, 2)), ('0.bias', (8,)), ('2.weight', (1, 8)), ('2.bias', (1,))]
>>> loss = (model(np.ones((5, 2))) ** 2).sum()
>>> loss.backward()
>>> model[0].weight.grad.shape
(8, 2)
"""

from __future__ import annotations

import os

import numpy as np

from . import functional as F
from . import init as _init
from .errors import ShapeError
from .graph.scope import scope
from .tensor import Tensor, as_tensor

__all__ = ["Parameter", "Module", "Linear", "Sequential", "Identity", "ReLU", "LeakyReLU",
           "Tanh", "Sigmoid", "MLP", "manual_seed", "init",
           "functional_call"]

init = _init

# Layers made without rng= draw from this generator, so that two layers of the
# same shape differ, and a script that makes its layers in the same order gets
# the same weights on every run.  manual_seed() restarts it.
_default_rng = np.random.default_rng(0)


def manual_seed(seed):
    """Restart the generator used by layers created without ``rng=``.

    >>> import minigrad as mg
    >>> mg.nn.manual_seed(3); a = mg.nn.Linear(2, 2).weight.data.copy()
    >>> mg.nn.manual_seed(3); b = mg.nn.Linear(2, 2).weight.data
    >>> bool((a == b).all())
    True
    """
    global _default_rng
    _default_rng = np.random.default_rng(seed)


# -------------------------------------------------------------- Parameter
class Parameter(Tensor):
    """A tensor that is a trainable parameter of a module: a leaf that requires grad.

    >>> import minigrad as mg
    >>> w = mg.nn.Parameter([1.0, 2.0], name="w")
    >>> w.requires_grad, w.is_leaf
    (True, True)
    >>> w
    Parameter([1., 2.], name='w')
    """

    __slots__ = ()

    def __init__(self, data, name=None, dtype=None):
        super().__init__(data, requires_grad=True, name=name, dtype=dtype)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", precision=4, threshold=20,
                               prefix="Parameter(")
        dtype = f", dtype={self.dtype}" if self.dtype != np.float64 else ""
        name = f", name={self.name!r}" if self.name else ""
        return f"Parameter({body}{dtype}{name})"


# ----------------------------------------------------------------- Module
class Module:
    """Base class of layers and models.

    Subclasses call ``super().__init__()`` first, assign parameters and
    submodules as attributes, and define ``forward``::

        class Affine(mg.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = mg.nn.Parameter(1.0, name="a")
                self.b = mg.nn.Parameter(0.0, name="b")

            def forward(self, x):
                return self.a * x + self.b

    ``training`` is True after ``train()`` (the default) and False after
    ``eval()``; layers whose behaviour differs between fitting and
    prediction read it.

    >>> import minigrad as mg
    >>> class Affine(mg.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.a = mg.nn.Parameter(2.0, name="a")
    ...         self.b = mg.nn.Parameter(1.0, name="b")
    ...     def forward(self, x):
    ...         return self.a * x + self.b
    >>> f = Affine()
    >>> f(mg.tensor(3.0))
    tensor(7., op=add)
    >>> [name for name, _ in f.named_parameters()]
    ['a', 'b']
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_scope_name", None)

    # ---------------------------------------------------- registration
    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if params is None:
            raise AttributeError(
                f"cannot assign '{name}' before Module.__init__() has run: call "
                f"super().__init__() first in {type(self).__name__}.__init__")
        modules = self.__dict__["_modules"]
        params.pop(name, None)
        modules.pop(name, None)
        if isinstance(value, Parameter):
            params[name] = value
        elif isinstance(value, Module):
            modules[name] = value
            if value._scope_name is None:
                object.__setattr__(value, "_scope_name", f"{type(value).__name__} {name}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        """Add a parameter under ``name`` (what ``self.name = param`` does)."""
        setattr(self, name, param)

    def add_module(self, name, module):
        """Add a submodule under ``name`` (what ``self.name = module`` does)."""
        setattr(self, str(name), module)

    # ------------------------------------------------------- traversal
    def children(self):
        """The direct submodules, in the order they were assigned."""
        return iter(self._modules.values())

    def named_modules(self, prefix=""):
        """``(dotted name, module)`` for this module and every submodule below it."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()]
            stack.extend(reversed(children))

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_parameters(self, prefix=""):
        """``(dotted name, parameter)`` pairs, e.g. ``('0.weight', W)``; a shared
        parameter is listed once, under its first name."""
        seen = set()
        for mod_name, module in self.named_modules(prefix):
            for k, p in module._parameters.items():
                if id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{mod_name}.{k}" if mod_name else k), p

    def parameters(self):
        """A list of the parameters (what an optimizer takes)."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self):
        """How many numbers the model has to learn.

        >>> import minigrad as mg
        >>> mg.nn.Linear(3, 2).num_parameters()
        8
        """
        return int(sum(p.size for p in self.parameters()))

    # ------------------------------------------------------ gradients
    def zero_grad(self):
        """Forget the gradients of every parameter (set ``.grad`` to None)."""
        for p in self.parameters():
            p.grad = None

    # ------------------------------------------------------------ modes
    def train(self, mode=True):
        """Set ``training`` on this module and all submodules; returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Same as ``train(False)``."""
        return self.train(False)

    # ------------------------------------------------------------ state
    def state_dict(self):
        """A dict from dotted parameter names to copies of their arrays.

        >>> import minigrad as mg
        >>> sorted(mg.nn.Linear(3, 2).state_dict())
        ['bias', 'weight']
        """
        return {name: p.data.copy() for name, p in self.named_parameters()}

    def load_state_dict(self, state, strict=True):
        """Copy arrays into the parameters, in place (optimizers keep working).

        With ``strict=True`` the names must match exactly; otherwise names that
        are missing on either side are skipped.  Returns ``(missing, unexpected)``.
        """
        own = dict(self.named_parameters())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if strict and (missing or unexpected):
            raise KeyError(
                f"load_state_dict into {type(self).__name__}: "
                + (f"missing {missing}" if missing else "")
                + ("; " if missing and unexpected else "")
                + (f"unexpected {unexpected}" if unexpected else "")
                + f". The model has {list(own)}. Was the state saved from a model of "
                f"the same architecture? Pass strict=False to load the matching names only.")
        for name, p in own.items():
            if name not in state:
                continue
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise ShapeError(
                    f"load_state_dict into {type(self).__name__}: '{name}' has shape "
                    f"{p.shape} in the model but {value.shape} in the state; the layer "
                    f"sizes differ from the saved model's.")
            p.data[...] = value
        return missing, unexpected

    def save(self, path):
        """Write the parameters to a NumPy ``.npz`` file; returns the path written.

        >>> import os, tempfile, minigrad as mg
        >>> a, b = mg.nn.MLP([2, 3, 1], seed=0), mg.nn.MLP([2, 3, 1], seed=1)
        >>> path = a.save(os.path.join(tempfile.mkdtemp(), "model"))
        >>> path.endswith(".npz")
        True
        >>> bool((b.load(path)[0].weight.data == a[0].weight.data).all())
        True
        """
        path = os.fspath(path)
        if not path.endswith(".npz"):
            path += ".npz"                 # np.savez would add it anyway
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        np.savez(path, **self.state_dict())
        return path

    def load(self, path, strict=True):
        """Read parameters written by :meth:`save` (in place); returns self."""
        with np.load(os.fspath(path)) as archive:
            self.load_state_dict({k: archive[k] for k in archive.files}, strict=strict)
        return self

    # ---------------------------------------------------------- calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward(self, x)")

    #: Whether calling the module opens an ``mg.scope`` named after it (e.g.
    #: "Linear 0"), so that ``mg.draw(loss, collapse=True)`` shows each layer as
    #: one node.  Containers (Sequential, MLP) do not: collapsing them would hide
    #: the layers.
    opens_scope = True

    def __call__(self, *args, **kwargs):
        if not self.opens_scope:
            return self.forward(*args, **kwargs)
        with scope(self._scope_name or type(self).__name__):
            return self.forward(*args, **kwargs)

    # ---------------------------------------------------------- display
    def extra_repr(self):
        """The text inside the parentheses of this module's repr (override it)."""
        return ""

    def __repr__(self):
        children = []
        for name, m in self._modules.items():
            text = repr(m).replace("\n", "\n  ")
            children.append(f"({name}): {text}")
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        return head + "\n  " + "\n  ".join(children) + "\n)"


def functional_call(module, params, *args, **kwargs):
    """Call ``module`` with its parameters replaced by ``params``, as a function of them.

    ``params`` is a dict from dotted names to tensors or arrays, or a sequence
    in the order of ``module.parameters()``.  The module is restored
    afterwards.  This turns a model into a function of its parameters, the
    form ``mg.gradcheck``, ``mg.grad`` and ``mg.hessian`` take.

    >>> import numpy as np, minigrad as mg
    >>> net = mg.nn.MLP([2, 3, 1], activation="tanh", seed=0)
    >>> x = np.ones((4, 2))
    >>> mg.gradcheck(lambda *ps: mg.nn.functional_call(net, ps, x), tuple(net.parameters()))
    True
    """
    owners = []                        # (module, attribute, dotted name)
    for mod_name, m in module.named_modules():
        for k in m._parameters:
            owners.append((m, k, f"{mod_name}.{k}" if mod_name else k))
    if isinstance(params, dict):
        unknown = set(params) - {name for _, _, name in owners}
        if unknown:
            raise KeyError(f"functional_call: {sorted(unknown)} are not parameters of "
                           f"{type(module).__name__}; it has {[n for _, _, n in owners]}")
        replace = [(m, k, params[name]) for m, k, name in owners if name in params]
    else:
        params = list(params)
        names = [n for n, _ in module.named_parameters()]
        if len(params) != len(names):
            raise ValueError(f"functional_call: {len(params)} values for the {len(names)} "
                             f"parameters {names} of {type(module).__name__}")
        by_name = dict(zip(names, params))
        replace = [(m, k, by_name[name]) for m, k, name in owners if name in by_name]
    saved = [(m, k, m.__dict__[k]) for m, k, _ in replace]
    try:
        for m, k, value in replace:
            object.__setattr__(m, k, as_tensor(value))
        return module(*args, **kwargs)
    finally:
        for m, k, value in saved:
            object.__setattr__(m, k, value)


# ------------------------------------------------------------------ layers
class Identity(Module):
    """Returns its input unchanged."""

    def forward(self, x):
        return as_tensor(x)


class Linear(Module):
    """A fully connected layer ``y = x W^T + b`` with ``W`` of shape ``(out, in)``.

    ``init`` names the initialization of ``W`` (``"he"`` for ReLU networks,
    ``"glorot"`` for tanh/sigmoid, see :mod:`minigrad.init`) or is a function
    ``f(shape, rng) -> array``; the bias starts at zero, as in the book.
    ``rng`` is a ``numpy.random.Generator`` or an int seed.

    >>> import numpy as np, minigrad as mg
    >>> layer = mg.nn.Linear(3, 2, rng=0)
    >>> x = np.ones((4, 3))
    >>> y = layer(x)
    >>> y.shape
    (4, 2)
    >>> np.allclose(y.data, x @ layer.weight.data.T + layer.bias.data)
    True
    """

    def __init__(self, in_features, out_features, bias=True, init="he", rng=None,
                 dtype=np.float64):
        super().__init__()
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.init = init if isinstance(init, str) else getattr(init, "__name__", "custom")
        rng = _default_rng if rng is None else _init._rng(rng)
        weight = _init.get(init)((self.out_features, self.in_features), rng)
        self.weight = Parameter(weight, name="weight", dtype=dtype)
        self.bias = Parameter(np.zeros(self.out_features), name="bias",
                              dtype=dtype) if bias else None

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
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, init={self.init!r}")


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


# ------------------------------------------------------------- activations
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


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid,
               "identity": Identity, "linear": Identity}
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
        rng = _init._rng(seed)
        self.sizes = sizes
        layers = []
        for k, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(d_in, d_out, bias=bias, init=init, rng=rng))
            if k < len(sizes) - 2:
                layers.append(make_activation())
        for layer in layers:
            self.append(layer)


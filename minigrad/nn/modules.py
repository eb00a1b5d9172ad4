"""The base of every layer: :class:`Parameter` and :class:`Module`, and
:func:`functional_call`, which turns a module into a function of its parameters.

A :class:`Module` holds :class:`Parameter` tensors and other modules as
attributes; it finds them itself, so ``parameters()``, ``named_parameters()``,
``zero_grad()``, ``state_dict()`` and ``save()``/``load()`` need no
bookkeeping from the user.  Calling a module runs its ``forward`` inside an
``mg.scope`` named after it, so a drawn graph can fold each layer into one node.

>>> import minigrad as mg
>>> class Scale(mg.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.a = mg.nn.Parameter(3.0, name="a")
...     def forward(self, x):
...         return self.a * x
>>> Scale()(mg.tensor(2.0))
tensor(6., op=mul)
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import ShapeError
from ..graph.scope import scope
from ..tensor import Tensor, as_tensor, bump_version
from .checkpoint import checkpoint_path, read_npz, write_npz

__all__ = ["Parameter", "Module", "functional_call"]


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
        # As in PyTorch: a Parameter or Module (re)registers, keeping its place
        # in the order; None empties a registered slot; anything else over a
        # registered name is refused, since it would silently drop the
        # parameter from parameters(), the optimizer and state_dict().
        if isinstance(value, Parameter):
            modules.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            modules[name] = value
            if value._scope_name is None:
                object.__setattr__(value, "_scope_name", f"{type(value).__name__} {name}")
        elif name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as parameter '{name}' "
                    f"(minigrad.nn.Parameter or None expected). To change its values, "
                    f"write into it (module.{name}.data[...] = values); to replace it, "
                    f"assign mg.nn.Parameter(values); to make it a plain attribute, "
                    f"del it first.")
            params[name] = None
        elif name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as child module '{name}' "
                    f"(minigrad.nn.Module or None expected); del it first to make "
                    f"it a plain attribute.")
            modules[name] = None
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        """Add a parameter under ``name`` (what ``self.name = param`` does);
        ``None`` registers an empty slot, skipped by ``parameters()``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot register '{_type_name(param)}' as parameter '{name}' "
                            f"(minigrad.nn.Parameter or None expected)")
        self._modules.pop(name, None)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name, module):
        """Add a submodule under ``name`` (what ``self.name = module`` does)."""
        setattr(self, str(name), module)

    # ------------------------------------------------------- traversal
    def children(self):
        """The direct submodules, in the order they were assigned."""
        return (m for m in self._modules.values() if m is not None)

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
            children = [(f"{name}.{k}" if name else k, m) for k, m in module._modules.items()
                        if m is not None]
            stack.extend(reversed(children))

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_parameters(self, prefix=""):
        """``(dotted name, parameter)`` pairs, e.g. ``('0.weight', W)``; a shared
        parameter is listed once, under its first name."""
        seen = set()
        for mod_name, module in self.named_modules(prefix):
            for k, p in module._parameters.items():
                if p is None or id(p) in seen:
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
        return int(sum(p.numel() for p in self.parameters()))

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
            bump_version(p)        # a graph built before the load must not use it
        return missing, unexpected

    def save(self, path):
        """Write the parameters to a NumPy ``.npz`` archive; returns the path written.

        ``.npz`` is added to a path without it, and :meth:`load` applies the
        same rule, so ``save("ckpt")`` and ``load("ckpt")`` name the same file.
        The archive is the one ``np.savez`` writes (``np.load`` reads it), with
        one array per dotted parameter name, whatever the name.

        >>> import os, tempfile, minigrad as mg
        >>> a, b = mg.nn.MLP([2, 3, 1], seed=0), mg.nn.MLP([2, 3, 1], seed=1)
        >>> path = a.save(os.path.join(tempfile.mkdtemp(), "model"))
        >>> path.endswith("model.npz")
        True
        >>> bool((b.load(path[:-4])[0].weight.data == a[0].weight.data).all())
        True
        """
        path = checkpoint_path(path)
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        write_npz(path, self.state_dict())
        return path

    def load(self, path, strict=True):
        """Read parameters written by :meth:`save` (in place); returns self.

        Only arrays are read, never pickled objects (``allow_pickle=False``):
        loading a file must not run code from it.
        """
        self.load_state_dict(read_npz(path), strict=strict)
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
        for k, p in m._parameters.items():
            if p is not None:
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


def _type_name(value):
    """'minigrad.Tensor', 'numpy.ndarray', 'float': the type as a user names it."""
    if isinstance(value, Tensor):
        return "minigrad.Tensor"
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"

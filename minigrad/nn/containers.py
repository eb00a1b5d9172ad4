"""Containers that hold submodules without calling them:
[`ModuleList`][minigrad.nn.containers.ModuleList] and
[`ModuleDict`][minigrad.nn.containers.ModuleDict] (PyTorch's names and methods).

Their modules are registered like attributes, so their parameters are found
by ``parameters()``, the optimizer and ``state_dict()``; the model's
``forward`` decides how to use them.

>>> import minigrad as mg
>>> class Net(mg.nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.layers = mg.nn.ModuleList([mg.nn.Linear(2, 3, rng=0), mg.nn.Linear(3, 1, rng=1)])
...     def forward(self, x):
...         for layer in self.layers:
...             x = layer(x)
...         return x
>>> [name for name, _ in Net().named_parameters()]
['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']
"""

from __future__ import annotations

import operator

from .modules import Module

__all__ = ["ModuleList", "ModuleDict"]


def _checked(module, where):
    if not isinstance(module, Module):
        raise TypeError(f"{where} holds Modules, got {type(module).__name__}; wrap a function "
                        f"in a Module subclass (e.g. mg.nn.ReLU() instead of mg.relu)")
    return module


class ModuleList(Module):
    """A list of modules: indexable, iterable, ``append``/``extend``/``insert``.

    >>> import minigrad as mg
    >>> layers = mg.nn.ModuleList([mg.nn.ReLU()])
    >>> layers.append(mg.nn.Tanh())
    ModuleList(
      (0): ReLU()
      (1): Tanh()
    )
    >>> len(layers), type(layers[-1]).__name__
    (2, 'Tanh')
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, idx):
        idx = operator.index(idx)
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"ModuleList index {idx} is out of range for {n} modules")
        return idx + n if idx < 0 else idx

    def _renumber(self, modules):
        for key in list(self._modules):
            delattr(self, key)
        for i, module in enumerate(modules):
            self.add_module(str(i), module)

    def __getitem__(self, idx):
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(modules[idx])
        return modules[self._index(idx)]

    def __setitem__(self, idx, module):
        self.add_module(str(self._index(idx)), _checked(module, "ModuleList"))

    def __delitem__(self, idx):
        modules = list(self._modules.values())
        if isinstance(idx, slice):
            del modules[idx]
        else:
            del modules[self._index(idx)]
        self._renumber(modules)    # keys stay 0..n-1, as in PyTorch

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList([*self, *other])

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), _checked(module, "ModuleList"))
        return self

    def extend(self, modules):
        """Append each module of an iterable; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``."""
        modules = list(self._modules.values())
        modules.insert(index, _checked(module, "ModuleList"))
        self._renumber(modules)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList is not callable: it only holds modules. Loop "
                                  "over it in your forward, or use mg.nn.Sequential to chain "
                                  "them.")


class ModuleDict(Module):
    """A dict of modules by name, in insertion order.

    >>> import minigrad as mg
    >>> heads = mg.nn.ModuleDict({"act": mg.nn.ReLU()})
    >>> heads["out"] = mg.nn.Linear(2, 1, rng=0)
    >>> list(heads.keys()), "act" in heads
    (['act', 'out'], True)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def _key(self, key):
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict keys are strings, got {type(key).__name__}")
        if "." in key or not key:
            raise KeyError(f"ModuleDict key {key!r}: a key must be a non-empty name "
                           f"without '.' (dots separate names in state_dict())")
        if key not in self._modules and hasattr(self, key):
            raise KeyError(f"ModuleDict key {key!r} is already an attribute of ModuleDict; "
                           f"choose another name")
        return key

    def __getitem__(self, key):
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(self._key(key), _checked(module, "ModuleDict"))

    def __delitem__(self, key):
        if key not in self._modules:
            raise KeyError(key)
        delattr(self, key)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def values(self):
        return self._modules.values()

    def items(self):
        return self._modules.items()

    def pop(self, key):
        """Remove ``key`` and return its module."""
        module = self[key]
        del self[key]
        return module

    def clear(self):
        for key in list(self._modules):
            del self[key]

    def update(self, modules):
        """Add the pairs of a mapping or of an iterable of ``(key, module)``."""
        pairs = modules.items() if hasattr(modules, "items") else modules
        for key, module in pairs:
            self[key] = module

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict is not callable: it only holds modules. Call "
                                  "its modules by key in your forward.")

"""The base of every layer and model, [`Module`][minigrad.nn.modules.Module] (PyTorch's
``nn.Module``).

A [`Module`][minigrad.nn.modules.Module] holds [`Parameter`][minigrad.nn.parameter.Parameter]
tensors, buffers and other modules as attributes and finds them itself, so ``parameters()``,
``zero_grad()``, ``state_dict()``, ``to(dtype)`` and ``save()``/``load()`` need no bookkeeping from
the user.  Calling a module runs its ``forward`` inside an ``mg.scope`` named after it, so a drawn
graph can fold each layer into one node.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import StateDictError
from ..graph.scope import scope
from ..tensor import Tensor, bump_version
from .checkpoint import checkpoint_path, read_npz, write_npz
from .parameter import IncompatibleKeys, Parameter, requested_dtype

__all__ = ["Module"]


# ----------------------------------------------------------------- Module
class Module:
    """Base class of layers and models.

    Subclasses call ``super().__init__()`` first, assign parameters and
    submodules as attributes, and define ``forward``.
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
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers", set())
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
        buffers = self.__dict__["_buffers"]
        # As in PyTorch: a Parameter or Module (re)registers, keeping its place
        # in the order; None empties a registered slot; anything else over a
        # registered name is refused, since it would silently drop the
        # parameter from parameters(), the optimizer and state_dict().
        if isinstance(value, Parameter):
            modules.pop(name, None)
            buffers.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            buffers.pop(name, None)
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
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_type_name(value)}' as buffer '{name}' "
                    f"(minigrad.Tensor or None expected); wrap it: mg.tensor(value).")
            buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        self._non_persistent_buffers.discard(name)
        object.__delattr__(self, name)

    def register_parameter(self, name, param):
        """Add a parameter under ``name`` (what ``self.name = param`` does);
        ``None`` registers an empty slot, skipped by ``parameters()``."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot register '{_type_name(param)}' as parameter '{name}' "
                            f"(minigrad.nn.Parameter or None expected)")
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name, module):
        """Add a submodule under ``name`` (what ``self.name = module`` does)."""
        setattr(self, str(name), module)

    def register_module(self, name, module):
        """Another name for [`add_module()`][minigrad.nn.modules.Module.add_module] (PyTorch has
        both)."""
        self.add_module(name, module)

    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor the module keeps but does not learn (a running statistic, a mask).

        A buffer is an attribute like a parameter: ``self.name`` reads it and
        assigning a tensor replaces it.  It is not in ``parameters()`` (the
        optimizer does not move it), but it is in ``state_dict()`` unless
        ``persistent=False``, and ``to(dtype)`` casts it when it is floating-point.

        >>> import minigrad as mg
        >>> m = mg.nn.Module()
        >>> m.register_buffer("steps", mg.tensor(0.0))
        >>> list(m.state_dict()), m.parameters()
        (['steps'], [])
        """
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"register_buffer: the name must be a non-empty string without "
                           f"'.', got {name!r}")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_type_name(tensor)}' as buffer '{name}' "
                            f"(minigrad.Tensor or None expected); wrap it: mg.tensor(value)")
        if name in self._parameters or name in self._modules:
            raise KeyError(f"register_buffer: '{name}' is already a parameter or submodule "
                           f"of {type(self).__name__}")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers.discard(name)
        else:
            self._non_persistent_buffers.add(name)
        object.__setattr__(self, name, tensor)

    # ------------------------------------------------------- traversal
    # The order and the deduplication are PyTorch's: a module before its
    # submodules, in the order they were assigned; a module or a parameter
    # reachable by two paths is listed once, under its first name.
    def named_children(self):
        """``(name, module)`` for each direct submodule, in the order they were assigned."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self):
        """The direct submodules, in the order they were assigned."""
        return (module for _, module in self.named_children())

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module (named ``prefix``, ``""`` by
        default) and every module below it, depth first; a module shared by two
        parents comes once unless ``remove_duplicate=False``.

        >>> import minigrad as mg
        >>> net = mg.nn.Sequential(mg.nn.Linear(2, 2), mg.nn.ReLU())
        >>> [(name, type(m).__name__) for name, m in net.named_modules()]
        [('', 'Sequential'), ('0', 'Linear'), ('1', 'ReLU')]
        """
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                                remove_duplicate)

    def modules(self):
        """This module and every module below it (see
        [`named_modules()`][minigrad.nn.modules.Module.named_modules])."""
        return (module for _, module in self.named_modules())

    def _named_members(self, members, prefix, recurse, remove_duplicate):
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        seen = set()
        for module_name, module in modules:
            for name, value in members(module).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, parameter)`` pairs, e.g. ``('0.weight', W)``: this module's
        own parameters first, then each submodule's (only its own with
        ``recurse=False``); a shared parameter is listed once, under its first name.

        >>> import minigrad as mg
        >>> layer = mg.nn.Linear(2, 2)
        >>> [name for name, _ in mg.nn.Sequential(layer, mg.nn.ReLU(), layer).named_parameters()]
        ['0.weight', '0.bias']
        """
        return self._named_members(lambda m: m._parameters, prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """A list of the parameters (what an optimizer takes), in the order of
        [`named_parameters()`][minigrad.nn.modules.Module.named_parameters]."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, buffer)`` pairs, as
        [`named_parameters()`][minigrad.nn.modules.Module.named_parameters] lists parameters."""
        return self._named_members(lambda m: m._buffers, prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """A list of the buffers (see
        [`register_buffer()`][minigrad.nn.modules.Module.register_buffer])."""
        return [b for _, b in self.named_buffers(recurse=recurse)]

    def apply(self, fn):
        """Call ``fn(module)`` on every submodule (children first) and then on this
        one; returns self.  The way to re-initialize a model:

        >>> import minigrad as mg
        >>> def init_weights(m):
        ...     if isinstance(m, mg.nn.Linear):
        ...         mg.nn.init.xavier_uniform_(m.weight)
        ...         mg.nn.init.zeros_(m.bias)
        >>> net = mg.nn.Sequential(mg.nn.Linear(2, 3), mg.nn.ReLU()).apply(init_weights)
        >>> net[0].bias
        Parameter([0., 0., 0.], name='0.bias')
        """
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def num_parameters(self):
        """How many numbers the model has to learn.

        >>> import minigrad as mg
        >>> mg.nn.Linear(3, 2).num_parameters()
        8
        """
        return int(sum(p.numel() for p in self.parameters()))

    # ------------------------------------------------------ gradients
    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every parameter: ``.grad`` becomes None, or an
        array of zeros with ``set_to_none=False`` (None stays None)."""
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = np.zeros_like(p.grad)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` on every parameter (False freezes them); returns self.

        >>> import minigrad as mg
        >>> net = mg.nn.Linear(2, 1).requires_grad_(False)
        >>> [p.requires_grad for p in net.parameters()]
        [False, False]
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    # ------------------------------------------------------------ modes
    def train(self, mode=True):
        """Set ``training`` on this module and all submodules; returns self."""
        if not isinstance(mode, (bool, np.bool_)):
            raise ValueError(f"train(mode): the training mode is expected to be a boolean, "
                             f"got {mode!r}")
        object.__setattr__(self, "training", bool(mode))
        for module in self.children():
            module.train(mode)
        return self

    def eval(self):
        """Same as ``train(False)``."""
        return self.train(False)

    # ---------------------------------------------------------- dtypes
    def to(self, *args, **kwargs):
        """Cast every floating-point parameter and buffer to a dtype, in place; returns self.

        Takes PyTorch's forms ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(tensor)`` (its dtype) and the keywords ``device=``, ``dtype=``,
        ``non_blocking=``.  The parameters stay the same objects, so an optimizer
        made before keeps working; gradients are cast too.  minigrad runs on the
        CPU only: ``"cpu"`` is accepted and changes nothing, another device is an
        error.

        >>> import numpy as np, minigrad as mg
        >>> net = mg.nn.Linear(2, 1)
        >>> w = net.weight
        >>> net.to(np.float32).weight is w, w.dtype, w.requires_grad
        (True, dtype('float32'), True)
        >>> net.double().weight.dtype, net.to("cpu") is net
        (dtype('float64'), True)
        """
        dtype = requested_dtype(args, kwargs)
        if dtype is not None:
            for module in self.modules():
                for t in [*module._parameters.values(), *module._buffers.values()]:
                    if t is not None and t.dtype.kind == "f" and t.dtype != dtype:
                        t.data = t.data.astype(dtype)     # bumps the version
                        if t.grad is not None:
                            t.grad = t.grad.astype(dtype)
        return self

    def double(self):
        """Cast floating-point parameters and buffers to float64 (``to(np.float64)``)."""
        return self.to(np.float64)

    def float(self):
        """Cast floating-point parameters and buffers to float32 (``to(np.float32)``)."""
        return self.to(np.float32)

    def cpu(self):
        """Returns self: minigrad's tensors are always on the CPU."""
        return self

    # ------------------------------------------------------------ state
    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """A dict from dotted names to copies of the parameters' and persistent
        buffers' arrays (the tensors themselves with ``keep_vars=True``), with
        PyTorch's keys and order.  As in PyTorch, a parameter reachable by two
        paths appears under both names.

        >>> import minigrad as mg
        >>> list(mg.nn.Sequential(mg.nn.Linear(3, 2), mg.nn.Tanh()).state_dict())
        ['0.weight', '0.bias']
        """
        if destination is None:
            destination = {}
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.data.copy()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers:
                destination[prefix + name] = b if keep_vars else b.data.copy()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=f"{prefix}{name}.",
                                  keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays (or tensors) into the parameters and buffers, in place, so an
        optimizer keeps working; returns ``(missing_keys, unexpected_keys)``, a
        named tuple as in PyTorch.

        With ``strict=True`` the names must match exactly; otherwise the names
        found on both sides are loaded.  A shape that differs is always an
        error, and nothing is written unless everything fits.  Errors are
        [`StateDictError`][minigrad.errors.StateDictError], a ``RuntimeError`` as PyTorch raises.

        >>> import minigrad as mg
        >>> a, b = mg.nn.Linear(2, 1), mg.nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        >>> b.load_state_dict({"weight": [[1.0, 2.0]]}, strict=False).missing_keys
        ['bias']
        """
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        problems, values = [], []
        if strict and missing:
            problems.append(f"missing key(s) in state_dict: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected key(s) in state_dict: {unexpected}")
        for name, t in own.items():
            if name not in state_dict:
                continue
            value = np.asarray(state_dict[name])
            if value.shape != t.shape:
                problems.append(f"size mismatch for {name}: copying a value of shape "
                                f"{value.shape} from the state, the shape in the current "
                                f"model is {t.shape}")
            values.append((t, value))
        if problems:
            raise StateDictError(
                f"Error(s) in loading state_dict for {type(self).__name__} (nothing was "
                f"loaded):\n\t" + "\n\t".join(problems) + f"\nThe model has {list(own)}. "
                f"Was the state saved from a model of the same architecture? "
                + ("Pass strict=False to load the matching names only." if strict else ""))
        for t, value in values:
            t.data[...] = value
            bump_version(t)        # a graph built before the load must not use it
        return IncompatibleKeys(missing, unexpected)

    def save(self, path):
        """Write the parameters to a NumPy ``.npz`` archive; returns the path written.

        ``.npz`` is added to a path without it, and [`load()`][minigrad.nn.modules.Module.load]
        applies the same rule, so ``save("ckpt")`` and ``load("ckpt")`` name the same file. The
        archive is the one ``np.savez`` writes (``np.load`` reads it), with one array per dotted
        parameter name, whatever the name.

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
        """Read parameters written by [`save()`][minigrad.nn.modules.Module.save] (in place);
        returns self.

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
        # PyTorch's layout: the extra_repr on the head line when it is all there
        # is, otherwise each line of it and each child on a line of its own.
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            lines.append(f"({name}): " + repr(module).replace("\n", "\n  "))
        head = f"{type(self).__name__}("
        if len(lines) == 1 and not self._modules:
            return head + lines[0] + ")"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"


def _type_name(value):
    """'minigrad.Tensor', 'numpy.ndarray', 'float': the type as a user names it."""
    if isinstance(value, Tensor):
        return "minigrad.Tensor"
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"

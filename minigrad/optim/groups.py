"""Parameter groups and optimizer state dicts, PyTorch's format and meaning.

An optimizer takes ``params`` as one tensor, an iterable of tensors (a
module's ``parameters()``) or a list of dicts, one per *parameter group*::

    mg.optim.SGD([{"params": model[0].parameters(), "lr": 0.1},
                  {"params": model[2].parameters()}], lr=0.01, momentum=0.9)

Each group's options override the constructor's (``defaults``); the second
group above has ``lr=0.01``.  This module turns ``params`` into groups and
checks them, and converts the state between the optimizer's form (keyed by
the parameter tensors) and the state dict's (keyed by numbers).

>>> import minigrad as mg
>>> a, b = (mg.tensor([1.0], requires_grad=True) for _ in range(2))
>>> opt = mg.optim.SGD([{"params": [a], "lr": 0.1}, {"params": b}], lr=0.01)
>>> [group["lr"] for group in opt.param_groups]
[0.1, 0.01]
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class _Required:
    """The default of an option that every parameter group must give (PyTorch's
    ``torch.optim.optimizer.required``)."""

    def __repr__(self):
        return "<required parameter>"

    def __deepcopy__(self, memo):
        return self


#: Marks an option with no default: each group must set it (or the constructor).
required = _Required()

#: PyTorch options about devices and kernels; they mean nothing on NumPy, so
#: only their inactive values are accepted.
TORCH_ONLY_OPTIONS = {"foreach": None, "fused": None, "capturable": False,
                      "differentiable": False}

#: Keys a group may hold besides the optimizer's options: those the learning-rate
#: schedulers record and a name for the group.
EXTRA_GROUP_KEYS = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum", "name")


def check_torch_only(owner, options):
    """Refuse a PyTorch-only option set to anything but its inactive value."""
    for name, value in options.items():
        if value is not None and value is not False:
            raise ValueError(
                f"{owner}: {name}={value!r} is a PyTorch option for GPU kernels and "
                f"compiled graphs; minigrad computes with NumPy on the CPU, so only "
                f"{name}={TORCH_ONLY_OPTIONS[name]!r} (the default) is accepted. Remove it.")


def check_params(params, owner, seen=None):
    """Turn ``params`` into a list of leaf tensors that require grad, or explain.

    ``seen`` maps ``id(p)`` to a description of parameters already in other
    groups, so that a tensor in two groups is refused."""
    if isinstance(params, Tensor):
        params = [params]
    elif isinstance(params, (set, frozenset)):
        raise TypeError(f"{owner}(params): params is a set, whose order changes from run "
                        f"to run; give a list (the state dict numbers parameters in order).")
    elif hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    try:
        params = list(params)
    except TypeError:
        raise TypeError(
            f"{owner}(params): params must be a Tensor, an iterable of Tensors or a list of "
            f"dicts (parameter groups), got {type(params).__name__}.") from None
    seen = {} if seen is None else seen
    mine = {}
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            hint = (" named_parameters() gives (name, tensor) pairs: pass "
                    "model.parameters()." if isinstance(p, tuple) else
                    " Wrap it: mg.tensor(value, requires_grad=True).")
            raise TypeError(f"{owner}(params): parameter [{i}] is a {type(p).__name__}, not "
                            f"a minigrad Tensor.{hint}")
        where = f"parameter [{i}] (shape {p.shape}, dtype {p.dtype})"
        if p.dtype.kind != "f":
            raise TypeError(
                f"{owner}(params): {where} is not floating point; optimizers move "
                f"parameters by fractional steps. Create it with dtype=np.float64.")
        # A tensor that does not require grad is accepted, as in PyTorch: the
        # fine-tuning habit freezes part of a model with requires_grad_(False) and
        # still hands model.parameters() to the optimizer; a frozen tensor has no
        # .grad, so step() leaves it alone.  (A group where *none* requires grad is
        # refused below: that is a forgotten requires_grad=True, not a freeze.)
        if not p.is_leaf:
            raise ValueError(
                f"{owner}(params): {where} was computed by '{p.op_name}'; only leaf "
                f"tensors (made by the user) can be optimized. Use .detach()."
                f"requires_grad_() to make a leaf.")
        if id(p) in mine:
            raise ValueError(
                f"{owner}(params): parameter [{i}] is the same tensor as parameter "
                f"[{mine[id(p)]}]; list each parameter once.")
        if id(p) in seen:
            raise ValueError(
                f"{owner}: some parameters appear in more than one parameter group: "
                f"{where} is already in {seen[id(p)]}. Give each parameter to one group.")
        mine[id(p)] = i
    if params and not any(p.requires_grad for p in params):
        where = "it" if len(params) == 1 else f"none of the {len(params)}"
        raise ValueError(
            f"{owner}(params): {where} {'does' if len(params) == 1 else 'do'} not require "
            f"grad (parameter [0] has shape {params[0].shape}, dtype {params[0].dtype}), "
            f"so nothing would ever receive a gradient. Create them with "
            f"requires_grad=True or call .requires_grad_().")
    return params


def group_list(params, owner):
    """``params`` as a list of group dicts (one group when tensors are given)."""
    if isinstance(params, dict):
        params = [params]
    elif isinstance(params, (Tensor, set, frozenset)) or hasattr(params, "parameters"):
        return [{"params": params}]         # check_params explains a set
    try:
        items = list(params)
    except TypeError:
        raise TypeError(
            f"{owner}(params): params must be a Tensor, an iterable of Tensors or a list of "
            f"dicts (parameter groups), got {type(params).__name__}.") from None
    if not items:
        raise ValueError(f"{owner}(params): got an empty list of parameters; nothing to "
                         f"optimize.")
    kinds = {isinstance(item, dict) for item in items}
    if kinds == {False}:
        return [{"params": items}]
    if kinds == {True}:
        return items
    raise TypeError(f"{owner}(params): mix of dicts and tensors; give either tensors (one "
                    f"group) or only dicts, one per parameter group.")


def check_group_keys(group, defaults, owner, where):
    """Refuse a key that is neither an option of the optimizer nor a known extra;
    drop PyTorch-only options at their inactive values."""
    torch_only = {k: group.pop(k) for k in list(group) if k in TORCH_ONLY_OPTIONS
                  and k not in defaults}
    check_torch_only(f"{owner} {where}", torch_only)
    unknown = [k for k in group if k != "params" and k not in defaults
               and k not in EXTRA_GROUP_KEYS]
    if unknown:
        raise ValueError(
            f"{owner} {where}: unknown option(s) {', '.join(map(repr, unknown))}; "
            f"{owner} takes {', '.join(map(repr, defaults))}. (PyTorch keeps unknown keys "
            f"silently; minigrad refuses them so that a misspelt option is not ignored.)")
    missing = [k for k, v in defaults.items() if v is required and k not in group]
    if missing:
        raise ValueError(f"{owner} {where}: no value for the required option(s) "
                         f"{', '.join(map(repr, missing))}; set it in the group or pass it "
                         f"to {owner}(...).")


def plain(value):
    """A hyperparameter as a plain Python value (an array loaded from a file becomes a
    number or a tuple, so that comparing it between steps is cheap and exact)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else tuple(value.tolist())
    if isinstance(value, list):
        return tuple(value)
    return value


def copy_value(value):
    """A copy of a state value that shares no memory with the original."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, np.generic):
        return value.item()
    return value


def loaded_state(optimizer, saved, p, group, where):
    """One parameter's saved state, copied and checked against the parameter ``p``
    and the keys ``optimizer`` keeps for it."""
    name = type(optimizer).__name__
    blank = optimizer.init_state(p.data, group)
    known = set(optimizer.rule_state_keys(group)) | set(blank)
    known |= set(optimizer.extra_state_keys) | ({optimizer.step_key} - {None})
    extra = sorted(map(str, set(saved) - known))
    if extra:
        raise ValueError(f"{where} has key(s) {extra} that {name} does not keep (it keeps "
                         f"{sorted(known)}); was it saved by another optimizer class or "
                         f"with other options?")
    state = {}
    for key in sorted(known):
        value = saved.get(key)
        if value is None:
            if key == optimizer.step_key or blank.get(key) is not None:
                raise ValueError(f"{where} has no {key!r}; {name} needs it.")
            if key in blank:
                state[key] = None          # e.g. SGD's buffer, made by the first step
            continue
        if key == optimizer.step_key:
            state[key] = int(value)
        elif isinstance(blank.get(key), float):
            state[key] = float(value)
        else:
            value = np.asarray(value)
            if value.shape != p.shape:
                raise ValueError(f"{where}: {key!r} has shape {value.shape}, but the "
                                 f"parameter has shape {p.shape}.")
            state[key] = value.astype(p.dtype, copy=True)
    return state

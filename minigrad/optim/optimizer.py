"""The optimizer base class: it applies a rule of [`minigrad.optim.rules`][minigrad.optim.rules].

An optimizer class *declares* what it does and the base class does the rest:

* ``rule``: the pure function of ``rules.py`` applied to each parameter.  Its
  signature is the contract: after ``phi, g`` come the **state arrays** (kept
  in ``opt.state[p]``, returned updated by the rule), and its keyword arguments
  are **hyperparameters**, looked up by name in the parameter group (``beta``
  and ``gamma`` come from ``betas``; ``t`` is the step count);
* ``state_keys``: the key under which each state array is kept, where it is
  not the rule's argument name (PyTorch's classes use PyTorch's keys:
  ``exp_avg`` for Adam's ``m``), and ``step_key``, where the step count is kept
  (``"t"``, PyTorch's ``"step"``, or None for no count);
* ``init_state(phi, group)``: the state before the first step (zeros unless
  the class says otherwise);
* ``l2_weight_decay = True`` for the PyTorch classes: their ``weight_decay``
  adds ``weight_decay * phi`` to the gradient (``rules.l2_gradient``), or, in
  a group with ``decoupled_weight_decay``, shrinks the parameter first
  (``rules.decoupled_weight_decay``, AdamW's); ``maximize`` negates the gradient;
* optionally ``in_place``, the rule computed in place, where speed needs it
  (the rule itself stays pure).

``step`` does the bookkeeping once for every class: it calls the closure,
skips parameters without a gradient, counts each parameter's steps ``t``,
calls the rule and writes the new value **in place**, ``p.data[...] = new``.
So a parameter's array object never changes (anything holding ``p.data`` sees
the update, as in PyTorch), its dtype is kept (float32 stays float32), and
``.grad`` is never written to.  Each parameter it moves gets a new version, so
``loss.backward()`` on a loss computed before the step raises an error instead
of using the new values.

Hyperparameters live in PyTorch's ``opt.param_groups`` (one dict per group,
which also holds ``"params"``); ``opt.defaults`` keeps the constructor's
values.  With one group, ``opt.lr`` reads and ``opt.lr = 0.01`` writes that
group's dict; with several it raises, since it could only mean one of them.
``state_dict()`` and ``load_state_dict()`` save and restore everything a
resumed run needs (see [`minigrad.optim.groups`][minigrad.optim.groups]).
"""

from __future__ import annotations

import copy
import inspect
from collections import defaultdict
from functools import cache
from operator import itemgetter

import numpy as np

from ..autograd import enable_grad
from ..errors import ClosureRequired
from ..tensor import bump_version, unwrap
from . import groups as G
from . import rules


def grad_array(p):
    """The gradient of ``p`` as an ndarray (a create_graph gradient is a Tensor)."""
    return np.asarray(unwrap(p.grad))


@cache
def rule_signature(rule):
    """``(state_names, hyperparameter_names)`` of a rule: its positional arguments
    after ``phi, g`` and its keyword-only arguments."""
    kinds = inspect.Parameter
    args = inspect.signature(rule).parameters.values()
    state = tuple(a.name for a in args if a.kind == kinds.POSITIONAL_OR_KEYWORD)[2:]
    keywords = tuple(a.name for a in args if a.kind == kinds.KEYWORD_ONLY)
    return state, keywords


def _getter(keys):
    """``group -> tuple of group[key] for key in keys``, at C speed (itemgetter)."""
    if len(keys) == 1:
        return lambda group, get=itemgetter(keys[0]): (get(group),)
    return itemgetter(*keys)


class RulePlan:
    """How the base class calls a rule: which state arrays it takes and where each
    of its keyword arguments comes from in a parameter group.

    Keywords are looked up by name; ``beta`` and ``gamma`` come from ``betas``;
    ``t`` is the step count; a keyword the group does not hold keeps the
    rule's default.  Built once per rule and group, and the keyword arguments
    are rebuilt only when a hyperparameter changed, because a step must be
    cheap (the Gabor benchmark takes 2000 of them).
    """

    def __init__(self, rule, group, state_keys=None):
        names, keywords = rule_signature(rule)
        state_keys = state_keys or {}
        self.names = tuple(state_keys.get(name, name) for name in names)
        self.counts_t = "t" in keywords
        self.splits_betas = "beta" in keywords and "betas" in group
        keys = [k for k in keywords if k in group and k != "params"]
        if self.splits_betas:
            keys.append("betas")
        self.keys = tuple(keys)
        self.values = _getter(self.keys) if keys else (lambda group: ())
        self.state_arrays = _getter(self.names) if self.names else (lambda state: ())
        self.seen = None            # the hyperparameter values behind ``kwargs``
        self.kwargs = {}

    def arguments(self, group):
        """The rule's keyword arguments for this step (``t`` is set per parameter)."""
        values = self.values(group)
        if values != self.seen:
            kwargs = dict(zip(self.keys, values))
            if self.splits_betas:
                kwargs["beta"], kwargs["gamma"] = kwargs.pop("betas")
            self.kwargs, self.seen = kwargs, values
        return self.kwargs


def _summary(value):
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return f"{value.item():.4g}"
        return f"array{value.shape} |.|={np.linalg.norm(value):.4g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value)


class Optimizer:
    """Base class: ``param_groups``, per-parameter ``state``, ``step()``,
    ``zero_grad()``, ``add_param_group()``, ``state_dict()`` and ``load_state_dict()``.

    Subclasses set ``rule`` (and, where needed, ``init_state``, ``state_keys``
    and ``l2_weight_decay``); see the module docstring.  ``state`` is PyTorch's:
    a dict keyed by the parameter tensor, holding the step count and the rule's
    state arrays of each parameter that has taken a step.

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = mg.optim.GD(phi, lr=0.25)
    >>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
    >>> phi.data
    array([ 0.5, -1. ])
    >>> opt.state[phi]
    {'t': 1}
    >>> opt.lr = 0.1          # a schedule may change any hyperparameter
    >>> opt.param_groups[0]["lr"]
    0.1
    """

    #: The update rule of [`minigrad.optim.rules`][minigrad.optim.rules] applied to each parameter.
    rule = None
    #: True for the classes whose ``weight_decay`` is PyTorch's (coupled L2, or
    #: decoupled in a group with ``decoupled_weight_decay``).
    l2_weight_decay = False
    #: Optionally, ``rule`` computed in place: same arguments, writes the new values
    #: into ``phi`` and the state arrays and returns nothing.  Only for speed, and
    #: it must give the rule's numbers (Adam has one).
    in_place = None
    #: True for methods that must evaluate the loss themselves (line search,
    #: Nesterov, Newton): their ``step`` needs a closure.
    needs_closure = False
    #: The key of each of the rule's state arrays in ``opt.state[p]``, where it
    #: differs from the rule's argument name.
    state_keys = {}
    #: Where the step count is kept in ``opt.state[p]`` (None: not counted).
    step_key = "t"
    #: State keys kept besides the step count and the rule's state arrays.
    extra_state_keys = ()

    def __init__(self, params, defaults):
        owner = type(self).__name__
        object.__setattr__(self, "defaults", dict(defaults))
        object.__setattr__(self, "param_groups", [])
        object.__setattr__(self, "state", defaultdict(dict))
        object.__setattr__(self, "steps", 0)
        object.__setattr__(self, "_plans", {})        # (rule, group index) -> RulePlan
        self.check_options(self.defaults, f"{owner}(...)")
        for group in G.group_list(params, owner):
            self.add_param_group(group)

    # ------------------------------------------------ parameter groups
    def add_param_group(self, param_group):
        """Add a group of parameters, PyTorch's ``add_param_group``.

        ``param_group`` is a dict with ``"params"`` and, optionally, options that
        override ``defaults``.  A parameter already in a group, an unknown option
        or an invalid value raises.

        >>> import minigrad as mg
        >>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=0.1)
        >>> opt.add_param_group({"params": mg.tensor([2.0], requires_grad=True), "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        owner = type(self).__name__
        where = f"param_groups[{len(self.param_groups)}]"
        if not isinstance(param_group, dict):
            raise TypeError(f"{owner}.add_param_group: expected a dict with 'params' and "
                            f"options, got {type(param_group).__name__}.")
        if "params" not in param_group:
            raise ValueError(f"{owner} {where}: the group has no 'params'; give "
                             f"{{'params': [...], 'lr': ...}}.")
        seen = {id(p): f"param_groups[{i}]" for i, group in enumerate(self.param_groups)
                for p in group["params"]}
        param_group["params"] = G.check_params(param_group["params"], owner, seen)
        G.check_group_keys(param_group, self.defaults, owner, where)
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)
        self.check_options(param_group, f"{owner} {where}")
        self.param_groups.append(param_group)
        self._plans.clear()

    def check_options(self, group, where):
        """Raise if the options in ``group`` are invalid (each class checks its own)."""

    @property
    def params(self):
        """Every parameter, group after group."""
        return [p for group in self.param_groups for p in group["params"]]

    def _single_group(self, name):
        groups = self.__dict__.get("param_groups")
        if groups and name in groups[0] and name != "params":
            if len(groups) > 1:
                raise AttributeError(
                    f"{type(self).__name__}.{name} is ambiguous: the optimizer has "
                    f"{len(groups)} parameter groups, each with its own '{name}'. Read or "
                    f"write opt.param_groups[i][{name!r}] (for all: "
                    f"for g in opt.param_groups: g[{name!r}] = ...).")
            return groups[0]
        return None

    def __getattr__(self, name):
        group = self._single_group(name)
        if group is not None:
            return group[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or hyperparameter "
                             f"'{name}'")

    def __setattr__(self, name, value):
        group = self._single_group(name)
        if group is not None:
            group[name] = value
        else:
            object.__setattr__(self, name, value)

    # ------------------------------------------------------ stepping
    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every group: ``.grad = None`` (PyTorch's default),
        or, with ``set_to_none=False``, zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                elif type(p.grad) is np.ndarray and p.grad.flags.writeable:
                    p.grad.fill(0)
                else:
                    p.grad = np.zeros_like(grad_array(p))

    def step(self, closure=None):
        """Apply the update to every parameter that has a gradient.

        With a closure, it is called first (as in PyTorch) and its loss returned.
        Parameters whose ``.grad`` is None are skipped.
        """
        if closure is None and self.needs_closure:
            raise ClosureRequired(
                f"{type(self).__name__}.step() needs a closure because it evaluates the "
                f"loss itself. Pass one that clears the gradients, computes the loss, "
                f"calls loss.backward() and returns the loss:\n"
                f"    def closure():\n        opt.zero_grad(); loss = f(); "
                f"loss.backward(); return loss\n    opt.step(closure)")
        if closure is None:
            loss, groups = None, self.param_groups
        else:
            loss, groups = self._gradients(closure)
        moved = [self._moved(group) for group in groups]
        for i, group in enumerate(groups):
            self._update(group, i)
        # Every parameter the step moved gets a new version, so a backward pass
        # through a graph built before the step raises instead of mixing old
        # and new values.
        for params in moved:
            for p in params:
                bump_version(p)
        self.__dict__["steps"] += 1        # not a hyperparameter: skip __setattr__
        return loss

    def _moved(self, group):
        """The parameters a step changes: those with a gradient (``_update`` skips
        the others).  A class whose update moves every parameter says so."""
        return [p for p in group["params"] if p.grad is not None]

    def _gradients(self, closure):
        """Call the closure so that each ``p.grad`` holds the gradient the rule uses;
        return ``(loss, groups)``, the hyperparameters of this step.  Nesterov, line
        search and Newton override it."""
        return self._evaluate(closure), self.param_groups

    def _evaluate(self, closure):
        """Run the closure with graph recording on; it must return the loss."""
        with enable_grad():
            loss = closure()
        if loss is None:
            raise TypeError(f"{type(self).__name__}.step(closure): the closure returned "
                            f"None; it must return the loss after calling backward().")
        return loss

    def _one_group(self, what):
        if len(self.param_groups) != 1:
            raise ValueError(
                f"{type(self).__name__}: {what} treats all parameters as one vector, so it "
                f"needs one parameter group, not {len(self.param_groups)}.")
        return self.param_groups[0]

    def rule_for(self, group):
        """The rule of this step (Adam picks ``rules.amsgrad`` when ``amsgrad`` is set)."""
        return self.rule

    def rule_state_keys(self, group):
        """The keys in ``opt.state[p]`` of the state arrays the group's rule takes."""
        names, _ = rule_signature(self.rule_for(group))
        return tuple(self.state_keys.get(name, name) for name in names)

    def init_state(self, phi, group):
        """The state before the first step: zeros for each of the rule's state arrays."""
        return {key: np.zeros_like(phi) for key in self.rule_state_keys(group)}

    def _state(self, p, group):
        """Parameter ``p``'s state, made by
        [`init_state()`][minigrad.optim.optimizer.Optimizer.init_state] on first use."""
        state = self.state[p]
        if not state:
            if self.step_key is not None:
                state[self.step_key] = 0
            state.update(self.init_state(p.data, group))
        return state

    def _update(self, group, index=0):
        """The bookkeeping of every step: count ``t``, apply the rule, write in place."""
        rule = self.rule_for(group)
        plan = self._plans.get((rule, index))
        if plan is None:
            plan = self._plans[rule, index] = RulePlan(rule, group, self.state_keys)
        names, counts_t, state_arrays = plan.names, plan.counts_t, plan.state_arrays
        kwargs = plan.arguments(group)
        decay = group.get("weight_decay", 0) if self.l2_weight_decay else 0
        shrink = 1 - group["lr"] * decay if group.get("decoupled_weight_decay") else None
        maximize = group.get("maximize", False)
        in_place = self.in_place if rule is self.rule else None
        step_key, states = self.step_key, self.state
        for p in group["params"]:
            g = p.grad
            if g is None:
                continue
            if type(g) is not np.ndarray:
                g = grad_array(p)
            if maximize:
                g = -g
            phi = p.data
            state = states[p]
            if not state:
                self._state(p, group)
            if step_key is not None:
                state[step_key] += 1
                if counts_t:
                    kwargs["t"] = state[step_key]
            x = phi
            if decay != 0:
                if shrink is None:
                    g = rules.l2_gradient(phi, g, weight_decay=decay)
                elif in_place is not None:
                    phi *= shrink                      # the in-place path owns phi
                else:
                    x = rules.decoupled_weight_decay(phi, lr=group["lr"], weight_decay=decay)
            if in_place is not None:
                in_place(phi, g, *state_arrays(state), **kwargs)   # writes into phi, state
            elif names:
                out = rule(x, g, *state_arrays(state), **kwargs)
                if len(out) == 2:
                    state[names[0]] = out[1]
                else:
                    state.update(zip(names, out[1:]))
                phi[...] = out[0]
            else:
                phi[...] = rule(x, g, **kwargs)

    # ------------------------------------------------------ state dicts
    def state_dict(self):
        """The optimizer's state in PyTorch's format, a deep copy.

        ``{"state": {0: {...}, 1: {...}}, "param_groups": [{...options...,
        "params": [0, 1]}, ...]}``: parameters are numbered across the groups in
        order, and ``state`` holds, for each parameter that has taken a step,
        its step count and state arrays (None entries are left out).  Later
        steps do not change a saved dict.

        >>> import minigrad as mg
        >>> w = mg.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = mg.optim.SGD(w, lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward(); _ = opt.step()
        >>> sd = opt.state_dict()
        >>> sd["state"]
        {0: {'momentum_buffer': array([2., 4.])}}
        >>> sd["param_groups"][0]["params"], sd["param_groups"][0]["lr"]
        ([0], 0.1)
        """
        index = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            packed_groups.append(packed)
        packed_state = {}
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state.get(p)
                entries = {k: G.copy_value(v) for k, v in (state or {}).items()
                           if v is not None}
                if entries:
                    packed_state[index[id(p)]] = entries
        return {"state": packed_state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict):
        """Continue from a [`state_dict()`][minigrad.optim.optimizer.Optimizer.state_dict]: the
        groups' options and every parameter's state are replaced by (copies of) the saved ones, so
        the next steps are those the saved optimizer would have taken, bit for bit.

        The optimizer must have the same number of groups, of the same sizes,
        and parameters of the saved shapes; anything else raises.
        """
        owner = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
            got = sorted(state_dict) if isinstance(state_dict, dict) else type(state_dict)
            raise ValueError(f"{owner}: expected the dict made by opt.state_dict(), with keys "
                             f"'state' and 'param_groups', got {got}.")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{owner}: the state dict has {len(saved_groups)} parameter group(s), this "
                f"optimizer {len(self.param_groups)}. Build the optimizer with the same "
                f"groups as the one that was saved.")
        params, new_groups = [], []
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            ids = list(saved.get("params", ()))
            if len(ids) != len(group["params"]):
                raise ValueError(
                    f"{owner}: saved param_groups[{i}] has {len(ids)} parameter(s), this "
                    f"optimizer's has {len(group['params'])}.")
            new = {k: G.plain(copy.deepcopy(v)) for k, v in saved.items() if k != "params"}
            G.check_group_keys(new, self.defaults, type(self).__name__,
                               f"load_state_dict: saved param_groups[{i}]")
            for name, default in self.defaults.items():
                new.setdefault(name, default)
            self.check_options(new, f"{owner}: saved param_groups[{i}]")
            new_groups.append(new)
            params.extend((int(k), p, i) for k, p in zip(ids, group["params"]))
        by_id = {k: (p, i) for k, p, i in params}
        unknown = [k for k in state_dict["state"] if int(k) not in by_id]
        if unknown:
            raise ValueError(f"{owner}: state for parameter number(s) {unknown}, which no "
                             f"saved group lists.")
        states = {}
        for k, saved in state_dict["state"].items():
            p, i = by_id[int(k)]
            states[p] = G.loaded_state(self, saved, p, new_groups[i], f"{owner}: state[{k}]")
        for group, new in zip(self.param_groups, new_groups):
            params_of_group = group["params"]
            group.clear()
            group.update(new)
            group["params"] = params_of_group
        self.state.clear()
        self.state.update(states)
        self._plans.clear()

    # ------------------------------------------------------- display
    def _hyper_repr(self, group):
        return ", ".join(f"{k}={v!r}" for k, v in group.items()
                         if k != "params" and v is not None)

    def __repr__(self):
        groups = self.param_groups
        head = (self._hyper_repr(groups[0]) if len(groups) == 1 else
                f"{len(groups)} groups")
        lines = [f"{type(self).__name__}({head})",
                 f"  {len(self.params)} parameter(s), {self.steps} step(s) taken"]
        i = 0
        for k, group in enumerate(groups):
            if len(groups) > 1:
                lines.append(f"  group {k}: {self._hyper_repr(group)}")
            for p in group["params"]:
                label = f"'{p.name}' " if p.name else ""
                state = self.state.get(p) or {}
                items = ", ".join(f"{k}={_summary(v)}" for k, v in state.items()) \
                    or "no state yet"
                lines.append(f"  [{i}] {label}shape {p.shape}: {items}")
                i += 1
        return "\n".join(lines)

    __str__ = __repr__


"""The optimizer base class: it applies a rule of :mod:`minigrad.optim.rules`.

An optimizer class *declares* what it does and the base class does the rest:

* ``rule``: the pure function of ``rules.py`` applied to each parameter.  Its
  signature is the contract: after ``phi, g`` come the **state arrays** (kept
  in ``opt.state``, returned updated by the rule), and its keyword arguments are
  **hyperparameters**, looked up by name in the parameter group (``beta`` and
  ``gamma`` come from ``betas``; ``t`` is the step count);
* ``init_state(phi, group)``: the state before the first step (zeros unless
  the class says otherwise);
* ``l2_weight_decay = True`` for the PyTorch classes whose ``weight_decay``
  adds ``weight_decay * phi`` to the gradient (``rules.l2_gradient``);
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

Hyperparameters have one home, PyTorch's ``opt.param_groups[0]`` (a dict
that also holds ``"params"``).  ``opt.lr`` reads and ``opt.lr = 0.01``
writes that same dict, which is how a schedule changes them between steps;
``opt.defaults`` keeps the constructor's values, as in PyTorch.
"""

from __future__ import annotations

import inspect
from functools import cache
from operator import itemgetter

import numpy as np

from ..autograd import enable_grad
from ..errors import ClosureRequired
from ..tensor import Tensor, bump_version, unwrap
from . import rules


def _check_params(params, owner):
    """Turn ``params`` into a list of leaf tensors that require grad, or explain."""
    if isinstance(params, Tensor):
        params = [params]
    elif hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    try:
        params = list(params)
    except TypeError:
        raise TypeError(
            f"{owner}(params): params must be a Tensor or an iterable of Tensors, "
            f"got {type(params).__name__}.") from None
    if not params:
        raise ValueError(f"{owner}(params): got an empty list of parameters; nothing to "
                         f"optimize.")
    seen = {}
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(
                f"{owner}(params): parameter [{i}] is a {type(p).__name__}, not a minigrad "
                f"Tensor. Wrap it: mg.tensor(value, requires_grad=True).")
        where = f"parameter [{i}] (shape {p.shape}, dtype {p.dtype})"
        if p.dtype.kind != "f":
            raise TypeError(
                f"{owner}(params): {where} is not floating point; optimizers move "
                f"parameters by fractional steps. Create it with dtype=np.float64.")
        if not p.requires_grad:
            raise ValueError(
                f"{owner}(params): {where} does not require grad, so it would never "
                f"receive a gradient. Create it with requires_grad=True or call "
                f".requires_grad_().")
        if not p.is_leaf:
            raise ValueError(
                f"{owner}(params): {where} was computed by '{p.op_name}'; only leaf "
                f"tensors (made by the user) can be optimized. Use .detach()."
                f"requires_grad_() to make a leaf.")
        if id(p) in seen:
            raise ValueError(
                f"{owner}(params): parameter [{i}] is the same tensor as parameter "
                f"[{seen[id(p)]}]; list each parameter once.")
        seen[id(p)] = i
    return params


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
    rule's default.  Built once per rule and optimizer, and the keyword
    arguments are rebuilt only when a hyperparameter changed, because a step
    must be cheap (the Gabor benchmark takes 2000 of them).
    """

    def __init__(self, rule, group):
        self.names, keywords = rule_signature(rule)
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
    """Base class: ``param_groups``, per-parameter ``state``, and ``step()``.

    Subclasses set ``rule`` (and, where needed, ``init_state`` and
    ``l2_weight_decay``); see the module docstring.  ``state`` is a list with
    one dict per parameter, in the order of ``params``: ``t`` and the rule's
    state arrays.

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = mg.optim.GD(phi, lr=0.25)
    >>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
    >>> phi.data
    array([ 0.5, -1. ])
    >>> opt.lr = 0.1          # a schedule may change any hyperparameter
    >>> opt.param_groups[0]["lr"]
    0.1
    """

    #: The update rule of :mod:`minigrad.optim.rules` applied to each parameter.
    rule = None
    #: True for the classes whose ``weight_decay`` is PyTorch's coupled L2 term.
    l2_weight_decay = False
    #: Optionally, ``rule`` computed in place: same arguments, writes the new values
    #: into ``phi`` and the state arrays and returns nothing.  Only for speed, and
    #: it must give the rule's numbers (Adam has one).
    in_place = None
    #: True for methods that must evaluate the loss themselves (line search,
    #: Nesterov, Newton): their ``step`` needs a closure.
    needs_closure = False

    def __init__(self, params, defaults):
        params = _check_params(params, type(self).__name__)
        object.__setattr__(self, "defaults", dict(defaults))
        object.__setattr__(self, "param_groups", [{"params": params, **defaults}])
        object.__setattr__(self, "state", [{} for _ in params])
        object.__setattr__(self, "steps", 0)
        object.__setattr__(self, "_plans", {})        # rule -> RulePlan

    # ------------------------------------------------ hyperparameters
    @property
    def params(self):
        """The parameters, ``param_groups[0]["params"]``."""
        return self.param_groups[0]["params"]

    def __getattr__(self, name):
        groups = self.__dict__.get("param_groups")
        if groups and name in groups[0]:
            return groups[0][name]
        raise AttributeError(f"{type(self).__name__} has no attribute or hyperparameter "
                             f"'{name}'")

    def __setattr__(self, name, value):
        groups = self.__dict__.get("param_groups")
        if groups and name in groups[0] and name != "params":
            groups[0][name] = value
        else:
            object.__setattr__(self, name, value)

    # ------------------------------------------------------ stepping
    def zero_grad(self):
        """Forget the gradients: set every parameter's ``.grad`` to None."""
        for p in self.param_groups[0]["params"]:
            p.grad = None

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
            loss, group = None, self.param_groups[0]
        else:
            loss, group = self._gradients(closure)
        self._update(group)
        # Every parameter the step moved gets a new version, so a backward pass
        # through a graph built before the step raises instead of mixing old
        # and new values.
        for p in self._moved(group):
            bump_version(p)
        self.__dict__["steps"] += 1        # not a hyperparameter: skip __setattr__
        return loss

    def _moved(self, group):
        """The parameters a step changes: those with a gradient (``_update`` skips
        the others).  A class whose update moves every parameter says so."""
        return [p for p in group["params"] if p.grad is not None]

    def _gradients(self, closure):
        """Call the closure so that each ``p.grad`` holds the gradient the rule uses;
        return ``(loss, group)``, the hyperparameters of this step.  Nesterov, line
        search and Newton override it."""
        return self._evaluate(closure), self.param_groups[0]

    def _evaluate(self, closure):
        """Run the closure with graph recording on; it must return the loss."""
        with enable_grad():
            loss = closure()
        if loss is None:
            raise TypeError(f"{type(self).__name__}.step(closure): the closure returned "
                            f"None; it must return the loss after calling backward().")
        return loss

    def rule_for(self, group):
        """The rule of this step (Adam picks ``rules.amsgrad`` when ``amsgrad`` is set)."""
        return self.rule

    def init_state(self, phi, group):
        """The state before the first step: zeros for each of the rule's state arrays."""
        names, _ = rule_signature(self.rule_for(group))
        return {name: np.zeros_like(phi) for name in names}

    def _state(self, i, phi, group):
        """Parameter ``i``'s state, made by :meth:`init_state` on first use."""
        state = self.state[i]
        if not state:
            state["t"] = 0
            state.update(self.init_state(phi, group))
        return state

    def _update(self, group):
        """The bookkeeping of every step: count ``t``, apply the rule, write in place."""
        rule = self.rule_for(group)
        plan = self._plans.get(rule)
        if plan is None:
            plan = self._plans[rule] = RulePlan(rule, group)
        names, counts_t, state_arrays = plan.names, plan.counts_t, plan.state_arrays
        kwargs = plan.arguments(group)
        decay = group.get("weight_decay", 0) if self.l2_weight_decay else 0
        in_place = self.in_place if rule is self.rule else None
        for i, (p, state) in enumerate(zip(group["params"], self.state)):
            g = p.grad
            if g is None:
                continue
            if type(g) is not np.ndarray:
                g = grad_array(p)
            phi = p.data
            if not state:
                self._state(i, phi, group)
            state["t"] += 1
            if counts_t:
                kwargs["t"] = state["t"]
            if decay != 0:
                g = rules.l2_gradient(phi, g, weight_decay=decay)
            if in_place is not None:
                in_place(phi, g, *state_arrays(state), **kwargs)   # writes into phi, state
            elif names:
                out = rule(phi, g, *state_arrays(state), **kwargs)
                if len(out) == 2:
                    state[names[0]] = out[1]
                else:
                    state.update(zip(names, out[1:]))
                phi[...] = out[0]
            else:
                phi[...] = rule(phi, g, **kwargs)

    # ------------------------------------------------------- display
    def _hyper_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.param_groups[0].items()
                         if k != "params" and v is not None)

    def __repr__(self):
        lines = [f"{type(self).__name__}({self._hyper_repr()})",
                 f"  {len(self.params)} parameter(s), {self.steps} step(s) taken"]
        for i, (p, state) in enumerate(zip(self.params, self.state)):
            label = f"'{p.name}' " if p.name else ""
            items = ", ".join(f"{k}={_summary(v)}" for k, v in state.items()) or "no state yet"
            lines.append(f"  [{i}] {label}shape {p.shape}: {items}")
        return "\n".join(lines)

    __str__ = __repr__

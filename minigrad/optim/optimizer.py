"""The optimizer base class: parameters, hyperparameters, state, step().

Every algorithm in this package has two halves:

* an **update rule**, a small pure function on NumPy arrays that reads like the
  book's equation and cites its number (``momentum_update`` is eq. 6.11).  It
  returns new arrays and never writes into its inputs, so a ``.grad`` array
  that happens to be shared with something else is never changed;
* a **class** in PyTorch's habit (``Momentum(params, lr, beta)``) that keeps
  the state between steps and applies the rule to each parameter.

How parameters change: the new values are written **in place**,
``p.data[...] = new``.  The array object of a parameter therefore never
changes (anything holding ``p.data`` sees the update, as in PyTorch) and its
dtype is kept: a float32 parameter stays float32.

Hyperparameters live in ``opt.hyper`` (a dict) and read as attributes, so a
schedule can change them between steps::

    opt.lr = schedule(t)          # or opt.set_lr(schedule(t))
"""

from __future__ import annotations

import numpy as np

from ..autograd import enable_grad
from ..errors import ClosureRequired
from ..tensor import Tensor


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
    g = p.grad
    return g.data if isinstance(g, Tensor) else np.asarray(g)


def _summary(value):
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return f"{value.item():.4g}"
        return f"array{value.shape} |.|={np.linalg.norm(value):.4g}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return repr(value)


class Optimizer:
    """Base class: holds ``params``, hyperparameters ``hyper`` and ``state``.

    Subclasses define ``update(phi, g, state)``, which returns the new value of
    one parameter and stores its new state arrays in the dict ``state``.
    ``state`` is a list with one dict per parameter, in the order of ``params``.

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = mg.optim.GD(phi, lr=0.25)
    >>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
    >>> phi.data
    array([ 0.5, -1. ])
    >>> opt.lr = 0.1          # a schedule may change any hyperparameter
    >>> opt.hyper
    {'lr': 0.1}
    """

    #: True for methods that must evaluate the loss themselves (line search,
    #: Nesterov, Newton): their ``step`` needs a closure.
    needs_closure = False

    def __init__(self, params, **hyper):
        object.__setattr__(self, "params", _check_params(params, type(self).__name__))
        object.__setattr__(self, "hyper", dict(hyper))
        object.__setattr__(self, "state", [{} for _ in self.params])
        object.__setattr__(self, "steps", 0)

    # ------------------------------------------------ hyperparameters
    def __getattr__(self, name):
        hyper = self.__dict__.get("hyper", {})
        if name in hyper:
            return hyper[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or hyperparameter "
                             f"'{name}'")

    def __setattr__(self, name, value):
        if name in self.__dict__.get("hyper", {}):
            self.hyper[name] = value
        else:
            object.__setattr__(self, name, value)

    def set_lr(self, lr):
        """Set the learning rate (what a schedule does between steps)."""
        self.hyper["lr"] = lr
        return self

    @property
    def param_groups(self):
        """PyTorch-style view: one group holding the params and the hyperparameters.

        ``for g in opt.param_groups: g["lr"] = 0.01`` changes ``opt.lr``.
        """
        group = _Group(self.hyper)
        group.params = self.params
        return [group]

    # ------------------------------------------------------ stepping
    def zero_grad(self):
        """Forget the gradients: set every parameter's ``.grad`` to None."""
        for p in self.params:
            p.grad = None

    def _evaluate(self, closure):
        """Run the closure with graph recording on; it must return the loss."""
        with enable_grad():
            loss = closure()
        if loss is None:
            raise TypeError(f"{type(self).__name__}.step(closure): the closure returned "
                            f"None; it must return the loss after calling backward().")
        return loss

    def _require_closure(self, closure):
        if closure is None:
            raise ClosureRequired(
                f"{type(self).__name__}.step() needs a closure because it evaluates the "
                f"loss itself. Pass one that clears the gradients, computes the loss, "
                f"calls loss.backward() and returns the loss:\n"
                f"    def closure():\n        opt.zero_grad(); loss = f(); "
                f"loss.backward(); return loss\n    opt.step(closure)")

    def step(self, closure=None):
        """Apply the update to every parameter that has a gradient.

        With a closure, it is called first (as in PyTorch) and its loss returned.
        Parameters whose ``.grad`` is None are skipped.
        """
        loss = None if closure is None else self._evaluate(closure)
        for p, state in zip(self.params, self.state):
            if p.grad is None:
                continue
            new = self.update(p.data, grad_array(p), state)
            if new is not p.data:          # updates that work in place return p.data
                p.data[...] = new
        self.steps += 1
        return loss

    def update(self, phi, g, state):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must define update()")

    # ------------------------------------------------------- display
    def _hyper_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())

    def __repr__(self):
        lines = [f"{type(self).__name__}({self._hyper_repr()})",
                 f"  {len(self.params)} parameter(s), {self.steps} step(s) taken"]
        for i, (p, state) in enumerate(zip(self.params, self.state)):
            label = f"'{p.name}' " if p.name else ""
            items = ", ".join(f"{k}={_summary(v)}" for k, v in state.items()) or "no state yet"
            lines.append(f"  [{i}] {label}shape {p.shape}: {items}")
        return "\n".join(lines)

    __str__ = __repr__


class _Group(dict):
    """A dict that writes hyperparameters through to the optimizer's ``hyper``."""

    def __init__(self, hyper):
        super().__init__(hyper)
        self._hyper = hyper

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if key != "params":
            self._hyper[key] = value

    def __getitem__(self, key):
        if key == "params":
            return self.params
        return super().__getitem__(key)


def zeros_like(phi):
    """A float array of zeros shaped like ``phi`` (initial moment estimates)."""
    return np.zeros_like(phi)


def state_or_zeros(state, key, phi):
    """``state[key]``, or zeros shaped like ``phi`` before the first step.

    Unlike ``state.get(key, zeros_like(phi))`` it allocates (and fills) the zeros
    only when they are needed, not at every step.
    """
    value = state.get(key)
    return zeros_like(phi) if value is None else value

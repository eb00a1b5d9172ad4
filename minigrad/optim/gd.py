"""Gradient descent and momentum (eqs. 6.3, 6.10-6.14) and PyTorch's SGD.

The book's classes keep the book's conventions: ``Momentum`` averages,
``m <- beta*m + (1-beta)*g`` (eq. 6.11).  ``SGD`` is PyTorch's: its momentum
buffer sums, ``b <- mu*b + g``.  They give the same iterates when
``SGD(lr=lr*(1-beta), momentum=beta)`` (see docs/optim.md for the proof).
"""

from __future__ import annotations

import numpy as np

from . import rules
from .groups import check_torch_only, required
from .optimizer import Optimizer, grad_array


class GD(Optimizer):
    """Gradient descent, eq. 6.3: ``phi <- phi - lr * dL/dphi`` (``rules.gd``).

    Either a fixed step ``lr`` or a ``line_search`` (e.g. ``Bracketing()``) that
    chooses the step along ``-g`` at every step; the latter needs
    ``step(closure)`` and keeps its probes in ``opt.last_search``.  Fed
    minibatch gradients, this is eq. 6.10 (stochastic gradient descent).

    >>> import minigrad as mg
    >>> phi = mg.tensor([3.0], requires_grad=True)
    >>> opt = mg.optim.GD(phi, line_search=mg.optim.Bracketing(max_dist=1.0))
    >>> def closure():
    ...     opt.zero_grad(); loss = ((phi - 1.0) ** 2).sum(); loss.backward(); return loss
    >>> _ = opt.step(closure)
    >>> phi.data.round(3)       # lr = 0.5 lands on the minimum in one step
    array([1.])
    """

    rule = staticmethod(rules.gd)

    def __init__(self, params, lr=None, line_search=None):
        super().__init__(params, dict(lr=lr, line_search=line_search))
        self.last_search = None

    def check_options(self, group, where):
        if group.get("lr") is None and group.get("line_search") is None \
                and "params" in group:
            raise ValueError(f"{where}: GD needs a step-size rule: a fixed lr=... or a "
                             f"line_search=Bracketing() (or GoldenSection(), Backtracking()).")

    @property
    def needs_closure(self):
        return any(group["line_search"] is not None for group in self.param_groups)

    def _gradients(self, closure):
        if not self.needs_closure:
            return super()._gradients(closure)
        group = self._one_group("a line search")
        loss = self._evaluate(closure)
        params = [p for p in group["params"] if p.grad is not None]
        phis = [p.data.copy() for p in params]
        gs = [grad_array(p).copy() for p in params]

        def loss_at(lr):
            for p, phi, g in zip(params, phis, gs):
                p.data[...] = rules.gd(phi, g, lr=lr)
            return self._evaluate(closure).item()

        slope = -sum(float((g * g).sum()) for g in gs)   # d/d lr of L(phi - lr g) at 0
        result = group["line_search"].search(loss_at, f0=loss.item(), slope=slope)
        result.origin = np.concatenate([phi.ravel() for phi in phis])
        result.direction = -np.concatenate([g.ravel() for g in gs])
        for p, phi, g in zip(params, phis, gs):
            p.data[...] = phi       # the step starts where the search started
            p.grad = g              # with the gradient there, not the last probe's
        self.last_search = result
        return loss, [dict(group, lr=result.lr)]


class Momentum(Optimizer):
    """Gradient descent with momentum, eq. 6.11 (the book averages; ``rules.momentum``).

    ``m <- beta*m + (1-beta)*g``; ``phi <- phi - lr*m``; ``m`` starts at 0.
    In PyTorch terms this is ``SGD(lr=lr*(1-beta), momentum=beta)``.
    """

    rule = staticmethod(rules.momentum)

    def __init__(self, params, lr=required, beta=0.9):
        super().__init__(params, dict(lr=lr, beta=beta))


class Nesterov(Optimizer):
    """Nesterov accelerated momentum, eq. 6.12, taken literally (``rules.nesterov``).

    The gradient is measured at the look-ahead point ``phi - lr*beta*m``:
    ``step(closure)`` moves the parameters there, calls the closure, moves them
    back and applies ``m <- beta*m + (1-beta)*g_ahead``, ``phi <- phi - lr*m``.
    So the iterates are the book's.  The returned loss (and ``.grad`` after the
    step) belong to the look-ahead point.  PyTorch's ``SGD(nesterov=True)``
    instead tracks the look-ahead points themselves (docs/optim.md).
    """

    rule = staticmethod(rules.nesterov)
    needs_closure = True

    def __init__(self, params, lr=required, beta=0.9):
        super().__init__(params, dict(lr=lr, beta=beta))

    def _gradients(self, closure):
        saved = []
        for group in self.param_groups:
            for p in group["params"]:
                m = self._state(p, group)["m"]
                saved.append((p, p.data.copy()))
                p.data[...] = rules.nesterov_lookahead(p.data, m, lr=group["lr"],
                                                       beta=group["beta"])
        try:
            loss = self._evaluate(closure)
        finally:
            for p, phi in saved:
                p.data[...] = phi
        return loss, self.param_groups


class NormalizedGD(Optimizer):
    """Normalized gradients, eqs. 6.13-6.14: a step of ``lr`` along each coordinate
    (``rules.normalized_gd``).

    It does not converge: near the minimum it bounces back and forth with
    amplitude ``lr`` (Figure 6.9c).
    """

    rule = staticmethod(rules.normalized_gd)

    def __init__(self, params, lr=required, eps=1e-8):
        super().__init__(params, dict(lr=lr, eps=eps))


class SGD(Optimizer):
    """``torch.optim.SGD``, step for step (same arguments, defaults and state).

    ``momentum=mu`` keeps ``b <- mu*b + (1-dampening)*g`` (``b = g`` on the first
    step) and steps ``phi <- phi - lr*b``; ``nesterov=True`` steps along
    ``g + mu*b`` (``rules.sgd``).  ``weight_decay`` adds ``weight_decay*phi`` to
    the gradient; ``maximize=True`` climbs the loss.  The book's
    ``Momentum(lr, beta)`` equals ``SGD(lr=lr*(1-beta), momentum=beta)``.
    State, as PyTorch's: ``momentum_buffer`` (once a step with momentum is taken).
    ``foreach``, ``differentiable`` and ``fused`` are accepted at their defaults.

    >>> import minigrad as mg
    >>> w = mg.tensor([1.0], requires_grad=True)
    >>> opt = mg.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w * 2.0).sum().backward(); _ = opt.step()
    >>> w.data, opt.state[w]["momentum_buffer"]      # 1 - 0.1*2 - 0.1*(0.9*2 + 2)
    (array([0.42]), array([3.8]))
    """

    rule = staticmethod(rules.sgd)
    l2_weight_decay = True
    state_keys = {"b": "momentum_buffer"}
    step_key = None             # PyTorch's SGD keeps no step count

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        check_torch_only("SGD", dict(foreach=foreach, differentiable=differentiable,
                                     fused=fused))
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def check_options(self, group, where):
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"{where}: Nesterov momentum requires a momentum and zero "
                             f"dampening")
        for name in ("lr", "momentum", "weight_decay"):
            if group[name] < 0:
                raise ValueError(f"{where}: {name} must be >= 0, got {group[name]}")

    def init_state(self, phi, group):
        return {"momentum_buffer": None}   # PyTorch's buffer starts as the first gradient

"""Gradient descent and momentum (eqs. 6.3, 6.10-6.14) and PyTorch's SGD.

The book's classes keep the book's conventions: ``Momentum`` averages,
``m <- beta*m + (1-beta)*g`` (eq. 6.11).  ``SGD`` is PyTorch's: its momentum
buffer sums, ``b <- mu*b + g``.  They give the same iterates when
``SGD(lr=lr*(1-beta), momentum=beta)`` (see docs/optim.md for the proof).
"""

from __future__ import annotations

import numpy as np

from . import rules
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
        if lr is None and line_search is None:
            raise ValueError("GD needs a step-size rule: a fixed lr=... or a "
                             "line_search=Bracketing() (or GoldenSection(), Backtracking()).")
        super().__init__(params, dict(lr=lr, line_search=line_search))
        self.last_search = None

    @property
    def needs_closure(self):
        return self.line_search is not None

    def _gradients(self, closure):
        if self.line_search is None:
            return super()._gradients(closure)
        group = self.param_groups[0]
        loss = self._evaluate(closure)
        params = [p for p in group["params"] if p.grad is not None]
        phis = [p.data.copy() for p in params]
        gs = [grad_array(p).copy() for p in params]

        def loss_at(lr):
            for p, phi, g in zip(params, phis, gs):
                p.data[...] = rules.gd(phi, g, lr=lr)
            return self._evaluate(closure).item()

        slope = -sum(float((g * g).sum()) for g in gs)   # d/d lr of L(phi - lr g) at 0
        result = self.line_search.search(loss_at, f0=loss.item(), slope=slope)
        result.origin = np.concatenate([phi.ravel() for phi in phis])
        result.direction = -np.concatenate([g.ravel() for g in gs])
        for p, phi, g in zip(params, phis, gs):
            p.data[...] = phi       # the step starts where the search started
            p.grad = g              # with the gradient there, not the last probe's
        self.last_search = result
        return loss, dict(group, lr=result.lr)


class Momentum(Optimizer):
    """Gradient descent with momentum, eq. 6.11 (the book averages; ``rules.momentum``).

    ``m <- beta*m + (1-beta)*g``; ``phi <- phi - lr*m``; ``m`` starts at 0.
    In PyTorch terms this is ``SGD(lr=lr*(1-beta), momentum=beta)``.
    """

    rule = staticmethod(rules.momentum)

    def __init__(self, params, lr, beta=0.9):
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

    def __init__(self, params, lr, beta=0.9):
        super().__init__(params, dict(lr=lr, beta=beta))

    def _gradients(self, closure):
        group = self.param_groups[0]
        params = group["params"]
        phis = [p.data.copy() for p in params]
        for i, p in enumerate(params):
            m = self._state(i, p.data, group)["m"]
            p.data[...] = rules.nesterov_lookahead(p.data, m, lr=group["lr"],
                                                   beta=group["beta"])
        try:
            loss = self._evaluate(closure)
        finally:
            for p, phi in zip(params, phis):
                p.data[...] = phi
        return loss, group


class NormalizedGD(Optimizer):
    """Normalized gradients, eqs. 6.13-6.14: a step of ``lr`` along each coordinate
    (``rules.normalized_gd``).

    It does not converge: near the minimum it bounces back and forth with
    amplitude ``lr`` (Figure 6.9c).
    """

    rule = staticmethod(rules.normalized_gd)

    def __init__(self, params, lr, eps=1e-8):
        super().__init__(params, dict(lr=lr, eps=eps))


class SGD(Optimizer):
    """``torch.optim.SGD``, step for step (same defaults, same first-step buffer).

    ``momentum=mu`` keeps ``b <- mu*b + (1-dampening)*g`` (``b = g`` on the first
    step) and steps ``phi <- phi - lr*b``; ``nesterov=True`` steps along
    ``g + mu*b`` (``rules.sgd``).  ``weight_decay`` adds ``weight_decay*phi`` to
    the gradient.  The book's ``Momentum(lr, beta)`` equals
    ``SGD(lr=lr*(1-beta), momentum=beta)``.
    """

    rule = staticmethod(rules.sgd)
    l2_weight_decay = True

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: lr, momentum and weight_decay must be >= 0, got "
                             f"{lr}, {momentum}, {weight_decay}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    def init_state(self, phi, group):
        return {"b": None}          # PyTorch's buffer starts as the first gradient

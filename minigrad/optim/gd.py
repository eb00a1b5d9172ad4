"""Gradient descent and momentum: eqs. 6.3, 6.10-6.14, and PyTorch's SGD.

Book classes keep the book's conventions: ``Momentum`` averages,
``m <- beta*m + (1-beta)*g`` (eq. 6.11).  ``SGD`` is PyTorch's: its momentum
buffer sums, ``b <- mu*b + g``.  They give the same iterates when
``SGD(lr=alpha*(1-beta), momentum=beta)`` (see docs/optim.md for the proof).
"""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, grad_array, state_or_zeros, zeros_like


# ------------------------------------------------------------ update rules
def gd_update(phi, g, *, lr):
    """Eq. 6.3 (and 6.10 when ``g`` is a minibatch gradient): ``phi - alpha*g``.

    >>> import numpy as np
    >>> gd_update(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1)
    array([0.95, 2.1 ])
    """
    return phi - lr * g


def momentum_update(phi, g, m, *, lr, beta):
    """Eq. 6.11: ``m <- beta*m + (1-beta)*g``, then ``phi <- phi - alpha*m``.

    Returns ``(phi, m)``.
    """
    m = beta * m + (1 - beta) * g
    return phi - lr * m, m


def nesterov_lookahead(phi, m, *, lr, beta):
    """Eq. 6.12, the point where Nesterov measures the gradient: ``phi - alpha*beta*m``."""
    return phi - lr * beta * m


def nesterov_update(phi, g_ahead, m, *, lr, beta):
    """Eq. 6.12: ``m <- beta*m + (1-beta)*g(phi - alpha*beta*m)``, ``phi <- phi - alpha*m``.

    ``g_ahead`` must be the gradient at :func:`nesterov_lookahead`.
    Returns ``(phi, m)``.
    """
    m = beta * m + (1 - beta) * g_ahead
    return phi - lr * m, m


def normalized_update(phi, g, *, lr, eps):
    """Eqs. 6.13-6.14: ``m = g``, ``v = g**2``, ``phi <- phi - alpha*m/(sqrt(v) + eps)``.

    Every coordinate moves (almost exactly) ``alpha`` downhill.
    """
    m = g
    v = g ** 2
    return phi - lr * m / (np.sqrt(v) + eps)


def sgd_torch_update(phi, g, b, *, lr, momentum, dampening, nesterov, weight_decay):
    """PyTorch's SGD step (not a book equation; eq. 6.10 when momentum is 0).

    ``g <- g + wd*phi``; ``b <- g`` on the first step, else ``b <- mu*b + (1-dampening)*g``;
    the step direction is ``g + mu*b`` (nesterov) or ``b``.  ``b`` is None before
    the first step.  Returns ``(phi, b)``.
    """
    if weight_decay != 0:
        g = g + weight_decay * phi
    if momentum != 0:
        b = g.copy() if b is None else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b
    return phi - lr * g, b


# ----------------------------------------------------------------- classes
class GD(Optimizer):
    """Gradient descent, eq. 6.3: ``phi <- phi - alpha * dL/dphi``.

    Either a fixed step ``lr`` or a ``line_search`` (e.g. ``Bracketing()``) that
    chooses alpha along ``-g`` at every step; the latter needs ``step(closure)``
    and keeps its probes in ``opt.last_search``.  Fed minibatch gradients, this
    is eq. 6.10 (stochastic gradient descent).

    >>> import minigrad as mg
    >>> phi = mg.tensor([3.0], requires_grad=True)
    >>> opt = mg.optim.GD(phi, line_search=mg.optim.Bracketing(max_dist=1.0))
    >>> def closure():
    ...     opt.zero_grad(); loss = ((phi - 1.0) ** 2).sum(); loss.backward(); return loss
    >>> _ = opt.step(closure)
    >>> phi.data.round(3)       # alpha = 0.5 lands on the minimum in one step
    array([1.])
    """

    def __init__(self, params, lr=None, line_search=None):
        if lr is None and line_search is None:
            raise ValueError("GD needs a step-size rule: a fixed lr=... or a "
                             "line_search=Bracketing() (or GoldenSection(), Backtracking()).")
        super().__init__(params, lr=lr)
        self.line_search = line_search
        self.last_search = None
        self.needs_closure = line_search is not None

    def _hyper_repr(self):
        if self.line_search is None:
            return super()._hyper_repr()
        return f"line_search={self.line_search!r}"

    def update(self, phi, g, state):
        return gd_update(phi, g, lr=self.lr)

    def step(self, closure=None):
        if self.line_search is None:
            return super().step(closure)
        self._require_closure(closure)
        loss = self._evaluate(closure)
        params = [p for p in self.params if p.grad is not None]
        phis = [p.data.copy() for p in params]
        gs = [grad_array(p).copy() for p in params]

        def loss_at(alpha):
            for p, phi, g in zip(params, phis, gs):
                p.data[...] = gd_update(phi, g, lr=alpha)
            return self._evaluate(closure).item()

        slope = -sum(float((g * g).sum()) for g in gs)   # d/dalpha L(phi - alpha g) at 0
        result = self.line_search.search(loss_at, f0=loss.item(), slope=slope)
        result.origin = np.concatenate([phi.ravel() for phi in phis])
        result.direction = -np.concatenate([g.ravel() for g in gs])
        for p, phi, g in zip(params, phis, gs):
            p.data[...] = gd_update(phi, g, lr=result.alpha)
            p.grad = g          # the gradient the step used, not the last probe's
        self.last_search = result
        self.steps += 1
        return loss


class Momentum(Optimizer):
    """Gradient descent with momentum, eq. 6.11 (book convention).

    ``m <- beta*m + (1-beta)*g``; ``phi <- phi - alpha*m``; ``m`` starts at 0.
    In PyTorch terms this is ``SGD(lr=alpha*(1-beta), momentum=beta)``.
    """

    def __init__(self, params, lr, beta=0.9):
        super().__init__(params, lr=lr, beta=beta)

    def update(self, phi, g, state):
        m = state_or_zeros(state, "m", phi)
        phi, state["m"] = momentum_update(phi, g, m, lr=self.lr, beta=self.beta)
        return phi


class Nesterov(Optimizer):
    """Nesterov accelerated momentum, eq. 6.12, taken literally.

    The gradient is measured at the look-ahead point ``phi - alpha*beta*m``:
    ``step(closure)`` moves the parameters there, calls the closure, moves them
    back and applies ``m <- beta*m + (1-beta)*g_ahead``, ``phi <- phi - alpha*m``.
    So the iterates are the book's.  The returned loss (and ``.grad`` after the
    step) belong to the look-ahead point.  PyTorch's ``SGD(nesterov=True)``
    instead tracks the look-ahead points themselves (docs/optim.md).
    """

    needs_closure = True

    def __init__(self, params, lr, beta=0.9):
        super().__init__(params, lr=lr, beta=beta)

    def step(self, closure=None):
        self._require_closure(closure)
        phis = [p.data.copy() for p in self.params]
        for p, phi, state in zip(self.params, phis, self.state):
            if "m" not in state:
                state["m"] = zeros_like(phi)
            p.data[...] = nesterov_lookahead(phi, state["m"], lr=self.lr, beta=self.beta)
        try:
            loss = self._evaluate(closure)
        finally:
            for p, phi in zip(self.params, phis):
                p.data[...] = phi
        for p, phi, state in zip(self.params, phis, self.state):
            if p.grad is None:
                continue
            new, state["m"] = nesterov_update(phi, grad_array(p), state["m"],
                                              lr=self.lr, beta=self.beta)
            p.data[...] = new
        self.steps += 1
        return loss


class NormalizedGD(Optimizer):
    """Normalized gradients, eqs. 6.13-6.14: a step of ``alpha`` along each coordinate.

    It does not converge: near the minimum it bounces back and forth with
    amplitude ``alpha`` (Figure 6.9c).
    """

    def __init__(self, params, lr, eps=1e-8):
        super().__init__(params, lr=lr, eps=eps)

    def update(self, phi, g, state):
        return normalized_update(phi, g, lr=self.lr, eps=self.eps)


class SGD(Optimizer):
    """``torch.optim.SGD``, step for step (same defaults, same first-step buffer).

    ``momentum=mu`` keeps ``b <- mu*b + (1-dampening)*g`` (``b = g`` on the first
    step) and steps ``phi <- phi - lr*b``; ``nesterov=True`` steps along
    ``g + mu*b``.  ``weight_decay`` adds ``wd*phi`` to the gradient.
    The book's ``Momentum(lr=alpha, beta)`` equals ``SGD(lr=alpha*(1-beta), momentum=beta)``.
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False):
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening")
        if lr < 0 or momentum < 0 or weight_decay < 0:
            raise ValueError(f"SGD: lr, momentum and weight_decay must be >= 0, got "
                             f"{lr}, {momentum}, {weight_decay}")
        super().__init__(params, lr=lr, momentum=momentum, dampening=dampening,
                         weight_decay=weight_decay, nesterov=nesterov)

    def update(self, phi, g, state):
        h = self.hyper
        phi, b = sgd_torch_update(phi, g, state.get("momentum_buffer"), lr=h["lr"],
                                  momentum=h["momentum"], dampening=h["dampening"],
                                  nesterov=h["nesterov"], weight_decay=h["weight_decay"])
        if b is not None:
            state["momentum_buffer"] = b
        return phi

"""Newton's method with the engine's Hessian (the chapter's notes, "Beyond gradient descent").

The Hessian comes from double backward: the gradient is built with
``create_graph=True`` and each of its entries is differentiated once more.
No derivative is written here.  (For the Hessian of a function of an array,
use ``mg.hessian``; here the loss is a closure over tensors, so the class
differentiates the closure's graph itself.)
"""

from __future__ import annotations

import numpy as np

from ..autograd import grad as autograd_grad
from . import rules
from .optimizer import Optimizer


class Newton(Optimizer):
    """Newton's method: ``phi <- phi - lr * H^-1 g`` over all parameters jointly
    (``rules.newton``).

    Needs ``step(closure)``: the closure's loss (still holding its graph) is
    differentiated twice.  ``opt.last_hessian`` keeps the last Hessian.

    Newton's method looks for a point where the gradient vanishes, using the
    local quadratic model.  Where the Hessian is not positive definite that
    model has no minimum, and the step walks towards a **maximum or a saddle
    point** just as readily as to a minimum: look at the signs of the Hessian's
    eigenvalues (``np.linalg.eigvalsh(opt.last_hessian)``).  The cost is one
    backward pass per parameter entry and an ``n x n`` solve: fine for the
    chapter's two-parameter models, hopeless for a network.

    >>> import minigrad as mg
    >>> phi = mg.tensor([2.0, -1.0], requires_grad=True)
    >>> opt = mg.optim.Newton(phi)
    >>> def closure():
    ...     opt.zero_grad(); loss = (3 * phi[0] ** 2 + phi[0] * phi[1] + phi[1] ** 2)
    ...     loss.backward(); return loss
    >>> _ = opt.step(closure)      # a quadratic: one step to its minimum
    >>> bool(abs(phi.data).max() < 1e-12)
    True
    """

    rule = staticmethod(rules.newton)
    needs_closure = True
    extra_state_keys = ("g",)

    def __init__(self, params, lr=1.0):
        super().__init__(params, dict(lr=lr))
        self.last_hessian = None
        self._gradient = None

    def init_state(self, phi, group):
        return {}                   # no state between steps; ``g`` is kept for printing

    def rule_state_keys(self, group):
        return ()                   # the Hessian is computed afresh at every step

    def _gradients(self, closure):
        self._one_group("Newton's joint step")
        loss = self._evaluate(closure)
        self._gradient, self.last_hessian = self._gradient_and_hessian(loss)
        return loss, self.param_groups

    def _gradient_and_hessian(self, loss):
        """Gradient ``(n,)`` and Hessian ``(n, n)`` of ``loss`` in the flattened
        parameters: one backward pass through the gradient's graph per entry."""
        params = self.params
        grads = autograd_grad(loss, params, create_graph=True, materialize_grads=True)
        g = np.concatenate([gi.data.ravel() for gi in grads])
        n = g.size
        H = np.empty((n, n), dtype=g.dtype)
        offsets = np.cumsum([0] + [p.data.size for p in params])
        for j in range(n):
            seeds = [np.zeros(p.data.shape, dtype=g.dtype) for p in params]
            k = np.searchsorted(offsets, j, side="right") - 1
            seeds[k].flat[j - offsets[k]] = 1.0
            row = autograd_grad(grads, params, grad_outputs=seeds, materialize_grads=True)
            H[j] = np.concatenate([r.ravel() for r in row])
        return g, (H + H.T) / 2      # symmetric up to rounding; make it exactly so

    def _moved(self, group):
        return group["params"]          # the joint step moves every parameter

    def _update(self, group, index=0):
        """One joint step for all parameters: the rule works on the flat vector."""
        params = group["params"]
        phi = np.concatenate([p.data.ravel() for p in params])
        new = rules.newton(phi, self._gradient, self.last_hessian, lr=group["lr"])
        start = 0
        for p in params:
            size = p.data.size
            state = self._state(p, group)
            state["t"] += 1
            state["g"] = self._gradient[start:start + size].reshape(p.data.shape)
            p.data[...] = new[start:start + size].reshape(p.data.shape)
            start += size

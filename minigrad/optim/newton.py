"""Newton's method with the engine's Hessian (the chapter's notes, "Beyond gradient descent").

The Hessian comes from double backward: the gradient is built with
``create_graph=True`` and each of its entries is differentiated once more.
No derivative is written here.
"""

from __future__ import annotations

import numpy as np

from ..autograd import grad as autograd_grad
from .optimizer import Optimizer


def newton_update(phi, g, H, *, lr=1.0):
    """Newton step: solve ``H d = g`` and set ``phi <- phi - alpha*d`` (flat vectors).

    ``H`` is the Hessian (eq. 6.19).  When ``H`` is singular the least-squares
    (pseudo-inverse) solution is used.

    >>> import numpy as np
    >>> newton_update(np.array([3.0]), np.array([4.0]), np.array([[2.0]]))   # x**2 + x at 3
    array([1.])
    """
    try:
        d = np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        d = np.linalg.lstsq(H, g, rcond=None)[0]
    return phi - lr * d


def hessian_of_loss(loss, params):
    """Gradient and Hessian of ``loss`` with respect to the flattened ``params``.

    ``loss`` must still hold its graph (a closure's loss does).  Returns
    ``(g, H)`` with ``g`` of shape ``(n,)`` and ``H`` of shape ``(n, n)``,
    ``n`` the total number of parameter entries: one backward pass per entry.
    """
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


class Newton(Optimizer):
    """Newton's method: ``phi <- phi - lr * H^-1 g`` over all parameters jointly.

    Needs ``step(closure)``: the closure's loss (still holding its graph) is
    differentiated twice.  ``opt.last_hessian`` keeps the last Hessian.

    Newton's method looks for a point where the gradient vanishes, using the
    local quadratic model.  Where the Hessian is not positive definite that
    model has no minimum, and the step walks towards a **maximum or a saddle
    point** just as readily as to a minimum - check with
    ``mg.optim.classify_critical_point``.  The cost is one backward pass per
    parameter entry and an ``n x n`` solve: fine for the chapter's
    two-parameter models, hopeless for a network.

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

    needs_closure = True

    def __init__(self, params, lr=1.0):
        super().__init__(params, lr=lr)
        self.last_hessian = None

    def step(self, closure=None):
        self._require_closure(closure)
        loss = self._evaluate(closure)
        g, H = hessian_of_loss(loss, self.params)
        phi = np.concatenate([p.data.ravel() for p in self.params])
        new = newton_update(phi, g, H, lr=self.lr)
        start = 0
        for p, state in zip(self.params, self.state):
            size = p.data.size
            p.data[...] = new[start:start + size].reshape(p.data.shape)
            state["g"] = g[start:start + size].reshape(p.data.shape)
            start += size
        self.last_hessian = H
        self.steps += 1
        return loss

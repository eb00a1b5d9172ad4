"""Every update rule of chapter 6 as a pure function on NumPy arrays.

Each rule takes the parameter ``phi``, its gradient ``g`` and the state arrays
the method carries between steps, and returns the new ``phi`` followed by the
new state, in the order it took them::

    phi, m = rules.momentum(phi, g, m, lr=0.1, beta=0.9)       # eq. 6.11

A rule **returns new arrays and writes into nothing**: not into ``phi``, not
into ``g``, not into its state.  So a rule can be tried on any arrays, and a
gradient array shared with something else is safe.  The optimizer classes
(``mg.optim.Adam`` ...) keep the state and write the result into the
parameters; a class that needs speed may work in place itself, but then it
must give the rule's numbers (tests/optim/test_optimizers.py checks Adam's).

Names: ``lr`` is the learning rate, the book's alpha, in every rule; ``beta``
and ``gamma`` are the book's averaging constants (PyTorch's ``betas``).  The
only argument called ``alpha`` is RMSprop's: PyTorch's name for its averaging
constant, never a learning rate.  Rules named after a PyTorch optimizer follow
its documented algorithm (and match ``torch.optim`` step for step, see
tests/optim/test_torch_oracle.py).

>>> import numpy as np
>>> from minigrad.optim import rules
>>> rules.gd(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1)
array([0.95, 2.1 ])
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "gd", "momentum", "nesterov_lookahead", "nesterov", "normalized_gd", "sgd",
    "adam", "amsgrad", "adamw", "nadam", "radam", "adagrad", "rmsprop", "adadelta",
    "l2_gradient", "decoupled_weight_decay", "newton",
]


# ------------------------------------------------------- the book's methods
def gd(phi, g, *, lr):
    """Gradient descent, eq. 6.3: ``phi <- phi - lr * g``.

    With ``g`` the gradient of a minibatch's loss this is stochastic gradient
    descent, eq. 6.10.

    >>> import numpy as np
    >>> gd(np.array([3.0]), np.array([2.0]), lr=0.25)
    array([2.5])
    """
    return phi - lr * g


def momentum(phi, g, m, *, lr, beta):
    """Momentum, eq. 6.11 (the book averages): ``m <- beta*m + (1-beta)*g``,
    ``phi <- phi - lr*m``.  Returns ``(phi, m)``.

    >>> import numpy as np
    >>> momentum(np.array([1.0]), np.array([2.0]), np.array([0.0]), lr=0.1, beta=0.9)
    (array([0.98]), array([0.2]))
    """
    m = beta * m + (1 - beta) * g
    return phi - lr * m, m


def nesterov_lookahead(phi, m, *, lr, beta):
    """Eq. 6.12, where Nesterov measures the gradient: ``phi - lr*beta*m``."""
    return phi - lr * beta * m


def nesterov(phi, g_ahead, m, *, lr, beta):
    """Nesterov momentum, eq. 6.12: ``m <- beta*m + (1-beta)*g_ahead``,
    ``phi <- phi - lr*m``, where ``g_ahead`` is the gradient at
    [`nesterov_lookahead()`][minigrad.optim.rules.nesterov_lookahead].  Returns ``(phi, m)``.
    """
    m = beta * m + (1 - beta) * g_ahead
    return phi - lr * m, m


def normalized_gd(phi, g, *, lr, eps):
    """Normalized gradients, eqs. 6.13-6.14: ``m = g``, ``v = g**2``,
    ``phi <- phi - lr*m/(sqrt(v) + eps)``: each coordinate moves ``lr`` downhill.
    """
    m = g
    v = g ** 2
    return phi - lr * m / (np.sqrt(v) + eps)


def adam(phi, g, m, v, *, t, lr, beta, gamma, eps, eps_inside_sqrt=False):
    """Adam, eqs. 6.15-6.17, at step ``t`` (1, 2, ...).  Returns ``(phi, m, v)``.

    Eq. 6.15: ``m <- beta*m + (1-beta)*g``, ``v <- gamma*v + (1-gamma)*g**2``;
    eq. 6.16: ``m_hat = m/(1-beta**t)``, ``v_hat = v/(1-gamma**t)``;
    eq. 6.17: ``phi <- phi - lr*m_hat/sqrt(v_hat + eps)`` (``eps_inside_sqrt``, the
    book's form) or ``phi - lr*m_hat/(sqrt(v_hat) + eps)`` (PyTorch's, the default).

    >>> import numpy as np
    >>> adam(np.array([1.0]), np.array([-3.0]), np.array([0.0]), np.array([0.0]),
    ...      t=1, lr=0.1, beta=0.9, gamma=0.999, eps=0.0)     # first step: lr * sign(g)
    (array([1.1]), array([-0.3]), array([0.009]))
    """
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    m_hat = m / (1 - beta ** t)
    v_hat = v / (1 - gamma ** t)
    if eps_inside_sqrt:
        return phi - lr * m_hat / np.sqrt(v_hat + eps), m, v
    return phi - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


# ------------------------------------------------- from the chapter's notes
def amsgrad(phi, g, m, v, v_max, *, t, lr, beta, gamma, eps, eps_inside_sqrt=False):
    """AMSGrad (Reddi et al. 2018) as PyTorch's ``Adam(amsgrad=True)``: Adam whose
    denominator uses the running maximum of ``v``, so no step grows because a
    large gradient was forgotten.  ``v_max <- max(v_max, v)`` and eq. 6.17 with
    ``v_hat = v_max/(1-gamma**t)``.  Returns ``(phi, m, v, v_max)``.
    """
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    v_max = np.maximum(v_max, v)
    m_hat = m / (1 - beta ** t)
    v_hat = v_max / (1 - gamma ** t)
    if eps_inside_sqrt:
        return phi - lr * m_hat / np.sqrt(v_hat + eps), m, v, v_max
    return phi - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, v_max


def adamw(phi, g, m, v, *, t, lr, beta, gamma, eps, weight_decay):
    """AdamW (Loshchilov & Hutter 2019): decay the weights directly,
    ``phi <- phi*(1 - lr*weight_decay)``, then take Adam's step (eqs. 6.15-6.17)
    with the gradient of the loss alone.  Returns ``(phi, m, v)``.
    """
    phi = decoupled_weight_decay(phi, lr=lr, weight_decay=weight_decay)
    return adam(phi, g, m, v, t=t, lr=lr, beta=beta, gamma=gamma, eps=eps)


def nadam(phi, g, m, v, mu_product, *, t, lr, beta, gamma, eps, momentum_decay):
    """NAdam (Dozat 2016) as PyTorch: Adam with a Nesterov look-ahead in the momentum.

    ``mu_t = beta*(1 - 0.5*0.96**(t*momentum_decay))`` warms the momentum up;
    with ``P_t = mu_1*...*mu_t`` (``mu_product``) the step mixes this gradient
    and the next step's momentum:
    ``phi <- phi - lr*[(1-mu_t)/(1-P_t)*g + mu_{t+1}/(1-P_t*mu_{t+1})*m]/(sqrt(v_hat)+eps)``.
    Returns ``(phi, m, v, mu_product)``; ``mu_product`` is a number (1 before step 1).
    """
    mu = beta * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    mu_product = mu_product * mu
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    denominator = np.sqrt(v / (1 - gamma ** t)) + eps
    phi = phi - lr * (1 - mu) / (1 - mu_product) * g / denominator
    phi = phi - lr * mu_next / (1 - mu_product * mu_next) * m / denominator
    return phi, m, v, mu_product


def radam(phi, g, m, v, *, t, lr, beta, gamma, eps):
    """RAdam (Liu et al. 2020) as PyTorch: Adam whose adaptive step is used only
    once the variance of ``v_hat`` is tractable (``rho_t > 5``), scaled by the
    rectification ``r_t``; before that, momentum with the bias-corrected ``m``.
    Returns ``(phi, m, v)``.
    """
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    m_hat = m / (1 - beta ** t)
    rho_inf = 2 / (1 - gamma) - 1
    rho_t = rho_inf - 2 * t * gamma ** t / (1 - gamma ** t)
    if rho_t <= 5:
        return phi - lr * m_hat, m, v
    r_t = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    adaptive = np.sqrt(1 - gamma ** t) / (np.sqrt(v) + eps)
    return phi - lr * m_hat * adaptive * r_t, m, v


def adagrad(phi, g, s, *, t, lr, lr_decay, eps):
    """AdaGrad (Duchi et al. 2011): divide by the root of the *sum* of squared
    gradients, ``s <- s + g**2``, ``phi <- phi - lr_t*g/(sqrt(s) + eps)`` with
    ``lr_t = lr/(1 + (t-1)*lr_decay)``.  Returns ``(phi, s)``.
    """
    s = s + g ** 2
    lr_t = lr / (1 + (t - 1) * lr_decay)
    return phi - lr_t * g / (np.sqrt(s) + eps), s


def rmsprop(phi, g, v, g_avg, b, *, lr, alpha, eps, momentum=0, centered=False):
    """RMSProp (Tieleman & Hinton 2012) with PyTorch's options.

    A moving average of squared gradients, ``v <- alpha*v + (1-alpha)*g**2``
    (eq. 6.15's ``v`` with ``alpha`` for gamma, without bias correction), and the
    step ``d = g/(sqrt(v) + eps)``, ``phi <- phi - lr*d``.  ``alpha`` is PyTorch's
    name for this averaging constant; it is never the learning rate.
    ``centered``: also average ``g_avg <- alpha*g_avg + (1-alpha)*g`` and use
    ``v - g_avg**2`` (a variance) under the root.  ``momentum`` ``mu > 0``: step
    along ``b <- mu*b + d`` instead of ``d``.  ``g_avg`` and ``b`` are None when
    their option is off.  Returns ``(phi, v, g_avg, b)``.
    """
    v = alpha * v + (1 - alpha) * g ** 2
    if centered:
        g_avg = alpha * g_avg + (1 - alpha) * g
        d = g / (np.sqrt(v - g_avg ** 2) + eps)
    else:
        d = g / (np.sqrt(v) + eps)
    if momentum > 0:
        b = momentum * b + d
        d = b
    return phi - lr * d, v, g_avg, b


def adadelta(phi, g, v, u, *, lr, rho, eps):
    """AdaDelta (Zeiler 2012): step ``d = g*sqrt(u + eps)/sqrt(v + eps)``, where
    ``v`` averages squared gradients and ``u`` squared steps, so that ``d`` has
    the units of ``phi``; ``phi <- phi - lr*d``.  Returns ``(phi, v, u)``.
    """
    v = rho * v + (1 - rho) * g ** 2
    d = np.sqrt(u + eps) / np.sqrt(v + eps) * g
    u = rho * u + (1 - rho) * d ** 2
    return phi - lr * d, v, u


# ------------------------------------------------------------ PyTorch's SGD
def sgd(phi, g, b, *, lr, momentum, dampening, nesterov):
    """``torch.optim.SGD``'s step (eq. 6.10 when ``momentum`` is 0).

    With ``momentum`` ``mu``: ``b <- g`` on the first step (``b`` is None), then
    ``b <- mu*b + (1-dampening)*g``; the step is along ``b``, or along
    ``g + mu*b`` with ``nesterov``.  PyTorch's buffer *sums* where the book's
    ``m`` averages: ``momentum(lr, beta)`` equals ``sgd(lr*(1-beta), momentum=beta)``
    (docs/optim.md proves it).  Returns ``(phi, b)``.
    """
    if momentum == 0:
        return phi - lr * g, b
    b = g.copy() if b is None else momentum * b + (1 - dampening) * g
    d = g + momentum * b if nesterov else b
    return phi - lr * d, b


def l2_gradient(phi, g, *, weight_decay):
    """The gradient with an L2 penalty added: ``g + weight_decay*phi``.

    It is the gradient of ``L + weight_decay/2 * |phi|**2`` (L2 regularization,
    the book's section 9.1), which is what PyTorch's ``weight_decay`` argument
    does for every optimizer but AdamW.
    """
    return g + weight_decay * phi


def decoupled_weight_decay(phi, *, lr, weight_decay):
    """Weight decay applied to the parameter itself, before the step:
    ``phi * (1 - lr*weight_decay)`` (Loshchilov & Hutter 2019).  AdamW does this,
    and PyTorch's ``decoupled_weight_decay=True`` makes Adam, NAdam and RAdam do it.

    >>> import numpy as np
    >>> decoupled_weight_decay(np.array([2.0]), lr=0.1, weight_decay=0.5)
    array([1.9])
    """
    return phi * (1 - lr * weight_decay)


# ------------------------------------------------------------------ Newton
def newton(phi, g, H, *, lr=1.0):
    """Newton's step (the chapter's notes, eq. 6.19's Hessian ``H``): solve
    ``H d = g``, then ``phi <- phi - lr*d``; ``phi`` and ``g`` are flat vectors.
    When ``H`` is singular the least-squares (pseudo-inverse) solution is used.

    >>> import numpy as np
    >>> newton(np.array([3.0]), np.array([7.0]), np.array([[2.0]]))   # x**2 + x at 3
    array([-0.5])
    """
    try:
        d = np.linalg.solve(H, g)
    except np.linalg.LinAlgError:
        d = np.linalg.lstsq(H, g, rcond=None)[0]
    return phi - lr * d

"""Adaptive methods: Adam (eqs. 6.15-6.17) and its relatives from the chapter's notes.

``Adam``, ``AdamW``, ``NAdam``, ``RAdam``, ``Adagrad``, ``RMSprop`` and
``Adadelta`` carry PyTorch's names, defaults and behaviour.  ``AMSGrad`` is
its own class (PyTorch spells it ``Adam(amsgrad=True)``).

Adam's epsilon: eq. 6.17 divides by ``sqrt(v_hat + eps)`` - epsilon *inside*
the square root - while PyTorch, TensorFlow, JAX/optax and the original paper
divide by ``sqrt(v_hat) + eps``.  ``Adam`` uses the usual form by default and
the book's with ``eps_inside_sqrt=True``.  The two differ only when ``v_hat``
is tiny, i.e. for coordinates whose gradients are almost zero.
"""

from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, state_or_zeros


# ------------------------------------------------------------ update rules
def adam_update(phi, g, m, v, t, *, lr, beta, gamma, eps, eps_inside_sqrt=False):
    """Adam, eqs. 6.15-6.17; ``t`` is the number of this step (1, 2, ...).

    Eq. 6.15: ``m <- beta*m + (1-beta)*g``, ``v <- gamma*v + (1-gamma)*g**2``;
    eq. 6.16: ``m_hat = m/(1-beta**t)``, ``v_hat = v/(1-gamma**t)``;
    eq. 6.17: ``phi <- phi - alpha*m_hat/sqrt(v_hat + eps)`` with ``eps_inside_sqrt``,
    else the usual ``phi - alpha*m_hat/(sqrt(v_hat) + eps)``.  Returns ``(phi, m, v)``,
    all three updated in place (the optimizer owns them, as in PyTorch).
    """
    # The arithmetic is arranged to make few passes over the arrays and few
    # temporaries (they dominate a large model's step); the numbers are the
    # equations'.  m and v are the optimizer's own arrays: updated in place.
    m *= beta
    m += (1 - beta) * g                         # eq. 6.15
    v *= gamma
    v += (1 - gamma) * (g * g)
    v_hat = v / (1 - gamma ** t)                # eq. 6.16 (m_hat is folded below)
    if eps_inside_sqrt:
        v_hat += eps
        denominator = np.sqrt(v_hat, out=v_hat)
    else:
        denominator = np.sqrt(v_hat, out=v_hat)
        denominator += eps
    step = m / denominator
    step *= lr / (1 - beta ** t)                # alpha * m_hat / denominator, eq. 6.17
    phi -= step
    return phi, m, v


def amsgrad_update(phi, g, m, v, v_max, t, *, lr, beta, gamma, eps):
    """AMSGrad (Reddi et al. 2018), PyTorch's variant: Adam whose denominator uses the
    running maximum of ``v`` (so the effective step never grows), bias corrected.

    ``v_max <- max(v_max, v)``; ``phi <- phi - alpha*m_hat/(sqrt(v_max/(1-gamma**t)) + eps)``.
    Returns ``(phi, m, v, v_max)``.
    """
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    v_max = np.maximum(v_max, v)
    m_hat = m / (1 - beta ** t)
    return phi - lr * m_hat / (np.sqrt(v_max / (1 - gamma ** t)) + eps), m, v, v_max


def adamw_update(phi, g, m, v, t, *, lr, beta, gamma, eps, weight_decay):
    """AdamW (Loshchilov & Hutter 2019): decay the weights directly,
    ``phi <- phi*(1 - alpha*lambda)``, then take the Adam step (eqs. 6.15-6.17) with
    the gradient of the loss alone.  Returns ``(phi, m, v)``.
    """
    phi = phi * (1 - lr * weight_decay)
    return adam_update(phi, g, m, v, t, lr=lr, beta=beta, gamma=gamma, eps=eps)


def nadam_update(phi, g, m, v, mu_product, t, *, lr, beta, gamma, eps, momentum_decay):
    """NAdam (Dozat 2016), as PyTorch: Adam with a Nesterov look-ahead in the momentum.

    ``mu_t = beta*(1 - 0.5*0.96**(t*psi))`` is a warmed-up momentum coefficient;
    the step mixes the current gradient and the next step's momentum:
    ``phi <- phi - alpha*[(1-mu_t)/(1-P_t)*g + mu_{t+1}/(1-P_t*mu_{t+1})*m]/(sqrt(v_hat)+eps)``
    with ``P_t = mu_1*...*mu_t``.
    Returns ``(phi, m, v, mu_product)``.
    """
    mu = beta * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    mu_product = mu_product * mu
    m = beta * m + (1 - beta) * g
    v = gamma * v + (1 - gamma) * g ** 2
    denom = np.sqrt(v / (1 - gamma ** t)) + eps
    phi = phi - lr * (1 - mu) / (1 - mu_product) * g / denom
    phi = phi - lr * mu_next / (1 - mu_product * mu_next) * m / denom
    return phi, m, v, mu_product


def radam_update(phi, g, m, v, t, *, lr, beta, gamma, eps):
    """RAdam (Liu et al. 2020), as PyTorch: Adam whose adaptive step is switched on only
    once the variance of ``v_hat`` is tractable (``rho_t > 5``) and then rectified by
    ``r_t``; before that, momentum SGD with the bias-corrected ``m``.
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


def adagrad_update(phi, g, s, t, *, lr, lr_decay, eps):
    """AdaGrad (Duchi et al. 2011): divide by the root of the *sum* of squared gradients,
    ``s <- s + g**2``, ``phi <- phi - alpha_t*g/(sqrt(s) + eps)``, with
    ``alpha_t = alpha/(1 + (t-1)*lr_decay)``.  Returns ``(phi, s)``.
    """
    s = s + g ** 2
    lr_t = lr / (1 + (t - 1) * lr_decay)
    return phi - lr_t * g / (np.sqrt(s) + eps), s


def rmsprop_update(phi, g, v, *, lr, alpha, eps):
    """RMSProp (Tieleman & Hinton 2012): a *moving average* of squared gradients,
    ``v <- alpha*v + (1-alpha)*g**2``, ``phi <- phi - lr*g/(sqrt(v) + eps)``:
    eq. 6.15's ``v`` without bias correction, and no momentum on ``g``.
    Returns ``(phi, v)``.
    """
    v = alpha * v + (1 - alpha) * g ** 2
    return phi - lr * g / (np.sqrt(v) + eps), v


def adadelta_update(phi, g, v, u, *, lr, rho, eps):
    """AdaDelta (Zeiler 2012): the step is ``g*sqrt(u + eps)/sqrt(v + eps)`` where ``v``
    averages squared gradients and ``u`` squared steps, so the units match those of
    ``phi``.  Returns ``(phi, v, u)``.
    """
    v = rho * v + (1 - rho) * g ** 2
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
    u = rho * u + (1 - rho) * delta ** 2
    return phi - lr * delta, v, u


def _l2(g, phi, weight_decay):
    """Coupled weight decay (L2 regularization in the gradient), as PyTorch's ``weight_decay``."""
    return g + weight_decay * phi if weight_decay != 0 else g


def _check(name, lr, eps=0.0, betas=(0.0, 0.0)):
    if lr < 0 or eps < 0:
        raise ValueError(f"{name}: lr and eps must be >= 0, got lr={lr}, eps={eps}")
    for b in betas:
        if not 0 <= b < 1:
            raise ValueError(f"{name}: betas must be in [0, 1), got {betas}")


# ----------------------------------------------------------------- classes
class Adam(Optimizer):
    """Adam, eqs. 6.15-6.17, with bias correction; ``betas=(beta, gamma)``.

    Same defaults and iterates as ``torch.optim.Adam`` (``weight_decay`` adds
    ``wd*phi`` to the gradient, PyTorch's coupled L2).  ``eps_inside_sqrt=True``
    gives the book's eq. 6.17 exactly: ``sqrt(v_hat + eps)`` instead of
    ``sqrt(v_hat) + eps``.  State: ``m``, ``v`` and the step count ``t``.

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = mg.optim.Adam(phi, lr=0.1)
    >>> (phi * phi * [1.0, 100.0]).sum().backward(); _ = opt.step()
    >>> phi.data.round(6)       # the first step is lr along each coordinate's sign
    array([ 0.9, -0.9])
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 eps_inside_sqrt=False):
        _check(type(self).__name__, lr, eps, betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps,
                         weight_decay=weight_decay, eps_inside_sqrt=eps_inside_sqrt)

    def update(self, phi, g, state):
        beta, gamma = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m, v = state_or_zeros(state, "m", phi), state_or_zeros(state, "v", phi)
        g = _l2(g, phi, self.weight_decay)
        phi, state["m"], state["v"] = adam_update(
            phi, g, m, v, t, lr=self.lr, beta=beta, gamma=gamma, eps=self.eps,
            eps_inside_sqrt=self.eps_inside_sqrt)
        return phi


class AMSGrad(Optimizer):
    """AMSGrad: Adam with the running maximum of ``v`` in the denominator.

    Equals ``torch.optim.Adam(..., amsgrad=True)``.  State: ``m``, ``v``, ``v_max``, ``t``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        _check("AMSGrad", lr, eps, betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)

    def update(self, phi, g, state):
        beta, gamma = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m, v, v_max = (state_or_zeros(state, k, phi) for k in ("m", "v", "v_max"))
        g = _l2(g, phi, self.weight_decay)
        phi, state["m"], state["v"], state["v_max"] = amsgrad_update(
            phi, g, m, v, v_max, t, lr=self.lr, beta=beta, gamma=gamma, eps=self.eps)
        return phi


class AdamW(Optimizer):
    """AdamW: Adam with decoupled weight decay, as ``torch.optim.AdamW`` (default 0.01)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        _check("AdamW", lr, eps, betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)

    def update(self, phi, g, state):
        beta, gamma = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m, v = state_or_zeros(state, "m", phi), state_or_zeros(state, "v", phi)
        phi, state["m"], state["v"] = adamw_update(
            phi, g, m, v, t, lr=self.lr, beta=beta, gamma=gamma, eps=self.eps,
            weight_decay=self.weight_decay)
        return phi


class NAdam(Optimizer):
    """NAdam as ``torch.optim.NAdam`` (lr 2e-3, momentum_decay 4e-3, coupled weight decay)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3):
        _check("NAdam", lr, eps, betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps,
                         weight_decay=weight_decay, momentum_decay=momentum_decay)

    def update(self, phi, g, state):
        beta, gamma = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m, v = state_or_zeros(state, "m", phi), state_or_zeros(state, "v", phi)
        g = _l2(g, phi, self.weight_decay)
        phi, state["m"], state["v"], state["mu_product"] = nadam_update(
            phi, g, m, v, state.get("mu_product", 1.0), t, lr=self.lr, beta=beta,
            gamma=gamma, eps=self.eps, momentum_decay=self.momentum_decay)
        return phi


class RAdam(Optimizer):
    """RAdam as ``torch.optim.RAdam`` (rectified Adam, coupled weight decay)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        _check("RAdam", lr, eps, betas)
        super().__init__(params, lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay)

    def update(self, phi, g, state):
        beta, gamma = self.betas
        t = state["t"] = state.get("t", 0) + 1
        m, v = state_or_zeros(state, "m", phi), state_or_zeros(state, "v", phi)
        g = _l2(g, phi, self.weight_decay)
        phi, state["m"], state["v"] = radam_update(
            phi, g, m, v, t, lr=self.lr, beta=beta, gamma=gamma, eps=self.eps)
        return phi


class Adagrad(Optimizer):
    """AdaGrad as ``torch.optim.Adagrad`` (lr 1e-2, eps 1e-10). State: ``sum``, ``t``."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10):
        _check("Adagrad", lr, eps)
        super().__init__(params, lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value, eps=eps)

    def update(self, phi, g, state):
        t = state["t"] = state.get("t", 0) + 1
        s = state.get("sum")
        if s is None:
            s = np.full_like(phi, self.initial_accumulator_value)
        g = _l2(g, phi, self.weight_decay)
        phi, state["sum"] = adagrad_update(phi, g, s, t, lr=self.lr, lr_decay=self.lr_decay,
                                           eps=self.eps)
        return phi


def rmsprop_torch_update(phi, g, v, g_avg, b, *, lr, alpha, eps, momentum, centered):
    """PyTorch's RMSprop with its options: ``centered`` subtracts the squared mean
    gradient from ``v`` (a variance estimate); ``momentum`` accumulates the scaled
    step ``b <- mu*b + g/(sqrt(v)+eps)``.  With neither it is :func:`rmsprop_update`.
    Returns ``(phi, v, g_avg, b)``.
    """
    v = alpha * v + (1 - alpha) * g ** 2
    if centered:
        g_avg = alpha * g_avg + (1 - alpha) * g
        denom = np.sqrt(v - g_avg ** 2) + eps
    else:
        denom = np.sqrt(v) + eps
    if momentum > 0:
        b = momentum * b + g / denom
        return phi - lr * b, v, g_avg, b
    return phi - lr * g / denom, v, g_avg, b


class RMSprop(Optimizer):
    """RMSProp as ``torch.optim.RMSprop`` (lr 1e-2, alpha 0.99, eps 1e-8).

    ``momentum`` and ``centered`` are PyTorch's options (see :func:`rmsprop_torch_update`).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False):
        _check("RMSprop", lr, eps)
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                         momentum=momentum, centered=centered)

    def update(self, phi, g, state):
        h = self.hyper
        g = _l2(g, phi, h["weight_decay"])
        if not h["centered"] and h["momentum"] == 0:
            phi, state["v"] = rmsprop_update(phi, g, state_or_zeros(state, "v", phi), lr=h["lr"],
                                             alpha=h["alpha"], eps=h["eps"])
            return phi
        phi, state["v"], g_avg, b = rmsprop_torch_update(
            phi, g, state_or_zeros(state, "v", phi), state_or_zeros(state, "g_avg", phi),
            state_or_zeros(state, "momentum_buffer", phi), lr=h["lr"], alpha=h["alpha"],
            eps=h["eps"], momentum=h["momentum"], centered=h["centered"])
        if h["centered"]:
            state["g_avg"] = g_avg
        if h["momentum"] > 0:
            state["momentum_buffer"] = b
        return phi


class Adadelta(Optimizer):
    """AdaDelta as ``torch.optim.Adadelta`` (lr 1.0, rho 0.9, eps 1e-6). State: ``v``, ``u``."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
        _check("Adadelta", lr, eps)
        super().__init__(params, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)

    def update(self, phi, g, state):
        g = _l2(g, phi, self.weight_decay)
        phi, state["v"], state["u"] = adadelta_update(
            phi, g, state_or_zeros(state, "v", phi), state_or_zeros(state, "u", phi),
            lr=self.lr, rho=self.rho, eps=self.eps)
        return phi

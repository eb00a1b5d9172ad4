"""Adaptive methods: Adam (eqs. 6.15-6.17) and its relatives from the chapter's notes.

``Adam``, ``AdamW``, ``NAdam``, ``RAdam``, ``Adagrad``, ``RMSprop`` and
``Adadelta`` carry PyTorch's names, arguments, defaults and iterates.
``AMSGrad`` is the notes' name for PyTorch's ``Adam(amsgrad=True)``.

Adam's epsilon: eq. 6.17 divides by ``sqrt(v_hat + eps)`` - epsilon *inside*
the square root - while PyTorch, TensorFlow, JAX/optax and the original paper
divide by ``sqrt(v_hat) + eps``.  ``Adam`` uses the usual form by default and
the book's with ``eps_inside_sqrt=True``.  The two differ only when ``v_hat``
is tiny, i.e. for coordinates whose gradients are almost zero.
"""

from __future__ import annotations

import numpy as np

from . import rules
from .optimizer import Optimizer


def _check(name, lr, eps=0.0, betas=(0.0, 0.0)):
    if lr < 0 or eps < 0:
        raise ValueError(f"{name}: lr and eps must be >= 0, got lr={lr}, eps={eps}")
    for b in betas:
        if not 0 <= b < 1:
            raise ValueError(f"{name}: betas must be in [0, 1), got {betas}")


class Adam(Optimizer):
    """Adam, eqs. 6.15-6.17, with bias correction; ``betas=(beta, gamma)`` (``rules.adam``).

    Same arguments, defaults and iterates as ``torch.optim.Adam``:
    ``weight_decay`` adds ``weight_decay*phi`` to the gradient (PyTorch's coupled
    L2) and ``amsgrad=True`` applies ``rules.amsgrad`` (see :class:`AMSGrad`).
    ``eps_inside_sqrt=True`` gives the book's eq. 6.17 exactly:
    ``sqrt(v_hat + eps)`` instead of ``sqrt(v_hat) + eps``.
    State: ``t``, ``m``, ``v`` (and ``v_max`` with amsgrad).

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = mg.optim.Adam(phi, lr=0.1)
    >>> (phi * phi * [1.0, 100.0]).sum().backward(); _ = opt.step()
    >>> phi.data.round(6)       # the first step is lr along each coordinate's sign
    array([ 0.9, -0.9])
    """

    rule = staticmethod(rules.adam)
    l2_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, eps_inside_sqrt=False):
        _check(type(self).__name__, lr, eps, betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      eps_inside_sqrt=eps_inside_sqrt))

    def rule_for(self, group):
        return rules.amsgrad if group["amsgrad"] else rules.adam

    @staticmethod
    def in_place(phi, g, m, v, *, t, lr, beta, gamma, eps, eps_inside_sqrt=False):
        """``rules.adam`` computed in place in ``phi``, ``m`` and ``v``.

        The same operations in the same order as the rule, so the same bits
        (tested), with two temporaries instead of about ten: for a network's
        large arrays the temporaries, not the arithmetic, dominate the step
        (benchmarks/README.md).
        """
        m *= beta
        m += (1 - beta) * g                         # eq. 6.15
        v *= gamma
        v += (1 - gamma) * g ** 2
        step = m / (1 - beta ** t)                  # m_hat, eq. 6.16
        v_hat = v / (1 - gamma ** t)
        if eps_inside_sqrt:
            v_hat += eps
            denominator = np.sqrt(v_hat, out=v_hat)
        else:
            denominator = np.sqrt(v_hat, out=v_hat)
            denominator += eps
        step *= lr                                  # lr * m_hat / denominator, eq. 6.17
        step /= denominator
        phi -= step


class AMSGrad(Adam):
    """AMSGrad (the notes): ``Adam`` with the running maximum ``v_max`` of ``v`` in the
    denominator (``rules.amsgrad``); PyTorch spells it ``Adam(amsgrad=True)``.
    State: ``t``, ``m``, ``v``, ``v_max``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
                 eps_inside_sqrt=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=True,
                         eps_inside_sqrt=eps_inside_sqrt)


class AdamW(Optimizer):
    """AdamW: Adam with decoupled weight decay (``rules.adamw``), as ``torch.optim.AdamW``
    (``weight_decay`` defaults to 0.01)."""

    rule = staticmethod(rules.adamw)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2):
        _check("AdamW", lr, eps, betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay))


class NAdam(Optimizer):
    """NAdam as ``torch.optim.NAdam`` (``rules.nadam``; lr 2e-3, momentum_decay 4e-3,
    coupled weight decay).  State: ``t``, ``m``, ``v``, ``mu_product``."""

    rule = staticmethod(rules.nadam)
    l2_weight_decay = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3):
        _check("NAdam", lr, eps, betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay))

    def init_state(self, phi, group):
        return {"m": np.zeros_like(phi), "v": np.zeros_like(phi), "mu_product": 1.0}


class RAdam(Optimizer):
    """RAdam as ``torch.optim.RAdam`` (``rules.radam``; rectified Adam, coupled weight
    decay)."""

    rule = staticmethod(rules.radam)
    l2_weight_decay = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        _check("RAdam", lr, eps, betas)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay))


class Adagrad(Optimizer):
    """AdaGrad as ``torch.optim.Adagrad`` (``rules.adagrad``; lr 1e-2, eps 1e-10).
    State: ``t`` and the sum of squared gradients ``s``, which starts at
    ``initial_accumulator_value``."""

    rule = staticmethod(rules.adagrad)
    l2_weight_decay = True

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10):
        _check("Adagrad", lr, eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps))

    def init_state(self, phi, group):
        return {"s": np.full_like(phi, group["initial_accumulator_value"])}


class RMSprop(Optimizer):
    """RMSProp as ``torch.optim.RMSprop`` (``rules.rmsprop``; lr 1e-2, alpha 0.99, eps 1e-8).

    ``alpha`` is PyTorch's name for the averaging constant of the squared
    gradients, not a learning rate.  ``momentum`` and ``centered`` are
    PyTorch's options.  State: ``t``, ``v``, and ``g_avg`` (centered) and ``b``
    (momentum) when their option is on.
    """

    rule = staticmethod(rules.rmsprop)
    l2_weight_decay = True

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False):
        _check("RMSprop", lr, eps)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    def init_state(self, phi, group):
        return {"v": np.zeros_like(phi),
                "g_avg": np.zeros_like(phi) if group["centered"] else None,
                "b": np.zeros_like(phi) if group["momentum"] > 0 else None}


class Adadelta(Optimizer):
    """AdaDelta as ``torch.optim.Adadelta`` (``rules.adadelta``; lr 1.0, rho 0.9, eps 1e-6).
    State: ``t``, ``v``, ``u``."""

    rule = staticmethod(rules.adadelta)
    l2_weight_decay = True

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0):
        _check("Adadelta", lr, eps)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay))

"""Adaptive methods: Adam (eqs. 6.15-6.17) and its relatives from the chapter's notes.

``Adam``, ``AdamW``, ``NAdam``, ``RAdam``, ``Adagrad``, ``RMSprop`` and
``Adadelta`` carry PyTorch's names, arguments, defaults and iterates.
``AMSGrad`` is the notes' name for PyTorch's ``Adam(amsgrad=True)``.  Their
state has PyTorch's keys (``step``, ``exp_avg``, ``exp_avg_sq``, ...), so
``opt.state[p]`` and ``opt.state_dict()`` read as PyTorch's do; ``maximize``
climbs the loss, and ``foreach``, ``fused``, ``capturable`` and
``differentiable`` are accepted at their defaults only.

Adam's epsilon: eq. 6.17 divides by ``sqrt(v_hat + eps)`` - epsilon *inside*
the square root - while PyTorch, TensorFlow, JAX/optax and the original paper
divide by ``sqrt(v_hat) + eps``.  ``Adam`` uses the usual form by default and
the book's with ``eps_inside_sqrt=True``.  The two differ only when ``v_hat``
is tiny, i.e. for coordinates whose gradients are almost zero.
"""

from __future__ import annotations

import numpy as np

from . import rules
from .groups import check_torch_only
from .optimizer import Optimizer

#: PyTorch's keys for the state arrays of the Adam family (the rules use the book's).
ADAM_KEYS = {"m": "exp_avg", "v": "exp_avg_sq", "v_max": "max_exp_avg_sq"}


class _Torch(Optimizer):
    """What PyTorch's adaptive classes share: coupled (or decoupled) weight decay,
    a ``step`` count, and the checks of lr, eps, betas and weight_decay."""

    l2_weight_decay = True
    step_key = "step"

    def check_options(self, group, where):
        for name in ("lr", "eps", "weight_decay", "momentum", "lr_decay"):
            if group.get(name, 0) < 0:
                raise ValueError(f"{where}: {name} must be >= 0, got {group[name]}")
        for b in group.get("betas", ()):
            if not 0 <= b < 1:
                raise ValueError(f"{where}: betas must be in [0, 1), got {group['betas']}")
        for name in ("alpha", "rho"):
            if name in group and not 0 <= group[name] <= 1:
                raise ValueError(f"{where}: {name} must be in [0, 1], got {group[name]}")


class Adam(_Torch):
    """Adam, eqs. 6.15-6.17, with bias correction; ``betas=(beta, gamma)`` (``rules.adam``).

    Same arguments, defaults and iterates as ``torch.optim.Adam``:
    ``weight_decay`` adds ``weight_decay*phi`` to the gradient (PyTorch's coupled
    L2) or, with ``decoupled_weight_decay=True``, shrinks the parameters as
    [`AdamW`][minigrad.optim.adaptive.AdamW] does; ``amsgrad=True`` applies ``rules.amsgrad`` (see
    [`AMSGrad`][minigrad.optim.adaptive.AMSGrad]).  ``eps_inside_sqrt=True`` (not PyTorch's) gives
    the book's eq. 6.17 exactly: ``sqrt(v_hat + eps)`` instead of ``sqrt(v_hat) + eps``. State:
    ``step``, ``exp_avg`` (the book's ``m``), ``exp_avg_sq`` (``v``) and, with amsgrad,
    ``max_exp_avg_sq`` (``v_max``).

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = mg.optim.Adam(phi, lr=0.1)
    >>> (phi * phi * [1.0, 100.0]).sum().backward(); _ = opt.step()
    >>> phi.data.round(6)       # the first step is lr along each coordinate's sign
    array([ 0.9, -0.9])
    >>> sorted(opt.state[phi])
    ['exp_avg', 'exp_avg_sq', 'step']
    """

    rule = staticmethod(rules.adam)
    state_keys = ADAM_KEYS

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False,
                 eps_inside_sqrt=False):
        check_torch_only(type(self).__name__, dict(
            foreach=foreach, capturable=capturable, differentiable=differentiable,
            fused=fused))
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize,
                                      decoupled_weight_decay=decoupled_weight_decay,
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
    State: ``step``, ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq`` (PyTorch's keys).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
                 maximize=False, decoupled_weight_decay=False, eps_inside_sqrt=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=True,
                         maximize=maximize, decoupled_weight_decay=decoupled_weight_decay,
                         eps_inside_sqrt=eps_inside_sqrt)


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay
    (``rules.decoupled_weight_decay`` then ``rules.adam``, together ``rules.adamw``);
    ``weight_decay`` defaults to 0.01.  It is ``Adam(decoupled_weight_decay=True)``,
    as in PyTorch, so it takes ``amsgrad`` too.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None, eps_inside_sqrt=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True, eps_inside_sqrt=eps_inside_sqrt)


class NAdam(_Torch):
    """NAdam as ``torch.optim.NAdam`` (``rules.nadam``; lr 2e-3, momentum_decay 4e-3,
    coupled weight decay, or decoupled with ``decoupled_weight_decay=True``).
    State: ``step``, ``mu_product``, ``exp_avg``, ``exp_avg_sq``."""

    rule = staticmethod(rules.nadam)
    state_keys = ADAM_KEYS

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_torch_only("NAdam", dict(foreach=foreach, capturable=capturable,
                                       differentiable=differentiable))
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))

    def init_state(self, phi, group):
        return {"mu_product": 1.0, "exp_avg": np.zeros_like(phi),
                "exp_avg_sq": np.zeros_like(phi)}


class RAdam(_Torch):
    """RAdam as ``torch.optim.RAdam`` (``rules.radam``; rectified Adam, coupled weight
    decay, or decoupled with ``decoupled_weight_decay=True``).
    State: ``step``, ``exp_avg``, ``exp_avg_sq``."""

    rule = staticmethod(rules.radam)
    state_keys = ADAM_KEYS

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        check_torch_only("RAdam", dict(foreach=foreach, capturable=capturable,
                                       differentiable=differentiable))
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay,
                                      decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize))


class Adagrad(_Torch):
    """AdaGrad as ``torch.optim.Adagrad`` (``rules.adagrad``; lr 1e-2, eps 1e-10).
    State: ``step`` and ``sum``, the sum of squared gradients (the rule's ``s``),
    which starts at ``initial_accumulator_value``."""

    rule = staticmethod(rules.adagrad)
    state_keys = {"s": "sum"}

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, foreach=None, *, maximize=False,
                 differentiable=False, fused=None):
        check_torch_only("Adagrad", dict(foreach=foreach, differentiable=differentiable,
                                         fused=fused))
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def init_state(self, phi, group):
        return {"sum": np.full_like(phi, group["initial_accumulator_value"])}


class RMSprop(_Torch):
    """RMSProp as ``torch.optim.RMSprop`` (``rules.rmsprop``; lr 1e-2, alpha 0.99, eps 1e-8).

    ``alpha`` is PyTorch's name for the averaging constant of the squared
    gradients, not a learning rate.  ``momentum`` and ``centered`` are
    PyTorch's options.  State: ``step``, ``square_avg`` (the rule's ``v``), and
    ``grad_avg`` (centered) and ``momentum_buffer`` (momentum) when their option
    is on.
    """

    rule = staticmethod(rules.rmsprop)
    state_keys = {"v": "square_avg", "g_avg": "grad_avg", "b": "momentum_buffer"}

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_torch_only("RMSprop", dict(capturable=capturable, foreach=foreach,
                                         differentiable=differentiable))
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered,
                                      maximize=maximize))

    def init_state(self, phi, group):
        return {"square_avg": np.zeros_like(phi),
                "grad_avg": np.zeros_like(phi) if group["centered"] else None,
                "momentum_buffer": np.zeros_like(phi) if group["momentum"] > 0 else None}


class Adadelta(_Torch):
    """AdaDelta as ``torch.optim.Adadelta`` (``rules.adadelta``; lr 1.0, rho 0.9, eps 1e-6).
    State: ``step``, ``square_avg`` (the rule's ``v``) and ``acc_delta`` (``u``)."""

    rule = staticmethod(rules.adadelta)
    state_keys = {"v": "square_avg", "u": "acc_delta"}

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_torch_only("Adadelta", dict(foreach=foreach, capturable=capturable,
                                          differentiable=differentiable))
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize))

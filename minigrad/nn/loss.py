"""Losses as modules, PyTorch's ``nn.MSELoss`` and kin: each calls the function of
the same name in [`minigrad.losses`][minigrad.losses] (the one home of every loss) with the
``reduction`` given when it was made (``"mean"`` by default, as in PyTorch).

>>> import minigrad as mg
>>> loss_fn = mg.nn.MSELoss()
>>> loss_fn(mg.tensor([1.0, 3.0]), [0.0, 0.0])
tensor(5.)
>>> mg.nn.CrossEntropyLoss(reduction="sum")
CrossEntropyLoss(reduction='sum')
"""

from __future__ import annotations

import numpy as np

from .. import losses
from .modules import Module

__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"]

_REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    """A loss module: ``forward(input, target)`` calls ``loss_function`` with the
    options given when it was made.  ``options`` names the keyword arguments the
    class takes besides ``reduction``, with PyTorch's defaults."""

    loss_function = None
    options = {}

    def __init__(self, reduction="mean", **options):
        super().__init__()
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction={reduction!r}; use one of "
                             f"{_REDUCTIONS}")
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments "
                            f"{unknown}; it takes reduction and {sorted(self.options)}")
        self.reduction = reduction
        self.loss_options = {**self.options, **options}

    def forward(self, input, target):
        return type(self).loss_function(input, target, reduction=self.reduction,
                                        **self.loss_options)

    def extra_repr(self):
        # PyTorch prints no arguments; showing the non-default ones says what
        # the module computes.
        shown = [f"reduction={self.reduction!r}"] if self.reduction != "mean" else []
        for name, value in self.loss_options.items():
            default = self.options[name]
            if default is None and value is not None:          # a weight array
                shown.append(f"{name}=<shape {np.shape(value)}>")
            elif default is not None and value != default:
                shown.append(f"{name}={value!r}")
        return ", ".join(shown)


class MSELoss(_Loss):
    """Squared errors, [`minigrad.losses.mse_loss()`][minigrad.losses.mse_loss]."""

    loss_function = staticmethod(losses.mse_loss)


class L1Loss(_Loss):
    """Absolute errors, [`minigrad.losses.l1_loss()`][minigrad.losses.l1_loss]."""

    loss_function = staticmethod(losses.l1_loss)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits ``(N, K)`` and class labels ``(N,)``,
    [`minigrad.losses.cross_entropy()`][minigrad.losses.cross_entropy]."""

    loss_function = staticmethod(losses.cross_entropy)
    options = {"weight": None, "ignore_index": -100, "label_smoothing": 0.0}


class NLLLoss(_Loss):
    """Negative log-likelihood of log-probabilities ``(N, K)`` and class labels ``(N,)``,
    [`minigrad.losses.nll_loss()`][minigrad.losses.nll_loss]."""

    loss_function = staticmethod(losses.nll_loss)
    options = {"weight": None, "ignore_index": -100}


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities,
    [`minigrad.losses.binary_cross_entropy()`][minigrad.losses.binary_cross_entropy]."""

    loss_function = staticmethod(losses.binary_cross_entropy)
    options = {"weight": None}


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits,
    [`minigrad.losses.binary_cross_entropy_with_logits()`][minigrad.losses.binary_cross_entropy_with_logits]."""

    loss_function = staticmethod(losses.binary_cross_entropy_with_logits)
    options = {"weight": None, "pos_weight": None}

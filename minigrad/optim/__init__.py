"""Optimizers as the book's equations (chapter 6), line searches and schedules.

Every update rule is a pure function in [`minigrad.optim.rules`][minigrad.optim.rules]; each
optimizer class applies one (``Momentum`` applies ``rules.momentum``, eq. 6.11).

>>> import minigrad as mg
>>> phi = mg.tensor([1.0, 2.0], requires_grad=True)
>>> opt = mg.optim.Momentum(phi, lr=0.1, beta=0.5)
>>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
>>> phi.data                     # m = 0.5 * 2 * phi, phi - 0.1 * m
array([0.9, 1.8])
"""

from . import lr_scheduler, rules, schedules
from .adaptive import Adadelta, Adagrad, Adam, AdamW, AMSGrad, NAdam, RAdam, RMSprop
from .gd import GD, SGD, Momentum, Nesterov, NormalizedGD
from .linesearch import (
    Backtracking,
    Bracketing,
    GoldenSection,
    LineSearchResult,
    backtracking_search,
    bracketing_search,
    golden_section_search,
)
from .newton import Newton
from .optimizer import Optimizer
from .schedules import Scheduled

#: Every optimizer class by name (``minimize(..., optimizer="adam")`` looks here).
OPTIMIZERS = {cls.__name__: cls for cls in (
    GD, Momentum, Nesterov, NormalizedGD, SGD, Adam, AMSGrad, AdamW, NAdam, RAdam,
    Adagrad, RMSprop, Adadelta, Newton)}

__all__ = [
    "Optimizer", "OPTIMIZERS", "rules",
    "GD", "Momentum", "Nesterov", "NormalizedGD", "SGD",
    "Adam", "AMSGrad", "AdamW", "NAdam", "RAdam", "Adagrad", "RMSprop", "Adadelta", "Newton",
    "Bracketing", "GoldenSection", "Backtracking", "LineSearchResult",
    "bracketing_search", "golden_section_search", "backtracking_search",
    "schedules", "Scheduled", "lr_scheduler",
]

"""Optimizers as the book's equations (chapter 6), line searches, schedules,
``minimize`` with trajectories, hyperparameter search and curvature tools.

>>> import minigrad as mg
>>> phi = mg.tensor([1.0, 2.0], requires_grad=True)
>>> opt = mg.optim.Momentum(phi, lr=0.1, beta=0.5)
>>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
>>> phi.data                     # m = 0.5 * 2 * phi, phi - 0.1 * m
array([0.9, 1.8])
"""

from . import schedules
from .adaptive import (
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    AMSGrad,
    NAdam,
    RAdam,
    RMSprop,
    adadelta_update,
    adagrad_update,
    adam_update,
    adamw_update,
    amsgrad_update,
    nadam_update,
    radam_update,
    rmsprop_torch_update,
    rmsprop_update,
)
from .gd import (
    GD,
    SGD,
    Momentum,
    Nesterov,
    NormalizedGD,
    gd_update,
    momentum_update,
    nesterov_lookahead,
    nesterov_update,
    normalized_update,
    sgd_torch_update,
)
from .linesearch import (
    Backtracking,
    Bracketing,
    GoldenSection,
    LineSearchResult,
    backtracking_search,
    bracketing_search,
    golden_section_search,
)
from .newton import Newton, hessian_of_loss, newton_update
from .optimizer import ClosureRequired, Optimizer
from .schedules import Scheduled

#: Every optimizer class by name (``minimize(..., optimizer="adam")`` looks here).
OPTIMIZERS = {cls.__name__: cls for cls in (
    GD, Momentum, Nesterov, NormalizedGD, SGD, Adam, AMSGrad, AdamW, NAdam, RAdam,
    Adagrad, RMSprop, Adadelta, Newton)}

__all__ = [
    "Optimizer", "ClosureRequired", "OPTIMIZERS",
    "GD", "Momentum", "Nesterov", "NormalizedGD", "SGD",
    "Adam", "AMSGrad", "AdamW", "NAdam", "RAdam", "Adagrad", "RMSprop", "Adadelta", "Newton",
    "gd_update", "momentum_update", "nesterov_lookahead", "nesterov_update",
    "normalized_update", "sgd_torch_update", "adam_update", "amsgrad_update", "adamw_update",
    "nadam_update", "radam_update", "adagrad_update", "rmsprop_update",
    "rmsprop_torch_update", "adadelta_update", "newton_update", "hessian_of_loss",
    "Bracketing", "GoldenSection", "Backtracking", "LineSearchResult",
    "bracketing_search", "golden_section_search", "backtracking_search",
    "schedules", "Scheduled",
]

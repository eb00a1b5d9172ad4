"""Optimizers as the book's equations (chapter 6), line searches, schedules,
``minimize`` with trajectories, hyperparameter search and curvature tools.

Every update rule is a pure function in :mod:`minigrad.optim.rules`; each
optimizer class applies one (``Momentum`` applies ``rules.momentum``, eq. 6.11).

>>> import minigrad as mg
>>> phi = mg.tensor([1.0, 2.0], requires_grad=True)
>>> opt = mg.optim.Momentum(phi, lr=0.1, beta=0.5)
>>> opt.zero_grad(); (phi * phi).sum().backward(); _ = opt.step()
>>> phi.data                     # m = 0.5 * 2 * phi, phi - 0.1 * m
array([0.9, 1.8])
"""

from . import rules, schedules
from .adaptive import Adadelta, Adagrad, Adam, AdamW, AMSGrad, NAdam, RAdam, RMSprop
from .curvature import (
    ConvexityReport,
    check_convexity,
    classify_critical_point,
    classify_eigenvalues,
    hessian_eigenvalues,
    hessian_matrix,
)
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
from .minimize import MinimizeResult, Trajectory, minimize, optimizer_class
from .newton import Newton
from .optimizer import Optimizer
from .schedules import Scheduled
from .search import LogUniform, Record, Results, grid_search, log_uniform, objective, random_search

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
    "schedules", "Scheduled",
    "minimize", "MinimizeResult", "Trajectory", "optimizer_class",
    "grid_search", "random_search", "objective", "log_uniform", "LogUniform", "Record",
    "Results",
    "hessian_matrix", "hessian_eigenvalues", "classify_eigenvalues",
    "classify_critical_point", "check_convexity", "ConvexityReport",
]

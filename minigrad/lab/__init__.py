"""The chapter-6 bench: the book's data sets and models, ``minimize`` with its
trajectories, hyperparameter search, curvature, and (with matplotlib) pictures.

Everything here is built on the library below it (tensors, losses,
optimizers) and nothing below imports it:

* [`datasets`][minigrad.lab.datasets]: the small data sets of chapter 6 and toy loss
  surfaces (``bowl``, ``rosenbrock``, ``saddle``);
* [`models`][minigrad.lab.models]: the chapter's models ``f(x, phi)`` and
  ``make_loss``, which turns model, data and a loss of [`minigrad.losses`][minigrad.losses]
  into ``L(phi)``;
* [`minimize()`][minigrad.lab.minimize]: run an optimizer on ``L(phi)`` and keep its trajectory;
* [`search`][minigrad.lab.search]: grid and random search over hyperparameters, run by
  [`trials`][minigrad.lab.trials] serially, on local cores or on a Dask cluster;
* [`curvature`][minigrad.lab.curvature]: Hessian eigenvalues, critical points, convexity;
* [`minigrad.lab.plot`][minigrad.lab.plot] (needs matplotlib, imported on its own:
  ``import minigrad.lab.plot``): loss surfaces, loss curves, model fits.

>>> import minigrad as mg
>>> x, y = mg.lab.datasets.linear_regression()
>>> L = mg.lab.models.make_loss(mg.lab.models.linear, x, y)
>>> res = mg.lab.minimize(L, [0.0, 0.0], optimizer="GD", steps=200, lr=0.02)
>>> res.trajectory.x.shape, bool(res.loss < res.trajectory.loss[0])
((201, 2), True)
"""

from . import curvature, datasets, models, search, trials
from .curvature import (
    ConvexityReport,
    check_convexity,
    classify_critical_point,
    classify_eigenvalues,
    hessian_eigenvalues,
)
from .minimize import MinimizeResult, Trajectory, minimize, optimizer_class
from .search import LogUniform, Record, Results, grid_search, log_uniform, objective, random_search

__all__ = [
    "datasets", "models", "search", "trials", "curvature",
    "minimize", "MinimizeResult", "Trajectory", "optimizer_class",
    "grid_search", "random_search", "objective", "log_uniform", "LogUniform", "Record",
    "Results",
    "hessian_eigenvalues", "classify_eigenvalues", "classify_critical_point",
    "check_convexity", "ConvexityReport",
]

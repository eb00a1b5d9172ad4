"""Hyperparameter search (section 6.5): try many settings, keep a sortable table.

An *objective* is any function of keyword hyperparameters that returns a loss
(a number) or a dict of metrics containing ``"loss"``.
[`objective()`][minigrad.lab.search.objective] builds one that runs
[`minimize()`][minigrad.lab.minimize]; for a model, write your own training function (give it a
``seed`` parameter and each trial passes its own, see [`trials`][minigrad.lab.trials]).

>>> import numpy as np, minigrad as mg
>>> bowl = lambda x: (x[0] ** 2 + 10 * x[1] ** 2)
>>> run = mg.lab.objective(bowl, [1.0, 1.0], "GD", steps=20)
>>> table = mg.lab.grid_search(run, {"lr": [0.001, 0.01, 0.05]})
>>> [r.params["lr"] for r in table.sort(by="loss")]
[0.05, 0.01, 0.001]

The same call runs on local cores with ``workers=2``, or on a Dask cluster
with ``executor=distributed.Client(address).get_executor()``, and gives the
same table; the objective must then be picklable (a function defined at the
top level of a module, or [`objective()`][minigrad.lab.search.objective] of one).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .minimize import minimize
from .trials import run_trials

__all__ = ["grid_search", "random_search", "objective", "log_uniform", "LogUniform", "Record",
           "Results"]


@dataclass
class Record:
    """One trial: its hyperparameters ``params``, its ``metrics`` (``loss`` first), the
    ``seed`` it ran with and, if it raised, the worker's ``traceback`` (its metrics then
    hold ``"error"``, the exception's type and message, and a NaN loss)."""

    params: dict
    metrics: dict = field(default_factory=dict)
    seed: int | None = None
    traceback: str | None = field(default=None, repr=False, compare=False)

    @property
    def loss(self):
        return self.metrics.get("loss", math.nan)

    @property
    def failed(self):
        """Whether the objective raised in this trial."""
        return self.traceback is not None

    def get(self, key):
        return self.metrics[key] if key in self.metrics else self.params[key]


def _sort_key(value):
    # NaN (a diverged run) and None sort last, whatever the direction.
    bad = value is None or (isinstance(value, float) and math.isnan(value))
    return (bad, 0 if bad else value)


class Results(list):
    """A list of [`Record`][minigrad.lab.search.Record]; ``sort(by=...)`` sorts in place and returns
    self."""

    def sort(self, by="loss", reverse=False):
        good = [r for r in self if not _sort_key(r.get(by))[0]]
        bad = [r for r in self if _sort_key(r.get(by))[0]]
        good.sort(key=lambda r: r.get(by), reverse=reverse)
        self[:] = good + bad
        return self

    @property
    def best(self):
        """The record with the lowest finite loss."""
        return Results(self).sort("loss")[0]

    @property
    def failed(self):
        """The trials whose objective raised (their ``metrics["error"]`` says what)."""
        return Results(r for r in self if r.failed)

    def __str__(self):
        if not self:
            return "(no results)"
        # every column that any trial has: a later trial may add "error"
        pkeys = list(dict.fromkeys(k for r in self for k in r.params))
        mkeys = list(dict.fromkeys(k for r in self for k in r.metrics))
        header = pkeys + mkeys
        rows = [[_fmt(r.params.get(k, _MISSING)) for k in pkeys]
                + [_fmt(r.metrics.get(k, _MISSING)) for k in mkeys] for r in self]
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
        line = "  ".join(h.rjust(w) for h, w in zip(header, widths))
        out = [line, "-" * len(line)]
        out += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
        return "\n".join(out)

    def __repr__(self):
        return f"Results({len(self)} trials)\n{self}"


_MISSING = object()


def _fmt(value):
    if value is _MISSING:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value)
    return text if len(text) <= 48 else text[:47] + "…"


def _results(rows):
    return Results(Record(params, metrics, seed, tb) for params, seed, metrics, tb in rows)


def grid_search(objective, grid, *, seed=0, executor=None, workers=None, progress=False):
    """Every combination of the values in ``grid`` (a dict name -> list of values).

    Trials run serially, on ``workers=N`` local processes, or on ``executor``
    (any ``concurrent.futures.Executor``, e.g. a Dask cluster's
    ``Client(...).get_executor()``); the table is the same in every mode
    and lists the trials in order.  Trial ``i`` is seeded from ``(seed, i)``
    (see [`trials`][minigrad.lab.trials]).  A trial that raises keeps its row,
    with the error, and the search warns once at the end.  ``progress=True``
    shows a tqdm bar of trials done when tqdm is installed.
    """
    names = list(grid)
    configs = [dict(zip(names, values)) for values in itertools.product(*grid.values())]
    return _results(run_trials(objective, configs, seed, executor, workers, progress,
                               "grid_search"))


class LogUniform:
    """A distribution for [`random_search()`][minigrad.lab.search.random_search]: ``exp(uniform(log
    lo, log hi))``."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    def __call__(self, rng):
        return float(np.exp(rng.uniform(np.log(self.lo), np.log(self.hi))))

    def __repr__(self):
        return f"LogUniform({self.lo}, {self.hi})"


def log_uniform(lo, hi):
    """Learning rates are best searched on a log scale: ``log_uniform(1e-4, 1e-1)``."""
    return LogUniform(lo, hi)


def _draw(spec, rng):
    if callable(spec):
        return spec(rng)
    if isinstance(spec, tuple) and len(spec) == 2:
        return float(rng.uniform(*spec))
    if isinstance(spec, list):
        return spec[int(rng.integers(len(spec)))]
    return spec


def random_search(objective, space, trials=20, seed=0, *, executor=None, workers=None,
                  progress=False):
    """``trials`` random settings from ``space``, drawn with ``np.random.default_rng(seed)``.

    Each entry of ``space`` is a list (pick one), a tuple ``(lo, hi)`` (uniform),
    a callable ``rng -> value`` such as [`log_uniform()`][minigrad.lab.search.log_uniform], or a
    constant. The settings are drawn here, before any trial runs; ``executor``, ``workers`` and
    ``progress`` run the trials as in [`grid_search()`][minigrad.lab.search.grid_search].
    """
    rng = np.random.default_rng(seed)
    configs = [{k: _draw(spec, rng) for k, spec in space.items()} for _ in range(trials)]
    return _results(run_trials(objective, configs, seed, executor, workers, progress,
                               "random_search"))


class Objective:
    """What [`objective()`][minigrad.lab.search.objective] returns: a picklable callable (when ``f``
    is), so it can run on an executor's workers."""

    def __init__(self, f, x0, optimizer, steps, fixed):
        self.f, self.x0, self.optimizer, self.steps, self.fixed = f, x0, optimizer, steps, fixed

    def __call__(self, **hyper):
        with np.errstate(over="ignore", invalid="ignore"):
            res = minimize(self.f, self.x0, optimizer=self.optimizer, steps=self.steps,
                           **self.fixed, **hyper)
        loss = res.loss if np.isfinite(res.loss) else math.nan
        return {"loss": loss, "grad_norm": float(res.trajectory.grad_norm[-1])}

    def __repr__(self):
        name = getattr(self.f, "__name__", repr(self.f))
        return f"objective({name}, {self.optimizer!r}, steps={self.steps})"


def objective(f, x0, optimizer, steps=100, **fixed):
    """An objective for the search functions: ``minimize(f, x0, optimizer, steps)`` with
    the searched hyperparameters plus ``fixed`` ones; metrics are the final loss and
    gradient norm.  A run that overflows reports a NaN loss."""
    return Objective(f, x0, optimizer, steps, fixed)

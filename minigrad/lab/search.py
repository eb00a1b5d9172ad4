"""Hyperparameter search (section 6.5): try many settings, keep a sortable table.

An *objective* is any function of keyword hyperparameters that returns a loss
(a number) or a dict of metrics containing ``"loss"``.  :func:`objective`
builds one that runs :func:`~minigrad.lab.minimize`; for a model, write
your own training function.

>>> import numpy as np, minigrad as mg
>>> bowl = lambda x: (x[0] ** 2 + 10 * x[1] ** 2)
>>> run = mg.lab.objective(bowl, [1.0, 1.0], "GD", steps=20)
>>> table = mg.lab.grid_search(run, {"lr": [0.001, 0.01, 0.05]})
>>> [r.params["lr"] for r in table.sort(by="loss")]
[0.05, 0.01, 0.001]
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from .minimize import minimize

__all__ = ["grid_search", "random_search", "objective", "log_uniform", "LogUniform", "Record",
           "Results"]


@dataclass
class Record:
    """One trial: its hyperparameters ``params`` and its ``metrics`` (``loss`` first)."""

    params: dict
    metrics: dict = field(default_factory=dict)

    @property
    def loss(self):
        return self.metrics.get("loss", math.nan)

    def get(self, key):
        return self.metrics[key] if key in self.metrics else self.params[key]


def _sort_key(value):
    # NaN (a diverged run) and None sort last, whatever the direction.
    bad = value is None or (isinstance(value, float) and math.isnan(value))
    return (bad, 0 if bad else value)


class Results(list):
    """A list of :class:`Record`; ``sort(by=...)`` sorts in place and returns self."""

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

    def __str__(self):
        if not self:
            return "(no results)"
        pkeys = list(self[0].params)
        mkeys = list(self[0].metrics)
        header = pkeys + mkeys
        rows = [[_fmt(r.params.get(k)) for k in pkeys] + [_fmt(r.metrics.get(k)) for k in mkeys]
                for r in self]
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
        line = "  ".join(h.rjust(w) for h, w in zip(header, widths))
        out = [line, "-" * len(line)]
        out += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
        return "\n".join(out)

    def __repr__(self):
        return f"Results({len(self)} trials)\n{self}"


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _run(objective, configs):
    results = Results()
    for params in configs:
        try:
            out = objective(**params)
        except (FloatingPointError, OverflowError, np.linalg.LinAlgError) as exc:
            out = {"loss": math.nan, "error": type(exc).__name__}
        metrics = dict(out) if isinstance(out, dict) else {"loss": float(out)}
        results.append(Record(dict(params), metrics))
    return results


def grid_search(objective, grid):
    """Every combination of the values in ``grid`` (a dict name -> list of values)."""
    names = list(grid)
    configs = [dict(zip(names, values)) for values in itertools.product(*grid.values())]
    return _run(objective, configs)


class LogUniform:
    """A distribution for :func:`random_search`: ``exp(uniform(log lo, log hi))``."""

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


def random_search(objective, space, trials=20, seed=0):
    """``trials`` random settings from ``space``, drawn with ``np.random.default_rng(seed)``.

    Each entry of ``space`` is a list (pick one), a tuple ``(lo, hi)`` (uniform),
    a callable ``rng -> value`` such as :func:`log_uniform`, or a constant.
    """
    rng = np.random.default_rng(seed)
    configs = [{k: _draw(spec, rng) for k, spec in space.items()} for _ in range(trials)]
    return _run(objective, configs)


def objective(f, x0, optimizer, steps=100, **fixed):
    """An objective for the search functions: ``minimize(f, x0, optimizer, steps)`` with
    the searched hyperparameters plus ``fixed`` ones; metrics are the final loss and
    gradient norm.  A run that overflows reports a NaN loss."""
    def run(**hyper):
        with np.errstate(over="ignore", invalid="ignore"):
            res = minimize(f, x0, optimizer=optimizer, steps=steps, **fixed, **hyper)
        loss = res.loss if np.isfinite(res.loss) else math.nan
        return {"loss": loss, "grad_norm": float(res.trajectory.grad_norm[-1])}
    return run

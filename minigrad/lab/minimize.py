"""``minimize(f, x0, ...)``: run an optimizer on a function of one parameter vector
and keep everything it did, as NumPy arrays ready to plot.

This is the one trajectory recorder of minigrad: the chapter-6 examples, the
hyperparameter search ([`minigrad.lab.search`][minigrad.lab.search]) and the pictures all take
their paths from it.  With ``batches=`` it runs stochastic gradient descent
(eq. 6.10): each step follows the loss of the next batch, while the
trajectory records the loss of the whole data set at every point.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..anomaly import culprit, first_anomaly
from ..optim import OPTIMIZERS, Optimizer
from ..tensor import Tensor

__all__ = ["minimize", "MinimizeResult", "Trajectory", "optimizer_class"]


@dataclass
class Trajectory:
    """What an optimizer did, one row per point visited.

    ``x`` (steps+1, n) the parameters before each step and after the last;
    ``loss`` and ``grad_norm`` (steps+1,) at those points; ``lr`` (steps,) the
    learning rate of each step (the chosen alpha for a line search).  Every
    line-search probe: ``probe_step`` (which step), ``probe_lr``,
    ``probe_x`` (k, n) and ``probe_loss`` (k,).
    """

    x: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    lr: np.ndarray
    probe_step: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    probe_lr: np.ndarray = field(default_factory=lambda: np.zeros(0))
    probe_x: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    probe_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def steps(self):
        return len(self.lr)

    def __repr__(self):
        return (f"Trajectory({self.steps} steps, {self.x.shape[1]} parameters, "
                f"loss {self.loss[0]:.6g} -> {self.loss[-1]:.6g}, "
                f"{len(self.probe_loss)} line-search probes)")


@dataclass
class MinimizeResult:
    """The final ``x`` and ``loss``, the ``trajectory`` and the ``optimizer`` used;
    ``stopped`` says why the run ended at a NaN or infinite loss (None otherwise)."""

    x: np.ndarray
    loss: float
    trajectory: Trajectory
    optimizer: Optimizer
    stopped: str | None = None

    def __repr__(self):
        return (f"MinimizeResult(x={np.array2string(self.x, precision=6)}, "
                f"loss={self.loss:.6g}, {self.trajectory.steps} steps of "
                f"{type(self.optimizer).__name__})")


def optimizer_class(optimizer):
    """An optimizer class from a class or a (case-insensitive) name like ``"adam"``.

    >>> optimizer_class("adam").__name__
    'Adam'
    """
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, str):
        by_name = {name.lower(): cls for name, cls in OPTIMIZERS.items()}
        cls = by_name.get(optimizer.lower())
        if cls is None:
            raise ValueError(f"unknown optimizer {optimizer!r}; choose one of "
                             f"{sorted(OPTIMIZERS)}")
        return cls
    raise TypeError(f"optimizer must be an Optimizer subclass or its name, got "
                    f"{optimizer!r}")


def minimize(f, x0, optimizer="GD", steps=100, schedule=None, tol=None, batches=None,
             **opt_kwargs):
    """Minimize ``f(x)``, a scalar function of one parameter vector, from ``x0``.

    ``optimizer`` is a class or name (``"Adam"``, ``"GD"``...), built as
    ``optimizer(x, **opt_kwargs)``.  ``schedule(t)`` (optional) sets ``lr``
    before step ``t``.  Stops early when the gradient norm falls below ``tol``,
    and when the loss stops being finite (a learning rate too large): the
    trajectory then ends at the first NaN or infinite loss, and
    ``result.stopped`` says which operation made it, found by running that
    point again under ``mg.detect_anomaly()`` (and, if the point itself was
    already NaN or inf, the step before it, backward pass included).

    ``batches`` (optional) makes the run stochastic: an iterable of batches,
    one per step, and ``f(x, batch)`` is the loss of one batch (eq. 6.10).
    ``f(x)`` with no batch must still give the loss of the whole data set: it
    is what the trajectory records at every point.  The run ends early when the
    batches run out.

    >>> import numpy as np, minigrad as mg
    >>> res = mg.lab.minimize(lambda x: ((x - 3.0) ** 2).sum(), [0.0, 1.0],
    ...                       optimizer="GD", steps=50, lr=0.25)
    >>> res.x.round(6), res.trajectory.x.shape, res.trajectory.lr.shape
    (array([3., 3.]), (51, 2), (50,))

    Stochastic gradient descent on two batches of a sum of squares, in turn:

    >>> data = np.array([1.0, 2.0, 3.0, 4.0])
    >>> def f(x, batch=data):
    ...     return ((x - batch) ** 2).sum()
    >>> halves = [data[:2], data[2:]] * 20
    >>> res = mg.lab.minimize(f, [0.0], steps=40, batches=halves, lr=0.1)
    >>> bool(abs(res.x[0] - 2.5) < 0.3), res.trajectory.steps
    (True, 40)
    """
    x = Tensor(np.array(x0, dtype=np.float64), requires_grad=True, name="x")
    opt = optimizer_class(optimizer)(x, **opt_kwargs)
    stream = None if batches is None else iter(batches)

    def closure(batch=None):
        opt.zero_grad()
        loss = f(x) if batch is None else f(x, batch)
        loss.backward()
        return loss

    xs, losses, norms, lrs = [], [], [], []
    probes = {"step": [], "lr": [], "x": [], "loss": []}

    def record():
        loss = closure()           # loss and gradient at the current point
        xs.append(x.data.copy())
        losses.append(loss.item())
        norms.append(float(np.linalg.norm(x.grad)))

    finished = False
    batch = None
    for t in range(steps):
        record()
        if not np.isfinite(losses[-1]) or (tol is not None and norms[-1] < tol):
            finished = True       # the point just recorded is the last one
            break
        batch = None if stream is None else next(stream, _NO_BATCH)
        if batch is _NO_BATCH:
            finished = True
            break
        if schedule is not None:
            opt.lr = schedule(t)
        if batch is None:
            opt.step(closure if opt.needs_closure else None)
        else:
            opt.step(lambda batch=batch: closure(batch))
        search = getattr(opt, "last_search", None)
        if search is not None:
            lrs.append(search.lr)
            probes["step"].append(np.full(len(search.lrs), t))
            probes["lr"].append(search.lrs)
            probes["x"].append(search.positions().reshape(len(search.lrs), -1))
            probes["loss"].append(search.losses)
        else:
            lrs.append(opt.param_groups[0].get("lr", np.nan))
    if not finished:
        record()
    stopped = None if np.isfinite(losses[-1]) else _explain(f, xs, losses[-1], batch)
    return MinimizeResult(x.data.copy(), losses[-1], _trajectory(xs, losses, norms, lrs, probes),
                          opt, stopped)


def _explain(f, xs, loss, batch):
    """Why the loss at the last point is not finite: rerun that point's loss under
    detect_anomaly; if the point itself is not finite, rerun the step that led
    to it (loss and gradient at the point before, on that step's batch)."""
    head = (f"minimize: the loss became {loss} at step {len(xs) - 1} (counting from 0). "
            f"Rerun under mg.detect_anomaly(), ")
    found = first_anomaly(lambda: f(Tensor(xs[-1].copy(), requires_grad=True)))
    if found is not None:
        return head + f"the first NaN or inf came from {culprit(found)}."
    if np.isfinite(xs[-1]).all() or len(xs) < 2:
        return head + "no operation made it from finite numbers."

    def step():
        x = Tensor(xs[-2].copy(), requires_grad=True)
        (f(x) if batch is None else f(x, batch)).backward()
    found = first_anomaly(step)
    if found is not None:
        return (head + f"x itself held NaN or inf, made by the step before, whose first "
                f"NaN or inf came from {culprit(found)}.")
    return (head + "x itself held NaN or inf, made by the step before from a finite "
            "gradient: the step was too large (try a smaller learning rate).")


# next(stream, _NO_BATCH) tells "the batches ran out" from any batch, even None.
_NO_BATCH = object()


def _trajectory(xs, losses, norms, lrs, probes):
    n = xs[0].size

    def cat(parts, empty):
        return np.concatenate(parts) if parts else empty

    return Trajectory(
        x=np.array(xs).reshape(len(xs), n), loss=np.array(losses), grad_norm=np.array(norms),
        lr=np.array(lrs, dtype=np.float64),
        probe_step=cat(probes["step"], np.zeros(0, dtype=int)),
        probe_lr=cat(probes["lr"], np.zeros(0)),
        probe_x=cat(probes["x"], np.zeros((0, n))),
        probe_loss=cat(probes["loss"], np.zeros(0)))

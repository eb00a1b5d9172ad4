"""Figure 6.5: gradient descent against stochastic gradient descent on the Gabor loss.

(a) Gradient descent with a bracketing line search from three starts: from
points 1 and 3, inside the valley of the global minimum, it walks to that
minimum (path 1 zig-zags down the valley, the subject of problem 6.7); from
point 2, outside it, it settles in a local minimum.  (b) Stochastic gradient
descent (eq. 6.10: batches of three pairs drawn without replacement, a fixed
learning rate) from the same points: each step follows the loss of its own
batch, which can lead uphill on the full loss, and the run from point 2 leaves
its valley and reaches the global minimum.  Over many seeds, the picture states
how often that happens from point 2.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _gabor import AXES, L, X, Y, critical_points, loss_grid, save

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import models

STARTS = [(0.0, 7.4), (3.0, 10.8), (0.0, 21.0)]    # points 1, 2, 3
BATCH, LR, SEED = 3, 0.5, 0


def batch_loss(phi, batch=None):
    """The loss of one batch (eq. 6.10), or of all the data when no batch is given."""
    return L(phi) if batch is None else models.make_loss(models.gabor, *batch)(phi)


def sgd(start, seed, steps):
    """SGD from ``start``: batches of ``BATCH`` drawn without replacement, epoch after epoch."""
    stream = (b for _, b in mg.data.epochs((X, Y), BATCH, rng=np.random.default_rng(seed)))
    return mg.lab.minimize(batch_loss, start, optimizer="GD", steps=steps, batches=stream,
                           lr=LR).trajectory


def gd(start, steps):
    """Gradient descent with a bracketing line search, until the gradient norm < 1e-3."""
    return mg.lab.minimize(L, start, optimizer="GD", steps=steps, tol=1e-3,
                           line_search=mg.optim.Bracketing(max_dist=2.0, thresh=1e-3)).trajectory


def draw(out_dir, quick=False):
    out = Path(out_dir)
    resolution = 60 if quick else 120
    grid = loss_grid(resolution)
    minima = critical_points(resolution, 4 if quick else 8)["minimum"]
    best = minima[0][0]
    points = {"global minimum": (best[None], "o", "#c8c8c8"),
              "local minima": (np.array([m for m, _ in minima[1:]]), "o", "#00ffff")}

    def ending(run):
        if np.linalg.norm(run.x[-1] - best) < 0.5:
            return "global minimum"
        return "a local minimum" if run.grad_norm[-1] < 1e-2 else "still descending"

    gd_paths = [gd(s, 30 if quick else 300) for s in STARTS]
    sgd_steps = 150 if quick else 400
    sgd_paths = [sgd(s, SEED, sgd_steps) for s in STARTS]
    files = [out / "fig6_5a_gradient_descent.png", out / "fig6_5b_sgd.png"]
    for path, runs, title in [
            (files[0], gd_paths, "a) Gradient descent with line search"),
            (files[1], sgd_paths, f"b) SGD: batches of {BATCH}, learning rate {LR}, "
                                  f"{sgd_steps} steps")]:
        labels = [f"point {k + 1} -> {ending(r)} (loss {r.loss[-1]:.2f}, {r.steps} steps)"
                  for k, r in enumerate(runs)]
        fig = mplot.loss_surface(grid=grid, trajectories=[r.x for r in runs], labels=labels,
                                 points=points, levels=25, size=(6.8, 6.0), title=title,
                                 **AXES)
        ax = fig.axes[0]
        for k, s in enumerate(STARTS):
            ax.annotate(str(k + 1), s, textcoords="offset points", xytext=(-14, -4),
                        color="w", fontsize=12, fontweight="bold", zorder=9)
        if not quick and path == files[1]:
            seeds = 20
            escaped = sum(ending(sgd(STARTS[1], s, sgd_steps)) == "global minimum"
                          for s in range(seeds))
            ax.set_title(f"{title}\nfrom point 2, {escaped} of {seeds} seeds reach the "
                         f"global minimum (seed {SEED} shown)", fontsize=10)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7)
        save(fig, path)
    return files

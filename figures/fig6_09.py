"""Figure 6.9: gradient descent, normalized gradients and Adam on a lopsided loss.

Reproduces the book's figure 6.9 on ``mg.lab.datasets.bowl``,
``L = 0.1 phi0**2 + 10 phi1**2``: the curvature is 100 times larger along
phi1 (vertical) than along phi0 (horizontal).  Every path is a real run of
``mg.lab.minimize`` with a minigrad optimizer:

* (a) ``fig6_9a_gd_small_lr.png``: full-batch GD (eq. 6.3) with a learning rate
  that suits the vertical direction crawls horizontally;
* (b) ``fig6_9b_gd_large_lr.png``: a rate large enough for the horizontal
  direction overshoots vertically and diverges;
* (c) ``fig6_9c_normalized_gradients.png``: normalized gradients (eqs. 6.13-6.14)
  move ``alpha`` along each axis, reach the minimum's neighbourhood quickly and
  then hop between two points around it;
* (d) ``fig6_9d_adam.png``: Adam (eqs. 6.15-6.17, the book's epsilon inside the
  root) averages the gradient and its square: a smooth path to the minimum.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets

START = np.array([-7.7, 1.8])
SHOWN_WHEN_UNSTABLE = 9
RUNS = [   # (file, title, optimizer, hyperparameters, steps)
    ("fig6_9a_gd_small_lr.png", "a) GD, lr 0.04: good vertically, slow horizontally",
     "GD", dict(lr=0.04), 60),
    ("fig6_9b_gd_large_lr.png", "b) GD, lr 0.105: good horizontally, unstable vertically",
     "GD", dict(lr=0.105), 60),
    ("fig6_9c_normalized_gradients.png",
     "c) normalized gradients, lr 0.5: hops around the minimum",
     "NormalizedGD", dict(lr=0.5, eps=1e-8), 30),
    ("fig6_9d_adam.png", r"d) Adam, lr 0.3, $\beta$ 0.8, $\gamma$ 0.99: a smooth path",
     "Adam", dict(lr=0.3, betas=(0.8, 0.99), eps=1e-8, eps_inside_sqrt=True), 60),
]


def loss(phi):
    return datasets.bowl(phi)


def run(optimizer, hyper, steps):
    with np.errstate(over="ignore", invalid="ignore"):     # (b) diverges on purpose
        return mg.lab.minimize(loss, START, optimizer=optimizer, steps=steps, **hyper).trajectory




def draw(out_dir, quick=False):
    """Write the four panels of figure 6.9 into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    grid = mplot.evaluate_grid(loss, (-9.0, 3.0), (-3.0, 3.0), 60 if quick else 150,
                               vectorized=True)
    paths = []
    for name, title, optimizer, hyper, steps in RUNS:
        tr = run(optimizer, hyper, steps)
        path = tr.x
        note = f"{tr.steps} steps, final loss {tr.loss[-1]:.3g}"
        if not np.isfinite(tr.loss[-1]) or tr.loss[-1] > tr.loss[0]:
            path = tr.x[:SHOWN_WHEN_UNSTABLE]
            note = (f"first {SHOWN_WHEN_UNSTABLE - 1} steps; loss {tr.loss[0]:.3g} -> "
                    f"{tr.loss[SHOWN_WHEN_UNSTABLE - 1]:.3g}, then growing")
        fig, ax = mplot.figure(size=(7.0, 4.4))
        mplot.loss_surface(grid=grid, ax=ax, log=True, trajectories=[path],
                           labels=[note], colors=["#ff7f0e"],
                           points={"minimum": (np.zeros((1, 2)), "o", "#c8c8c8")},
                           title=title, xlabel=r"$\phi_0$ (shallow direction)",
                           ylabel=r"$\phi_1$ (steep direction)")
        paths.append(save(fig, out_dir / name, quick))
    return paths

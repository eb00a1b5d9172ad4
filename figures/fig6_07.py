"""Figure 6.7: stochastic gradient descent without and with momentum.

Reproduces the book's figure 6.7 twice, on the companion notebooks' data: the
Gabor model (``book_gabor()``, batches of 5) and the linear model
(``book_linear()``, batches of 3).  In each picture (a) is plain SGD (eq. 6.10)
and (b) SGD with the book's momentum (eq. 6.11, ``mg.optim.Momentum``,
``m <- beta m + (1 - beta) g``), from the same start, with the same learning
rate and the same sequence of batches (one seed), run by ``mg.lab.minimize``;
the third panel is the full-data loss after each step.

* ``fig6_7_gabor_sgd_vs_momentum.png``
* ``fig6_7_linear_sgd_vs_momentum.png``
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

BETA, SEED = 0.9, 1
SETTINGS = {   # name: (data, model, batch size, start, lr, steps, phi0 range, phi1 range)
    "gabor": (datasets.book_gabor, models.gabor, 5, (1.0, 7.5), 0.7, 120,
              (-2.5, 2.5), (5.0, 19.0)),
    "linear": (datasets.book_linear, models.linear, 3, (1.6, -0.8), 0.1, 60,
               (-0.5, 2.5), (-1.2, 1.5)),
}


def sgd_runs(name, quick=False):
    """Plain SGD and momentum on the same batches: {label: Trajectory}, and the loss."""
    data, model, batch, start, lr, steps, _, _ = SETTINGS[name]
    x, y = data()
    steps = steps // 2 if quick else steps

    def loss(phi, b=None):
        xb, yb = (x, y) if b is None else b
        return models.make_loss(model, xb, yb)(phi)

    runs = {}
    for label, optimizer, hyper in (("a) SGD", "GD", {}),
                                    (rf"b) SGD with momentum, $\beta$ = {BETA}", "Momentum",
                                     dict(beta=BETA))):
        stream = (b for _, b in mg.data.epochs((x, y), batch, rng=np.random.default_rng(SEED)))
        runs[label] = mg.lab.minimize(loss, start, optimizer=optimizer, steps=steps,
                                      batches=stream, lr=lr, **hyper).trajectory
    return runs, loss




def draw(out_dir, quick=False):
    """Write figure 6.7 for the Gabor and the linear model; return the paths."""
    paths = []
    for name, (_, _, batch, _, lr, _, r0, r1) in SETTINGS.items():
        runs, loss = sgd_runs(name, quick)
        grid = mplot.evaluate_grid(lambda P: loss(P[..., None]), r0, r1,
                                   60 if quick else 150, vectorized=True)
        fig, axes = mplot.figure(1, 3, size=(16.0, 4.8), width_ratios=[1.0, 1.0, 0.9])
        for ax, (label, tr), color in zip(axes, runs.items(), ["#ff7f0e", "#ff3df5"]):
            mplot.loss_surface(grid=grid, ax=ax, log=True, colorbar=False,
                               trajectories=[tr.x], colors=[color],
                               labels=[f"{tr.steps} steps, final loss {tr.loss[-1]:.3f}"],
                               title=label, xlabel=r"$\phi_0$", ylabel=r"$\phi_1$")
        for (label, tr), color in zip(runs.items(), ["#ff7f0e", "#ff3df5"]):
            axes[2].plot(tr.loss, "-", color=color, lw=1.6, label=label.split(")")[1].strip())
        axes[2].set_yscale("log")
        axes[2].set(title="full-data loss after each step", xlabel="step (one batch each)",
                    ylabel="loss (log scale)")
        axes[2].grid(alpha=0.3)
        axes[2].legend(fontsize=8)
        fig.suptitle(f"{name.capitalize()} model, book data: batches of {batch}, lr {lr}, "
                     f"the same batches for both (colour: log10 loss)")
        paths.append(save(fig, Path(out_dir) / f"fig6_7_{name}_sgd_vs_momentum.png", quick))
    return paths

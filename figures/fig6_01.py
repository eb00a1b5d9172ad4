"""Figure 6.1: gradient descent with a line search fits a line to the notebook's twelve
pairs.

Panels, as in the book: (a) the training set; (b) the least-squares loss over
(phi0, phi1) as a 3-D surface with the iterates 0-4 of gradient descent on it;
(c) the same loss as a heatmap with the path; (d) the line at each iterate,
from light (point 0) to dark (point 4).  Each step measures the gradient with
minigrad's backward pass and the bracketing line search of figure 6.10 picks
how far to go along it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

START = [1.6, -0.8]            # point 0: a poor guess (high intercept, falling slope)
ITERATIONS = 4                 # as in the book: points 0 to 4
RANGE0, RANGE1 = (0.0, 2.0), (-1.0, 1.0)
AXES = dict(xlabel=r"intercept $\phi_0$", ylabel=r"slope $\phi_1$")


def descend(x, y, iterations=ITERATIONS):
    """Gradient descent with a bracketing line search on the least-squares loss (eq. 6.5)."""
    L = models.make_loss(models.linear, x, y)
    search = mg.optim.Bracketing(max_dist=0.5)    # wide enough: alpha never reaches it
    return L, mg.lab.minimize(L, START, optimizer="GD", steps=iterations,
                              line_search=search).trajectory


def draw(out_dir, quick=False):
    out = Path(out_dir)
    x, y = datasets.book_linear()
    L, path = descend(x, y)
    grid = mplot.evaluate_grid(lambda P: L(P[..., None]), RANGE0, RANGE1,
                               60 if quick else 160, vectorized=True)
    files = [out / "fig6_1a_data.png", out / "fig6_1b_surface.png",
             out / "fig6_1c_heatmap.png", out / "fig6_1d_fits.png"]

    fig, ax = mplot.figure(size=(5.0, 4.0))
    ax.plot(x, y, "o", color="C1", mec="k", ms=7, label="training pair $(x_i, y_i)$")
    ax.set(xlim=(0, 2), ylim=(0, 2), xlabel="input $x$", ylabel="output $y$",
           title=f"a) Training set, I = {len(x)} pairs")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")
    mplot.save(fig, files[0])

    fig, ax = mplot.figure(size=(6.4, 5.2), subplot_kw={"projection": "3d"})
    P0, P1, Z = grid
    detail = 15 if quick else 40
    ax.plot_surface(P0, P1, Z, cmap="viridis", alpha=0.75, linewidth=0, antialiased=True,
                    rcount=detail, ccount=detail)
    lift = 0.02 * Z.max()       # keep the path visible above the surface
    ax.plot(path.x[:, 0], path.x[:, 1], path.loss + lift, "-o", color="#ff7f0e", mec="k",
            lw=2, ms=5, zorder=10, label="gradient descent + line search")
    for i, (p, loss) in enumerate(zip(path.x, path.loss)):
        ax.text(p[0], p[1], loss + 3 * lift, str(i), color="k", fontsize=10,
                fontweight="bold", zorder=11)
    ax.set(xlabel=AXES["xlabel"], ylabel=AXES["ylabel"], zlabel=r"loss $L[\phi]$",
           title="b) Loss surface with the iterates 0-4")
    ax.view_init(elev=40, azim=-60)
    ax.legend(loc="upper left", fontsize=8)
    mplot.save(fig, files[1])

    exact = np.linalg.lstsq(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)[0]
    mplot.loss_surface(grid=grid, trajectories=[path.x], labels=["gradient descent + line search"],
                       points={"minimum (least squares)": (exact[None], "o", "#00ffff")},
                       number_steps=True, levels=20, cmap="gray",
                       title="c) Loss as a heatmap (bright = high loss)", size=(5.6, 4.6),
                       path=files[2], **AXES)

    fits = {f"point {i}: $\\phi$ = [{p[0]:.2f}, {p[1]:.2f}]": (lambda xs, p=p: models.linear(xs, p))
            for i, p in enumerate(path.x)}
    fig = mplot.data_fit(x, y, fits, x_range=(0.0, 2.0), progression=True, size=(5.6, 4.2),
                         title="d) The model at points 0 (light) to 4 (dark)")
    fig.axes[0].set_ylim(0, 2)
    fig.axes[0].legend(fontsize=7, loc="lower right")
    mplot.save(fig, files[3])
    return files

"""Figure 6.8: Nesterov accelerated momentum vs momentum, as geometry from real steps.

Reproduces the book's figure 6.8 on the least-squares loss of the notebook's
linear data (``mg.lab.datasets.book_linear()``), full batch so that every
number is deterministic.  ``mg.optim.Momentum`` (eq. 6.11, lr 0.04, beta 0.6)
runs four steps from ``(1.6, -0.8)``; where it stands is point 1 and the path
that brought it there is the dashed line.  From point 1, with the same
momentum ``m``:

* momentum measures the gradient at 1 (``mg.grad``), moves ``-lr (1 - beta) g(1)``
  to point 2, then adds the momentum term ``-lr beta m`` to reach point 3;
* Nesterov (eq. 6.12) first applies the momentum term, 1 -> 4
  (``rules.nesterov_lookahead``), measures the gradient there and moves
  ``-lr (1 - beta) g(4)`` to point 5.

Points 3 and 5 are the actual steps of ``mg.optim.Momentum`` and
``mg.optim.Nesterov`` given the same state (``load_state_dict``); the module
checks that they equal the sums of the drawn arrows.  Writes
``fig6_8_nesterov_geometry.png``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models
from minigrad.optim import rules

START, LR, BETA, STEPS = (1.6, -0.8), 0.04, 0.6, 4


def one_step(cls, phi, state_dict, loss):
    """One step of optimizer ``cls`` from ``phi`` with the state of another run."""
    p = mg.tensor(phi.copy(), requires_grad=True)
    opt = cls(p, lr=LR, beta=BETA)
    opt.load_state_dict(state_dict)

    def closure():
        opt.zero_grad()
        value = loss(p)
        value.backward()
        return value

    opt.step(closure)
    return p.data.copy()


def nesterov_points():
    """Points 1-5 of figure 6.8, the path to point 1 and the loss, from real steps."""
    x, y = datasets.book_linear()
    loss = models.make_loss(models.linear, x, y)
    run = mg.lab.minimize(loss, START, optimizer="Momentum", steps=STEPS, lr=LR, beta=BETA)
    param = run.optimizer.param_groups[0]["params"][0]
    m = run.optimizer.state[param]["m"]
    p1 = run.x
    p2 = p1 - LR * (1 - BETA) * mg.grad(loss)(p1)
    p4 = rules.nesterov_lookahead(p1, m, lr=LR, beta=BETA)
    state = run.optimizer.state_dict()
    p3 = one_step(mg.optim.Momentum, p1, state, loss)
    p5 = one_step(mg.optim.Nesterov, p1, state, loss)
    # The optimizers' steps are exactly the arrows drawn: 3 = 2 + momentum term,
    # 5 = 4 + the step along the gradient measured at 4.
    assert np.allclose(p3, p2 - LR * BETA * m)
    assert np.allclose(p5, p4 - LR * (1 - BETA) * mg.grad(loss)(p4))
    return dict(zip("12345", (p1, p2, p3, p4, p5))), run.trajectory.x, loss


ARROWS = [   # (from, to, colour, label)
    ("1", "2", "#1e90ff", "momentum: gradient at 1, $-\\alpha(1-\\beta)g[1]$"),
    ("2", "3", "#87cefa", "momentum: + momentum term $-\\alpha\\beta m$"),
    ("1", "4", "#ff7f0e", "Nesterov: momentum term first $-\\alpha\\beta m$"),
    ("4", "5", "#ffd700", "Nesterov: gradient at 4, $-\\alpha(1-\\beta)g[4]$"),
]


def _arrows(ax, pts, width):
    for a, b, color, label in ARROWS:
        d = pts[b] - pts[a]
        ax.quiver([pts[a][0]], [pts[a][1]], [d[0]], [d[1]], angles="xy", scale_units="xy",
                  scale=1, color=color, width=width, edgecolor="k", linewidth=0.6, zorder=8,
                  label=label)



def draw(out_dir, quick=False):
    """Write figure 6.8 into ``out_dir``; return its path."""
    pts, path, loss = nesterov_points()
    fig, axes = mplot.figure(1, 2, size=(14.0, 6.0), width_ratios=[1.0, 1.25])
    res = 60 if quick else 150
    mplot.loss_surface(loss, (-0.5, 2.5), (-1.2, 1.5), resolution=res, ax=axes[0],
                       log=True, colorbar=False, title="momentum run on the linear loss",
                       xlabel=r"intercept $\phi_0$", ylabel=r"slope $\phi_1$")
    axes[0].plot(path[:, 0], path[:, 1], "w--o", ms=4, lw=1.2, label="steps so far")
    lo = np.min(list(pts.values()), axis=0)
    hi = np.max(list(pts.values()), axis=0)
    pad = 0.25 * (hi - lo).max()
    lo, hi = lo - pad, hi + pad
    side, centre = (hi - lo).max(), (lo + hi) / 2        # a square zoom: true angles
    r0 = (centre[0] - side / 2, centre[0] + side / 2)
    r1 = (centre[1] - side / 2, centre[1] + side / 2)
    box = np.array([(r0[0], r1[0]), (r0[1], r1[0]), (r0[1], r1[1]), (r0[0], r1[1]),
                    (r0[0], r1[0])])
    axes[0].plot(box[:, 0], box[:, 1], "w-", lw=1.5, label="zoomed region")
    axes[0].legend(fontsize=8, loc="upper right")

    ax = axes[1]
    mplot.loss_surface(loss, r0, r1, resolution=res, ax=ax, levels=20, colorbar=False,
                       cmap="Greys_r", title="zoom: one step from point 1 (equal axes)",
                       xlabel=r"intercept $\phi_0$", ylabel=r"slope $\phi_1$")
    ax.plot(path[:, 0], path[:, 1], "k--", lw=1.5, label="path so far")
    _arrows(ax, pts, 0.008)
    for name, p in pts.items():
        ax.plot([p[0]], [p[1]], "o", color="w", mec="k", ms=16, zorder=9)
        ax.text(p[0], p[1], name, ha="center", va="center", fontsize=10, fontweight="bold",
                zorder=10)
    ax.set_aspect("equal")
    ax.set_xlim(*r0)
    ax.set_ylim(*r1)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.9)
    fig.suptitle(rf"Figure 6.8 from real steps: momentum reaches 3, Nesterov reaches 5 "
                 rf"($\alpha$ = {LR}, $\beta$ = {BETA}, after {STEPS} momentum steps)")
    return [save(fig, Path(out_dir) / "fig6_8_nesterov_geometry.png", quick)]


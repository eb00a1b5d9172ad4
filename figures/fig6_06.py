"""Figure 6.6: stochastic gradient descent as gradient descent on a changing loss.

Reproduces the book's figure 6.6 on the companion notebooks' thirty Gabor pairs
(``mg.lab.datasets.book_gabor()``, eq. 6.8) with batches of three:

* (a) ``fig6_6a_sgd_step_distribution.png``: the loss of the whole data set with
  every possible SGD step from one point phi_t: one step per batch, all
  C(30, 3) = 4060 of them (their endpoints as a cloud, some as arrows); their
  mean is the full-batch step scaled by 3/30 (eq. 6.10 sums over the batch).
* (b), (c) ``fig6_6b_batch_loss.png``, ``fig6_6c_batch_loss.png``: the loss of two
  different batches, with different minima; the step is downhill on each, and
  the model moves towards the three points of its batch.
* (d) ``fig6_6d_uphill_on_full_loss.png``: a batch whose step goes down its own
  loss and up the full loss, and both losses along that step.

Every gradient comes from ``mg.jacobian`` of the per-example losses (eq. 6.6).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

BATCH = 3
PHI_T = np.array([-5.0, 12.5])      # on the slope of the local minimum near (-5.8, 13.8)
LR = 1.5
P0_RANGE, P1_RANGE = (-10.0, 10.0), (2.5, 22.5)
AXES = dict(xlabel=r"offset $\phi_0$", ylabel=r"frequency $\phi_1$")


def example_losses(x, y):
    """phi -> the vector of per-example losses l_i = (f[x_i, phi] - y_i)**2 (eq. 6.5)."""
    def losses(phi):
        return (models.gabor(x, phi) - y) ** 2
    return losses


def all_batch_steps(x, y, phi, lr=LR, batch_size=BATCH):
    """Every batch of ``batch_size`` indices and its SGD step -lr * sum_B dl_i/dphi (eq. 6.10)."""
    J = mg.jacobian(example_losses(x, y))(phi)          # (I, 2): one gradient per example
    batches = np.array(list(itertools.combinations(range(len(x)), batch_size)))
    return batches, -lr * J[batches].sum(axis=1), J


def losses_at(x, y, points):
    """Per-example losses at many points: shape (n_points, I), without a graph."""
    with mg.no_grad():
        return np.asarray(example_losses(x, y)(np.asarray(points).T[..., None]).data)


def grid_of(loss, resolution, p0_range=P0_RANGE, p1_range=P1_RANGE):
    return mplot.evaluate_grid(lambda P: loss(P[..., None]), p0_range, p1_range, resolution,
                               vectorized=True)


def _arrow(ax, start, step, color, label=None, width=0.012):
    ax.quiver([start[0]], [start[1]], [step[0]], [step[1]], angles="xy", scale_units="xy",
              scale=1, color=color, width=width, edgecolor="k", linewidth=0.6, zorder=9,
              label=label)


def _point(ax, xy, label=r"current $\phi_t$"):
    ax.plot([xy[0]], [xy[1]], "o", color="w", mec="k", ms=8, mew=1.5, zorder=10, label=label)


def panel_a(ax, grid, L, n_data, phi, batches, steps, full_step, quick):
    mplot.loss_surface(grid=grid, ax=ax, log=True, title="a) full-data loss and the "
                       f"{len(batches)} possible SGD steps from $\\phi_t$", **AXES)
    ends = phi + steps
    ax.plot(ends[:, 0], ends[:, 1], ".", color="#ff7f0e", ms=1.5, alpha=0.35, zorder=6)
    _point(ax, phi)
    inset = ax.inset_axes([0.53, 0.03, 0.45, 0.42])
    span = np.abs(steps).max(axis=0) * 1.1
    lo, hi = phi - span, phi + span
    P0, P1, Z = mplot.evaluate_grid(lambda P: L(P[..., None]), (lo[0], hi[0]),
                                    (lo[1], hi[1]), 40 if quick else 80, vectorized=True)
    inset.contour(P0, P1, Z, levels=14, colors="k", linewidths=0.5, alpha=0.5)
    inset.plot(ends[:, 0], ends[:, 1], ".", color="#ff7f0e", ms=2, alpha=0.3,
               label="endpoint of one batch's step")
    shown = np.random.default_rng(0).choice(len(steps), 12, replace=False)
    for k in shown:
        _arrow(inset, phi, steps[k], "#ff7f0e", width=0.008)
    _arrow(inset, phi, steps.mean(axis=0), "#1e90ff", label="mean of all steps", width=0.012)
    inset.plot(*(phi + full_step * BATCH / n_data), "x", color="r", ms=9, mew=2, zorder=11,
               label=r"$\frac{3}{30}\times$ full-batch step")
    _point(inset, phi, None)
    inset.set_xlim(lo[0], hi[0])
    inset.set_ylim(lo[1], hi[1])
    inset.set_facecolor("#f2f2f2")
    inset.tick_params(labelsize=6)
    inset.set_title("zoom: samples of the step", fontsize=7)
    inset.legend(fontsize=6.5, loc="lower right", framealpha=0.85)
    ax.indicate_inset_zoom(inset, edgecolor="w")


def batch_panels(fig, axes, x, y, phi, batch, step, title, quick):
    """Left: the batch's loss surface and its step; right: the batch data and the models."""
    Lb = models.make_loss(models.gabor, x[batch], y[batch])
    P0, P1, Z = grid_of(Lb, 60 if quick else 150)
    best = np.unravel_index(np.argmin(Z), Z.shape)
    mplot.loss_surface(grid=(P0, P1, Z), ax=axes[0], log=True, title=title,
                       points={"minimum of this batch's loss (grid)":
                               (np.array([[P0[best], P1[best]]]), "o", "#c8c8c8")}, **AXES)
    _point(axes[0], phi)
    _arrow(axes[0], phi, step, "#ff7f0e", label="SGD step on this batch")
    axes[0].legend(fontsize=7, loc="upper right", framealpha=0.85)
    before, after = Lb(phi).item(), Lb(phi + step).item()
    axes[0].text(0.02, 0.02, f"batch loss {before:.2f} -> {after:.2f}", color="w",
                 transform=axes[0].transAxes, fontsize=8)
    xs = np.linspace(-15, 15, 300)
    with mg.no_grad():
        ax = axes[1]
        ax.plot(x, y, "o", color="0.75", ms=4, label="other training data")
        ax.plot(x[batch], y[batch], "o", color="C1", mec="k", ms=8, label="this batch")
        ax.plot(xs, models.gabor(xs, phi).data, "k--", lw=1.4, label=r"model at $\phi_t$")
        ax.plot(xs, models.gabor(xs, phi + step).data, "C0-", lw=1.8,
                label="model after the step")
    ax.set_xlabel("input x")
    ax.set_ylabel("output y")
    ax.set_title("the model moves towards the batch", fontsize=10)
    ax.legend(fontsize=7, loc="lower left")
    ax.grid(alpha=0.3)


def choose_batches(x, y, phi, batches, steps, full_gradient):
    """Panels b and c: two long steps, both downhill on their own batch's loss, one
    turned to each side of the mean step.  Panel d: a step that starts uphill on the
    full loss (positive slope along it) and ends higher, while its batch's loss ends
    lower; of those, the one that climbs the full loss the most."""
    E0, E1 = losses_at(x, y, [phi])[0], losses_at(x, y, phi + steps)
    batch_before = E0[batches].sum(axis=1)
    batch_after = np.take_along_axis(E1, batches, axis=1).sum(axis=1)
    halfway = losses_at(x, y, phi + steps / 2)
    batch_halfway = np.take_along_axis(halfway, batches, axis=1).sum(axis=1)
    down_on_batch = (batch_after < batch_before) & (batch_halfway < batch_before)
    full_rise = E1.sum(axis=1) - E0.sum()
    norms = np.linalg.norm(steps, axis=1)
    mean = steps.mean(axis=0) / np.linalg.norm(steps.mean(axis=0))
    sideways = steps @ np.array([-mean[1], mean[0]])      # signed distance across the mean
    ok = np.flatnonzero(down_on_batch & (norms > np.quantile(norms, 0.75)))
    b, c = ok[np.argmax(sideways[ok])], ok[np.argmin(sideways[ok])]
    uphill = np.flatnonzero(down_on_batch & (full_rise > 0) & (steps @ full_gradient > 0))
    d = uphill[np.argmax(full_rise[uphill])]
    return b, c, d


def panel_d(x, y, phi, batch, step, quick, out):
    fig, axes = mplot.figure(1, 3, size=(16.0, 4.8))
    L = models.make_loss(models.gabor, x, y)
    Lb = models.make_loss(models.gabor, x[batch], y[batch])
    res = 60 if quick else 150
    window = [(c - 2.5, c + 2.5) for c in phi]        # zoomed in: the step is short
    for ax, loss, name in ((axes[0], Lb, "this batch's loss"), (axes[1], L, "full-data loss")):
        mplot.loss_surface(grid=grid_of(loss, res, *window), ax=ax, log=True, colorbar=False,
                           title=f"d) the step on {name} (zoom)", **AXES)
        _point(ax, phi)
        _arrow(ax, phi, step, "#ff7f0e", label="the SGD step")
        ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
    s = np.linspace(0.0, 1.0, 41)
    with mg.no_grad():
        along = (phi[:, None] + step[:, None] * s).T
        batch_curve = np.array([Lb(p).item() for p in along])
        full_curve = np.array([L(p).item() for p in along])
    ax = axes[2]
    ax.plot(s, batch_curve - batch_curve[0], "C1-", lw=2, label="batch loss (down)")
    ax.plot(s, full_curve - full_curve[0], "C0-", lw=2, label="full-data loss (up)")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xlabel(r"fraction of the step taken, $\phi_t + s\,\Delta\phi$")
    ax.set_ylabel(r"change of loss from $\phi_t$")
    ax.set_title("both losses along the step", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle(f"Batch {tuple(int(i) for i in batch)}: downhill on its own loss, uphill on "
                 "the full loss (how SGD can leave a valley); colour: log10 loss")
    return save(fig, out, quick)




def draw(out_dir, quick=False):
    """Write the four panels of figure 6.6 into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    x, y = datasets.book_gabor()
    L = models.make_loss(models.gabor, x, y)
    batches, steps, J = all_batch_steps(x, y, PHI_T)
    full_step = -LR * J.sum(axis=0)
    paths = [out_dir / "fig6_6a_sgd_step_distribution.png",
             out_dir / "fig6_6b_batch_loss.png", out_dir / "fig6_6c_batch_loss.png",
             out_dir / "fig6_6d_uphill_on_full_loss.png"]

    fig, ax = mplot.figure(size=(8.0, 6.4))
    panel_a(ax, grid_of(L, 60 if quick else 160), L, len(x), PHI_T, batches, steps, full_step,
            quick)
    save(fig, paths[0], quick)

    b, c, d = choose_batches(x, y, PHI_T, batches, steps, J.sum(axis=0))
    for path, k, letter in ((paths[1], b, "b"), (paths[2], c, "c")):
        fig, axes = mplot.figure(1, 2, size=(12.0, 4.8))
        batch_panels(fig, axes, x, y, PHI_T, batches[k], steps[k],
                     f"{letter}) loss of batch {tuple(int(i) for i in batches[k])}", quick)
        save(fig, path, quick)
    panel_d(x, y, PHI_T, batches[d], steps[d], quick, paths[3])
    return paths

"""Figure 6.4: the loss of the Gabor model on the notebook data is not convex.

(a) The loss over (phi0, phi1) with every critical point minigrad finds in the
window: the global minimum (grey circle), the local minima (cyan circles) and
the saddle points (blue crosses).  They are found numerically: Newton's method
from many starts (``_gabor.critical_points``), each end point classified by the
signs of its Hessian's eigenvalues (``mg.lab.classify_critical_point``).
(b-f) The model at five of the minima, ordered by phi0, so the global minimum
is panel (c) as in the book.  Two more pictures go beyond the book's panels: the
same loss as a 3-D surface, and gradient descent from several starts, each
ending in the minimum of the valley it started in.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _gabor import AXES, L, X, Y, critical_points, loss_grid, model, save

import minigrad as mg
import minigrad.lab.plot as mplot

# Starts for the descents picture: spread over the window, in different valleys.
STARTS = [(-6.0, 4.0), (-3.0, 10.8), (0.0, 17.6), (3.0, 14.2), (3.0, 10.8), (6.0, 4.0),
          (6.0, 7.4), (9.0, 17.6)]


def marked_points(crit):
    """The special points in the book's colours: grey global minimum, cyan local
    minima, blue crosses for saddles."""
    minima = np.array([phi for phi, _ in crit["minimum"]])
    return {"global minimum": (minima[:1], "o", "#c8c8c8"),
            "local minima": (minima[1:], "o", "#00ffff"),
            "saddle points": (np.array([phi for phi, _ in crit["saddle"]]), "X", "#1040ff")}


def draw(out_dir, quick=False):
    out = Path(out_dir)
    resolution = 60 if quick else 120
    grid = loss_grid(resolution)
    crit = critical_points(resolution, 4 if quick else 8)
    points = marked_points(crit)
    files = [out / "fig6_4a_loss.png", out / "fig6_4b_models.png",
             out / "fig6_4_surface3d.png", out / "fig6_4_descents.png"]

    fig = mplot.loss_surface(grid=grid, points=points, levels=25, size=(6.4, 5.6),
                             title="a) Gabor loss: minima and saddle points", **AXES)
    fig.axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    save(fig, files[0])

    # The global minimum and the four lowest local ones; the global one in panel (c).
    best, *local = crit["minimum"][:5]
    local = sorted(local, key=lambda m: m[0][0])
    five = [local[0], best, *local[1:]]
    fig, axes = mplot.figure(1, 5, size=(16.0, 3.4), sharey=True)
    for ax, letter, (phi, loss) in zip(axes, "bcdef", five):
        kind = "global minimum" if letter == "c" else "local minimum"
        mplot.data_fit(X, Y, [model(phi)], x_range=(-15, 15), ax=ax,
                       resolution=200 if quick else 500,
                       title=f"{letter}) {kind}, loss {loss:.2f}\n"
                             rf"$\phi$ = [{phi[0]:.2f}, {phi[1]:.2f}]",
                       xlabel="input $x$", ylabel="output $y$" if letter == "b" else "")
        ax.set_ylim(-1.25, 1.25)
        ax.get_legend().remove()
    fig.suptitle("The Gabor model at five minima of the loss: no small change lowers the loss")
    save(fig, files[1])

    fig, ax = mplot.figure(size=(6.8, 5.4), subplot_kw={"projection": "3d"})
    P0, P1, Z = grid
    detail = 15 if quick else 60
    ax.plot_surface(P0, P1, Z, cmap="viridis", alpha=0.8, linewidth=0, rcount=detail,
                    ccount=detail)
    for name, (xy, marker, color) in points.items():
        with mg.no_grad():
            z = np.asarray(L(xy.T[..., None]))
        ax.scatter(xy[:, 0], xy[:, 1], z + 0.3, marker=marker, color=color, s=60,
                   edgecolors="k", depthshade=False, label=name)
    ax.set(xlabel=AXES["xlabel"], ylabel=AXES["ylabel"], zlabel=r"loss $L[\phi]$",
           title="Gabor loss as a surface")
    ax.view_init(elev=50, azim=-70)
    ax.legend(loc="upper left", fontsize=8)
    save(fig, files[2])

    steps = 6 if quick else 40
    search = mg.optim.Bracketing(max_dist=2.0, thresh=1e-3)
    starts = STARTS[::2] if quick else STARTS
    paths = [mg.lab.minimize(L, s, optimizer="GD", steps=steps, line_search=search).trajectory
             for s in starts]
    minima = [phi for phi, _ in crit["minimum"]]
    labels = []
    for k, p in enumerate(paths):
        end = p.x[-1]
        near = min(range(len(minima)), key=lambda i: np.linalg.norm(minima[i] - end))
        where = "the global minimum" if near == 0 else \
            f"the minimum at [{minima[near][0]:.1f}, {minima[near][1]:.1f}]"
        labels.append(f"start {k + 1} -> {where}, loss {p.loss[-1]:.2f}")
    fig = mplot.loss_surface(grid=grid, trajectories=[p.x for p in paths], labels=labels,
                             points={"global minimum": points["global minimum"],
                                     "local minima": points["local minima"]},
                             points_on_top=False, levels=25, size=(7.6, 5.6),
                             title=f"Gradient descent with line search from {len(starts)} starts: "
                                   "the start decides", **AXES)
    fig.axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=7)
    save(fig, files[3])
    return files

"""Chapter 6.4: GD vs normalized gradients vs Adam on a lopsided bowl (figure 6.9).

The loss L = 0.1 phi0^2 + 10 phi1^2 is a hundred times more curved along
phi1 than along phi0.  Gradient descent (eq. 6.3) with a fixed learning rate
cannot suit both directions: a rate that is stable across the steep
direction crawls along the shallow one, and a slightly larger one oscillates
ever more widely across the steep direction.  Normalized gradients (eqs.
6.13-6.14) step the same distance alpha along every coordinate, so they make
progress in both directions but end up bouncing around the minimum.  Adam
(eqs. 6.15-6.17) smooths both the gradient and its square with momentum and
corrects their bias; its path is smooth and it settles at the minimum.

Run:  python examples/ch6_adam.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets

START = [-8.0, 2.0]
SHOWN_WHEN_UNSTABLE = 12
SCALES = (0.1, 10.0)           # curvatures 0.2 and 20: the stability limit of GD is lr < 0.1


def L(phi):
    return datasets.bowl(phi, scales=SCALES)


RUNS = {   # name: (optimizer, hyperparameters)
    "GD, lr 0.09 (slow along phi0)": ("GD", dict(lr=0.09)),
    "GD, lr 0.105 (unstable along phi1)": ("GD", dict(lr=0.105)),
    "normalized GD, lr 0.5": ("NormalizedGD", dict(lr=0.5, eps=1e-8)),
    "Adam, lr 0.3": ("Adam", dict(lr=0.3, betas=(0.9, 0.999), eps=1e-8)),
}


def main():
    args = options("ch6_adam", __doc__.splitlines()[0])
    steps = 40 if args.quick else 100
    results = {name: mg.lab.minimize(L, START, optimizer=opt, steps=steps, **hyper).trajectory
               for name, (opt, hyper) in RUNS.items()}

    rows = []
    for name, tr in results.items():
        near = np.flatnonzero(np.linalg.norm(tr.x, axis=1) < 0.5)
        rows.append([name, tr.x[-1], tr.loss[-1], np.abs(tr.x[-5:, 0]).max(),
                     np.abs(tr.x[-5:, 1]).max(), int(near[0]) if near.size else "never"])
    table(["method", "final phi", "final loss", "|phi0| last 5", "|phi1| last 5",
           "first step within 0.5"], rows,
          title=f"{steps} steps from phi = {START} on L = {SCALES[0]} phi0^2 + {SCALES[1]} phi1^2")

    out = args.out
    paths = [f"{out}/four_methods.png", f"{out}/loss_curves.png"]
    grid = mplot.evaluate_grid(L, (-9.0, 3.0), (-3.0, 3.0), 60 if args.quick else 150,
                               vectorized=True)
    fig, axes = mplot.figure(2, 2, size=(11.0, 7.5))
    for k, (ax, (name, tr)) in enumerate(zip(axes.ravel(), results.items())):
        path, title = tr.x, f"{'abcd'[k]}) {name}"
        if not np.isfinite(tr.loss[-1]) or tr.loss[-1] > 1e3:
            path = tr.x[:SHOWN_WHEN_UNSTABLE]          # later steps leave the picture
            title += f", first {SHOWN_WHEN_UNSTABLE} steps"
        mplot.loss_surface(grid=grid, log=True, trajectories=[path],
                           colors=[mplot.TRAJECTORY_COLORS[k]], ax=ax,
                           points={"minimum": (np.zeros((1, 2)), "o", "#c8c8c8")},
                           title=title)
    fig.suptitle(r"A bowl steep along $\phi_1$ and shallow along $\phi_0$ (cf. fig. 6.9)")
    mplot.save(fig, paths[0])
    mplot.loss_curves({name: tr.loss for name, tr in results.items()},
                      title="Loss per step (log scale)", path=paths[1])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

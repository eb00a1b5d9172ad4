"""Chapter 6.1.2-6.2: the Gabor model's non-convex loss; GD gets trapped, SGD can escape
(figures 6.4, 6.5).

The Gabor model f[x, phi] = sin(z) exp(-z^2 / 32), z = phi0 + 0.06 phi1 x (eq. 6.8)
is fitted to 28 noisy points by least squares.  Its loss surface has one
global minimum and many local minima.  Gradient descent with a line search
is deterministic: where it ends depends only on where it starts, and from a
start outside the right valley it settles in a local minimum.  Stochastic
gradient descent (eq. 6.10, batches of 3 drawn without replacement) follows a
different batch loss at each step, so it can step uphill on the full loss and
leave the wrong valley.

Run:  python examples/ch6_gabor.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

STARTS = {"start 1": [3.0, 20.0], "start 2": [2.5, 8.0], "start 3": [1.5, 14.0]}
RANGE0, RANGE1 = (-10.0, 10.0), (2.5, 22.5)
BATCH, LR = 3, 1.0


def local_minima(grid, L, refine_steps=30):
    """Minima of the loss: grid points lower than their neighbourhood, then refined by
    a few line-search steps and kept if the gradient vanishes inside the window."""
    P0, P1, Z = grid
    pad = np.pad(Z, 3, constant_values=np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(pad, (7, 7))
    candidates = np.argwhere(Z == windows.min(axis=(-1, -2)))
    found = []
    for i, j in candidates:
        res = mg.lab.minimize(L, [P0[i, j], P1[i, j]], optimizer="GD", steps=refine_steps,
                              line_search=mg.optim.Bracketing(max_dist=0.5))
        x = res.x
        inside = RANGE0[0] < x[0] < RANGE0[1] and RANGE1[0] < x[1] < RANGE1[1]
        if inside and res.trajectory.grad_norm[-1] < 5e-2 and \
                not any(np.linalg.norm(x - f) < 0.3 for f, _ in found):
            found.append((x, res.loss))
    return sorted(found, key=lambda m: m[1])


def reaches_global(x, global_min):
    return bool(np.linalg.norm(x - global_min) < 1.0)


def main():
    args = options("ch6_gabor", __doc__.splitlines()[0])
    gd_steps, sgd_steps, seeds = (20, 100, 2) if args.quick else (60, 300, 10)
    x, y = datasets.gabor()
    L = models.make_loss(models.gabor, x, y)                        # eq. 6.9

    def batch_loss(phi, batch=None):        # the full loss, or one batch's (eq. 6.10)
        return L(phi) if batch is None else models.make_loss(models.gabor, *batch)(phi)

    def sgd_run(start, seed, steps):
        stream = (b for _, b in mg.data.epochs((x, y), BATCH, rng=np.random.default_rng(seed)))
        return mg.lab.minimize(batch_loss, start, optimizer="GD", steps=steps,
                               batches=stream, lr=LR).trajectory

    grid = mplot.evaluate_grid(lambda P: L(P[..., None]), RANGE0, RANGE1,
                               80 if args.quick else 200, vectorized=True)
    minima = local_minima(grid, L, refine_steps=10 if args.quick else 30)
    global_min, global_loss = minima[0]
    print(f"{len(minima)} minima found in the window; the global one is "
          f"phi = {np.round(global_min, 3)} with loss {global_loss:.3f} "
          f"(the data were made with phi = [0, 16.6])")

    gd, sgd = {}, {}
    for name, start in STARTS.items():
        gd[name] = mg.lab.minimize(L, start, optimizer="GD", steps=gd_steps,
                                   line_search=mg.optim.Bracketing(max_dist=2.0)).trajectory
        sgd[name] = sgd_run(start, seed=0, steps=sgd_steps)
    rows = [[name, np.array(s), gd[name].x[-1], gd[name].loss[-1],
             "yes" if reaches_global(gd[name].x[-1], global_min) else "no",
             sgd[name].x[-1], sgd[name].loss[-1],
             "yes" if reaches_global(sgd[name].x[-1], global_min) else "no"]
            for name, s in STARTS.items()]
    table(["start", "phi at start", "GD end", "GD loss", "global?", "SGD end", "SGD loss",
           "global?"], rows, title=f"GD with line search ({gd_steps} steps) vs SGD (batch {BATCH}, "
                      f"lr {LR}, {sgd_steps} steps, seed 0)")

    outcome = []
    for seed in range(seeds):
        run = sgd_run(STARTS["start 2"], seed=seed, steps=sgd_steps)
        outcome.append(reaches_global(run.x[-1], global_min))
    print(f"\nFrom start 2, SGD reached the global minimum with {sum(outcome)} of {seeds} "
          f"seeds; gradient descent never does (it is deterministic).")

    out = args.out
    paths = [f"{out}/gd_paths.png", f"{out}/sgd_paths.png", f"{out}/minima_models.png",
             f"{out}/loss_curves.png"]
    points = {"global minimum": (global_min[None], "o", "#c8c8c8"),
              "local minima": (np.array([m for m, _ in minima[1:]]), "o", "#00ffff")}
    common = dict(grid=grid, labels=list(STARTS), points=points, xlabel=r"$\phi_0$ (position)",
                  ylabel=r"$\phi_1$ (squeeze)")
    mplot.loss_surface(trajectories=[gd[n].x for n in STARTS], **common,
                       title="Gabor loss: gradient descent + line search (cf. fig. 6.5a)",
                       path=paths[0])
    mplot.loss_surface(trajectories=[sgd[n].x for n in STARTS], **common,
                       title=f"Gabor loss: SGD, batches of {BATCH} (cf. fig. 6.5b)",
                       path=paths[1])

    shown = minima[:4]
    fig, axes = mplot.figure(1, len(shown), size=(3.2 * len(shown), 3.2))
    for k, (ax, (m, loss)) in enumerate(zip(np.atleast_1d(axes), shown)):
        kind = "global minimum" if k == 0 else "local minimum"
        mplot.data_fit(x, y, {f"phi = [{m[0]:.1f}, {m[1]:.1f}]":
                              (lambda xs, m=m: models.gabor(xs, m))},
                       x_range=(-15, 15), ax=ax, title=f"{kind}, loss {loss:.2f}")
        ax.set_ylim(-1.2, 1.2)
    fig.suptitle("The model at several minima of the loss (cf. fig. 6.4b-f)")
    mplot.save(fig, paths[2])

    curves = {f"GD, {n}": gd[n].loss for n in STARTS}
    curves.update({f"SGD, {n}": sgd[n].loss for n in STARTS})
    mplot.loss_curves(curves, title="Full-data loss per step", path=paths[3])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

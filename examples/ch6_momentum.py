"""Chapter 6.3: SGD vs momentum vs Nesterov momentum (figures 6.7, 6.8).

Stochastic gradient descent (eq. 6.10) on the linear-regression loss with
batches of 3: each batch gives a different, noisy gradient, and across the
steep direction of the long valley the path zig-zags.  Momentum (eq. 6.11,
m <- beta m + (1 - beta) g) averages the recent gradients, so the zig-zags
cancel and the path is smoother; Nesterov momentum (eq. 6.12) measures the
gradient where momentum is about to carry it, phi - alpha beta m, and so
corrects an overshoot before making it.

A second effect shows in the learning-rate sweep: plain SGD diverges once
alpha passes 2 / (largest curvature), while the averaged momentum update is
stable for learning rates several times larger.  All methods see the same
batches (one seed) at each learning rate.

Run:  python examples/ch6_momentum.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

START = [1.6, -0.8]
BATCH, BETA, SEED = 3, 0.9, 0
METHODS = {   # name: (optimizer, hyperparameters besides the learning rate)
    "SGD (eq. 6.10)": ("GD", {}),
    "momentum (eq. 6.11)": ("Momentum", dict(beta=BETA)),
    "Nesterov (eq. 6.12)": ("Nesterov", dict(beta=BETA)),
}
COLORS = dict(zip(METHODS, mplot.TRAJECTORY_COLORS))


def main():
    args = options("ch6_momentum", __doc__.splitlines()[0])
    steps = 40 if args.quick else 80
    x, y = datasets.linear_regression()

    def loss(phi, batch=None):          # full loss, or the loss of one batch (eq. 6.10)
        xb, yb = (x, y) if batch is None else batch
        return models.make_loss(models.linear, xb, yb)(phi)

    exact = np.linalg.lstsq(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)[0]
    target = 1.05 * loss(exact).item()      # "converged": within 5% of the least loss

    def run(method, lr):
        stream = (b for _, b in mg.data.epochs((x, y), BATCH, rng=np.random.default_rng(SEED)))
        optimizer, hyper = METHODS[method]
        with np.errstate(over="ignore", invalid="ignore"):     # plain SGD diverges at 0.4
            return mg.lab.minimize(loss, START, optimizer=optimizer, steps=steps,
                                   batches=stream, lr=lr, **hyper).trajectory

    runs, rows = {}, []
    for lr in (0.05, 0.1, 0.2, 0.4):
        row = [lr]
        for method in METHODS:
            r = runs[method, lr] = run(method, lr)
            final = r.loss[-1]
            hit = np.flatnonzero(r.loss <= target)
            if not np.isfinite(final) or final > 1e3:
                row += ["diverged", "-"]
            else:
                row += [final, int(hit[0]) if hit.size else f">{steps}"]
        rows.append(row)
    headers = ["lr"]
    for method in METHODS:
        short = method.split()[0]
        headers += [f"{short} loss", f"{short} steps"]
    table(headers, rows, title=f"Final full loss after {steps} steps (batch {BATCH}, "
                               f"beta {BETA}) and steps to reach loss <= {target:.4f}")

    out = args.out
    paths = [f"{out}/paths_same_lr.png", f"{out}/paths_large_lr.png", f"{out}/loss_curves.png"]
    grid = mplot.evaluate_grid(lambda P: loss(P[..., None]), (0.0, 2.0), (-1.0, 1.2),
                               60 if args.quick else 150, vectorized=True)
    minimum = {"least-squares minimum": (exact[None], "o", "#c8c8c8")}
    mplot.loss_surface(grid=grid, log=True, points=minimum,
                       trajectories=[runs[m, 0.1].x for m in METHODS], labels=list(METHODS),
                       colors=[COLORS[m] for m in METHODS],
                       xlabel=r"intercept $\phi_0$", ylabel=r"slope $\phi_1$",
                       title="lr 0.1: momentum smooths the zig-zag of SGD (cf. fig. 6.7)",
                       path=paths[0])
    big = [m for m in METHODS if np.isfinite(runs[m, 0.4].loss[-1])
           and runs[m, 0.4].loss[-1] < 1e3]
    mplot.loss_surface(grid=grid, log=True, points=minimum,
                       trajectories=[runs[m, 0.4].x for m in big], labels=big,
                       colors=[COLORS[m] for m in big],
                       xlabel=r"intercept $\phi_0$", ylabel=r"slope $\phi_1$",
                       title="lr 0.4: SGD diverges, the momentum methods do not",
                       path=paths[1])
    curves = {f"{m.split()[0]}, lr 0.1": runs[m, 0.1].loss for m in METHODS}
    curves.update({f"{m.split()[0]}, lr 0.4": runs[m, 0.4].loss for m in big})
    mplot.loss_curves(curves, title="Full-data loss per step", path=paths[2])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

"""Chapter 6.1.1: fitting a line by gradient descent with a line search (figures 6.1, 6.10).

The model is f[x, phi] = phi0 + phi1 x (eq. 6.4) and the loss the sum of
squared errors over twelve training pairs (eq. 6.5).  At every step, gradient
descent (eq. 6.3) measures the gradient and then *searches* along the downhill
direction for the step size alpha that lowers the loss most: the bracketing
search of figure 6.10.  Because this loss is a convex bowl, each search walks
to the valley floor along its line, and the next gradient is perpendicular to
the last: the path zig-zags towards the single minimum.

A fixed learning rate is shown beside it: small enough to be stable across the
steep direction of the bowl, it crawls along the shallow one.

Run:  python examples/ch6_linear_regression.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

START = [1.6, -0.8]            # a bad first guess: high intercept, falling slope
MAX_DIST = 0.2                 # the line search looks at alpha in [0, 0.2]


def main():
    args = options("ch6_linear_regression", __doc__.splitlines()[0])
    steps = 4 if args.quick else 10
    x, y = datasets.linear_regression()
    L = models.make_loss(models.linear, x, y)            # L(phi), eq. 6.5
    exact = np.linalg.lstsq(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)[0]

    line_search = mg.optim.Bracketing(max_dist=MAX_DIST, thresh=1e-4, max_iter=40)
    search = mg.lab.minimize(L, START, optimizer=mg.optim.GD, steps=steps,
                             line_search=line_search).trajectory
    # The largest stable fixed step is 2 / (largest Hessian eigenvalue); take 90% of it.
    curvature = np.linalg.eigvalsh(mg.hessian(L)(np.array(START)))
    lr = 0.9 * 2 / curvature.max()
    fixed = mg.lab.minimize(L, START, optimizer=mg.optim.GD, steps=steps, lr=lr).trajectory

    rows = []
    for t in range(len(search.x)):
        rows.append([t, search.x[t], search.loss[t], search.grad_norm[t],
                     search.lr[t - 1] if t > 0 else "-",
                     int(np.sum(search.probe_step == t - 1)) if t > 0 else "-",
                     fixed.loss[t]])
    table(["step", "phi (line search)", "loss", "|grad|", "alpha chosen", "probes",
           "loss (fixed lr)"],
          rows, title=f"Gradient descent on the linear-regression loss (fixed lr = {lr:.4f})")
    print(f"\nleast-squares solution phi = {np.round(exact, 4)}, loss {L(exact).item():.4f}; "
          f"after {steps} line-search steps phi = {np.round(search.x[-1], 4)}")
    print(f"Hessian eigenvalues {np.round(curvature, 2)}: all positive, the loss is convex "
          f"(problem 6.2)")

    out = args.out
    res = 60 if args.quick else 150
    grid = mplot.evaluate_grid(lambda P: L(P[..., None]), (-0.5, 2.0), (-1.0, 1.5),
                               res, vectorized=True)
    paths = [f"{out}/loss_surface.png", f"{out}/fits.png", f"{out}/line_search.png",
             f"{out}/loss_curves.png"]
    mplot.loss_surface(grid=grid, trajectories=[search.x, fixed.x],
                       labels=["GD + bracketing line search", f"GD, fixed lr {lr:.3f}"],
                       points={"least-squares minimum": (exact[None], "o", "#c8c8c8")},
                       number_steps=[0], log=True, xlabel=r"intercept $\phi_0$",
                       ylabel=r"slope $\phi_1$",
                       title="Linear regression loss: gradient descent paths (cf. fig. 6.1c)",
                       path=paths[0])
    fits = {f"step {t}": (lambda xs, p=p: models.linear(xs, p))
            for t, p in enumerate(search.x[:5])}
    mplot.data_fit(x, y, fits, x_range=(0.0, 2.0), progression=True,
                   title="Fits after each line-search step (cf. fig. 6.1d)", path=paths[1])
    k = 1                      # the search of step 2: its minimum is well inside [0, MAX_DIST]
    probes = search.probe_step == k
    phi_k, g_k = search.x[k], mg.grad(L)(search.x[k])
    mplot.line_search_probes(lambda a: L(phi_k - a * g_k),
                             list(zip(search.probe_lr[probes], search.probe_loss[probes])),
                             MAX_DIST, chosen=search.lr[k],
                             title=f"Step {k + 1}: bracketing search along -gradient "
                                   f"(cf. fig. 6.10)",
                             path=paths[2])
    mplot.loss_curves({"GD + line search": search.loss, f"GD, lr = {lr:.3f}": fixed.loss},
                      markers=True, title="Loss per step", path=paths[3])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

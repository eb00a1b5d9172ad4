"""Chapter 6 notes: Newton's method, and the critical points of the Gabor loss.

Newton's method, phi <- phi - H^-1 dL/dphi, jumps to the stationary point of
the local quadratic model of the loss; the Hessian H comes from the engine by
double backward.  On a quadratic bowl that is the minimum, reached in one
step.  On the non-convex Gabor loss (eq. 6.9) the stationary point of the
local model may be a minimum, a maximum or a saddle point: Newton's method
converges to whichever critical point is nearby, not necessarily downhill.

The example runs Newton's method from a grid of starts, collects the points
where the gradient vanishes and classifies each by the signs of the Hessian's
eigenvalues: all positive, a minimum; all negative, a maximum; mixed, a
saddle point (the blue cross of figure 6.4).

Run:  python examples/ch6_newton.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

RANGE0, RANGE1 = (-10.0, 10.0), (2.5, 22.5)
STYLE = {"minimum": ("o", "#00ffff"), "maximum": ("^", "#ff2020"),
         "saddle": ("X", "#1040ff"), "degenerate": ("s", "#ffffff")}


def critical_points(L, starts, steps):
    """Run Newton from each start; keep distinct points inside the window where the
    gradient vanished, each with its classification and Hessian eigenvalues."""
    found, paths, ends = [], [], []
    for start in starts:
        res = mg.lab.minimize(L, start, optimizer="Newton", steps=steps, tol=1e-9)
        x, g = res.x, res.trajectory.grad_norm[-1]
        inside = RANGE0[0] <= x[0] <= RANGE0[1] and RANGE1[0] <= x[1] <= RANGE1[1]
        if not (inside and g < 1e-6):
            continue
        paths.append(res.trajectory.x)
        kind = mg.lab.classify_critical_point(L, x)
        ends.append(kind)
        if any(np.linalg.norm(x - f["x"]) < 1e-3 for f in found):
            continue
        eig = mg.lab.hessian_eigenvalues(L, x)
        found.append({"x": x, "loss": res.loss, "eig": eig, "kind": kind})
    return sorted(found, key=lambda f: f["loss"]), paths, ends


def main():
    args = options("ch6_newton", __doc__.splitlines()[0])
    n, steps = (5, 12) if args.quick else (9, 25)

    # 1. On a quadratic bowl, one Newton step lands on the minimum.
    bowl = mg.lab.minimize(datasets.bowl, [-8.0, 2.0], optimizer="Newton", steps=1)
    print(f"Bowl 0.1 phi0^2 + 10 phi1^2 from [-8, 2]: one Newton step gives "
          f"phi = {np.round(bowl.x, 12)}, loss {bowl.loss:.2e}")

    # 2. On the Gabor loss, Newton finds minima, maxima and saddle points alike.
    x, y = datasets.gabor()
    L = models.make_loss(models.gabor, x, y)
    g0, g1 = np.meshgrid(np.linspace(-8, 8, n), np.linspace(5, 20, n))
    starts = np.stack([g0.ravel(), g1.ravel()], axis=1)
    points, paths, ends = critical_points(L, starts, steps)
    table(["kind", "phi", "loss", "Hessian eigenvalues"],
          [[p["kind"], p["x"], p["loss"], p["eig"]] for p in points],
          title=f"Critical points of the Gabor loss found by Newton's method from "
                f"{len(starts)} starts")
    plural = {"minimum": "minima", "maximum": "maxima", "saddle": "saddle points",
              "degenerate": "degenerate points"}
    counts = {k: sum(p["kind"] == k for p in points) for k in STYLE}
    print("\nDistinct points: " + ", ".join(f"{v} {plural[k]}" for k, v in counts.items() if v))
    runs = {k: ends.count(k) for k in STYLE}
    print(f"Of {len(starts)} Newton runs, {len(ends)} converged inside the window: "
          + ", ".join(f"{v} to {plural[k]}" for k, v in runs.items() if v)
          + ". Newton's method does not prefer minima.")

    out = args.out
    paths_png = [f"{out}/critical_points.png"]
    grid = mplot.evaluate_grid(lambda P: L(P[..., None]), RANGE0, RANGE1,
                               80 if args.quick else 200, vectorized=True)
    minima = [p for p in points if p["kind"] == "minimum"]
    lowest = minima[0] if minima else None            # points are sorted by loss
    marks = {"lowest minimum found": (lowest["x"][None], "o", "#c8c8c8")} if lowest else {}
    for kind, (marker, color) in STYLE.items():
        xs = np.array([p["x"] for p in points if p["kind"] == kind and p is not lowest])
        if xs.size:
            marks[f"{kind} ({len(xs)})"] = (xs, marker, color)
    shown = [paths[i] for i in np.linspace(0, len(paths) - 1, min(6, len(paths))).astype(int)]
    fig = mplot.loss_surface(grid=grid, points=marks, trajectories=shown,
                             colors=["#ffffff"] * len(shown), points_on_top=True,
                             xlabel=r"$\phi_0$", ylabel=r"$\phi_1$",
                             title="Gabor loss: critical points found by Newton's method",
                             size=(7.0, 5.5))
    fig.axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8,
                       title="white lines: some of the Newton paths", title_fontsize=8)
    mplot.save(fig, paths_png[0])
    print(f"\npictures in {out}/")
    saved(paths_png)


if __name__ == "__main__":
    main()

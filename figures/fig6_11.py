"""Figure 6.11: three one-dimensional loss functions for problem 6.6, points 1-7 classified.

The book's figure shows three 1-D curves with seven numbered points and asks
which curve is convex and whether each point is a local minimum, the global
minimum or neither.  The book does not give formulas for its curves; the
project's stand-ins, with the same kinds of points, and points 1-7 on them come
from ``mg.lab.datasets.problem6_6_functions()`` (the worked problem 6.6 uses
the same ones):

* (a) ``0.3 x**2 + log(1 + exp(x))``: convex, one minimum (point 1);
* (b) ``x**4/4 - x**2 + 0.3 x``: two valleys and a hill (points 2-4);
* (c) ``x**4/4 - x**3/3``: a point on a slope, a flat inflection, a valley (5-7).

Every derivative comes from ``mg.grad`` (nested for the second and third).
The module checks the given points against its own search (critical points
are where ``f'`` changes sign, refined by Newton's method on ``f'``), then
classifies each one: ``mg.lab.classify_critical_point`` reads the sign of
``f''``, a zero ``f''`` with a non-zero ``f'''`` is a flat inflection, and a
minimum is global when no point of the (wide) grid is lower.  Convexity is
checked with ``mg.lab.check_convexity`` (``f'' >= 0`` at sampled points).
Writes ``fig6_11_problem6_6.png``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot

FUNCTIONS, FORMULAS, POINTS = mg.lab.datasets.problem6_6_functions()
RANGES = {"a": (-3.0, 2.5), "b": (-2.1, 2.0), "c": (-0.9, 1.55)}     # plotted ranges
STYLE = {"global minimum": ("o", "#808080"), "local minimum": ("o", "#00c8ff"),
         "neither (maximum)": ("v", "C3"), "neither (flat inflection)": ("s", "C1"),
         "neither (not a critical point)": ("D", "C4")}


def scalar(f):
    """f on a one-element vector, returning a scalar: the form mg.grad takes."""
    return lambda x: f(x).sum()


def derivative(f, order):
    """The ``order``-th derivative of a function of one variable, by nested ``mg.grad``."""
    g = scalar(f)
    for _ in range(order):
        g = (lambda h: (lambda x: mg.grad(h)(x).sum()))(g)
    return lambda x: float(np.asarray(mg.as_tensor(g(np.array([float(x)]))).data))


def critical_points(f, lo, hi, n=401):
    """Where f' changes sign (or touches zero) on a grid, refined by Newton's method on f'."""
    d1, d2 = derivative(f, 1), derivative(f, 2)
    xs = np.linspace(lo, hi, n)
    slope = np.array([d1(x) for x in xs])
    found = []
    for k in np.flatnonzero(np.diff(np.sign(slope)) != 0):
        x = xs[k] if abs(slope[k]) < abs(slope[k + 1]) else xs[k + 1]
        for _ in range(60):
            curvature = d2(x)
            if abs(d1(x)) < 1e-13 or curvature == 0.0:
                break
            x -= d1(x) / curvature
        if not any(abs(x - y) < 1e-6 for y in found):
            found.append(x)
    # A flat inflection touches zero without changing sign; there f'' crosses zero, so
    # Newton's method on f'' (with f''') from the grid's smallest |f'| finds it.
    k = int(np.argmin(np.abs(slope)))
    if abs(slope[k]) < 1e-4 and not any(abs(xs[k] - y) < 1e-2 for y in found):
        d3, x = derivative(f, 3), xs[k]
        for _ in range(60):
            if abs(d2(x)) < 1e-13 or d3(x) == 0.0:
                break
            x -= d2(x) / d3(x)
        found.append(x)
    return sorted(found)


def classify(f, x, lo, hi):
    """Local minimum, global minimum or neither (and why), by the derivatives at x."""
    if abs(derivative(f, 1)(x)) > 1e-6:
        return "neither (not a critical point)"
    kind = mg.lab.classify_critical_point(scalar(f), np.array([x]), tol=1e-6)
    if kind == "degenerate":
        return "neither (flat inflection)" if abs(derivative(f, 3)(x)) > 1e-6 else kind
    if kind == "maximum":
        return "neither (maximum)"
    grid = np.linspace(lo - 5, hi + 5, 4001)       # wider than the picture
    lowest = float(np.min(f(grid)))
    return "global minimum" if f(np.array([x]))[0] <= lowest + 1e-9 else "local minimum"


def analyse():
    """Every panel: (panel, formula, f, range, convexity report, [(number, x, class)]).

    The points are the shared ones; this module's search must find exactly their
    critical points, and each class worked out here must be the shared answer.
    """
    rows = []
    for panel, f in FUNCTIONS.items():
        lo, hi = RANGES[panel]
        given = [(n, x, answer) for n, (p, x, answer) in POINTS.items() if p == panel]
        critical = [x for _, x, answer in given if answer != "neither (not a critical point)"]
        found = critical_points(f, lo, hi)
        if len(found) != len(critical) or not np.allclose(found, critical, atol=1e-6):
            raise AssertionError(f"panel {panel}: critical points {found}, given {critical}")
        points = []
        for number, x, answer in given:
            kind = classify(f, x, lo, hi)
            if kind != answer:
                raise AssertionError(f"point {number}: worked out {kind!r}, given {answer!r}")
            points.append((number, x, kind))
        convex = mg.lab.check_convexity(scalar(f), [lo], [hi], samples=60)
        rows.append((panel, FORMULAS[panel], f, (lo, hi), convex, points))
    return rows



def draw(out_dir, quick=False):
    """Write figure 6.11 (the three functions, points 1-7 classified); return its path."""
    path = Path(out_dir) / "fig6_11_problem6_6.png"
    fig, axes = mplot.figure(1, 3, size=(15.0, 4.8))
    seen = set()
    for ax, (panel, formula, f, (lo, hi), convex, points) in zip(axes, analyse()):
        xs = np.linspace(lo, hi, 200 if quick else 400)
        ax.plot(xs, f(xs), "k-", lw=1.8)
        for number, x, kind in points:
            marker, color = STYLE[kind]
            y = float(f(np.array([x]))[0])
            ax.plot([x], [y], marker, color=color, mec="k", ms=11, zorder=5,
                    label=None if kind in seen else kind)
            seen.add(kind)
            ax.annotate(str(number), (x, y), textcoords="offset points", xytext=(0, 11),
                        ha="center", fontsize=12, fontweight="bold")
        verdict = ("convex: f'' >= 0 everywhere sampled" if convex else
                   f"not convex: f'' = {convex.min_eigenvalue:.2f} at x = "
                   f"{convex.worst_point[0]:.2f}")
        ax.set_title(f"{panel}) {formula}\n{verdict}", fontsize=10)
        ax.set_xlabel(r"parameter $\phi$")
        ax.set_ylabel(r"loss $L[\phi]$")
        lo_y, hi_y = ax.get_ylim()
        ax.set_ylim(lo_y, hi_y + 0.1 * (hi_y - lo_y))
        ax.grid(alpha=0.3)
    fig.legend(loc="lower center", ncol=5, fontsize=9, bbox_to_anchor=(0.5, -0.01))
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))
    fig.suptitle("Problem 6.6: which function is convex, and what are points 1-7? "
                 "(derivatives by mg.grad)")
    return [save(fig, path, quick)]

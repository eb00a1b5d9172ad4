"""What figures 6.2-6.5 share: the notebooks' Gabor data, its loss (eq. 6.9), the
window of the book's loss pictures, and the critical points of that loss.

The critical points are found, not typed in: Newton's method (which walks to
any point where the gradient vanishes, minimum, maximum or saddle alike) runs
from a regular grid of starts, and the Hessian's eigenvalues at each point it
reaches say which kind of point that is.
"""

from __future__ import annotations

import functools

import numpy as np

import minigrad as mg
from minigrad.lab import datasets, models

RANGE0, RANGE1 = (-10.0, 10.0), (2.5, 22.5)     # phi0 (position), phi1 (squeeze)
BOOK_PHI = np.array([0.0, 16.6])                 # the parameters the book's data came from
X, Y = datasets.book_gabor()
L = models.make_loss(models.gabor, X, Y)         # sum of squared errors (eq. 6.9)
AXES = dict(xlabel=r"$\phi_0$ (position)", ylabel=r"$\phi_1$ (squeeze)")


@functools.lru_cache(maxsize=4)
def loss_grid(resolution):
    """``(P0, P1, Z)``: the loss over the window, one vectorized evaluation."""
    import minigrad.lab.plot as mplot
    return mplot.evaluate_grid(lambda P: L(P[..., None]), RANGE0, RANGE1, resolution,
                               vectorized=True)


def inside(phi, margin=0.0):
    return (RANGE0[0] + margin < phi[0] < RANGE0[1] - margin
            and RANGE1[0] + margin < phi[1] < RANGE1[1] - margin)


@functools.lru_cache(maxsize=4)
def critical_points(resolution, starts_per_axis=8, steps=25):
    """Critical points of ``L`` inside the window, as ``{kind: [(phi, loss), ...]}`` with
    kind ``"minimum"``, ``"maximum"`` or ``"saddle"``, each list sorted by loss.

    Newton's method runs from the lowest points of ``loss_grid(resolution)`` (each
    lower than its 7 x 7 neighbourhood: Newton lands on a minimum from there) and from a
    ``starts_per_axis``² grid of starts (where it finds saddles and maxima as well).
    A point counts when its gradient norm is below 1e-6, it lies inside the window,
    and it is new; ``mg.lab.classify_critical_point`` names it from the Hessian.
    """
    P0, P1, Z = loss_grid(resolution)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(Z, 3, constant_values=np.inf),
                                                       (7, 7))
    lowest = [(P0[i, j], P1[i, j]) for i, j in np.argwhere(Z == windows.min(axis=(-1, -2)))]
    regular = [(a, b) for a in np.linspace(*RANGE0, starts_per_axis + 2)[1:-1]
               for b in np.linspace(*RANGE1, starts_per_axis + 2)[1:-1]]
    grad = mg.grad(L)
    found = []
    for start in lowest + regular:
        res = mg.lab.minimize(L, start, optimizer="Newton", steps=steps, tol=1e-10)
        phi = res.x
        if (np.all(np.isfinite(phi)) and inside(phi)
                and np.linalg.norm(grad(phi)) < 1e-6
                and not any(np.linalg.norm(phi - q) < 1e-3 for q, _ in found)):
            found.append((phi, float(res.loss)))
    kinds = {"minimum": [], "maximum": [], "saddle": []}
    for phi, loss in sorted(found, key=lambda c: c[1]):
        kinds.setdefault(mg.lab.classify_critical_point(L, phi), []).append((phi, loss))
    return kinds


def save(fig, path):
    """Save as PNG, then re-encode with a 256-colour palette: the smooth heatmaps make
    large true-colour files, and the gallery keeps each picture small."""
    from PIL import Image  # matplotlib's own dependency

    import minigrad.lab.plot as mplot
    mplot.save(fig, path)
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                           dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    return path


def model(phi):
    """The Gabor model with parameters ``phi`` as a function of x, for a plot."""
    return lambda xs: models.gabor(xs, np.asarray(phi, dtype=np.float64))

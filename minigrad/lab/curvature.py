"""Curvature: the Hessian's eigenvalues (eq. 6.19), critical points, convexity.

The Hessian itself comes from [`minigrad.hessian()`][minigrad.transforms.hessian] (double backward
through the engine); this module only reads its eigenvalues.

At a point where the gradient vanishes, the signs of the Hessian's
eigenvalues say what the point is: all positive, a minimum; all negative, a
maximum; both signs, a saddle.  A zero eigenvalue leaves the question open
("degenerate": the second derivatives cannot decide).  A function is convex
where its Hessian is positive semi-definite everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..transforms import grad, hessian

__all__ = ["hessian_eigenvalues", "classify_eigenvalues", "classify_critical_point",
           "check_convexity", "ConvexityReport"]


def hessian_eigenvalues(f, x):
    """Eigenvalues of the Hessian of ``f`` at ``x``, ascending.

    >>> import numpy as np
    >>> hessian_eigenvalues(lambda x: x[0] ** 2 - 3 * x[1] ** 2, np.zeros(2))
    array([-6.,  2.])
    """
    x = np.asarray(x, dtype=np.float64)
    H = np.asarray(hessian(f)(x)).reshape(x.size, x.size)
    return np.linalg.eigvalsh((H + H.T) / 2)    # symmetrize away rounding differences


def classify_eigenvalues(eigenvalues, tol=1e-8):
    """``"minimum"``, ``"maximum"``, ``"saddle"`` or ``"degenerate"`` from eigenvalues.

    Both clearly positive and clearly negative eigenvalues make a saddle even
    if some are zero; otherwise a zero eigenvalue (``|lambda| <= tol``) makes it
    degenerate.
    """
    ev = np.asarray(eigenvalues)
    pos, neg = np.any(ev > tol), np.any(ev < -tol)
    if pos and neg:
        return "saddle"
    if np.any(np.abs(ev) <= tol):
        return "degenerate"
    return "minimum" if pos else "maximum"


def classify_critical_point(f, x, tol=1e-8, grad_tol=1e-6):
    """Classify the critical point ``x`` of ``f`` as minimum, maximum, saddle or degenerate.

    Raises ``ValueError`` when the gradient norm at ``x`` exceeds ``grad_tol``
    (not a critical point); pass ``grad_tol=None`` to skip the check.

    >>> import numpy as np
    >>> f = lambda x: x[0] ** 2 - x[1] ** 2
    >>> classify_critical_point(f, np.zeros(2))
    'saddle'
    """
    x = np.asarray(x, dtype=np.float64)
    if grad_tol is not None:
        g_norm = float(np.linalg.norm(grad(f)(x)))
        if g_norm > grad_tol:
            raise ValueError(
                f"classify_critical_point: the gradient at x={x} has norm {g_norm:.3g} > "
                f"grad_tol={grad_tol}, so x is not a critical point. Find one first "
                f"(e.g. mg.lab.minimize(..., optimizer='Newton')) or raise grad_tol.")
    return classify_eigenvalues(hessian_eigenvalues(f, x), tol)


@dataclass
class ConvexityReport:
    """Result of [`check_convexity()`][minigrad.lab.curvature.check_convexity]; true when no sampled
    Hessian had an eigenvalue below ``-tol``."""

    convex: bool
    min_eigenvalue: float
    worst_point: np.ndarray
    samples: int

    def __bool__(self):
        return self.convex

    def __repr__(self):
        verdict = "no sign of non-convexity" if self.convex else "NOT convex"
        return (f"ConvexityReport({verdict} in {self.samples} samples; smallest Hessian "
                f"eigenvalue {self.min_eigenvalue:.4g} at {self.worst_point})")


def check_convexity(f, lo, hi, samples=200, seed=0, tol=1e-10):
    """Sample the box ``lo <= x <= hi`` uniformly (seeded) and check that the Hessian is
    positive semi-definite at every sample.

    Sampling can prove non-convexity (one bad point suffices) but only suggest
    convexity.

    >>> import numpy as np
    >>> bool(check_convexity(lambda x: (x ** 4).sum(), [-1, -1], [1, 1], samples=20))
    True
    >>> bool(check_convexity(lambda x: x[0] * x[1], [-1, -1], [1, 1], samples=5))
    False
    """
    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    rng = np.random.default_rng(seed)
    worst, worst_x = np.inf, None
    for _ in range(samples):
        x = rng.uniform(lo, hi)
        smallest = hessian_eigenvalues(f, x)[0]
        if smallest < worst:
            worst, worst_x = smallest, x
    return ConvexityReport(bool(worst >= -tol), float(worst), worst_x, samples)

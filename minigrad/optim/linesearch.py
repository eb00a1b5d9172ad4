"""Line searches: how far to walk along the downhill direction ``phi - lr * g``.

Each search looks at a function of one variable, ``f(lr)``, for ``lr`` in
``[0, max_dist]``, and records every point it evaluates (its *probes*), so the
search can be drawn.  ``GD(params, line_search=Bracketing())`` uses one as its
step-size rule instead of a fixed learning rate (eq. 6.3, where the book
writes alpha for the step ``lr`` the search chooses).

* [`Bracketing`][minigrad.optim.linesearch.Bracketing] - the four-point bracketing of the book's
  Figure 6.10;
* [`GoldenSection`][minigrad.optim.linesearch.GoldenSection] - three points, the interval shrinks by
  the golden ratio;
* [`Backtracking`][minigrad.optim.linesearch.Backtracking] - Armijo's rule: shrink until the loss
  fell enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class LineSearchResult:
    """The chosen step ``lr`` and every probe ``(lrs[k], losses[k])``.

    When the search ran inside an optimizer, ``origin`` is the flattened start
    point and ``direction`` the flattened search direction (``-g``), so
    [`positions()`][minigrad.optim.linesearch.LineSearchResult.positions] gives the probes as points
    in parameter space. [`Bracketing`][minigrad.optim.linesearch.Bracketing] also keeps
    ``brackets``, shape ``(iterations + 1, 4)``: the points ``a, b, c, d`` at the start of each
    iteration and at the end, so the shrinking of Figure 6.10 can be drawn panel by panel.
    """

    lr: float
    lrs: np.ndarray
    losses: np.ndarray
    iterations: int = 0
    origin: np.ndarray | None = field(default=None, repr=False)
    direction: np.ndarray | None = field(default=None, repr=False)
    brackets: np.ndarray | None = field(default=None, repr=False)

    def positions(self):
        """The probes in parameter space, shape ``(n_probes, n_params)``."""
        if self.origin is None:
            raise ValueError("this search ran on a bare 1-D function: no positions")
        return self.origin[None, :] + self.lrs[:, None] * self.direction[None, :]


class _Probe:
    """Wraps ``f`` so that each distinct step is evaluated once and recorded."""

    def __init__(self, f):
        self.f = f
        self.cache = {}
        self.lrs = []
        self.losses = []

    def __call__(self, lr):
        lr = float(lr)
        if lr not in self.cache:
            loss = float(self.f(lr))
            self.cache[lr] = loss
            self.lrs.append(lr)
            self.losses.append(loss)
        return self.cache[lr]

    def result(self, lr, iterations):
        return LineSearchResult(float(lr), np.array(self.lrs), np.array(self.losses),
                                iterations)


# ------------------------------------------------------------ bracketing
class Bracketing:
    """Bracketing line search of Figure 6.10 (the book's notebook 6.1 procedure).

    Four points ``a < b < c < d`` start at 0, 0.33, 0.66 and 1.0 times
    ``max_dist``.  Each iteration evaluates the loss at all four and then:

    1. if ``a`` has the lowest loss of the four, ``b``, ``c`` and ``d`` move
       halfway towards ``a`` (the minimum is close to where we stand);
    2. otherwise, if ``L(b) < L(c)``, the minimum is not in ``[c, d]``: ``d = c``;
    3. otherwise it is not in ``[a, b]``: ``a = b``;

    after rules 2 and 3, ``b`` and ``c`` are re-spaced at a third and two thirds
    of ``[a, d]``.  The loop runs while ``|b - c| > thresh`` and fewer than
    ``max_iter`` iterations have run; the step is ``(b + c) / 2``.  A point
    evaluated before is not evaluated again (the iterates do not change).

    >>> from minigrad.optim import Bracketing
    >>> res = Bracketing(max_dist=2.0).search(lambda a: (a - 0.7) ** 2)
    >>> round(res.lr, 3)
    0.7
    >>> res.brackets[:2].round(3)        # a, b, c, d; L(b) < L(c), so [c, d] goes first
    array([[0.  , 0.66, 1.32, 2.  ],
           [0.  , 0.44, 0.88, 1.32]])
    """

    def __init__(self, max_dist=1.0, thresh=1e-4, max_iter=100):
        self.max_dist = max_dist
        self.thresh = thresh
        self.max_iter = max_iter

    def __repr__(self):
        return (f"Bracketing(max_dist={self.max_dist}, thresh={self.thresh}, "
                f"max_iter={self.max_iter})")

    def search(self, f, f0=None, slope=None):
        """Search ``f`` on ``[0, max_dist]``; ``f0`` and ``slope`` are not needed."""
        L = _Probe(f)
        if f0 is not None:
            L.cache[0.0] = float(f0)   # the loss where we stand is already known
        a, b, c, d = (0.0, 0.33 * self.max_dist, 0.66 * self.max_dist, self.max_dist)
        n_iter = 0
        brackets = []
        while abs(b - c) > self.thresh and n_iter < self.max_iter:
            n_iter += 1
            brackets.append((a, b, c, d))
            losses = (L(a), L(b), L(c), L(d))
            if np.argmin(losses) == 0:           # rule 1: a is lowest
                b = a + (b - a) / 2
                c = a + (c - a) / 2
                d = a + (d - a) / 2
                continue
            if losses[1] < losses[2]:            # rule 2: drop [c, d]
                d = c
            else:                                # rule 3: drop [a, b]
                a = b
            b = a + (d - a) / 3
            c = a + 2 * (d - a) / 3
        result = L.result((b + c) / 2, n_iter)
        result.brackets = np.array(brackets + [(a, b, c, d)])
        return result


def bracketing_search(f, max_dist=1.0, thresh=1e-4, max_iter=100):
    """The bracketing line search (Figure 6.10) of a function of one variable.

    Returns the step ``lr`` in ``[0, max_dist]``; see
    [`Bracketing`][minigrad.optim.linesearch.Bracketing].

    >>> from minigrad.optim import bracketing_search
    >>> round(bracketing_search(lambda a: (a - 0.25) ** 2 + 1.0), 3)
    0.25
    """
    return Bracketing(max_dist, thresh, max_iter).search(f).lr


# ----------------------------------------------------------- golden section
_INV_PHI = (np.sqrt(5.0) - 1) / 2      # 1/golden ratio = 0.618...


class GoldenSection:
    """Golden-section search on ``[0, max_dist]`` for a unimodal ``f``.

    Two interior points at fractions 0.382 and 0.618 of the interval; the side
    beyond the worse one is dropped, so one of them is reused and each
    iteration costs one new evaluation while the interval shrinks by 0.618.

    >>> from minigrad.optim import GoldenSection
    >>> round(GoldenSection(max_dist=3.0).search(lambda a: (a - 2.0) ** 2).lr, 4)
    2.0
    """

    def __init__(self, max_dist=1.0, thresh=1e-5, max_iter=100):
        self.max_dist = max_dist
        self.thresh = thresh
        self.max_iter = max_iter

    def __repr__(self):
        return (f"GoldenSection(max_dist={self.max_dist}, thresh={self.thresh}, "
                f"max_iter={self.max_iter})")

    def search(self, f, f0=None, slope=None):
        L = _Probe(f)
        a, d = 0.0, float(self.max_dist)
        b = d - _INV_PHI * (d - a)
        c = a + _INV_PHI * (d - a)
        n_iter = 0
        while d - a > self.thresh and n_iter < self.max_iter:
            n_iter += 1
            if L(b) < L(c):           # the minimum is in [a, c]
                d, c = c, b
                b = d - _INV_PHI * (d - a)
            else:                     # the minimum is in [b, d]
                a, b = b, c
                c = a + _INV_PHI * (d - a)
        return L.result((a + d) / 2, n_iter)


def golden_section_search(f, max_dist=1.0, thresh=1e-5, max_iter=100):
    """Golden-section search of a function of one variable on ``[0, max_dist]``."""
    return GoldenSection(max_dist, thresh, max_iter).search(f).lr


# ------------------------------------------------------------- backtracking
class Backtracking:
    """Armijo backtracking: start at ``max_dist``, shrink by ``rho`` until
    ``f(lr) <= f(0) + c * lr * slope`` (sufficient decrease).

    ``slope`` is the derivative of ``f`` at 0; along ``-g`` it is ``-|g|^2``,
    which the optimizer passes.  Only a step that decreases enough is accepted;
    after ``max_iter`` halvings the last (tiny) step is returned.

    >>> from minigrad.optim import Backtracking
    >>> res = Backtracking(max_dist=1.0).search(lambda a: (1 - 2 * a) ** 2, slope=-4.0)
    >>> res.lr, res.lrs
    (0.5, array([0. , 1. , 0.5]))
    """

    def __init__(self, max_dist=1.0, rho=0.5, c=1e-4, max_iter=50):
        if not 0 < rho < 1:
            raise ValueError(f"Backtracking: rho must be in (0, 1), got {rho}")
        self.max_dist = max_dist
        self.rho = rho
        self.c = c
        self.max_iter = max_iter

    def __repr__(self):
        return (f"Backtracking(max_dist={self.max_dist}, rho={self.rho}, c={self.c}, "
                f"max_iter={self.max_iter})")

    def search(self, f, f0=None, slope=None):
        if slope is None:
            raise ValueError("Backtracking.search needs slope, the derivative of f at 0 "
                             "(for the direction -g it is -|g|^2).")
        L = _Probe(f)
        f0 = L(0.0) if f0 is None else float(f0)
        lr = float(self.max_dist)
        n_iter = 0
        while L(lr) > f0 + self.c * lr * slope and n_iter < self.max_iter:
            n_iter += 1
            lr *= self.rho
        return L.result(lr, n_iter)


def backtracking_search(f, slope, max_dist=1.0, rho=0.5, c=1e-4, max_iter=50):
    """Armijo backtracking on a function of one variable with derivative ``slope`` at 0."""
    return Backtracking(max_dist, rho, c, max_iter).search(f, slope=slope).lr

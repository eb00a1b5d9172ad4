"""The small data sets of chapter 6 of *Understanding Deep Learning*, and toy functions.

Every data set is made by a generator with a seed, so the same call always
returns the same numbers; the defaults give the chapter's fixed sets:

* [`linear_regression()`][minigrad.lab.datasets.linear_regression]: twelve input/output pairs for
  the 1-D linear model (the training set of figure 6.1);
* [`gabor()`][minigrad.lab.datasets.gabor]: inputs uniform in [-15, 15] passed through the Gabor
  model of eq. 6.8 with phi = [0, 16.6] plus Gaussian noise (28 pairs, as in figure 6.3);
* [`two_class_1d()`][minigrad.lab.datasets.two_class_1d]: problem 6.4's two classes, ten points from
  N(-1, 1) labelled 0 and ten from N(1, 1) labelled 1;
* [`sine()`][minigrad.lab.datasets.sine]: a noisy sine wave for the shallow network of eq. 3.1;
* [`book_linear()`][minigrad.lab.datasets.book_linear] and
  [`book_gabor()`][minigrad.lab.datasets.book_gabor]: the exact data of the book's companion
  notebooks (twelve linear-regression pairs, thirty Gabor pairs), so results can be checked against
  the numbers the notebooks print.

The toy *functions* ([`bowl()`][minigrad.lab.datasets.bowl],
[`rosenbrock()`][minigrad.lab.datasets.rosenbrock], [`saddle()`][minigrad.lab.datasets.saddle]) are
loss surfaces written with minigrad operations, so that optimizers can run on them directly.  They
take ``phi`` whose first axis holds the two coordinates, so the same function evaluates one point
(shape ``(2,)``) or a whole grid (shape ``(2, H, W)``) for a picture.
[`problem6_6_functions()`][minigrad.lab.datasets.problem6_6_functions] gives the three
one-dimensional losses (and points 1-7) of problem 6.6 and figure 6.11.

>>> import minigrad as mg
>>> x, y = mg.lab.datasets.gabor()
>>> x.shape, y.shape
((28,), (28,))
>>> float(mg.lab.datasets.rosenbrock([1.0, 1.0]).item())
0.0
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..autograd import no_grad
from ..functional import softplus
from ..tensor import as_tensor
from . import book_data, models

__all__ = ["book_linear", "book_gabor", "linear_regression", "gabor", "two_class_1d", "sine",
           "bowl", "rosenbrock", "saddle", "BOWL_MINIMUM", "ROSENBROCK_MINIMUM",
           "problem6_6_functions",
           "make_moons", "make_spirals"]


# ------------------------------------------------------------------ data sets
def book_linear():
    """The companion notebook's twelve pairs for the linear model ``y = phi0 + phi1 x``.

    From ``Notebooks/Chap06/6_2_Gradient_Descent.ipynb`` of the book's repository
    (see ``minigrad.lab.book_data``).  The notebook's loss is the plain sum
    of squared residuals; at ``phi = (0.6, -0.2)`` it is 12.367:

    >>> import minigrad as mg
    >>> x, y = book_linear()
    >>> x.shape
    (12,)
    >>> loss = mg.lab.models.make_loss(mg.lab.models.linear, x, y)
    >>> round(float(loss([0.6, -0.2]).item()), 3)
    12.367
    """
    return np.array(book_data.LINEAR_X), np.array(book_data.LINEAR_Y)


def book_gabor():
    """The companion notebooks' thirty pairs for the Gabor model (eq. 6.8, ``a = 32``).

    From ``Notebooks/Chap06/6_3_Stochastic_Gradient_Descent.ipynb`` (also used by
    ``6_4_Momentum.ipynb``); see ``minigrad.lab.book_data``.  The inputs lie
    in about [-15, 15] and are not sorted.

    >>> x, y = book_gabor()
    >>> x.shape, y.shape
    ((30,), (30,))
    """
    return np.array(book_data.GABOR_X), np.array(book_data.GABOR_Y)


def linear_regression(n=12, phi=(0.7, 0.5), noise=0.1, x_range=(0.0, 2.0), seed=0):
    """Inputs and outputs for the 1-D linear model ``y = phi0 + phi1 * x`` plus noise.

    The inputs are uniform in ``x_range`` and sorted; the outputs have
    Gaussian noise of standard deviation ``noise``.  The default is the
    chapter's training set of twelve pairs (figure 6.1a).

    >>> x, y = linear_regression()
    >>> x.shape, bool(x.min() >= 0.0 and x.max() <= 2.0)
    ((12,), True)
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(x_range[0], x_range[1], size=n))
    y = phi[0] + phi[1] * x + noise * rng.standard_normal(n)
    return x, y


def gabor(n=28, phi=(0.0, 16.6), noise=0.15, a=models.GABOR_A, x_range=(-15.0, 15.0),
          seed=0):
    """Training data for the Gabor model (eq. 6.8, figure 6.3).

    ``x`` is drawn uniformly from ``x_range`` (default [-15, 15]), passed
    through the Gabor model [`minigrad.lab.models.gabor()`][minigrad.lab.models.gabor] with
    parameters ``phi`` (default [0, 16.6]) and envelope constant ``a``, and Gaussian noise with
    standard deviation ``noise`` is added.  ``n`` pairs, 28 by default as in the book.

    >>> x, y = gabor(n=5, seed=1)
    >>> x.shape, bool(np.all(np.abs(x) <= 15))
    ((5,), True)
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(x_range[0], x_range[1], size=n)
    with no_grad():                     # data, not a graph: the model's values only
        clean = models.gabor(x, phi, a=a).data
    y = clean + noise * rng.standard_normal(n)
    return x, y


def two_class_1d(n_per_class=10, means=(-1.0, 1.0), std=1.0, seed=0):
    """The two classes of problem 6.4: ``x`` and labels ``y`` in {0, 1}.

    ``n_per_class`` points from N(means[0], std**2) get label 0 and as many
    from N(means[1], std**2) get label 1 (class 0 first, then class 1).

    >>> x, y = two_class_1d()
    >>> x.shape, y.tolist()[:3], int(y.sum())
    ((20,), [0.0, 0.0, 0.0], 10)
    """
    rng = np.random.default_rng(seed)
    x0 = rng.normal(means[0], std, size=n_per_class)
    x1 = rng.normal(means[1], std, size=n_per_class)
    x = np.concatenate([x0, x1])
    y = np.concatenate([np.zeros(n_per_class), np.ones(n_per_class)])
    return x, y


def sine(n=20, noise=0.1, x_range=(0.0, 2.0), frequency=1.0, seed=0):
    """A noisy sine wave ``sin(2 pi f x)`` on sorted inputs: data for a shallow network.

    >>> x, y = sine(n=8)
    >>> x.shape, bool(np.all(np.diff(x) >= 0))
    ((8,), True)
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(x_range[0], x_range[1], size=n))
    y = np.sin(2 * np.pi * frequency * x) + noise * rng.standard_normal(n)
    return x, y


# ------------------------------------------------------------- toy functions
BOWL_MINIMUM = np.array([0.0, 0.0])
ROSENBROCK_MINIMUM = np.array([1.0, 1.0])


def bowl(phi, scales=(0.1, 10.0)):
    """A quadratic bowl, shallow along phi0 and steep along phi1 (figure 6.9's setting).

    ``L = scales[0] * phi0**2 + scales[1] * phi1**2``: the curvature differs by
    a factor of ``scales[1] / scales[0]`` (100 by default), so one fixed
    learning rate cannot suit both directions.  Minimum 0 at the origin.

    >>> import minigrad as mg
    >>> bowl(mg.tensor([1.0, 1.0]))
    tensor(10.1)
    """
    phi = as_tensor(phi)
    return scales[0] * phi[0] ** 2 + scales[1] * phi[1] ** 2


def rosenbrock(phi, a=1.0, b=100.0):
    """Rosenbrock's banana valley ``(a - phi0)**2 + b (phi1 - phi0**2)**2``.

    The minimum, 0, is at ``(a, a**2)`` at the bottom of a long curved valley
    that is easy to find and slow to follow.

    >>> rosenbrock([0.0, 0.0])
    tensor(1.)
    """
    phi = as_tensor(phi)
    return (a - phi[0]) ** 2 + b * (phi[1] - phi[0] ** 2) ** 2


def saddle(phi):
    """``phi0**2 - phi1**2``: a saddle point at the origin (a minimum along
    phi0, a maximum along phi1); Newton's method walks straight onto it.

    >>> saddle([1.0, 2.0])
    tensor(-3.)
    """
    phi = as_tensor(phi)
    return phi[0] ** 2 - phi[1] ** 2


# ------------------------------------------- problem 6.6 / figure 6.11: three 1-D losses
Problem6_6 = namedtuple("Problem6_6", "functions formulas points")


def _problem6_6_a(x):
    return 0.3 * x ** 2 + softplus(x)          # softplus(x) = log(1 + exp(x)), stably


def _problem6_6_b(x):
    return x ** 4 / 4 - x ** 2 + 0.3 * x


def _problem6_6_c(x):
    return x ** 4 / 4 - x ** 3 / 3


def problem6_6_functions():
    """The three 1-D losses of problem 6.6 (the book's figure 6.11) and points 1-7 on them.

    The book draws its three curves without formulas, so these are stand-ins
    with the same kinds of points, chosen for this project's figure 6.11
    (``figures/fig6_11.py``) and used by the worked problem 6.6 as well:

    * (a) ``0.3 x**2 + log(1 + exp(x))``: convex; point 1 is its only minimum;
    * (b) ``x**4/4 - x**2 + 0.3 x``: a deeper valley (point 2), a hill (3) and
      a shallower valley (4);
    * (c) ``x**4/4 - x**3/3``: a point on a slope (5), a flat inflection at 0
      (6) and a valley at 1 (7).

    Returns ``Problem6_6(functions, formulas, points)``: ``functions`` maps the
    panel ("a", "b", "c") to its function, written with minigrad operations
    and elementwise (an array in, an array out; a tensor in, a tensor out, so
    ``mg.grad`` and ``mg.hessian`` work on it); ``formulas`` maps the panel
    to its formula in LaTeX; ``points`` maps the number 1-7 to ``(panel, x,
    answer)``, the answer to the problem's question in the words the figure
    uses.  The irrational locations are the roots of ``f'`` to double precision.

    >>> import numpy as np, minigrad as mg
    >>> functions, formulas, points = problem6_6_functions()
    >>> points[4]
    ('b', 1.3322207371911865, 'local minimum')
    >>> for n, (panel, x, answer) in points.items():
    ...     slope = mg.grad(lambda u: functions[panel](u).sum())(np.array([x]))[0]
    ...     print(n, panel, f"x={x:+.4f}", "f'=0" if abs(slope) < 1e-12 else f"f'={slope:+.3f}",
    ...           answer)
    1 a x=-0.5932 f'=0 global minimum
    2 b x=-1.4840 f'=0 global minimum
    3 b x=+0.1517 f'=0 neither (maximum)
    4 b x=+1.3322 f'=0 local minimum
    5 c x=-0.6000 f'=-0.576 neither (not a critical point)
    6 c x=+0.0000 f'=0 neither (flat inflection)
    7 c x=+1.0000 f'=0 global minimum
    """
    functions = {"a": _problem6_6_a, "b": _problem6_6_b, "c": _problem6_6_c}
    formulas = {"a": r"$0.3x^2 + \log(1 + e^x)$", "b": r"$x^4/4 - x^2 + 0.3x$",
                "c": r"$x^4/4 - x^3/3$"}
    points = {1: ("a", -0.5931770427613058, "global minimum"),
              2: ("b", -1.4839678931977263, "global minimum"),
              3: ("b", 0.15174715600653985, "neither (maximum)"),
              4: ("b", 1.3322207371911865, "local minimum"),
              5: ("c", -0.6, "neither (not a critical point)"),
              6: ("c", 0.0, "neither (flat inflection)"),
              7: ("c", 1.0, "global minimum")}
    return Problem6_6(functions, formulas, points)


# ------------------------------------------------- two-dimensional classification

def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles in the plane: a two-class problem no line can separate.

    Returns ``x`` of shape ``(n, 2)`` and integer labels ``y`` of shape
    ``(n,)`` in {0, 1} (half of the points in each class, the first class
    getting the extra point when ``n`` is odd).  Class 0 lies on the upper
    half of the unit circle, class 1 on a lower half circle shifted to
    ``(1, 0.5)``; Gaussian noise of standard deviation ``noise`` is added.
    The points are shuffled.

    >>> x, y = make_moons(7, seed=1)
    >>> x.shape, y.dtype.kind, int(y.sum())
    ((7, 2), 'i', 3)
    """
    if n < 2:
        raise ValueError(f"make_moons: n={n}; need at least two points, one per class")
    rng = np.random.default_rng(seed)
    n0 = n - n // 2
    n1 = n // 2
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)], axis=1)
    lower = np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n1, dtype=np.int64)])
    order = rng.permutation(n)
    return x[order], y[order]


def make_spirals(n=300, classes=3, noise=0.2, seed=0, turns=1.0):
    """``classes`` spiral arms winding out of the origin, one class per arm.

    Point ``i`` of arm ``k`` has radius ``r = i / n_k`` (from 0 to 1) and angle
    ``2 pi (turns * r + k / classes)`` plus Gaussian noise of standard
    deviation ``noise`` (in radians, so a point moves by about ``r * noise``:
    the arms stay apart near the centre).  Returns ``x`` of shape ``(n, 2)`` and integer
    labels ``y`` in ``0 .. classes - 1``; the points are shuffled.

    >>> x, y = make_spirals(30, classes=3, seed=0)
    >>> x.shape, sorted(set(y.tolist())), bool(np.abs(x).max() <= 1.5)
    ((30, 2), [0, 1, 2], True)
    """
    if classes < 1 or n < classes:
        raise ValueError(f"make_spirals: n={n} points for classes={classes}; need n >= "
                         f"classes >= 1")
    rng = np.random.default_rng(seed)
    counts = [n // classes + (1 if k < n % classes else 0) for k in range(classes)]
    xs, ys = [], []
    for k, m in enumerate(counts):
        r = np.linspace(0.05, 1.0, m)
        angle = 2 * np.pi * (turns * r + k / classes) + noise * rng.standard_normal(m)
        xs.append(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
        ys.append(np.full(m, k, dtype=np.int64))
    order = rng.permutation(n)
    return np.concatenate(xs)[order], np.concatenate(ys)[order]

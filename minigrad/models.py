"""The models of chapter 6 as plain minigrad functions ``f(x, phi)``, and their losses.

Each model is a composition of minigrad operations, so its gradient (and
Hessian) comes from the engine: there is no derivative code here.

* :func:`linear`: ``phi0 + phi1 x`` (eq. 6.4);
* :func:`gabor`: ``sin(z) exp(-z**2 / a)`` with ``z = phi0 + 0.06 phi1 x`` (eq. 6.8,
  ``a = 32`` in the book);
* :func:`logistic`: ``sig(phi0 + phi1 x)``, the probability of class 1 (eq. 6.21);
* :func:`shallow_network`: ``phi0 + sum_d phi_d a(theta_d0 + theta_d1 x)`` (eq. 3.1).

Losses follow the chapter's *sum* convention (eq. 6.5): the least-squares
loss is the sum of the squared errors, not their mean.  They sum over the
last axis, so a model evaluated with extra leading axes on ``phi`` (a grid of
parameter values, for a picture of the loss surface) gives a grid of losses.

>>> import numpy as np, minigrad as mg
>>> x, y = mg.datasets.linear_regression()
>>> L = mg.models.make_loss(mg.models.linear, x, y)
>>> mg.grad(L)(np.array([0.0, 0.0])).shape
(2,)
"""

from __future__ import annotations

from . import functional as F
from .tensor import as_tensor

__all__ = ["linear", "gabor", "logistic", "logistic_logits", "shallow_network",
           "least_squares", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "make_loss", "GABOR_A"]

GABOR_A = 32.0   # envelope constant of eq. 6.8 (the lecture slides use 8.0)


def _coords(phi):
    """``phi[0], phi[1], ...`` of a tensor whose first axis holds the parameters."""
    return as_tensor(phi)


# -------------------------------------------------------------------- models
def linear(x, phi):
    """The 1-D linear model ``f[x, phi] = phi0 + phi1 * x`` (eq. 6.4).

    ``phi0`` is the y-intercept and ``phi1`` the slope.

    >>> import minigrad as mg
    >>> linear(mg.tensor([0.0, 2.0]), mg.tensor([1.0, 0.5]))
    tensor([1., 2.])
    """
    phi = _coords(phi)
    return phi[0] + phi[1] * x


def gabor(x, phi, a=GABOR_A):
    """The Gabor model of eq. 6.8: a sinusoid under a Gaussian envelope.

    ``f[x, phi] = sin(z) * exp(-z**2 / a)`` with ``z = phi0 + 0.06 * phi1 * x``.
    ``phi0`` sets the position of the centre (larger phi0 moves it left) and
    ``phi1`` squeezes the function along x (larger phi1 narrows it).

    >>> import minigrad as mg
    >>> gabor(mg.tensor([0.0]), mg.tensor([0.0, 16.6]))
    tensor([0.])
    """
    phi = _coords(phi)
    z = phi[0] + phi[1] * (0.06 * x)    # scale the data, not phi1: one node fewer
    return F.sin(z) * F.exp(z * z * (-1.0 / a))   # one node for -z²/a, not two


def logistic(x, phi):
    """Logistic regression, ``Pr(y = 1 | x) = sig(phi0 + phi1 * x)`` (eqs. 6.21-6.22).

    >>> import minigrad as mg
    >>> logistic(mg.tensor([0.0]), mg.tensor([0.0, 3.0]))
    tensor([0.5])
    """
    phi = _coords(phi)
    return F.sigmoid(phi[0] + phi[1] * x)


def logistic_logits(x, phi):
    """The activation ``phi0 + phi1 * x`` of logistic regression, before the sigmoid."""
    phi = _coords(phi)
    return phi[0] + phi[1] * x


def shallow_network(x, phi, theta, activation=F.relu):
    """The shallow network of eq. 3.1 with ``D`` hidden units:

    ``f[x, phi, theta] = phi0 + sum_d phi_d * a(theta_d0 + theta_d1 * x)``

    ``x`` has shape ``(N,)``, ``phi`` shape ``(D + 1,)`` (the offset phi0, then
    one output weight per hidden unit) and ``theta`` shape ``(D, 2)`` (offset
    and slope of each unit).  ``activation`` is ReLU by default.  The book's
    example has D = 3, ten parameters in all (problem 6.5).

    >>> import minigrad as mg
    >>> phi = mg.tensor([0.5, 1.0, -1.0, 2.0])
    >>> theta = mg.tensor([[0.0, 1.0], [1.0, -1.0], [-1.0, 1.0]])
    >>> shallow_network(mg.tensor([0.0, 2.0]), phi, theta)
    tensor([-0.5,  4.5])
    """
    phi, theta, x = as_tensor(phi), as_tensor(theta), as_tensor(x)
    if theta.ndim != 2 or theta.shape[1] != 2 or phi.shape != (theta.shape[0] + 1,):
        raise ValueError(
            f"shallow_network: with D hidden units phi has shape (D + 1,) and theta "
            f"(D, 2); got phi {phi.shape} and theta {theta.shape}")
    pre = theta[:, 0] + theta[:, 1] * F.expand_dims(x, -1)     # (N, D): each unit's input
    hidden = activation(pre)
    return phi[0] + (hidden * phi[1:]).sum(axis=-1)


# -------------------------------------------------------------------- losses
def least_squares(pred, y):
    """Sum of squared errors over the last axis, ``sum_i (pred_i - y_i)**2`` (eq. 6.5).

    >>> import minigrad as mg
    >>> least_squares(mg.tensor([1.0, 2.0]), mg.tensor([0.0, 0.0]))
    tensor(5.)
    """
    r = as_tensor(pred) - y
    return (r * r).sum(axis=-1)


def binary_cross_entropy(prob, y, eps=1e-12):
    """``-sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]`` over the last axis.

    The probabilities are clipped to [eps, 1 - eps] so a confident wrong
    prediction gives a large finite loss, not infinity.  Prefer
    :func:`binary_cross_entropy_with_logits` when the activation is at hand.

    >>> import minigrad as mg
    >>> round(binary_cross_entropy(mg.tensor([0.5, 0.5]), mg.tensor([0.0, 1.0])).item(), 4)
    1.3863
    """
    p = F.clip(as_tensor(prob), eps, 1.0 - eps)
    return -(y * F.log(p) + (1.0 - y) * F.log(1.0 - p)).sum(axis=-1)


def binary_cross_entropy_with_logits(z, y):
    """Binary cross-entropy of ``sig(z)``, computed stably from the activation ``z``.

    Uses ``-log sig(z) = softplus(-z)`` with :func:`minigrad.softplus`, so
    large ``|z|`` neither overflows nor takes the log of zero, and the gradient is
    ``sig(z) - y`` everywhere, including at ``z = 0``.

    >>> import minigrad as mg
    >>> round(binary_cross_entropy_with_logits(mg.tensor([0.0, 0.0]),
    ...                                        mg.tensor([0.0, 1.0])).item(), 4)
    1.3863
    """
    z = as_tensor(z)
    return (F.softplus(z) - y * z).sum(axis=-1)


def make_loss(model, x, y, loss=least_squares, **model_kwargs):
    """The loss as a function of the parameters alone: ``L(phi) = loss(model(x, phi), y)``.

    This is the form an optimizer's ``minimize`` and ``mg.grad`` / ``mg.hessian``
    take.  Extra keyword arguments go to the model (e.g. ``a=`` for the Gabor model).

    >>> import numpy as np, minigrad as mg
    >>> x, y = mg.datasets.gabor()
    >>> L = make_loss(gabor, x, y)
    >>> mg.hessian(L)(np.array([0.0, 16.6])).shape
    (2, 2)
    """
    def L(phi):
        return loss(model(x, phi, **model_kwargs), y)
    L.__name__ = f"{loss.__name__}_{getattr(model, '__name__', 'model')}"
    return L

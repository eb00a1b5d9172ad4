"""The models of chapter 6 as plain minigrad functions ``f(x, phi)``, and their losses
as functions of ``phi``.

Each model is a composition of minigrad operations, so its gradient (and
Hessian) comes from the engine: there is no derivative code here.

* [`linear()`][minigrad.lab.models.linear]: ``phi0 + phi1 x`` (eq. 6.4);
* [`gabor()`][minigrad.lab.models.gabor]: ``sin(z) exp(-z**2 / a)`` with ``z = phi0 + 0.06 phi1 x``
  (eq. 6.8, ``a = 32`` in the book);
* [`logistic()`][minigrad.lab.models.logistic]: ``sig(phi0 + phi1 x)``, the probability of class 1
  (eq. 6.21);
* [`shallow_network()`][minigrad.lab.models.shallow_network]: ``phi0 + sum_d phi_d a(theta_d0 +
  theta_d1 x)`` (eq. 3.1).

The losses themselves live in [`minigrad.losses`][minigrad.losses];
[`make_loss()`][minigrad.lab.models.make_loss] ties a model, the data and a loss into ``L(phi)``,
following the chapter's *sum* convention (eq. 6.5): the least-squares loss is the sum of the squared
errors, not their mean.

>>> import numpy as np, minigrad as mg
>>> x, y = mg.lab.datasets.linear_regression()
>>> L = mg.lab.models.make_loss(mg.lab.models.linear, x, y)
>>> mg.grad(L)(np.array([0.0, 0.0])).shape
(2,)
"""

from __future__ import annotations

import numpy as np

from .. import functional as F
from ..losses import mse_loss
from ..tensor import Tensor, as_tensor

__all__ = ["linear", "gabor", "logistic", "logistic_logits", "shallow_network",
           "make_loss", "GABOR_A"]

GABOR_A = 32.0   # envelope constant of eq. 6.8 (the lecture slides use 8.0)


# -------------------------------------------------------------------- models
def linear(x, phi):
    """The 1-D linear model ``f[x, phi] = phi0 + phi1 * x`` (eq. 6.4).

    ``phi0`` is the y-intercept and ``phi1`` the slope.

    >>> import minigrad as mg
    >>> linear(mg.tensor([0.0, 2.0]), mg.tensor([1.0, 0.5]))
    tensor([1., 2.])
    """
    phi = as_tensor(phi)
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
    phi = as_tensor(phi)
    z = phi[0] + phi[1] * (0.06 * x)    # scale the data, not phi1: one node fewer
    return F.sin(z) * F.exp(z * z * (-1.0 / a))   # one node for -z²/a, not two


def logistic(x, phi):
    """Logistic regression, ``Pr(y = 1 | x) = sig(phi0 + phi1 * x)`` (eqs. 6.21-6.22).

    >>> import minigrad as mg
    >>> logistic(mg.tensor([0.0]), mg.tensor([0.0, 3.0]))
    tensor([0.5])
    """
    phi = as_tensor(phi)
    return F.sigmoid(phi[0] + phi[1] * x)


def logistic_logits(x, phi):
    """The activation ``phi0 + phi1 * x`` of logistic regression, before the sigmoid."""
    phi = as_tensor(phi)
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


# ---------------------------------------------------------- model to loss
def make_loss(model, x, y, loss=mse_loss, **model_kwargs):
    """The loss as a function of the parameters alone: ``L(phi) = sum_i l(model(x_i, phi), y_i)``.

    ``loss`` is a loss of [`minigrad.losses`][minigrad.losses] (least squares by default,
    [`binary_cross_entropy()`][minigrad.losses.binary_cross_entropy] for the logistic model); its
    per-example values are *summed* over the data, the book's convention
    (eq. 6.5), not averaged.  The sum runs over the last axis, so ``phi`` with
    extra axes (a grid of parameter values, ``P[..., None]``) gives a grid of
    losses for a picture.  ``L`` is the form ``mg.lab.minimize``, ``mg.grad`` and
    ``mg.hessian`` take.  Extra keyword arguments go to the model (e.g. ``a=``
    for the Gabor model).

    >>> import numpy as np, minigrad as mg
    >>> x, y = mg.lab.datasets.gabor()
    >>> L = make_loss(gabor, x, y)
    >>> mg.hessian(L)(np.array([0.0, 16.6])).shape
    (2, 2)
    >>> P = np.array([[0.0, 1.0, 2.0], [16.6, 16.6, 16.6]])    # three phi, one per column
    >>> L(P[..., None]).shape                                   # one loss each
    (3,)
    """
    def L(phi):
        pred = as_tensor(model(x, phi, **model_kwargs))
        return loss(pred, _over_grid(y, pred.shape), reduction="none").sum(axis=-1)
    L.__name__ = f"{loss.__name__}_{getattr(model, '__name__', 'model')}"
    return L


def _over_grid(y, shape):
    """The targets repeated over the leading (grid) axes of a prediction of ``shape``.

    Only a repetition along new leading axes is made; any other mismatch is
    passed on unchanged, so that the loss names it (a ``(N, 1)`` target against
    ``(N,)`` predictions must not broadcast to ``(N, N)``).
    """
    y_shape = y.shape if isinstance(y, Tensor) else np.shape(y)
    if y_shape == shape or y_shape != shape[len(shape) - len(y_shape):]:
        return y
    return F.broadcast_to(y, shape) if isinstance(y, Tensor) else np.broadcast_to(y, shape)

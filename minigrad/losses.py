"""Loss functions as negative log-likelihoods (Prince, *Understanding Deep Learning*, chapter 5).

A model predicts the parameters of a distribution over the target; the loss
is minus the log of the probability the distribution gives the observed
targets, dropping terms that do not depend on the model:

* :func:`least_squares`: a Gaussian with mean ``pred`` and a fixed variance;
* :func:`binary_cross_entropy_with_logits`: a Bernoulli with probability
  ``sigmoid(logit)``;
* :func:`softmax_cross_entropy`: a categorical distribution with
  probabilities ``softmax(logits)``.

Each takes ``reduction``: ``"sum"`` adds the losses of the examples (the
book's convention, so the loss of a batch grows with its size), ``"mean"``
averages them (PyTorch's default; the learning rate then does not depend on
the batch size), ``"none"`` returns one loss per example.  All are written
with minigrad operations only, in forms that stay finite for extreme inputs,
so their first and second derivatives come from the engine.

>>> import minigrad as mg
>>> mg.losses.least_squares(mg.tensor([1.0, 2.0]), [0.0, 0.0])
tensor(5.)
>>> round(mg.losses.softmax_cross_entropy(mg.tensor([[0.0, 0.0]]), [1]).item(), 4)
0.6931
"""

from __future__ import annotations

import numpy as np

from . import functional as F
from .errors import ShapeError
from .tensor import Tensor, as_tensor

__all__ = ["least_squares", "binary_cross_entropy_with_logits", "softmax_cross_entropy",
           ]

_REDUCTIONS = ("sum", "mean", "none")


def _reduce(losses, reduction, where):
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.mean()
    if reduction == "none":
        return losses
    raise ValueError(f"{where}: reduction={reduction!r}; use one of {_REDUCTIONS}")


def _target(y, pred, where):
    """The target as an array of the prediction's shape, or a teaching error.

    Shapes must match exactly: ``(N, 1)`` against ``(N,)`` would otherwise
    broadcast to ``(N, N)`` and give a wrong loss without any error.
    """
    if not isinstance(y, Tensor):          # a tensor target stays in the graph
        y = np.asarray(y, dtype=pred.dtype)
    if y.shape != pred.shape:
        hint = ""
        if y.size == pred.size:
            hint = f" Reshape the target: y.reshape{pred.shape}."
        raise ShapeError(
            f"{where}: prediction of shape {pred.shape} and target of shape {y.shape} "
            f"differ. They must match element for element (broadcasting them could "
            f"silently compare every prediction with every target).{hint}")
    return y


def least_squares(pred, y, reduction="sum"):
    """``sum_i (pred_i - y_i)**2``: the Gaussian negative log-likelihood with fixed variance.

    For ``y ~ Normal(pred, sigma**2)`` with ``sigma`` fixed, minus the log
    likelihood is ``sum_i (y_i - pred_i)**2 / (2 sigma**2)`` plus a constant:
    the same minimizer as this loss (eq. 5.10).  ``reduction="sum"`` is the
    book's least-squares loss; ``"mean"`` is the mean squared error.

    >>> import minigrad as mg
    >>> least_squares(mg.tensor([1.0, 3.0]), [0.0, 0.0], reduction="mean")
    tensor(5.)
    """
    pred = as_tensor(pred)
    r = pred - _target(y, pred, "least_squares")
    return _reduce(r * r, reduction, "least_squares")


def binary_cross_entropy_with_logits(logits, y, reduction="sum"):
    """Bernoulli negative log-likelihood of labels ``y`` in {0, 1} given logits ``z``.

    The model's output ``z`` (an *activation*, any real number) sets the
    Bernoulli probability ``lambda = sigmoid(z)``; minus the log likelihood
    of a label is ``-y log(lambda) - (1 - y) log(1 - lambda)``, which equals
    ``softplus(z) - y z`` (eq. 5.20 rewritten with ``log sigmoid(z) = z -
    softplus(z)``).  In this form ``z = +-1000`` gives a finite loss and a
    gradient ``sigmoid(z) - y``, where computing ``sigmoid`` first would take
    ``log(0)``.

    >>> import minigrad as mg
    >>> z = mg.tensor([0.0, 1000.0, -1000.0])
    >>> binary_cross_entropy_with_logits(z, [1.0, 0.0, 0.0], reduction="none").data.round(4)
    array([6.931e-01, 1.000e+03, 0.000e+00])
    """
    z = as_tensor(logits)
    y = _target(y, z, "binary_cross_entropy_with_logits")
    return _reduce(F.softplus(z) - y * z, reduction, "binary_cross_entropy_with_logits")


def softmax_cross_entropy(logits, labels, reduction="mean"):
    """Categorical negative log-likelihood of integer ``labels`` given ``logits``.

    ``logits`` has shape ``(N, K)``: one row of K activations per example;
    ``softmax`` turns a row into the probabilities of the K classes, and the
    loss of an example is ``-log softmax(z)[label]`` (eq. 5.24), computed as
    ``logsumexp(z) - z[label]`` through ``log_softmax`` so large logits
    neither overflow nor give ``log(0)``.  ``labels`` has shape ``(N,)`` and
    holds integers in ``0 .. K-1``.  The default reduction is ``"mean"``, as
    in PyTorch's ``cross_entropy``.

    >>> import minigrad as mg
    >>> z = mg.tensor([[2.0, 0.0, 0.0], [0.0, 1000.0, 0.0]], requires_grad=True)
    >>> loss = softmax_cross_entropy(z, [0, 1], reduction="none")
    >>> loss.data.round(4).tolist()
    [0.2395, 0.0]
    """
    z = as_tensor(logits)
    labels = np.asarray(labels.data if isinstance(labels, Tensor) else labels)
    where = "softmax_cross_entropy"
    if z.ndim != 2:
        raise ShapeError(f"{where}: logits must have shape (N, K) (N examples, K classes), "
                         f"got {z.shape}. For one example use logits.reshape(1, -1).")
    n, k = z.shape
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)          # e.g. labels stored as floats
    if labels.dtype.kind not in "iu":
        raise TypeError(f"{where}: labels must be integer class indices 0..{k - 1}, got "
                        f"dtype {labels.dtype}. One-hot labels? Use labels.argmax(axis=1).")
    if labels.shape != (n,):
        raise ShapeError(f"{where}: {n} rows of logits need labels of shape ({n},), got "
                         f"{labels.shape}.")
    if n and (labels.min() < 0 or labels.max() >= k):
        bad = labels[(labels < 0) | (labels >= k)][0]
        raise ValueError(f"{where}: label {bad} is outside 0..{k - 1} for logits with "
                         f"{k} classes.")
    picked = F.log_softmax(z, axis=1)[np.arange(n), labels]
    return _reduce(-picked, reduction, where)

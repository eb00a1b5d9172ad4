"""Every loss of minigrad, as a negative log-likelihood (Prince, *Understanding Deep
Learning*, chapter 5), under PyTorch's names and arguments (``torch.nn.functional``).

A model predicts the parameters of a distribution over the target; the loss
is minus the log of the probability the distribution gives the observed
targets, dropping terms that do not depend on the model:

* [`mse_loss()`][minigrad.losses.mse_loss]: a Gaussian with mean ``input`` and a fixed variance
  (least squares);
* [`l1_loss()`][minigrad.losses.l1_loss]: a Laplace distribution with location ``input`` and a fixed
  scale (absolute errors);
* [`binary_cross_entropy()`][minigrad.losses.binary_cross_entropy]: a Bernoulli with probability
  ``input``;
* [`binary_cross_entropy_with_logits()`][minigrad.losses.binary_cross_entropy_with_logits]: a
  Bernoulli with probability ``sigmoid(input)``, computed from the logit so it stays finite;
* [`cross_entropy()`][minigrad.losses.cross_entropy]: a categorical distribution with probabilities
  ``softmax(input)``;
* [`nll_loss()`][minigrad.losses.nll_loss]: the same categorical distribution, given its
  log-probabilities (the output of ``log_softmax``).

Each takes ``reduction`` with PyTorch's meaning and default: ``"mean"``
averages the losses of the examples (so the learning rate does not depend
on the batch size), ``"sum"`` adds them (the book's convention, so the loss
of a batch grows with its size: eq. 6.5's least squares is
``mse_loss(input, target, reduction="sum")``), ``"none"`` returns one loss per
example.  All are written with minigrad operations only, in forms that stay
finite for extreme inputs, so their first and second derivatives come from
the engine.

>>> import minigrad as mg
>>> mg.losses.mse_loss(mg.tensor([1.0, 2.0]), [0.0, 0.0], reduction="sum")
tensor(5.)
>>> round(mg.losses.cross_entropy(mg.tensor([[0.0, 0.0]]), [1]).item(), 4)
0.6931
"""

from __future__ import annotations

import numpy as np

from . import functional as F
from .errors import ShapeError
from .tensor import Tensor, as_tensor, unwrap

__all__ = ["mse_loss", "l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
           "cross_entropy", "nll_loss"]

_REDUCTIONS = ("mean", "sum", "none")

# binary_cross_entropy clips probabilities to [_EPS, 1 - _EPS]: a confident
# wrong prediction then costs about 27.6 instead of infinity, and log never
# sees 0 (PyTorch clamps the log at -100 for the same reason).
_EPS = 1e-12


def _reduce(losses, reduction, where):
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.mean()
    if reduction == "none":
        return losses
    raise ValueError(f"{where}: reduction={reduction!r}; use one of {_REDUCTIONS}")


def _target(target, input, where):
    """The target as an array of the prediction's shape, or a teaching error.

    Shapes must match exactly: ``(N, 1)`` against ``(N,)`` would otherwise
    broadcast to ``(N, N)`` and give a wrong loss without any error.
    """
    if not isinstance(target, Tensor):          # a tensor target stays in the graph
        target = np.asarray(target, dtype=input.dtype)
    if target.shape != input.shape:
        hint = ""
        if np.prod(target.shape) == np.prod(input.shape):
            hint = f" Reshape the target: target.reshape{input.shape}."
        raise ShapeError(
            f"{where}: prediction of shape {input.shape} and target of shape "
            f"{target.shape} differ. They must match element for element (broadcasting "
            f"them could silently compare every prediction with every target).{hint}")
    return target


def mse_loss(input, target, reduction="mean"):
    """Squared errors ``(input_i - target_i)**2``: the Gaussian negative log-likelihood
    with a fixed variance.

    For ``y ~ Normal(f, sigma**2)`` with ``sigma`` fixed, minus the log
    likelihood is ``sum_i (y_i - f_i)**2 / (2 sigma**2)`` plus a constant: the
    same minimizer as this loss (eq. 5.10).  ``reduction="sum"`` is the book's
    least-squares loss (eq. 6.5); ``"mean"`` (the default) is the mean squared
    error.

    >>> import minigrad as mg
    >>> mse_loss(mg.tensor([1.0, 3.0]), [0.0, 0.0])
    tensor(5.)
    >>> mse_loss(mg.tensor([1.0, 3.0]), [0.0, 0.0], reduction="sum")
    tensor(10.)
    """
    input = as_tensor(input)
    r = input - _target(target, input, "mse_loss")
    return _reduce(r * r, reduction, "mse_loss")


def l1_loss(input, target, reduction="mean"):
    """Absolute errors ``|input_i - target_i|``: the Laplace negative log-likelihood
    with a fixed scale (PyTorch's ``l1_loss``).

    For ``y ~ Laplace(f, b)`` with ``b`` fixed, minus the log likelihood is
    ``sum_i |y_i - f_i| / b`` plus a constant; its minimizer is the median
    where least squares gives the mean, so it is less swayed by outliers.

    >>> import minigrad as mg
    >>> l1_loss(mg.tensor([1.0, -3.0]), [0.0, 0.0])
    tensor(2.)
    >>> l1_loss(mg.tensor([1.0, -3.0]), [0.0, 0.0], reduction="sum")
    tensor(4.)
    """
    input = as_tensor(input)
    r = input - _target(target, input, "l1_loss")
    return _reduce(F.abs(r), reduction, "l1_loss")


def _weighted(losses, weight, where):
    """``losses * weight`` where a weight is given (broadcast as PyTorch does)."""
    if weight is None:
        return losses
    return losses * np.asarray(unwrap(weight), dtype=losses.dtype)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """Bernoulli negative log-likelihood of labels ``target`` in {0, 1} given
    probabilities ``input``: ``-[y log p + (1 - y) log(1 - p)]`` per example (eq. 5.20).

    ``weight`` (broadcast against the losses) rescales each element's loss, as in
    PyTorch.  The probabilities are clipped to ``[1e-12, 1 - 1e-12]`` so a confident
    wrong prediction gives a large finite loss, not infinity.  Prefer
    [`binary_cross_entropy_with_logits()`][minigrad.losses.binary_cross_entropy_with_logits] when
    the activation is at hand: it is exact where this one clips.

    >>> import minigrad as mg
    >>> round(binary_cross_entropy(mg.tensor([0.5, 0.5]), [0.0, 1.0]).item(), 4)
    0.6931
    """
    where = "binary_cross_entropy"
    p = F.clip(as_tensor(input), _EPS, 1.0 - _EPS)
    y = _target(target, p, where)
    losses = -(y * F.log(p) + (1.0 - y) * F.log(1.0 - p))
    return _reduce(_weighted(losses, weight, where), reduction, where)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """Bernoulli negative log-likelihood of labels ``target`` in {0, 1} given logits ``input``.

    The model's output ``z`` (an *activation*, any real number) sets the
    Bernoulli probability ``lambda = sigmoid(z)``; minus the log likelihood
    of a label is ``-y log(lambda) - (1 - y) log(1 - lambda)``, which equals
    ``softplus(z) - y z`` (eq. 5.20 rewritten with ``log sigmoid(z) = z -
    softplus(z)``).  In this form ``z = +-1000`` gives a finite loss and a
    gradient ``sigmoid(z) - y``, where computing ``sigmoid`` first would take
    ``log(0)``.  As in PyTorch, ``weight`` rescales each element's loss and
    ``pos_weight`` (one value per class, broadcast over the last axis) rescales
    the positive term: ``pos_weight * y * softplus(-z) + (1 - y) * softplus(z)``.

    >>> import minigrad as mg
    >>> z = mg.tensor([0.0, 1000.0, -1000.0])
    >>> binary_cross_entropy_with_logits(z, [1.0, 0.0, 0.0], reduction="none").data.round(4)
    array([6.931e-01, 1.000e+03, 0.000e+00])
    """
    where = "binary_cross_entropy_with_logits"
    z = as_tensor(input)
    y = _target(target, z, where)
    if pos_weight is None:
        losses = F.softplus(z) - y * z
    else:
        pw = np.asarray(unwrap(pos_weight), dtype=z.dtype)
        losses = pw * y * F.softplus(-z) + (1.0 - y) * F.softplus(z)
    return _reduce(_weighted(losses, weight, where), reduction, where)


def _classes_last(z, where):
    """Scores ``(N, K, d1, ...)`` (PyTorch's layout, classes on axis 1) as rows
    ``(N*d1*..., K)``, with the shape to give per-example losses back.
    An unbatched ``(K,)`` is one row."""
    if z.ndim == 0:
        raise ShapeError(f"{where}: input must have shape (N, K) (N examples, K classes), "
                         f"(K,) for one example, or (N, K, d1, ...); got a scalar.")
    if z.ndim == 1:
        return z.reshape(1, -1), ()
    if z.ndim == 2:
        return z, (z.shape[0],)
    axes = (0, *range(2, z.ndim), 1)
    rows = F.transpose(z, axes)
    return rows.reshape(-1, z.shape[1]), (z.shape[0], *z.shape[2:])


def _class_weight(weight, k, dtype, where):
    if weight is None:
        return None
    w = np.asarray(unwrap(weight), dtype=dtype)
    if w.shape != (k,):
        raise ShapeError(f"{where}: weight must hold one value per class, shape ({k},), "
                         f"got {w.shape}.")
    return w


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """Categorical negative log-likelihood of class labels ``target`` given logits
    ``input`` (PyTorch's ``cross_entropy``, same arguments and defaults).

    ``input`` has shape ``(N, K)``: one row of K activations per example;
    ``softmax`` turns a row into the probabilities of the K classes, and the
    loss of an example is ``-log softmax(z)[label]`` (eq. 5.24), computed as
    ``logsumexp(z) - z[label]`` through ``log_softmax`` so large logits
    neither overflow nor give ``log(0)``.  ``target`` has shape ``(N,)`` and
    holds integers in ``0 .. K-1``, or is a float array of ``input``'s shape
    holding class probabilities.  As in PyTorch, ``(K,)`` is one example,
    ``(N, K, d1, ...)`` has classes on axis 1, ``weight`` (shape ``(K,)``)
    rescales each class and makes ``"mean"`` a weighted mean, labels equal to
    ``ignore_index`` add nothing, and ``label_smoothing`` mixes each target with
    the uniform distribution over the K classes.

    >>> import minigrad as mg
    >>> z = mg.tensor([[2.0, 0.0, 0.0], [0.0, 1000.0, 0.0]], requires_grad=True)
    >>> loss = cross_entropy(z, [0, 1], reduction="none")
    >>> loss.data.round(4).tolist()
    [0.2395, 0.0]
    >>> round(cross_entropy(z, [0, -100]).item(), 4)          # the second is ignored
    0.2395
    """
    where = "cross_entropy"
    z = as_tensor(input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{where}: label_smoothing must be in [0, 1], got {label_smoothing}")
    rows, shape = _classes_last(z, where)
    k = rows.shape[1]
    logp = F.log_softmax(rows, axis=1)
    w = _class_weight(weight, k, z.dtype, where)
    probabilities = np.asarray(unwrap(target))
    if probabilities.dtype.kind == "f" and probabilities.shape == z.shape:
        return _soft_cross_entropy(z, logp, probabilities, w, reduction, label_smoothing,
                                   shape)
    labels = _labels_as_rows(target, z, shape, where)
    nll = _nll_rows(logp, labels, w, ignore_index, reduction, shape, where)
    if label_smoothing == 0.0:
        return nll
    kept = labels != ignore_index
    smooth = -(logp if w is None else logp * w).sum(axis=1) * kept.astype(z.dtype)
    if reduction == "none":
        smooth = smooth.reshape(shape)
    elif reduction == "sum":
        smooth = smooth.sum()
    else:
        total = kept.sum() if w is None else w[labels[kept]].sum()
        smooth = smooth.sum() / total
    return (1.0 - label_smoothing) * nll + smooth * (label_smoothing / k)


def _labels_as_rows(target, z, shape, where):
    """Integer class labels of the given shape, flattened to one per row."""
    labels = np.asarray(unwrap(target))
    if labels.shape != shape:
        raise ShapeError(
            f"{where}: scores of shape {z.shape} need class labels of shape {shape} "
            f"(or class probabilities of shape {z.shape}), got {labels.shape}."
            + (" A 1-D input is one example with one int label; a batch of N examples "
               "has scores of shape (N, K)." if z.ndim == 1 else ""))
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)          # e.g. labels stored as floats
    if labels.dtype.kind not in "iu":
        k = z.shape[0] if z.ndim == 1 else z.shape[1]
        raise TypeError(f"{where}: labels must be integer class indices 0..{k - 1}, got "
                        f"dtype {labels.dtype}. One-hot labels? Use labels.argmax(axis=1).")
    return labels.reshape(-1)


def _soft_cross_entropy(z, logp, probabilities, w, reduction, label_smoothing, shape):
    """Cross-entropy against class probabilities (PyTorch's second target form)."""
    where = "cross_entropy"
    k = logp.shape[1]
    if z.ndim > 2:
        probabilities = np.moveaxis(probabilities, 1, -1)
    t = probabilities.reshape(-1, k).astype(z.dtype, copy=False)
    if label_smoothing:
        t = t * (1.0 - label_smoothing) + label_smoothing / k
    if w is not None:
        t = t * w
    losses = -(logp * t).sum(axis=1)
    if reduction == "none":
        return losses.reshape(shape)
    if reduction == "sum":
        return losses.sum()
    if reduction == "mean":
        return losses.sum() / max(int(np.prod(shape)), 1)
    raise ValueError(f"{where}: reduction={reduction!r}; use one of {_REDUCTIONS}")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Categorical negative log-likelihood of integer class labels ``target`` given
    log-probabilities ``input`` (PyTorch's ``nll_loss``, same arguments and defaults).

    ``input`` has shape ``(N, K)`` and holds ``log p`` for each example and
    class, usually the output of ``log_softmax(logits, dim=1)``; the loss of an
    example is ``-weight[c] * input[i, c]`` with ``c = target[i]`` (``weight``
    is all ones by default).  ``"mean"`` divides by the sum of the weights of
    the counted examples, as PyTorch does; labels equal to ``ignore_index``
    count for nothing.  ``nll_loss(log_softmax(z, 1), y)`` equals
    ``cross_entropy(z, y)``.

    >>> import minigrad as mg
    >>> logp = mg.tensor([[-0.5, -1.0], [-2.0, -0.25]])
    >>> nll_loss(logp, [0, 1], reduction="none")
    tensor([0.5 , 0.25])
    >>> nll_loss(logp, [0, 1])
    tensor(0.375)
    """
    where = "nll_loss"
    logp = as_tensor(input)
    rows, shape = _classes_last(logp, where)
    labels = _labels_as_rows(target, logp, shape, where)
    return _nll_rows(rows, labels, weight, ignore_index, reduction, shape, where)


def _nll_rows(rows, labels, weight, ignore_index, reduction, shape, where):
    """``nll_loss`` of rows ``(M, K)`` of log-probabilities and ``M`` labels."""
    n, k = rows.shape
    kept = labels != ignore_index
    counted = labels[kept]
    if counted.size and (counted.min() < 0 or counted.max() >= k):
        bad = counted[(counted < 0) | (counted >= k)][0]
        raise ValueError(f"{where}: label {bad} is outside 0..{k - 1} for scores of "
                         f"{k} classes (and is not ignore_index={ignore_index}).")
    w = _class_weight(weight, k, rows.dtype, where)
    safe = np.where(kept, labels, 0)
    scale = kept.astype(rows.dtype) if w is None else np.where(kept, w[safe], 0.0)
    losses = -rows[np.arange(n), safe] * scale
    if reduction == "none":
        return losses.reshape(shape)
    if reduction == "mean":                     # PyTorch: a mean weighted by the classes
        with np.errstate(invalid="ignore", divide="ignore"):
            return losses.sum() / scale.sum()
    return _reduce(losses, reduction, where)

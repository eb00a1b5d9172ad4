"""Metrics for [`minigrad.fit()`][minigrad.train.fit]: functions ``metric(pred, target) -> float``.

A metric takes what the loss takes, the model's output and the batch's
targets (tensors or arrays), and returns one number.  ``fit(..., metrics=...)``
accepts these by name (``"accuracy"``, ``"mae"``, ``"mse"``), any function of
``(pred, target)`` (a loss works too), or a dict from names to either.  Each
metric is a mean over the examples of a batch, so ``fit`` averages the batches
weighted by their sizes, which gives the metric of the whole epoch.

>>> import numpy as np
>>> logits = np.array([[2.0, 0.1], [0.3, 0.9], [1.0, -1.0]])
>>> accuracy(logits, np.array([0, 1, 1]))        # rows 0 and 1 are right
0.6666666666666666
>>> mae(np.array([1.0, 2.0]), np.array([1.5, 1.0])), mse(np.array([1.0, 2.0]), np.array([1.5, 1.0]))
(0.75, 0.625)
"""

from __future__ import annotations

import numpy as np

from .autograd import no_grad
from .errors import ShapeError
from .tensor import unwrap

__all__ = ["accuracy", "binary_accuracy", "mae", "mse", "METRICS", "resolve", "metric_value"]


def _array(x):
    return np.asarray(unwrap(x))


def _same_shape(name, pred, target):
    if pred.shape != target.shape:
        raise ShapeError(
            f"{name}(pred, target): pred has shape {pred.shape} and target {target.shape}; "
            f"they must be the same shape (a column (n, 1) against a vector (n,) would "
            f"broadcast to (n, n) and give a wrong number). Reshape one of them.")


def accuracy(pred, target):
    """The fraction of rows whose largest output is the target class.

    ``pred`` holds logits or probabilities, shape ``(n, classes)``; ``target``
    holds class indices, shape ``(n,)``, or one-hot / probability rows of
    ``pred``'s shape (their largest entry is the class).  For a single output
    per example use [`binary_accuracy()`][minigrad.metrics.binary_accuracy].

    >>> accuracy(np.array([[0.2, 0.8], [0.6, 0.4]]), np.array([1, 1]))
    0.5
    """
    pred, target = _array(pred), _array(target)
    if pred.ndim < 2 or pred.shape[-1] == 1:
        raise ShapeError(
            f"accuracy(pred, target): pred has shape {pred.shape}, one output per example; "
            f"'accuracy' takes the argmax over classes, shape (n, classes). For a binary "
            f"output use metrics={{'accuracy': mg.metrics.binary_accuracy(threshold=0.0)}} "
            f"for logits (0.5 for probabilities).")
    guess = pred.argmax(axis=-1)
    if target.shape == pred.shape:
        target = target.argmax(axis=-1)
    if target.shape != guess.shape:
        raise ShapeError(
            f"accuracy(pred, target): pred has shape {pred.shape}, so target must hold "
            f"class indices of shape {guess.shape} (or one-hot rows of shape {pred.shape}), "
            f"got {target.shape}.")
    if target.dtype.kind == "f" and not np.all(target == np.round(target)):
        raise ValueError("accuracy(pred, target): target holds non-integer values; it must "
                         "hold class indices 0, 1, ..., classes - 1.")
    return float(np.mean(guess == target))


def binary_accuracy(threshold=0.5):
    """A metric: the fraction of examples where ``pred > threshold`` matches ``target > 0.5``.

    Use ``threshold=0.0`` for logits (``binary_cross_entropy_with_logits``) and
    ``0.5`` for probabilities.  ``pred`` and ``target`` must have the same shape.

    >>> binary_accuracy(0.0)(np.array([[1.2], [-0.3], [0.4]]), np.array([[1.0], [1.0], [0.0]]))
    0.3333333333333333
    """
    def binary_accuracy(pred, target):
        pred, target = _array(pred), _array(target)
        _same_shape("binary_accuracy", pred, target)
        return float(np.mean((pred > threshold) == (target > 0.5)))
    binary_accuracy.__qualname__ = f"binary_accuracy(threshold={threshold})"
    return binary_accuracy


def mae(pred, target):
    """The mean absolute error, ``mean |pred - target|`` (same shapes)."""
    pred, target = _array(pred), _array(target)
    _same_shape("mae", pred, target)
    return float(np.mean(np.abs(pred - target)))


def mse(pred, target):
    """The mean squared error, ``mean (pred - target)**2`` (same shapes)."""
    pred, target = _array(pred), _array(target)
    _same_shape("mse", pred, target)
    return float(np.mean((pred - target) ** 2))


#: The metrics ``fit`` knows by name.
METRICS = {"accuracy": accuracy, "mae": mae, "mse": mse}


def resolve(metrics):
    """``metrics`` as a dict from names to functions.

    Accepts None, a name of ``METRICS``, a function, or a list or dict of
    these; a function is named by its ``__name__``.

    >>> sorted(resolve(["accuracy", mae]))
    ['accuracy', 'mae']
    """
    if metrics is None:
        return {}
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    if not isinstance(metrics, dict):
        pairs = [(m if isinstance(m, str) else getattr(m, "__name__", repr(m)), m)
                 for m in metrics]
        names = [name for name, _ in pairs]
        if len(set(names)) != len(names):
            raise ValueError(f"fit(metrics=...): two metrics are named alike in {names}; "
                             f"pass a dict to name them, e.g. {{'mae': fn1, 'max_err': fn2}}.")
        metrics = dict(pairs)
    out = {}
    for name, fn in metrics.items():
        if isinstance(fn, str):
            if fn not in METRICS:
                raise ValueError(f"fit(metrics=...): unknown metric {fn!r}; the built-in ones "
                                 f"are {sorted(METRICS)}, or pass a function (pred, target).")
            fn = METRICS[fn]
        if not callable(fn):
            raise TypeError(f"fit(metrics=...): metric {name!r} is a {type(fn).__name__}; "
                            f"give a name of {sorted(METRICS)} or a function (pred, target).")
        if not isinstance(name, str) or name.startswith("val_") or name in ("loss", "lr"):
            raise ValueError(f"fit(metrics=...): {name!r} cannot name a metric: 'loss', "
                             f"'lr' and names starting with 'val_' are used by the history.")
        out[name] = fn
    return out


def metric_value(fn, name, pred, target):
    """``fn(pred, target)`` computed without recording a graph, as a float."""
    with no_grad():
        value = fn(pred, target)
    try:
        return float(np.asarray(unwrap(value)).reshape(()))
    except (TypeError, ValueError):
        raise TypeError(f"fit: metric {name!r} returned {type(value).__name__} of shape "
                        f"{np.shape(unwrap(value))}; a metric must return one number.") from None

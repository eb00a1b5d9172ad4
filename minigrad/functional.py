"""The public functions: thin wrappers over primitives, and composites.

Nothing here has derivative code.  A composite (sigmoid, softmax, mean, ...) is
built from primitives, so its gradient, and its second derivative, come from
theirs.  Every function accepts tensors, arrays or numbers and returns a tensor;
each is also a ``Tensor`` method (``mg.exp(x)`` and ``x.exp()``).
"""

from __future__ import annotations

import numpy as np

from . import ops
from .errors import ShapeError
from .tensor import Tensor, _data, as_tensor


# -------------------------------------------------- primitives, as tensors
def add(x, y):
    return ops.add(as_tensor(x), y)


def sub(x, y):
    return ops.sub(as_tensor(x), y)


def mul(x, y):
    return ops.mul(as_tensor(x), y)


def div(x, y):
    return ops.div(as_tensor(x), y)


def pow(x, y):  # noqa: A001
    return ops.pow(as_tensor(x), y)


def neg(x):
    return ops.neg(as_tensor(x))


def exp(x):
    """Elementwise e**x.

    >>> import minigrad as mg
    >>> mg.exp(mg.tensor([0.0, 1.0]))
    tensor([1.    , 2.7183])
    """
    return ops.exp(as_tensor(x))


def log(x):
    """Elementwise natural logarithm (defined for x > 0)."""
    return ops.log(as_tensor(x))


def sqrt(x):
    return ops.sqrt(as_tensor(x))


def sin(x):
    return ops.sin(as_tensor(x))


def cos(x):
    return ops.cos(as_tensor(x))


def tanh(x):
    return ops.tanh(as_tensor(x))


def abs(x):  # noqa: A001
    """Elementwise |x|; its derivative at 0 is taken to be 0 (sign(0))."""
    return ops.abs(as_tensor(x))


def relu(x):
    """max(x, 0) elementwise; its derivative at 0 is taken to be 0."""
    return ops.relu(as_tensor(x))


def clip(x, lo=None, hi=None):
    """Limit values to [lo, hi]; the gradient passes where lo <= x <= hi."""
    return ops.clip(as_tensor(x), lo=lo, hi=hi)


def maximum(x, y):
    """Elementwise maximum; at ties each input receives half of the gradient."""
    return ops.maximum(as_tensor(x), y)


def where(condition, x, y):
    """``x`` where ``condition`` holds, else ``y`` (the condition gets no gradient)."""
    x = x if isinstance(y, Tensor) else as_tensor(x)
    return ops.where(np.asarray(_data(condition), dtype=bool), x, y)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    """Sum over ``axis`` (None: all; int or tuple).

    >>> import minigrad as mg
    >>> mg.sum(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    return ops.sum(as_tensor(x), axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient evenly."""
    return ops.max(as_tensor(x), axis=axis, keepdims=keepdims)


def reshape(x, *shape):
    """Reshape; accepts ``reshape(x, 2, 3)`` or ``reshape(x, (2, 3))``."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        shape = shape[0]
    return ops.reshape(as_tensor(x), shape=tuple(shape))


def transpose(x, axes=None):
    """Permute axes (reverse them when ``axes`` is None), like ``np.transpose``."""
    return ops.transpose(as_tensor(x), axes=None if axes is None else tuple(axes))


def broadcast_to(x, shape):
    return ops.broadcast_to(as_tensor(x), shape=tuple(shape))


def matmul(a, b):
    """Matrix product with NumPy semantics for 1-D, 2-D and batched operands."""
    return ops.matmul(as_tensor(a), b)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis."""
    return ops.concatenate(*[as_tensor(t) for t in tensors], axis=axis)


# ------------------------------------------------------------- composites
def sigmoid(x):
    """Logistic function 1 / (1 + e**-x), written as (1 + tanh(x/2)) / 2 so that
    it neither overflows nor loses precision for large |x|."""
    return 0.5 * (ops.tanh(0.5 * as_tensor(x)) + 1.0)


def minimum(x, y):
    """Elementwise minimum; at ties each input receives half of the gradient."""
    return -ops.maximum(-as_tensor(x), -as_tensor(y))


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient evenly."""
    return -ops.max(-as_tensor(x), axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``."""
    x = as_tensor(x)
    count = int(np.prod([x.shape[a] for a in ops._normalize_axes(axis, x.ndim)]))
    return ops.sum(x, axis=axis, keepdims=keepdims) / count


def squeeze(x, axis=None):
    """Remove axes of length one (all of them, or those named by ``axis``)."""
    x = as_tensor(x)
    try:
        shape = np.squeeze(np.empty(x.shape, dtype=bool), axis).shape
    except ValueError as exc:
        raise ShapeError(f"squeeze: cannot remove axis {axis} from shape {x.shape}: only "
                         f"axes of length 1 can be squeezed ({exc}).") from None
    return ops.reshape(x, shape=shape)


def expand_dims(x, axis):
    """Insert an axis of length one at position ``axis``."""
    x = as_tensor(x)
    return ops.reshape(x, shape=np.expand_dims(np.empty(x.shape, dtype=bool), axis).shape)


def flatten(x):
    return ops.reshape(as_tensor(x), shape=(-1,))


def stack(tensors, axis=0):
    """Join tensors along a new axis."""
    return ops.concatenate(*[expand_dims(t, axis) for t in tensors], axis=axis)


def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, stable for large inputs.

    The maximum is subtracted before exponentiating.  It is used as a constant:
    the result does not depend on which constant is subtracted, so its
    gradient (softmax) is exact.

    >>> import minigrad as mg
    >>> mg.logsumexp(mg.tensor([1000.0, 1000.0]))
    tensor(1000.6931)
    """
    x = as_tensor(x)
    shift = np.max(x.data, axis=axis, keepdims=True) if x.size else np.zeros((), x.dtype)
    if not np.isfinite(shift).all():   # rows of -inf (or inf): shifting would give nan
        shift = np.where(np.isfinite(shift), shift, 0.0).astype(x.dtype)
    total = ops.log(ops.sum(ops.exp(x - shift), axis=axis, keepdims=True)) + shift
    if keepdims:
        return total
    return ops.reshape(total, shape=np.sum(np.empty(x.shape, dtype=bool), axis=axis).shape)


def log_softmax(x, axis=-1):
    """log(softmax(x)) computed as x - logsumexp(x): no overflow, no log(0)."""
    x = as_tensor(x)
    return x - logsumexp(x, axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, stable for large inputs.

    >>> import minigrad as mg
    >>> mg.softmax(mg.tensor([1000.0, 1000.0]))
    tensor([0.5, 0.5])
    """
    return ops.exp(log_softmax(x, axis=axis))


def softplus(x):
    """``log(1 + exp(x))`` for any ``x``, written as ``logsumexp([0, x])``.

    ``logsumexp`` subtracts the larger of ``0`` and ``x`` before
    exponentiating, so nothing overflows, and the derivative is exactly
    ``sigmoid(x)`` everywhere, 0 included.  (The other stable form,
    ``relu(x) + log(1 + exp(-|x|))``, is built from kinked pieces, and the
    conventions ``relu'(0) = abs'(0) = 0`` would give a derivative of 0 at 0
    instead of 1/2.)

    >>> import minigrad as mg
    >>> mg.softplus(mg.tensor([-1000.0, 0.0, 1000.0])).data.round(4).tolist()
    [0.0, 0.6931, 1000.0]
    """
    x = as_tensor(x)
    zero = Tensor._from_op(np.zeros_like(x.data), None, (), None)
    return logsumexp(stack([zero, x], axis=0), axis=0)


def leaky_relu(x, negative_slope=0.01):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (slope at 0: negative_slope).

    PyTorch's ``torch.nn.functional.leaky_relu``, written with ``where``.

    >>> import minigrad as mg
    >>> mg.leaky_relu(mg.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2,  3. ])
    """
    x = as_tensor(x)
    return ops.where(x.data > 0, x, negative_slope * x)


# ------------------------------------------------------- Tensor methods
def _method_reshape(self, *shape):
    return reshape(self, *shape)


def _method_transpose(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
        axes = axes[0]
    return transpose(self, axes or None)


_METHODS = {
    "exp": exp, "log": log, "sqrt": sqrt, "sin": sin, "cos": cos, "tanh": tanh,
    "sigmoid": sigmoid, "relu": relu, "abs": abs, "clip": clip,
    "maximum": maximum, "minimum": minimum,
    "sum": sum, "mean": mean, "max": max, "min": min,
    "reshape": _method_reshape, "transpose": _method_transpose,
    "squeeze": squeeze, "expand_dims": expand_dims, "flatten": flatten,
    "broadcast_to": broadcast_to, "matmul": matmul,
    "logsumexp": logsumexp, "softmax": softmax, "log_softmax": log_softmax,
    "softplus": softplus,
}
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
del _name, _fn


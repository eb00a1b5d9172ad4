"""The public functions: every primitive, and the composites built from them.

``minigrad.functional`` is the namespace that ``mg.<name>`` comes from: the
primitives of ``ops.py`` (re-exported as they are) and the composites below.

A composite (sigmoid, softmax, mean, ...) is written with the primitives of
``ops.py``, so its gradient and its second derivative come from theirs.
Like the primitives, composites are polymorphic: arrays in, an array out;
tensors in, a tensor out.  Each declares its Tensor method here, beside its
definition, with ``@_method`` (``mg.softmax(x)`` and ``x.softmax()``).

Where numerical stability would demand derivative code, the composite says
why it does not need it (``logsumexp``) or the operation is a primitive.
"""

from __future__ import annotations

import numpy as np

from . import ops
from .errors import DTypeError, ShapeError
from .ops import *  # every primitive is public: mg.exp is ops.exp
from .ops import axis_tuple, concatenate, exp, log, log1p, max, maximum, reshape, sum, where
from .primitive import holds_tensor, normalize_axes, stack_into_graph
from .tensor import Tensor, install_method, unwrap

#: The public functions: every primitive's and every composite's name.
__all__ = list(ops.__all__)


def _method(fn):
    """Export ``fn`` as ``mg.<name>`` and make it the Tensor method of that name."""
    __all__.append(fn.__name__)
    return install_method(fn.__name__, fn)


def _function(fn):
    """Export ``fn`` as ``mg.<name>`` (no Tensor method)."""
    __all__.append(fn.__name__)
    return fn


def _operand(x):
    """A tensor stays a tensor; other data becomes an array (integers as float64,
    as ``mg.tensor`` makes them), so composites work on both.  A list (or
    tuple) that holds tensors is stacked into one tensor of the graph:
    ``mg.mean([x, x + 2])`` differentiates through both items, not through a
    constant copy of their values."""
    if isinstance(x, Tensor):
        return x
    if holds_tensor(x):
        return stack_into_graph(x)
    x = np.asarray(x)
    return x.astype(np.float64) if x.dtype.kind in "biu" else x


def _shape(x):
    return np.shape(unwrap(x))


def _split_at_zero(x):
    """``x`` where it is positive (else 0) and where it is not (else 0): each
    branch of a two-sided formula gets arguments for which it cannot overflow."""
    positive = unwrap(x) > 0
    return positive, where(positive, x, 0.0), where(positive, 0.0, x)


@_method
def sigmoid(x):
    """Logistic function 1 / (1 + e**-x), computed so that it neither overflows
    nor loses relative precision anywhere: ``1 / (1 + e**-x)`` for x > 0 and
    ``e**x / (1 + e**x)`` for x <= 0, where ``e**x`` is tiny and kept exactly.

    >>> import minigrad as mg
    >>> mg.sigmoid(mg.tensor([0.0, 1000.0, -1000.0]))
    tensor([0.5, 1. , 0. ])
    >>> float(mg.log(mg.sigmoid(mg.tensor(-40.0))))     # not -inf
    -40.0
    """
    x = _operand(x)
    positive, xp, xn = _split_at_zero(x)
    e = exp(xn)
    return where(positive, 1.0 / (1.0 + exp(-xp)), e / (1.0 + e))


@_method
def minimum(x, y):
    """Elementwise minimum; at ties each input receives half of the gradient."""
    return -maximum(-_operand(x), -_operand(y))


@_method
def min(x, axis=None, keepdims=False):
    """Minimum over ``axis``; tied minima share the gradient evenly."""
    return -max(-_operand(x), axis=axis, keepdims=keepdims)


@_method
def mean(x, axis=None, keepdims=False):
    """Arithmetic mean over ``axis``.

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0], [3.0, 5.0]]).mean(axis=0)
    tensor([2. , 3.5])
    """
    x = _operand(x)
    shape = _shape(x)
    count = int(np.prod([shape[a] for a in normalize_axes(axis, len(shape))]))
    return sum(x, axis=axis, keepdims=keepdims) / count


@_method
def squeeze(x, axis=None):
    """Remove axes of length one (all of them, or those named by ``axis``)."""
    x = _operand(x)
    shape = _shape(x)
    try:
        new = np.squeeze(np.empty(shape, dtype=bool), axis_tuple(axis)).shape
    except ValueError as exc:
        raise ShapeError(f"squeeze: cannot remove axis {axis} from shape {shape}: only "
                         f"axes of length 1 can be squeezed ({exc}).") from None
    return reshape(x, shape=new)


@_method
def expand_dims(x, axis):
    """Insert an axis of length one at position ``axis``."""
    x = _operand(x)
    new = np.expand_dims(np.empty(_shape(x), dtype=bool), axis_tuple(axis)).shape
    return reshape(x, shape=new)


@_method
def flatten(x):
    """All elements in one axis, in row-major order."""
    return reshape(_operand(x), shape=(-1,))


@_function
def stack(tensors, axis=0):
    """Join tensors along a new axis.

    >>> import minigrad as mg
    >>> mg.stack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])]).shape
    (2, 2)
    """
    return concatenate([expand_dims(t, axis) for t in tensors], axis=axis)


@_method
def logsumexp(x, axis=None, keepdims=False):
    """log(sum(exp(x))) over ``axis``, stable for large inputs.

    The maximum is subtracted before exponentiating.  It is used as a constant:
    the result does not depend on which constant is subtracted, so its
    gradient (softmax) is exact and needs no derivative code of its own.

    >>> import minigrad as mg
    >>> mg.logsumexp(mg.tensor([1000.0, 1000.0]))
    tensor(1000.6931)
    """
    x, axis = _operand(x), axis_tuple(axis)
    data = unwrap(x)
    shift = np.max(data, axis=axis, keepdims=True) if data.size else np.zeros((), data.dtype)
    if not np.isfinite(shift).all():   # rows of -inf (or inf): shifting would give nan
        shift = np.where(np.isfinite(shift), shift, 0.0).astype(data.dtype)
    total = log(sum(exp(x - shift), axis=axis, keepdims=True)) + shift
    if keepdims:
        return total
    return reshape(total, shape=np.sum(np.empty(data.shape, dtype=bool), axis=axis).shape)


@_method
def log_softmax(x, axis=-1):
    """log(softmax(x)) computed as x - logsumexp(x): no overflow, no log(0)."""
    x = _operand(x)
    return x - logsumexp(x, axis=axis, keepdims=True)


@_method
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``, stable for large inputs.

    >>> import minigrad as mg
    >>> mg.softmax(mg.tensor([1000.0, 1000.0]))
    tensor([0.5, 0.5])
    """
    return exp(log_softmax(x, axis=axis))


@_method
def softplus(x):
    """``log(1 + exp(x))`` for any ``x``, without overflow and with full relative
    precision: ``x + log1p(exp(-x))`` for x > 0 and ``log1p(exp(x))`` for x <= 0.

    Its derivative is ``sigmoid(x)`` at every ``x``, 0 included (1/2 there:
    the x <= 0 formula is used at 0, and it has no kink).

    >>> import minigrad as mg
    >>> mg.softplus(mg.tensor([-1000.0, 0.0, 1000.0])).data.round(4).tolist()
    [0.0, 0.6931, 1000.0]
    >>> float(mg.softplus(mg.tensor(-40.0)))          # exp(-40), not 0
    4.248354255291589e-18
    """
    x = _operand(x)
    positive, xp, xn = _split_at_zero(x)
    return where(positive, xp + log1p(exp(-xp)), log1p(exp(xn)))


@_function
def leaky_relu(x, negative_slope=0.01):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise (slope at 0: negative_slope).

    PyTorch's ``torch.nn.functional.leaky_relu``, written with ``where``.

    >>> import minigrad as mg
    >>> mg.leaky_relu(mg.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2,  3. ])
    """
    if isinstance(negative_slope, (bool, np.bool_)) or not isinstance(
            negative_slope, (int, float, np.integer, np.floating)):
        raise DTypeError(
            f"leaky_relu: negative_slope must be a real number, got {negative_slope!r} "
            f"({type(negative_slope).__name__}); PyTorch's default is 0.01")
    x = _operand(x)
    return where(unwrap(x) > 0, x, negative_slope * x)

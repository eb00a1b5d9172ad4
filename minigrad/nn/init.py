"""Initial weights that keep signals the same size through a deep network (Prince, chapter 7).

Why the scale of the initial weights matters
--------------------------------------------
A layer computes ``f' = b + W h`` with ``h = a[f]`` the activations of the
layer below.  If the weights are drawn independently with mean zero and
variance ``sigma**2`` and the biases are zero, each pre-activation is a sum
of ``D_in`` (the *fan-in*) independent terms, so its variance is

    Var[f'] = D_in * sigma**2 * E[h**2].

For a ReLU, half of a zero-mean symmetric pre-activation is cut to zero, so
``E[h**2] = Var[f] / 2`` and ``Var[f'] = D_in * sigma**2 / 2 * Var[f]``.
Each layer multiplies the variance by the same factor ``D_in sigma**2 / 2``:
below 1 the signal shrinks geometrically with depth, above 1 it grows
geometrically, and after tens of layers the numbers underflow to zero or
overflow to infinity.  The same argument run backwards (the gradients are
multiplied by ``W^T`` and by the ReLU's 0/1 derivative) gives the factor
``D_out sigma**2 / 2`` for the gradients, with the *fan-out* ``D_out``.

* **He (Kaiming) initialization** picks ``sigma**2 = 2 / D_in``, which makes
  the forward factor exactly 1 for ReLU networks (and ``2 / D_out`` would do
  the same for the backward pass).
* **Glorot (Xavier) initialization** picks ``sigma**2 = 2 / (D_in + D_out)``,
  a compromise between the forward and the backward condition, derived for
  activations that behave like the identity near zero (tanh, sigmoid, none).
  For ReLU networks the corresponding compromise is twice as large,
  ``4 / (D_in + D_out)``: ``gain=np.sqrt(2)`` gives it.

Uniform versions have the same variance: a uniform distribution on
``[-a, a]`` has variance ``a**2 / 3``, so ``a = sqrt(3) * sigma``.

Two families of functions
-------------------------
**The book's**, named after the papers ([`he_normal`][minigrad.nn.init.he_normal],
[`he_uniform`][minigrad.nn.init.he_uniform], [`glorot_normal`][minigrad.nn.init.glorot_normal],
[`glorot_uniform`][minigrad.nn.init.glorot_uniform], [`normal`][minigrad.nn.init.normal],
[`uniform`][minigrad.nn.init.uniform], [`zeros`][minigrad.nn.init.zeros]): each takes the weight
shape ``(D_out, D_in)`` (PyTorch's layout, ``y = x W^T + b``) and a random generator and returns a
new NumPy array; the generator is a ``numpy.random.Generator`` (reused, so consecutive layers get
different draws) or an int seed (see [`as_generator`][minigrad.random.as_generator]). These are
what ``Linear(init="he")`` and ``MLP`` use.

**PyTorch's** ``torch.nn.init``, names, arguments and defaults included
([`kaiming_normal_`][minigrad.nn.init.kaiming_normal_], [`zeros_`][minigrad.nn.init.zeros_],
[`xavier_uniform_`][minigrad.nn.init.xavier_uniform_], ...): each fills a tensor or
[`Parameter`][minigrad.nn.parameter.Parameter] in place and returns it. Like an optimizer step, the
write bumps the tensor's version, so a graph built before it refuses to backpropagate.  They draw
from the package generator that [`mg.manual_seed()`][minigrad.random.manual_seed] restarts, unless
``generator=`` (a ``numpy.random.Generator`` or an int seed) is given.  The fans are PyTorch's:
``fan_in = size(1) * receptive field``, ``fan_out = size(0) * receptive field``, with the receptive
field the product of the dimensions after the second; tensors under two dimensions have no fans.

The two families are the same distributions:

| the book | PyTorch |
|---|---|
| ``he_normal(shape)`` | ``kaiming_normal_(w, nonlinearity="relu")`` |
| ``he_uniform(shape)`` | ``kaiming_uniform_(w, nonlinearity="relu")`` |
| ``glorot_normal(shape)`` | ``xavier_normal_(w)`` |
| ``glorot_uniform(shape)`` | ``xavier_uniform_(w)`` |
| ``glorot_normal(shape, gain=g)`` | ``xavier_normal_(w, gain=g)`` |
| ``normal(shape, std)`` | ``normal_(w, 0, std)`` |
| ``uniform(shape, bound)`` | ``uniform_(w, -bound, bound)`` |
| ``zeros(shape)`` | ``zeros_(w)`` |

(PyTorch's ``kaiming_*_`` default to ``nonlinearity="leaky_relu"`` with
``a=0``, which is the ReLU gain again.)  Given the same generator, each pair
draws the same numbers.

>>> import numpy as np
>>> from minigrad.nn import init
>>> W = init.he_normal((400, 500), rng=np.random.default_rng(0))
>>> round(float(W.var()) * 500, 1)        # variance 2 / fan_in
2.0
>>> W = init.glorot_uniform((300, 100), rng=0)
>>> round(float(W.var()) * (300 + 100), 1)    # variance 2 / (fan_in + fan_out)
2.0
>>> import minigrad as mg
>>> w = mg.nn.Parameter(np.empty((400, 500)))
>>> init.kaiming_normal_(w, nonlinearity="relu") is w      # in place
True
>>> round(float(w.data.var()) * 500, 1)
2.0
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..errors import DTypeError
from ..random import as_generator, default_generator
from ..tensor import Tensor, bump_version

__all__ = ["fans", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform",
           "normal", "uniform", "zeros", "get", "INITIALIZERS", "RELU_GAIN",
           "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_"]


#: sqrt(2): the gain that makes He's variance 2 / fan_in (a ReLU halves the second moment).
RELU_GAIN = float(np.sqrt(2.0))


def _generator(rng):
    # rng=None draws unseeded weights, as np.random does: only the layers
    # (nn.Linear, nn.MLP) promise the same weights on every run.
    return as_generator(rng, where="init", unseeded=True)


def fans(shape):
    """``(fan_in, fan_out)`` of a weight of shape ``(D_out, D_in)`` (or ``(D,)``).

    >>> fans((3, 5))
    (5, 3)
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0:
        raise ValueError("init: a scalar weight has no fan-in; give a shape like (D_out, D_in)")
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _shape(shape, where):
    # PyTorch's deprecated nn.init.normal(tensor, ...) fills a tensor: say what to
    # write instead of reading the tensor as a shape.
    if isinstance(shape, (Tensor, np.ndarray)):
        raise TypeError(f"init.{where}(shape, ...) takes a shape and returns a new array; to "
                        f"fill a tensor in place as PyTorch does, call init.{where}_(tensor, "
                        f"...)")
    return tuple(shape)


def normal(shape, std, rng=None):
    """Independent ``N(0, std**2)`` entries: the plain initialization of chapter 7,
    where a wrong ``std`` makes activations vanish or explode with depth."""
    shape = _shape(shape, "normal")
    return _generator(rng).normal(0.0, std, size=shape)


def uniform(shape, bound, rng=None):
    """Independent entries uniform on ``[-bound, bound]`` (variance ``bound**2 / 3``)."""
    shape = _shape(shape, "uniform")
    return _generator(rng).uniform(-bound, bound, size=shape)


def zeros(shape, rng=None):
    """All zeros (the book's choice for biases)."""
    return np.zeros(_shape(shape, "zeros"))


def he_normal(shape, rng=None, gain=RELU_GAIN):
    """He/Kaiming normal: ``N(0, gain**2 / fan_in)``, i.e. variance ``2 / D_in`` for ReLU.

    With this variance a ReLU layer passes on activations of the same second
    moment as it receives, however deep the network.

    >>> W = he_normal((1000, 50), rng=np.random.default_rng(1))
    >>> round(float(W.std() * np.sqrt(50 / 2)), 1)
    1.0
    """
    fan_in, _ = fans(shape)
    return normal(shape, gain / np.sqrt(fan_in), rng)


def he_uniform(shape, rng=None, gain=RELU_GAIN):
    """He/Kaiming uniform: on ``[-a, a]`` with ``a = gain * sqrt(3 / fan_in)``
    (the same variance ``gain**2 / fan_in`` as [`he_normal()`][minigrad.nn.init.he_normal])."""
    fan_in, _ = fans(shape)
    return uniform(shape, gain * np.sqrt(3.0 / fan_in), rng)


def glorot_normal(shape, rng=None, gain=1.0):
    """Glorot/Xavier normal: ``N(0, gain**2 * 2 / (fan_in + fan_out))``.

    The average of the forward condition (variance ``1 / fan_in`` for an
    activation like the identity) and the backward one (``1 / fan_out``).

    >>> W = glorot_normal((200, 600), rng=0)
    >>> round(float(W.var()) * 800 / 2, 1)
    1.0
    """
    fan_in, fan_out = fans(shape)
    return normal(shape, gain * np.sqrt(2.0 / (fan_in + fan_out)), rng)


def glorot_uniform(shape, rng=None, gain=1.0):
    """Glorot/Xavier uniform: on ``[-a, a]`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = fans(shape)
    return uniform(shape, gain * np.sqrt(6.0 / (fan_in + fan_out)), rng)


#: Initializers by the names ``Linear(init=...)`` accepts.
INITIALIZERS = {
    "he": he_normal, "he_normal": he_normal, "kaiming": he_normal,
    "he_uniform": he_uniform, "kaiming_uniform": he_uniform,
    "glorot": glorot_normal, "glorot_normal": glorot_normal, "xavier": glorot_normal,
    "glorot_uniform": glorot_uniform, "xavier_uniform": glorot_uniform,
}


def get(init):
    """An initializer ``f(shape, rng) -> array`` from a name or a callable.

    >>> get("he") is he_normal
    True
    """
    if callable(init):
        return init
    try:
        return INITIALIZERS[init]
    except (KeyError, TypeError):
        names = ", ".join(repr(k) for k in INITIALIZERS)
        raise ValueError(f"unknown initialization {init!r}; use one of {names}, or a function "
                         f"f(shape, rng) -> array (e.g. lambda shape, rng: "
                         f"mg.nn.init.normal(shape, 0.1, rng))") from None


# ------------------------------------------------------------ PyTorch's names
# Values are drawn in float64 with the book's helpers above (so each PyTorch
# initializer and its book twin draw the same numbers from the same generator).

def _target(tensor, where, floating=True):
    """The array to write into: a tensor's data, or a NumPy array itself."""
    array = tensor.data if isinstance(tensor, Tensor) else tensor
    if not isinstance(array, np.ndarray):
        raise TypeError(f"nn.init.{where}: expected a tensor or Parameter to fill in place, "
                        f"got {type(tensor).__name__}; for a new array of a given shape use "
                        f"the book's initializers (e.g. init.he_normal(shape))")
    if floating and array.dtype.kind != "f":
        raise DTypeError(f"nn.init.{where}: random values need a floating-point tensor "
                         f"(np.float64 or np.float32), got dtype {array.dtype}")
    return array


def _write(tensor, values):
    """Write ``values`` into ``tensor`` in place and record the change."""
    (tensor.data if isinstance(tensor, Tensor) else tensor)[...] = values
    if isinstance(tensor, Tensor):
        bump_version(tensor)      # as after an optimizer step: an older graph must not use it
    return tensor


def _rng(generator, where):
    return default_generator if generator is None else as_generator(generator, where=where)


def calculate_gain(nonlinearity, param=None):
    """The factor PyTorch's initializers multiply the standard deviation by for an
    activation: 1 for linear layers and sigmoid, 5/3 for tanh, ``sqrt(2)`` for
    ReLU, ``sqrt(2 / (1 + negative_slope**2))`` for leaky ReLU (``param`` is
    the slope, 0.01 by default), 3/4 for SELU.

    >>> calculate_gain("relu") == RELU_GAIN, calculate_gain("tanh")
    (True, 1.6666666666666667)
    >>> round(calculate_gain("leaky_relu", 0.2), 4)
    1.3868
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if not isinstance(slope, numbers.Real) or isinstance(slope, bool):
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{[*linear, 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu']}")


def _calculate_fan_in_and_fan_out(shape, where):
    # PyTorch's rule (unlike the book's fans(), which gives a 1-D weight D both ways).
    if len(shape) < 2:
        raise ValueError(f"nn.init.{where}: no fan in and fan out for shape {shape}, with "
                         f"fewer than 2 dimensions; for a bias use uniform_ or zeros_")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` with values uniform on ``[a, b)``; returns it.

    >>> import minigrad as mg
    >>> w = uniform_(mg.nn.Parameter(np.zeros(1000)), -2.0, 2.0, generator=0)
    >>> bool(w.data.min() >= -2 and w.data.max() < 2), w._version
    (True, 1)
    """
    shape = _target(tensor, "uniform_").shape
    return _write(tensor, _rng(generator, "uniform_").uniform(a, b, size=shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` with values from ``N(mean, std**2)``; returns it.

    >>> import minigrad as mg
    >>> w = normal_(mg.nn.Parameter(np.zeros(10000)), 3.0, 0.5, generator=0)
    >>> round(float(w.data.mean()), 1), round(float(w.data.std()), 1)
    (3.0, 0.5)
    """
    shape = _target(tensor, "normal_").shape
    return _write(tensor, _rng(generator, "normal_").normal(mean, std, size=shape))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` with values from ``N(mean, std**2)`` restricted to ``[a, b]``
    (values outside are drawn again); returns it.  Note that ``a`` and ``b``
    are bounds on the values, not numbers of standard deviations.

    >>> import minigrad as mg
    >>> w = trunc_normal_(mg.nn.Parameter(np.zeros(1000)), std=1.0, a=-1.0, b=1.0)
    >>> bool(np.abs(w.data).max() <= 1.0)
    True
    """
    shape = _target(tensor, "trunc_normal_").shape
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("trunc_normal_: mean is more than 2 std from [a, b]; the distribution "
                      "of values may be incorrect", stacklevel=2)
    rng = _rng(generator, "trunc_normal_")

    def cdf(x):
        return (1.0 + math.erf((x - mean) / (std * math.sqrt(2.0)))) / 2.0

    if cdf(b) - cdf(a) > 0.3:
        # Most draws land inside: redraw the few that do not.
        values = rng.normal(mean, std, size=shape)
        outside = (values < a) | (values > b)
        while outside.any():
            values[outside] = rng.normal(mean, std, size=int(outside.sum()))
            outside = (values < a) | (values > b)
    else:
        # A narrow window: draw uniformly on [a, b] and accept in proportion to
        # the density (relative to its peak in the window), as PyTorch does.
        peak = max(a, min(mean, b))
        values = np.empty(shape)
        pending = np.ones(shape, dtype=bool)
        while pending.any():
            n = int(pending.sum())
            candidates = rng.uniform(a, b, size=n)
            log_ratio = -0.5 * (((candidates - mean) / std) ** 2 - ((peak - mean) / std) ** 2)
            accept = np.log(rng.uniform(size=n)) <= log_ratio
            idx = np.flatnonzero(pending)[accept]
            values.flat[idx] = candidates[accept]
            pending.flat[idx] = False
    return _write(tensor, values)


def constant_(tensor, val):
    """Fill ``tensor`` with ``val``; returns it.

    >>> import minigrad as mg
    >>> constant_(mg.nn.Parameter(np.zeros(3)), 0.1)
    Parameter([0.1, 0.1, 0.1])
    """
    _target(tensor, "constant_", floating=False)
    return _write(tensor, val)


def ones_(tensor):
    """Fill ``tensor`` with ones; returns it."""
    _target(tensor, "ones_", floating=False)
    return _write(tensor, 1)


def zeros_(tensor):
    """Fill ``tensor`` with zeros; returns it (the book's biases)."""
    _target(tensor, "zeros_", floating=False)
    return _write(tensor, 0)


def eye_(tensor):
    """Fill a 2-D ``tensor`` with the identity matrix (ones on the diagonal, also
    when it is not square); returns it.

    >>> import minigrad as mg
    >>> eye_(mg.nn.Parameter(np.empty((2, 3)))).data.tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    array = _target(tensor, "eye_", floating=False)
    if array.ndim != 2:
        raise ValueError(f"nn.init.eye_: only tensors with 2 dimensions are supported, got "
                         f"shape {array.shape}")
    return _write(tensor, np.eye(*array.shape))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot/Xavier uniform in place: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in +
    fan_out))``; the book's [`glorot_uniform`][minigrad.nn.init.glorot_uniform]. Returns ``tensor``.

    >>> import minigrad as mg
    >>> bool(np.abs(xavier_uniform_(mg.nn.Parameter(np.empty((3, 5)))).data).max() <= 1)
    True
    """
    shape = _target(tensor, "xavier_uniform_").shape
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape, "xavier_uniform_")
    bound = math.sqrt(3.0) * gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _write(tensor, uniform(shape, bound, _rng(generator, "xavier_uniform_")))


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot/Xavier normal in place: ``N(0, gain**2 * 2 / (fan_in + fan_out))``; the
    book's [`glorot_normal()`][minigrad.nn.init.glorot_normal].  Returns ``tensor``."""
    shape = _target(tensor, "xavier_normal_").shape
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _write(tensor, normal(shape, std, _rng(generator, "xavier_normal_")))


def _kaiming_std(tensor, a, mode, nonlinearity, where):
    """``(shape, std)`` for the Kaiming initializers, or None for an empty tensor."""
    shape = _target(tensor, where).shape
    if 0 in shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init.{where}: mode {mode!r} not supported, please use one of "
                         f"['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape, where)
    fan = fan_in if mode == "fan_in" else fan_out
    return shape, calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He/Kaiming uniform in place: ``U(-bound, bound)`` with ``bound = gain *
    sqrt(3 / fan)``, ``gain = calculate_gain(nonlinearity, a)`` and ``fan`` the
    fan-in (``mode="fan_in"``, keeps the forward signal) or the fan-out
    (``"fan_out"``, keeps the gradients).  ``a`` is the negative slope of a
    leaky ReLU; the default (``a=0``) is the ReLU gain ``sqrt(2)``, the book's
    [`he_uniform()`][minigrad.nn.init.he_uniform].  ``nn.Linear`` uses ``a=sqrt(5)``, which makes
    the bound ``1 / sqrt(fan_in)``.  Returns ``tensor``.

    >>> import minigrad as mg
    >>> w = kaiming_uniform_(mg.nn.Parameter(np.empty((100, 16))), a=math.sqrt(5))
    >>> bool(np.abs(w.data).max() <= 1 / 4)
    True
    """
    found = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    if found is None:
        return tensor
    shape, std = found
    return _write(tensor, uniform(shape, math.sqrt(3.0) * std,
                                  _rng(generator, "kaiming_uniform_")))


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He/Kaiming normal in place: ``N(0, std**2)`` with ``std = gain / sqrt(fan)``
    (``a``, ``mode``, ``nonlinearity``: as [`kaiming_uniform_`][minigrad.nn.init.kaiming_uniform_]);
    with the defaults, the book's [`he_normal`][minigrad.nn.init.he_normal].  Returns ``tensor``.

    >>> import minigrad as mg
    >>> w = kaiming_normal_(mg.nn.Parameter(np.empty((500, 200))), mode="fan_out")
    >>> round(float(w.data.var()) * 500, 1)              # 2 / fan_out
    2.0
    """
    found = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    if found is None:
        return tensor
    shape, std = found
    return _write(tensor, normal(shape, std, _rng(generator, "kaiming_normal_")))


def orthogonal_(tensor, gain=1, generator=None):
    """Fill ``tensor`` with a (semi-)orthogonal matrix times ``gain``: the rows (or
    the columns, whichever are fewer) are orthonormal.  Dimensions after the
    first are flattened.  Returns ``tensor``.

    >>> import minigrad as mg
    >>> w = orthogonal_(mg.nn.Parameter(np.empty((3, 5))), generator=0).data
    >>> np.allclose(w @ w.T, np.eye(3))
    True
    """
    array = _target(tensor, "orthogonal_")
    if array.ndim < 2:
        raise ValueError(f"nn.init.orthogonal_: only tensors with 2 or more dimensions are "
                         f"supported, got shape {array.shape}")
    if array.size == 0:
        return tensor
    rows = array.shape[0]
    cols = array.size // rows
    flat = _rng(generator, "orthogonal_").normal(size=(rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))         # a uniformly distributed orthogonal matrix
    if rows < cols:
        q = q.T
    return _write(tensor, gain * q.reshape(array.shape))

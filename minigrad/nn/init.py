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

Every function takes the weight shape ``(D_out, D_in)`` (PyTorch's layout,
``y = x W^T + b``), a random generator and returns a NumPy array; the
generator is a ``numpy.random.Generator`` (reused, so consecutive layers get
different draws) or an int seed (see :func:`minigrad.random.as_generator`).

>>> import numpy as np
>>> from minigrad.nn import init
>>> W = init.he_normal((400, 500), rng=np.random.default_rng(0))
>>> round(float(W.var()) * 500, 1)        # variance 2 / fan_in
2.0
>>> W = init.glorot_uniform((300, 100), rng=0)
>>> round(float(W.var()) * (300 + 100), 1)    # variance 2 / (fan_in + fan_out)
2.0
"""

from __future__ import annotations

import numpy as np

from ..random import as_generator

__all__ = ["fans", "he_normal", "he_uniform", "glorot_normal", "glorot_uniform",
           "normal", "uniform", "zeros", "get", "INITIALIZERS", "RELU_GAIN"]


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


def normal(shape, std, rng=None):
    """Independent ``N(0, std**2)`` entries: the plain initialization of chapter 7,
    where a wrong ``std`` makes activations vanish or explode with depth."""
    return _generator(rng).normal(0.0, std, size=tuple(shape))


def uniform(shape, bound, rng=None):
    """Independent entries uniform on ``[-bound, bound]`` (variance ``bound**2 / 3``)."""
    return _generator(rng).uniform(-bound, bound, size=tuple(shape))


def zeros(shape, rng=None):
    """All zeros (the book's choice for biases)."""
    return np.zeros(tuple(shape))


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
    (the same variance ``gain**2 / fan_in`` as :func:`he_normal`)."""
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

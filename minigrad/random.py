"""Random generators: the one place that turns ``rng=`` and ``seed=`` arguments into a
``numpy.random.Generator``.

Everything in minigrad that draws random numbers (initial weights, batch
orders) takes a ``numpy.random.Generator`` or an int seed and passes it
through [`as_generator()`][minigrad.random.as_generator], so every function accepts the same things
and says the same thing when given something else.  This module imports only NumPy and
[`minigrad.errors`][minigrad.errors]: it sits at the bottom of the package, where both ``nn.init``
and ``data`` can use it.

>>> import numpy as np
>>> from minigrad.random import as_generator
>>> g = np.random.default_rng(0)
>>> as_generator(g) is g                 # a generator is used as it is
True
>>> float(as_generator(3).uniform()) == float(np.random.default_rng(3).uniform())
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_generator", "default_generator", "manual_seed"]

#: The package's generator (PyTorch's default generator): ``mg.rand``,
#: ``mg.randn``, the initial weights of layers made without ``rng=``, dropout
#: masks and ``DataLoader`` shuffles draw from it when no generator is given.
#: Seeded with 0 at import, so a script gives the same numbers on every run;
#: one object for the whole run (``manual_seed`` resets its state in place, so
#: code that holds it sees the reset).
default_generator = np.random.default_rng(0)


def manual_seed(seed):
    """Restart the package generator from ``seed``; returns it (``torch.manual_seed``).

    >>> import minigrad as mg
    >>> _ = mg.manual_seed(3); a = mg.nn.Linear(2, 2).weight.data.copy()
    >>> _ = mg.manual_seed(3); b = mg.nn.Linear(2, 2).weight.data
    >>> bool((a == b).all())
    True
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"manual_seed: seed must be an int, got {type(seed).__name__}")
    default_generator.bit_generator.state = np.random.PCG64(int(seed)).state
    return default_generator


def as_generator(rng=None, seed=None, where="minigrad", unseeded=False, hint=""):
    """A ``numpy.random.Generator`` from a generator, an int seed, or ``seed=``.

    A generator is returned as it is: its state is shared with the caller, so
    successive calls (epochs, layers) continue its stream instead of
    repeating it.  An int makes a fresh generator seeded with it.  ``None``
    makes a fresh unseeded generator when ``unseeded=True``; otherwise it is
    an error, because a result that changes from run to run is rarely what a
    learner wants.  ``where`` names the caller in the error messages and
    ``hint`` (optional) adds what else the caller accepts.

    >>> as_generator(None, where="batches", hint=", or shuffle=False")
    Traceback (most recent call last):
    ...
    TypeError: batches: this needs a seeded random generator. Pass
    rng=np.random.default_rng(0) (and reuse it, so that each call continues its stream),
    or an int seed, or shuffle=False.
    >>> as_generator("0", where="init")
    Traceback (most recent call last):
    ...
    TypeError: init: rng must be a numpy.random.Generator or an int seed, got str.
    Make one with np.random.default_rng(seed).
    """
    if rng is not None and seed is not None:
        raise TypeError(f"{where}: give rng= (a Generator or int seed) or seed=, not both")
    if rng is None:
        rng = seed
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    if rng is None:
        if unseeded:
            return np.random.default_rng()
        raise TypeError(
            f"{where}: this needs a seeded random generator. Pass "
            f"rng=np.random.default_rng(0) (and reuse it, so that each call continues its "
            f"stream), or an int seed{hint}.")
    raise TypeError(f"{where}: rng must be a numpy.random.Generator or an int seed, "
                    f"got {type(rng).__name__}. Make one with np.random.default_rng(seed).")

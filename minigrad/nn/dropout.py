"""Layers that change shape or add noise but learn nothing: [`Dropout`][minigrad.nn.dropout.Dropout]
and [`Flatten`][minigrad.nn.dropout.Flatten] (PyTorch's names, arguments and defaults).

>>> import numpy as np, minigrad as mg
>>> mg.nn.Flatten()(mg.tensor(np.zeros((2, 3, 4)))).shape
(2, 12)
"""

from __future__ import annotations

import numbers

from ..errors import ShapeError
from ..random import as_generator
from ..tensor import as_tensor
from . import functional as F
from .modules import Module

__all__ = ["Dropout", "Flatten"]


class Dropout(Module):
    """Zero each element with probability ``p`` while training, scaling the rest by
    ``1 / (1 - p)``; the identity after ``eval()``.

    ``generator`` (a ``numpy.random.Generator`` or an int seed, made into a
    generator once) draws the masks; without it they come from the generator
    of [`minigrad.nn.functional.dropout()`][minigrad.nn.functional.dropout].

    >>> import numpy as np, minigrad as mg
    >>> drop = mg.nn.Dropout(p=0.5, generator=0)
    >>> drop
    Dropout(p=0.5, inplace=False)
    >>> x = mg.tensor(np.ones(6))
    >>> drop(x).data.tolist()
    [2.0, 0.0, 0.0, 0.0, 2.0, 2.0]
    >>> drop.eval()(x) is x
    True
    """

    def __init__(self, p=0.5, inplace=False, generator=None):
        super().__init__()
        if not isinstance(p, numbers.Real) or not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: probability p has to be between 0 and 1, got {p!r}")
        if inplace:
            raise ValueError("Dropout: inplace=True is not supported (minigrad never "
                             "overwrites a tensor of the graph)")
        self.p = float(p)
        if generator is not None:
            generator = as_generator(generator, where="Dropout")
        self.generator = generator

    def forward(self, input):
        return F.dropout(input, self.p, training=self.training, generator=self.generator)

    def extra_repr(self):
        return f"p={self.p}, inplace=False"           # PyTorch's text


class Flatten(Module):
    """Merge the axes ``start_dim`` to ``end_dim`` (inclusive) into one; by default
    every axis but the first (the batch).

    >>> import numpy as np, minigrad as mg
    >>> mg.nn.Flatten(0, 1)(mg.tensor(np.zeros((2, 3, 4)))).shape
    (6, 4)
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = int(start_dim)
        self.end_dim = int(end_dim)

    def forward(self, input):
        x = as_tensor(input)
        shape = x.shape
        n = max(len(shape), 1)
        start = self.start_dim + n if self.start_dim < 0 else self.start_dim
        end = self.end_dim + n if self.end_dim < 0 else self.end_dim
        if not (0 <= start < n and 0 <= end < n) or start > end:
            raise ShapeError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit "
                f"an input of shape {shape}: both dims must be axes of the input and "
                f"start_dim must not come after end_dim")
        if not shape:
            return x.reshape(1)
        merged = 1
        for size in shape[start:end + 1]:
            merged *= size
        return x.reshape(*shape[:start], merged, *shape[end + 1:])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

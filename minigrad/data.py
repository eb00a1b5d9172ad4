"""Minibatches for stochastic gradient descent (Prince, *Understanding Deep Learning*, 6.2.1).

SGD takes each step on a random subset of the training data, a *batch*, chosen
*without replacement*: the examples are shuffled once per pass, cut into
batches, and when every example has been used the data are shuffled again.
One pass over the whole training set is an *epoch*.  The update of eq. 6.10 is
``phi <- phi - alpha * sum_{i in B_t} d l_i / d phi``: only the batch ``B_t``
enters the gradient.  A batch may hold a single example or the whole data set
(then SGD is plain gradient descent).

Nothing here knows about optimizers: the batches are plain arrays (or tensors,
if tensors were given), so any optimizer's loop can consume them.

Randomness comes from a ``numpy.random.Generator``.  Pass one generator and
keep using it, epoch after epoch, so that each epoch gets a new order and the
whole run is reproducible from one seed.

>>> import numpy as np, minigrad as mg
>>> x = np.arange(6.0); y = 10 * x
>>> rng = np.random.default_rng(0)
>>> for xb, yb in mg.data.batches((x, y), batch_size=4, rng=rng):
...     print(xb, yb)
[3. 2. 5. 4.] [30. 20. 50. 40.]
[0. 1.] [ 0. 10.]
"""

from __future__ import annotations

import numpy as np

from .random import as_generator
from .tensor import Tensor

__all__ = ["Batches", "batch_indices", "batches", "epochs", "num_batches"]


def _generator(rng, where):
    """The generator that shuffles: shuffling without a seed is refused, with the way out."""
    return as_generator(rng, where=where, hint=", or shuffle=False")


def _check_batch_size(batch_size, n, where):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(f"{where}: batch_size must be an int, got {batch_size!r}")
    if not 1 <= batch_size <= n:
        raise ValueError(
            f"{where}: batch_size={batch_size} with {n} examples; a batch holds from 1 "
            f"example up to the whole data set (batch_size={n} is full-batch gradient "
            f"descent).")
    return int(batch_size)


def num_batches(n, batch_size, drop_last=False):
    """How many batches one epoch of ``n`` examples gives.

    >>> num_batches(28, 5), num_batches(28, 5, drop_last=True)
    (6, 5)
    """
    return n // batch_size if drop_last else -(-n // batch_size)


def batch_indices(n, batch_size, rng=None, shuffle=True, drop_last=False):
    """The index arrays of the batches of one epoch over ``n`` examples.

    With ``shuffle=True`` the order is a random permutation drawn from ``rng``,
    so every index appears exactly once in the epoch (drawing without
    replacement).  The last batch is smaller when ``batch_size`` does not
    divide ``n``; ``drop_last=True`` leaves it out instead (those examples are
    then unused in this epoch, and a different few are left out next epoch).

    >>> import numpy as np
    >>> [b.tolist() for b in batch_indices(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> [b.tolist() for b in batch_indices(5, 2, rng=np.random.default_rng(1))]
    [[4, 0], [1, 2], [3]]
    """
    batch_size = _check_batch_size(batch_size, n, "batch_indices")
    if shuffle:
        order = _generator(rng, "batch_indices").permutation(n)
    else:
        order = np.arange(n)
    stop = n - n % batch_size if drop_last else n
    return [order[i:i + batch_size] for i in range(0, stop, batch_size)]


def _as_arrays(arrays, where):
    """Normalise the data argument: one array, or a tuple/list of arrays of equal length."""
    single = not isinstance(arrays, (tuple, list))
    items = (arrays,) if single else tuple(arrays)
    if not items:
        raise ValueError(f"{where}: no arrays given; pass e.g. (x, y)")
    items = tuple(a if isinstance(a, Tensor) else np.asarray(a) for a in items)
    lengths = []
    for k, a in enumerate(items):
        if a.ndim == 0:
            raise ValueError(f"{where}: array {k} is a scalar; batching needs arrays whose "
                             f"first axis runs over the examples")
        lengths.append(a.shape[0])
    if len(set(lengths)) != 1:
        shapes = ", ".join(str(tuple(a.shape)) for a in items)
        raise ValueError(f"{where}: the arrays must have the same number of examples along "
                         f"axis 0, got shapes {shapes}")
    return items, lengths[0], single


def _take(items, index, single):
    picked = tuple(a[index] for a in items)
    return picked[0] if single else picked


def batches(arrays, batch_size, rng=None, shuffle=True, drop_last=False):
    """Yield the batches of one epoch: tuples like ``(xb, yb)`` (or single arrays).

    ``arrays`` is one array or a tuple of arrays (or tensors) sharing their first
    axis.  ``rng`` is a ``numpy.random.Generator`` (reuse it across epochs) or
    an int seed.

    >>> import numpy as np
    >>> x = np.arange(5.0)
    >>> [xb.tolist() for xb in batches(x, 2, shuffle=False)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """
    items, n, single = _as_arrays(arrays, "batches")
    _check_batch_size(batch_size, n, "batches")
    if shuffle:
        rng = _generator(rng, "batches")
    for index in batch_indices(n, batch_size, rng, shuffle, drop_last):
        yield _take(items, index, single)


def epochs(arrays, batch_size, n_epochs=None, rng=None, shuffle=True, drop_last=False):
    """Yield ``(epoch, batch)`` pairs for ``n_epochs`` epochs (forever if None).

    Each epoch reshuffles with the same generator, so epochs differ from one
    another but the whole sequence is fixed by the seed.  Combine with
    ``itertools.islice`` to run a fixed number of steps:

    >>> import itertools, numpy as np
    >>> x = np.arange(4.0)
    >>> stream = epochs(x, 3, rng=np.random.default_rng(0))
    >>> [(e, xb.tolist()) for e, xb in itertools.islice(stream, 4)]
    [(0, [2.0, 0.0, 1.0]), (0, [3.0]), (1, [3.0, 2.0, 1.0]), (1, [0.0])]
    """
    items, n, single = _as_arrays(arrays, "epochs")
    _check_batch_size(batch_size, n, "epochs")
    if shuffle:
        rng = _generator(rng, "epochs")
    epoch = 0
    while n_epochs is None or epoch < n_epochs:
        for index in batch_indices(n, batch_size, rng, shuffle, drop_last):
            yield epoch, _take(items, index, single)
        epoch += 1


class Batches:
    """An iterable over the batches of a data set; each ``for`` loop is one epoch.

    Like PyTorch's ``DataLoader``: it owns a generator seeded with ``seed`` (or
    uses the ``rng`` you give it), so iterating again gives the next epoch in
    a new order, and two ``Batches`` with the same seed give the same batches.

    >>> import numpy as np, minigrad as mg
    >>> x = np.arange(5.0); y = x ** 2
    >>> loader = mg.data.Batches((x, y), batch_size=2, seed=0)
    >>> len(loader)
    3
    >>> for epoch in range(2):
    ...     print([xb.tolist() for xb, yb in loader])
    [[2.0, 4.0], [3.0, 0.0], [1.0]]
    [[4.0, 1.0], [2.0, 0.0], [3.0]]
    """

    def __init__(self, arrays, batch_size, shuffle=True, seed=0, drop_last=False, rng=None):
        self.arrays, self.n, self._single = _as_arrays(arrays, "Batches")
        self.batch_size = _check_batch_size(batch_size, self.n, "Batches")
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.seed = seed
        # rng= shares the caller's generator; otherwise the loader owns one made from seed
        self.rng = as_generator(rng if rng is not None else seed, where="Batches",
                                unseeded=True)
        self.epoch = 0           # number of epochs started so far

    def __len__(self):
        return num_batches(self.n, self.batch_size, self.drop_last)

    def __iter__(self):
        index_sets = batch_indices(self.n, self.batch_size, self.rng, self.shuffle,
                                   self.drop_last)
        self.epoch += 1
        for index in index_sets:
            yield _take(self.arrays, index, self._single)

    def __repr__(self):
        return (f"Batches(n={self.n}, batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"seed={self.seed}, drop_last={self.drop_last}, batches_per_epoch={len(self)})")

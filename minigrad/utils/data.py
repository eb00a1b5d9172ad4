"""``TensorDataset`` and ``DataLoader`` with PyTorch's meaning (``torch.utils.data``).

A dataset is anything with ``len()`` and ``dataset[i]``; a
[`TensorDataset`][minigrad.utils.data.TensorDataset] wraps tensors that share their first axis, and
``dataset[i]`` is the tuple of their ``i``-th rows.  A
[`DataLoader`][minigrad.utils.data.DataLoader] cuts the dataset into batches and yields, for each
batch, a list with one batched tensor per field, as PyTorch does.  Each ``for`` loop over the loader
is one epoch; with ``shuffle=True`` every epoch draws a new order, from ``generator`` (a
``numpy.random.Generator`` or an int seed) or, when none is given, from the package generator that
[`minigrad.manual_seed()`][minigrad.random.manual_seed] seeds, as ``torch.manual_seed`` does for
PyTorch.

The book's functions [`minigrad.data.batches()`][minigrad.data.batches] and
[`minigrad.data.epochs()`][minigrad.data.epochs] do the same job on plain arrays; this module is for
scripts written for PyTorch.

>>> import minigrad as mg
>>> ds = mg.utils.data.TensorDataset(mg.arange(5), 10 * mg.arange(5))
>>> len(ds), ds[1]
(5, (tensor(1), tensor(10)))
>>> for xb, yb in mg.utils.data.DataLoader(ds, batch_size=2):
...     print(xb, yb)
tensor([0, 1]) tensor([ 0, 10])
tensor([2, 3]) tensor([20, 30])
tensor([4]) tensor([40])
"""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..functional import stack
from ..random import as_generator, default_generator
from ..tensor import Tensor, as_tensor

__all__ = ["Dataset", "TensorDataset", "DataLoader"]


class Dataset:
    """The base of map-style datasets: subclasses define ``__getitem__`` and ``__len__``.

    >>> class Squares(Dataset):
    ...     def __len__(self):
    ...         return 4
    ...     def __getitem__(self, i):
    ...         return float(i), float(i * i)
    >>> [yb.tolist() for _, yb in DataLoader(Squares(), batch_size=3)]
    [[0.0, 1.0, 4.0], [9.0]]
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class TensorDataset(Dataset):
    """Tensors that share their first axis; ``dataset[i]`` is the tuple of their ``i``-th rows.

    Arrays and nested lists are turned into tensors (float64 unless they
    already have a float dtype, as [`minigrad.tensor()`][minigrad.tensor.tensor] does).

    >>> import minigrad as mg
    >>> ds = TensorDataset(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), mg.tensor([0.0, 1.0]))
    >>> len(ds)
    2
    >>> ds[0]
    (tensor([1., 2.]), tensor(0.))
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: no tensors given; pass e.g. "
                             "TensorDataset(x, y)")
        tensors = tuple(as_tensor(t) for t in tensors)
        for k, t in enumerate(tensors):
            if t.ndim == 0:
                raise ShapeError(f"TensorDataset: tensor {k} is a scalar (shape ()); each "
                                 f"tensor needs a first axis that runs over the examples")
        if len({t.shape[0] for t in tensors}) != 1:
            shapes = ", ".join(str(t.shape) for t in tensors)
            raise ShapeError(f"TensorDataset: the tensors must have the same size along "
                             f"dim 0 (one row per example), got shapes {shapes}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]

    def __repr__(self):
        shapes = ", ".join(str(t.shape) for t in self.tensors)
        return f"TensorDataset({shapes})"


def _collate(samples):
    """Stack a list of samples into a batch, field by field (PyTorch's default_collate)."""
    first = samples[0]
    if isinstance(first, Tensor):
        return stack(samples)
    if isinstance(first, (tuple, list)):
        if len({len(s) for s in samples}) != 1:
            raise ShapeError("DataLoader: the samples of one batch have different numbers "
                             "of fields; every dataset[i] must return the same structure")
        return [_collate(list(field)) for field in zip(*samples)]
    if isinstance(first, dict):
        return {key: _collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (int, float, np.number, np.ndarray)) and not isinstance(first, bool):
        return Tensor(np.stack([np.asarray(s) for s in samples]))
    raise TypeError(f"DataLoader: cannot batch samples of type {type(first).__name__}; "
                    f"dataset[i] should return tensors, arrays, numbers, or tuples, lists "
                    f"or dicts of them")


class DataLoader:
    """Batches of a dataset, one epoch per ``for`` loop, with PyTorch's arguments.

    Each batch is a list with one tensor per field of the dataset (``xb, yb``
    unpacks it).  ``batch_size=1`` is PyTorch's default; ``batch_size=None``
    yields the samples one by one, unbatched (a tuple sample as a list).
    ``drop_last=True`` leaves out the last, smaller batch.

    With ``shuffle=True`` each epoch draws a new order from ``generator``: a
    ``numpy.random.Generator`` (shared and advanced) or an int seed (made
    into a generator once, so that epochs still differ).  Without one, the
    order comes from the generator [`minigrad.manual_seed()`][minigrad.random.manual_seed] seeds.
    The same seed gives the same batches.

    >>> import minigrad as mg
    >>> ds = TensorDataset(mg.arange(5))
    >>> loader = DataLoader(ds, batch_size=2, shuffle=True, generator=0)
    >>> len(loader)
    3
    >>> first = [xb.tolist() for (xb,) in loader]
    >>> second = [xb.tolist() for (xb,) in loader]
    >>> first != second                  # a new order every epoch
    True
    >>> again = DataLoader(ds, batch_size=2, shuffle=True, generator=0)
    >>> [xb.tolist() for (xb,) in again] == first
    True
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False,
                 generator=None):
        if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(
                batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size must be a positive int (or None for "
                             f"unbatched samples), got {batch_size!r}")
        if batch_size is None and drop_last:
            raise ValueError("DataLoader: drop_last=True needs a batch_size; with "
                             "batch_size=None there are no batches to drop")
        self.dataset = dataset
        self.batch_size = None if batch_size is None else int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        # an int seed becomes one generator here, so that each epoch continues its stream
        self.generator = None if generator is None else as_generator(
            generator, where="DataLoader(generator=...)")

    def __len__(self):
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else default_generator
        return rng.permutation(n)

    def __iter__(self):
        order = self._order()
        if self.batch_size is None:
            for i in order:
                sample = self.dataset[int(i)]
                # PyTorch's default_convert turns a tuple sample into a list
                yield list(sample) if type(sample) is tuple else sample
            return
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        for start in range(0, stop, self.batch_size):
            index = order[start:start + self.batch_size]
            if type(self.dataset) is TensorDataset:
                # one fancy index per tensor instead of stacking rows one by one
                yield [t[index] for t in self.dataset.tensors]
            else:
                yield _collate([self.dataset[int(i)] for i in index])

    def __repr__(self):
        return (f"DataLoader(dataset={self.dataset!r}, batch_size={self.batch_size}, "
                f"shuffle={self.shuffle}, drop_last={self.drop_last})")

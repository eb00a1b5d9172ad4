"""Creating tensors by PyTorch's names: ``mg.zeros(2, 3)``, ``mg.randn(4)``, ``mg.manual_seed(0)``.

Each function takes PyTorch's arguments: sizes as separate ints or one tuple
(``mg.zeros(2, 3)`` is ``mg.zeros((2, 3))``), and the keywords ``dtype=`` and
``requires_grad=``.  Without ``dtype=`` they make the default dtype, which
``mg.set_default_dtype`` sets as ``torch.set_default_dtype`` does.  One
difference is deliberate: minigrad's default dtype is float64
(``mg.float64``), where PyTorch's is float32.  As in PyTorch, integer
arguments give integer tensors where the dtype follows the values
(``mg.arange(5)``, ``mg.full((2,), 7)`` and ``randint`` are int64).

The random functions draw from the one package generator,
``minigrad.random.default_generator`` (seeded with 0 when minigrad is
imported, so a script gives the same numbers on every run), as do layers made
without ``rng=``, dropout and ``DataLoader`` shuffles; ``mg.manual_seed``
restarts it, like ``torch.manual_seed``.  Each random function also takes
``generator=`` (a ``numpy.random.Generator`` or an int seed).

>>> import minigrad as mg
>>> mg.zeros(2, 3).shape, mg.ones((2,)).dtype
((2, 3), dtype('float64'))
>>> _ = mg.manual_seed(0); a = mg.randn(3)
>>> _ = mg.manual_seed(0); b = mg.randn(3)
>>> bool((a.data == b.data).all())
True
"""

from __future__ import annotations

import numpy as np

from .dtypes import float32, float64
from .errors import DTypeError
from .random import as_generator, default_generator, manual_seed
from .tensor import DEFAULT_DTYPE, Tensor

__all__ = [
    "float32", "float64", "set_default_dtype", "get_default_dtype", "manual_seed",
    "zeros", "ones", "full", "empty", "eye", "arange", "linspace",
    "zeros_like", "ones_like", "full_like", "empty_like", "randperm",
    "rand", "randn", "randint", "rand_like", "randn_like",
]


def set_default_dtype(d):
    """Make ``d`` (``mg.float32`` or ``mg.float64``) the dtype of new float tensors.

    PyTorch's ``torch.set_default_dtype``: it applies to Python floats (and,
    in minigrad, integer data) given to ``mg.tensor``, to the creation
    functions (``zeros``, ``rand``, ``arange``, ...) and to the parameters of
    new layers.  Arrays and tensors that already have a float dtype keep it.
    minigrad's default is float64 (PyTorch's is float32): gradient checks
    need it.

    >>> import minigrad as mg
    >>> mg.set_default_dtype(mg.float32)
    >>> mg.tensor([1.0, 2.0]).dtype, mg.zeros(2).dtype, mg.get_default_dtype()
    (dtype('float32'), dtype('float32'), <class 'numpy.float32'>)
    >>> mg.set_default_dtype(mg.float64)
    >>> mg.set_default_dtype("int64")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    minigrad.errors.DTypeError: set_default_dtype: only mg.float32 and mg.float64 ... got int64
    """
    try:
        dtype = None if d is None else np.dtype(d)
    except TypeError:
        dtype = None
    if dtype is None or dtype not in (np.float32, np.float64):
        raise DTypeError(f"set_default_dtype: only mg.float32 and mg.float64 can be the "
                         f"default dtype, got {getattr(d, '__name__', d)}")
    # The canonical dtype objects: to_array compares them by identity.
    DEFAULT_DTYPE[0] = np.dtype(float32) if dtype == float32 else np.dtype(float64)


def get_default_dtype():
    """The default float dtype: ``mg.float64`` unless
    [`set_default_dtype()`][minigrad.creation.set_default_dtype] changed it.

    >>> import minigrad as mg
    >>> mg.get_default_dtype() is mg.float64
    True
    """
    return DEFAULT_DTYPE[0].type


def _size(size, where):
    """PyTorch's size argument: ints as varargs, or one tuple/list."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise TypeError(f"{where}: sizes must be non-negative ints, given as "
                            f"{where}(2, 3) or {where}((2, 3)); got {size!r}")
    return tuple(int(s) for s in size)


def _make(data, dtype, requires_grad):
    return Tensor(data, requires_grad=requires_grad,
                  dtype=get_default_dtype() if dtype is None else dtype)


def _rng(generator, where):
    if generator is None:
        return default_generator
    return as_generator(generator, where=f"{where}(generator=...)")


def zeros(*size, dtype=None, requires_grad=False):
    """A tensor of zeros.

    >>> import minigrad as mg
    >>> mg.zeros(2, 2)
    tensor([[0., 0.],
            [0., 0.]])
    """
    return _make(np.zeros(_size(size, "zeros")), dtype, requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """A tensor of ones.

    >>> import minigrad as mg
    >>> mg.ones(3, dtype=mg.float32)
    tensor([1., 1., 1.], dtype=float32)
    """
    return _make(np.ones(_size(size, "ones")), dtype, requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """A tensor of shape ``size`` filled with ``fill_value``.

    As ``torch.full``, the dtype follows ``fill_value``: an int gives int64, a
    bool bool, a float the default float dtype.

    >>> import minigrad as mg
    >>> mg.full((2,), 7.0), mg.full((2,), 7)
    (tensor([7., 7.]), tensor([7, 7]))
    """
    size = _size((size,) if isinstance(size, (tuple, list)) else (size,), "full")
    if dtype is None and isinstance(fill_value, (bool, np.bool_)):
        dtype = np.bool_
    elif dtype is None and _is_int(fill_value):
        dtype = np.int64
    return _make(np.full(size, fill_value), dtype, requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    """A tensor whose values are not to be relied on (here zeros, so runs repeat).

    >>> import minigrad as mg
    >>> mg.empty(2, 3).shape
    (2, 3)
    """
    return _make(np.zeros(_size(size, "empty")), dtype, requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The ``n`` by ``m`` identity matrix (``m`` defaults to ``n``).

    >>> import minigrad as mg
    >>> mg.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    return _make(np.eye(n, m), dtype, requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """``start, start + step, ...`` up to but excluding ``end``; ``arange(n)`` is ``0..n-1``.

    As ``torch.arange``: int64 when ``start``, ``end`` and ``step`` are all
    integers, the default float dtype otherwise.

    >>> import minigrad as mg
    >>> mg.arange(4), mg.arange(1, 2, 0.5)
    (tensor([0, 1, 2, 3]), tensor([1. , 1.5]))
    """
    if end is None:
        start, end = 0, start
    if dtype is None and all(_is_int(v) for v in (start, end, step)):
        dtype = np.int64
    return _make(np.arange(start, end, step), dtype, requires_grad)


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    >>> import minigrad as mg
    >>> mg.linspace(0, 1, 5)
    tensor([0.  , 0.25, 0.5 , 0.75, 1.  ])
    """
    return _make(np.linspace(start, end, steps), dtype, requires_grad)


def _like(t, dtype):
    # A list takes the default dtype, as mg.tensor would give it.
    data = t if isinstance(t, np.ndarray) else t.data if isinstance(t, Tensor) else Tensor(t).data
    return data.shape, (data.dtype if dtype is None else dtype)


def zeros_like(input, dtype=None, requires_grad=False):
    """Zeros with the shape and dtype of ``input``.

    >>> import minigrad as mg
    >>> mg.zeros_like(mg.ones(2, dtype=mg.float32))
    tensor([0., 0.], dtype=float32)
    """
    shape, dtype = _like(input, dtype)
    return _make(np.zeros(shape), dtype, requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    """Ones with the shape and dtype of ``input``.

    >>> import minigrad as mg
    >>> mg.ones_like(mg.zeros(2))
    tensor([1., 1.])
    """
    shape, dtype = _like(input, dtype)
    return _make(np.ones(shape), dtype, requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False):
    """``fill_value`` with the shape and dtype of ``input``.

    >>> import minigrad as mg
    >>> mg.full_like(mg.zeros(2), 3.0)
    tensor([3., 3.])
    """
    shape, dtype = _like(input, dtype)
    return _make(np.full(shape, fill_value), dtype, requires_grad)


def empty_like(input, dtype=None, requires_grad=False):
    """Like ``zeros_like`` (minigrad fills "empty" tensors with zeros, so a value
    read before it is written is 0, never garbage).

    >>> import minigrad as mg
    >>> mg.empty_like(mg.ones(2)).shape
    (2,)
    """
    shape, dtype = _like(input, dtype)
    return _make(np.zeros(shape), dtype, requires_grad)


def randperm(n, generator=None, dtype=None, requires_grad=False):
    """A random permutation of ``0 .. n-1`` (int64), as ``torch.randperm``.

    >>> import minigrad as mg
    >>> sorted(mg.randperm(5, generator=0).tolist())
    [0, 1, 2, 3, 4]
    """
    data = _rng(generator, "randperm").permutation(int(n))
    return Tensor(data, requires_grad=requires_grad,
                  dtype=np.int64 if dtype is None else dtype)


def rand(*size, generator=None, dtype=None, requires_grad=False):
    """Uniform samples from [0, 1).

    >>> import minigrad as mg
    >>> x = mg.rand(1000, generator=0)
    >>> bool(((x.data >= 0) & (x.data < 1)).all())
    True
    """
    data = _rng(generator, "rand").random(_size(size, "rand"))
    return _make(data, dtype, requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False):
    """Samples from the standard normal distribution.

    >>> import minigrad as mg
    >>> mg.randn(2, 3, generator=0).shape
    (2, 3)
    """
    data = _rng(generator, "randn").standard_normal(_size(size, "randn"))
    return _make(data, dtype, requires_grad)


def randint(low, high=None, size=None, generator=None, dtype=None, requires_grad=False):
    """Random ints in ``[low, high)``; ``randint(high, size)`` starts at 0, as in PyTorch.

    The result is int64 unless ``dtype`` says otherwise.

    >>> import minigrad as mg
    >>> x = mg.randint(3, (100,), generator=0)
    >>> x.dtype, sorted(set(x.tolist()))
    (dtype('int64'), [0, 1, 2])
    """
    if size is None and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high       # randint(high, size)
    elif high is None:
        low, high = 0, low                   # randint(high, size=...)
    if size is None or high is None:
        raise TypeError("randint: give randint(high, size) or randint(low, high, size), "
                        "with size a tuple such as (3,)")
    data = _rng(generator, "randint").integers(low, high, _size((size,), "randint"))
    return Tensor(data, requires_grad=requires_grad,
                  dtype=np.int64 if dtype is None else dtype)


def rand_like(input, generator=None, dtype=None, requires_grad=False):
    """Uniform samples from [0, 1) with the shape and dtype of ``input``.

    >>> import minigrad as mg
    >>> mg.rand_like(mg.zeros(2, 2)).shape
    (2, 2)
    """
    shape, dtype = _like(input, dtype)
    return _make(_rng(generator, "rand_like").random(shape), dtype, requires_grad)


def randn_like(input, generator=None, dtype=None, requires_grad=False):
    """Standard normal samples with the shape and dtype of ``input``.

    >>> import minigrad as mg
    >>> mg.randn_like(mg.zeros(3)).shape
    (3,)
    """
    shape, dtype = _like(input, dtype)
    return _make(_rng(generator, "randn_like").standard_normal(shape), dtype, requires_grad)

"""The Tensor: an ndarray plus the node of the graph that produced it.

A tensor made by an operation on tensors that require grad remembers the
primitive (``_op``), the arguments it was called with (``_args``, tensors or
constants), the keyword arguments (``_kwargs``) and a creation number
(``_seq``).  That is the whole graph: the backward pass in ``autograd.py``
walks these links.  Tensors use ``__slots__`` because a deep graph holds
millions of them and the per-op overhead is the cost of building one.  The
values live in the ``_data`` slot, which the engine reads directly; the
public ``data`` is a property whose assignment bumps the tensor's version
(``bump_version``), which the backward pass checks.

The default float dtype (``DEFAULT_DTYPE``, set by ``mg.set_default_dtype``) lives here.

This module is the bottom of the package: it imports only ``errors``.  The
methods that compute (``x + y``, ``x.exp()``, ``x.sum()``, ``x.backward()``)
are not written here.  Each comes from the one declaration of its operation
(a primitive in ``ops/``, a composite in ``functional.py``, the backward
pass in ``autograd.py``), which installs it with ``install_method``, the
way JAX attaches its array methods.  So adding an op never means editing this
file, and no module here imports one above it.
"""

from __future__ import annotations

import contextvars
import itertools
from operator import attrgetter

import numpy as np

from .errors import DeclarationError, DTypeError, IndexingError, ShapeError

next_seq = itertools.count().__next__

#: Grad mode: whether primitives record the graph.  A context variable, so each
#: thread starts from the default (on) and each asyncio task keeps its own:
#: ``no_grad`` in one thread never stops another from recording.
GRAD_ENABLED = contextvars.ContextVar("minigrad_grad_enabled", default=True)

#: How many recent changes of a tensor keep their stamp (for error messages).
KEPT_CHANGES = 16

#: ``LAST_CHANGE[0]`` is the stamp of the latest in-place change of any tensor.
#: A node made after it cannot have a changed input, so the backward pass
#: checks versions only for older nodes (one comparison per node otherwise).
LAST_CHANGE = [-1]


def bump_version(t):
    """Record that ``t``'s values changed in place (an optimizer step, ``t.data = ...``).

    The version counts the changes; the stamp (a creation number, the clock
    nodes are numbered by) lets the backward pass tell whether a change came
    after a node that saved the tensor, at no cost to the forward pass.

    >>> import minigrad as mg
    >>> w = mg.tensor([1.0, 2.0])
    >>> w._version, bump_version(w)._version
    (0, 1)
    """
    stamp = next_seq()
    changes = t._changes
    if changes:
        t._changes = (changes[0] + 1,) + changes[max(1, len(changes) + 1 - KEPT_CHANGES):] + (
            stamp,)
    else:
        t._changes = (1, stamp)
    LAST_CHANGE[0] = stamp
    return t


def version_at(t, seq):
    """``t``'s version when the tensor numbered ``seq`` was made, or None when
    more changes have happened since than are remembered."""
    if not t._changes:
        return 0
    version, stamps = t._changes[0], t._changes[1:]
    later = sum(1 for stamp in stamps if stamp > seq)
    if later == len(stamps) and version > later:
        return None
    return version - later


_F64 = np.dtype(np.float64)

_INT64, _BOOL = np.dtype(np.int64), np.dtype(np.bool_)

#: ``DEFAULT_DTYPE[0]`` is the dtype Python floats become (``mg.set_default_dtype``,
#: in ``creation.py``, sets it).  One value for the whole process, as in
#: PyTorch, read once per conversion.
DEFAULT_DTYPE = [_F64]


def _check_differentiable_dtype(data, where):
    kind = data.dtype.kind
    if kind != "f":
        what = {"i": "integer", "u": "unsigned integer", "b": "boolean",
                "c": "complex", "O": "object"}.get(kind, f"'{data.dtype}'")
        raise DTypeError(
            f"{where}: requires_grad=True needs a floating-point tensor, got {what} "
            f"dtype {data.dtype} with shape {data.shape}. Convert first, e.g. "
            f"mg.tensor(data, dtype=np.float64, requires_grad=True)"
            + ("; minigrad does not differentiate complex numbers." if kind == "c" else ".")
        )


#: ``hook(data, dtype, array)`` while mg.jit records (program.py): a copy is a step.
ARRAY_HOOK = [None]


def to_array(data, dtype=None):
    """Convert user data to an ndarray of ``dtype``, or else as ``torch.tensor``
    does: Python floats to the default dtype (float64 unless
    ``set_default_dtype`` changed it), integers to int64 and booleans to bool,
    NumPy arrays and scalars with their own dtype."""
    arr = _convert(data, dtype)
    return arr if ARRAY_HOOK[0] is None else ARRAY_HOOK[0](data, dtype, arr)


def _convert(data, dtype):
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=dtype)
    arr = np.array(data)
    if arr.dtype.kind == "f":
        # Python floats make float64 arrays: they take the default dtype; data
        # that is already NumPy's keeps its own (torch.tensor does the same).
        default = DEFAULT_DTYPE[0]
        if (default is not _F64 and arr.dtype is _F64
                and not isinstance(data, (np.ndarray, np.generic))):
            return arr.astype(default)
        return arr
    if arr.dtype == object and any(v is None for v in arr.flat):
        # NumPy would turn None into nan when converting to float: refuse it.
        raise DTypeError(f"mg.tensor: the data holds None (shape {arr.shape}); a tensor "
                         f"holds numbers. Replace None with a number (or float('nan') if "
                         f"a missing value is meant).")
    if arr.dtype.kind in "iu" and not isinstance(data, (np.ndarray, np.generic)):
        return arr.astype(np.int64, copy=False)      # Python ints: int64 on every platform
    if arr.dtype == object and _all_numbers(arr):
        arr = arr.astype(DEFAULT_DTYPE[0])
    return arr


def _all_numbers(arr):
    try:
        arr.astype(np.float64)
        return True
    except (TypeError, ValueError):
        return False


class Tensor:
    """An n-dimensional array that can record how it was computed.

    >>> import minigrad as mg
    >>> x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    array([2., 4., 6.])

    Every tensor has a version (``t._version``, PyTorch's name) that counts the
    in-place changes minigrad makes or offers: an optimizer step, an assignment
    ``t.data = new``.  A backward pass through a graph that used the tensor
    before such a change raises [`BackwardError`][minigrad.errors.BackwardError] instead of
    silently mixing old and new values.  Writing into the array itself,
    ``t.data[...] = new``, is the escape hatch: it is not seen (as with
    ``.data`` in PyTorch).

    >>> loss = (x * x).sum()
    >>> x.data = x.data * 0.5
    >>> x._version
    1
    >>> loss.backward()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    minigrad.errors.BackwardError: one of the variables needed for gradient computation ...
    """

    __slots__ = ("_data", "grad", "requires_grad", "name",
                 "_op", "_args", "_values", "_kwargs", "_seq", "_retains_grad",
                 "_changes", "__weakref__")

    def __init__(self, data, requires_grad=False, name=None, dtype=None):
        self._data = to_array(data, dtype)
        self.grad = None
        self.requires_grad = False
        self.name = name
        self._op = None
        self._args = ()
        self._values = ()
        self._kwargs = None
        self._seq = next_seq()
        self._retains_grad = False
        self._changes = ()
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_op(cls, data, op, args, kwargs, values=()):
        """Fast constructor: no conversion, no checks.  ``args`` are the op's
        arguments (tensors or constants), ``values`` their arrays at the time
        of the forward pass, which the backward pass uses."""
        t = cls.__new__(cls)
        t._data = data
        t.grad = None
        t.requires_grad = op is not None
        t.name = None
        t._op = op
        t._args = args
        t._values = values
        t._kwargs = kwargs
        t._seq = next_seq()
        t._retains_grad = False
        t._changes = ()
        return t

    # ----------------------------------------------------------- attributes
    # ``_changes`` is () until the first in-place change, then
    # ``(version, stamp, ..., stamp)``: the count and the stamps of the latest
    # changes, newest last (one slot, so an op pays one store for it).
    @property
    def _version(self):
        """How many in-place changes this tensor has had (PyTorch's name)."""
        changes = self._changes
        return changes[0] if changes else 0

    def _set_data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)
        bump_version(self)

    # Reads are a C-level attribute fetch (the engine itself reads the ``_data``
    # slot); an assignment bumps the version so a stale graph is caught.
    data = property(attrgetter("_data"), _set_data, doc=(
        "The values, an ndarray.  Assigning ``t.data = new`` bumps the version; "
        "writing into the array (``t.data[...] = new``) is not tracked."))

    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    def size(self, dim=None):
        """The shape, a tuple; ``size(dim)`` the length of axis ``dim`` (PyTorch's
        method: the number of elements is [`numel()`][minigrad.tensor.Tensor.numel], NumPy's
        ``.size``).

        >>> import minigrad as mg
        >>> x = mg.zeros(2, 3)
        >>> x.size(), x.size(1), x.size(dim=-2), x.numel()
        ((2, 3), 3, 2, 6)
        """
        shape = self._data.shape
        if dim is None:
            return shape
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"size(dim): dim must be an int, got {type(dim).__name__}")
        if not -len(shape) <= dim < len(shape):
            raise IndexingError(
                f"size(dim={dim}) of a tensor of shape {shape}: dim must be in "
                + (f"[{-len(shape)}, {len(shape) - 1}]" if shape else
                   "nothing, a 0-d tensor has no dimensions (size() is ())"))
        return shape[dim]

    def numel(self):
        """The number of elements (NumPy's ``.size``; ``t.size()`` is the shape)."""
        return self._data.size

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def is_leaf(self):
        """True for tensors the user made (not produced by a recorded op)."""
        return self._op is None

    @property
    def op_name(self):
        """Name of the primitive that made this tensor, or None for a leaf."""
        return None if self._op is None else self._op.name

    @property
    def parents(self):
        """The tensors this one was computed from (constants left out)."""
        return tuple(a for a in self._args if isinstance(a, Tensor))

    def item(self):
        """The value of a one-element tensor as a Python number."""
        return self._scalar("item")

    def numpy(self):
        """The underlying ndarray (shared, not copied)."""
        return self._data

    def tolist(self):
        """The values as nested Python lists (a number for a 0-d tensor), as in PyTorch."""
        return self._data.tolist()

    def detach(self):
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return leaf(self._data)

    def requires_grad_(self, requires_grad=True):
        """Mark a leaf as a variable to differentiate with respect to (in place)."""
        if requires_grad:
            _check_differentiable_dtype(self._data, f"tensor {self._label()}")
        elif self._op is not None:
            raise ValueError(
                f"requires_grad_(False) on {self._label()}, which was produced by "
                f"'{self._op.name}': only leaves can change it. Use .detach() instead.")
        self.requires_grad = bool(requires_grad)
        return self

    def retain_grad(self):
        """Keep this interior tensor's gradient in ``.grad`` after backward."""
        self._retains_grad = True
        return self

    def zero_grad(self):
        self.grad = None
        return self

    def _label(self):
        return f"'{self.name}'" if self.name else f"of shape {self.shape}"

    def __repr__(self):
        body = np.array2string(self._data, separator=", ", precision=4,
                               threshold=20, prefix="tensor(")
        extras = []
        # As torch prints: the default float dtype, int64 and bool go unsaid.
        if self._data.dtype not in (DEFAULT_DTYPE[0], _INT64, _BOOL):
            extras.append(f"dtype={self.dtype}")
        if self._op is not None:
            extras.append(f"op={self._op.name}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extras) + ")"

    def __bool__(self):
        if self._data.size != 1:
            raise ValueError(
                f"The truth value of a tensor of shape {self.shape} is ambiguous; "
                f"use (t > 0).data.any() or .all().")
        return bool(self._data)

    # Identity hash, at C speed: tensors are dictionary keys in the backward
    # pass.  (== is elementwise, but a dict only calls it when two hashes are
    # equal, which for identity hashes of live objects means the same object.)
    __hash__ = object.__hash__

    # Comparisons give boolean tensors that carry no gradient (as in PyTorch).
    def __lt__(self, other):
        return leaf(self._data < unwrap(other))

    def __le__(self, other):
        return leaf(self._data <= unwrap(other))

    def __gt__(self, other):
        return leaf(self._data > unwrap(other))

    def __ge__(self, other):
        return leaf(self._data >= unwrap(other))

    def __eq__(self, other):
        return leaf(self._data == unwrap(other))

    def __ne__(self, other):
        return leaf(self._data != unwrap(other))

    # ------------------------------------------- Python and NumPy protocols
    # PyTorch's meanings: a one-element tensor converts to a Python number;
    # iterating goes over the first axis and yields rows that stay in the
    # graph (``t[i]``, the ``getitem`` primitive); NumPy gets the data.

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor: a 0-d tensor holds one number; "
                            "use t.item() to get it")
        return (self[i] for i in range(len(self.data)))

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor: it has no first axis; use t.numel() "
                            "for the number of elements")
        return len(self.data)

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)``: the data (shared unless a dtype or a copy is asked for)."""
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def _scalar(self, to):
        if self.data.size != 1:
            raise ShapeError(
                f"only one-element tensors can be converted to Python scalars, but "
                f"{to}() got a tensor of shape {self.shape}; reduce it first (t.sum(), "
                f"t[0]) or use t.tolist() / t.data")
        return self.data.item()

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __complex__(self):
        return complex(self._scalar("complex"))

    def __round__(self, ndigits=None):
        """``round(t, 3)`` on a one-element tensor: a Python number, as ``round``
        gives for floats (PyTorch tensors have no ``__round__``)."""
        return round(self._scalar("round"), ndigits)

    def __index__(self):
        if self.data.size != 1 or self.data.dtype.kind not in "biu":
            raise DTypeError(
                f"only integer tensors of a single element can be converted to an index, "
                f"got dtype {self.dtype} and shape {self.shape}; mg.tensor makes floats "
                f"({DEFAULT_DTYPE[0]}) by default: pass dtype=np.int64, or use int(t)")
        return int(self.data.item())

    def __format__(self, spec):
        """``f"{loss:.4f}"`` formats a one-element tensor's value (a 0-d tensor
        also with an empty spec, as in PyTorch); other tensors only take an
        empty spec, which gives their repr."""
        if self.ndim == 0 or (spec and self.data.size == 1):
            return format(self.data.item(), spec)
        if spec:
            raise TypeError(
                f"unsupported format string {spec!r} for a tensor of shape {self.shape}: "
                f"only one-element tensors take a format spec; format t.item(), or "
                f"np.array2string(t.data, ...) for the whole tensor")
        return repr(self)


def unwrap(x):
    """The array inside a tensor; anything else is returned as it is.

    >>> import minigrad as mg
    >>> unwrap(mg.tensor([1.0])), unwrap(2.0)
    (array([1.]), 2.0)
    """
    return x._data if isinstance(x, Tensor) else x


def leaf(data):
    """A new leaf tensor holding the ndarray ``data`` as it is: no copy, no
    conversion, no graph (the fast constructor for arrays minigrad made)."""
    return Tensor._from_op(data, None, (), None)


def install_method(name, fn):
    """Make ``fn`` the Tensor attribute ``name`` (a method, operator or property).

    Called by the declaration of an operation, never by user code: this is
    how ``ops/``, ``functional.py`` and ``autograd.py`` give tensors their
    computing methods without this module importing them.  Declaring the same
    name twice is a bug in minigrad, so it raises, as does a name this module
    already defines (``numel``, ``size``, ...).
    """
    if name in _INSTALLED or name in Tensor.__dict__:
        first = _INSTALLED.get(name, __name__)
        raise DeclarationError(f"Tensor.{name} is declared twice ({first} and "
                               f"{getattr(fn, '__module__', fn)})")
    _INSTALLED[name] = getattr(fn, "__module__", None)
    setattr(Tensor, name, fn)
    return fn


_INSTALLED = {}


def tensor(data, requires_grad=False, name=None, dtype=None):
    """Make a tensor, as ``torch.tensor`` does: Python floats become the default
    dtype (float64 unless ``mg.set_default_dtype`` says float32), Python ints
    int64 and booleans bool; NumPy arrays and scalars keep their dtype.  Only a
    floating-point tensor can require grad.

    >>> import minigrad as mg
    >>> mg.tensor(3.0).dtype, mg.tensor(3).dtype
    (dtype('float64'), dtype('int64'))
    >>> mg.tensor([1.0, 2.0], requires_grad=True, name="w")
    tensor([1., 2.], requires_grad=True, name='w')
    """
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype)


def as_tensor(x):
    """Return ``x`` if it is a tensor, else a new constant tensor holding it."""
    return x if isinstance(x, Tensor) else Tensor(x)

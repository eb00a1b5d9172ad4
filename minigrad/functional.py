"""The public functions: every primitive, and the composites built from them.

``minigrad.functional`` is the namespace that ``mg.<name>`` comes from: the
primitives of ``ops/`` (re-exported as they are), the reductions of
``reductions.py`` and the shape functions of ``shape.py`` (which take
PyTorch's ``dim=`` beside NumPy's ``axis=``; ``mg.sum``, ``mg.max``,
``mg.transpose`` and ``mg.concatenate`` there wrap the primitives of those
names), and the composites below (``mg.clip`` wraps the ``clip`` primitive).

A composite (sigmoid, softmax, mean, ...) is written with the primitives of
``ops/``, so its gradient and its second derivative come from theirs.
Like the primitives, composites are polymorphic: arrays in, an array out;
tensors in, a tensor out.  A composite that is also a Tensor method declares
it here, beside its definition, with ``@_method`` (``mg.softmax(x)`` and
``x.softmax()``); ``@_function`` makes a function only (``leaky_relu``,
``mm``, ...).

Not every function is a method.  The arithmetic primitives ``add``, ``sub``,
``mul``, ``div`` and ``neg`` are the operators ``+ - * /`` and unary ``-``
(``pow`` is both ``x ** 2`` and ``x.pow(2)``, ``matmul`` both ``@`` and
``x.matmul``); ``where``, ``concatenate`` (``cat``, ``concat``), ``stack``,
``vstack`` (``row_stack``), ``hstack``, ``dstack``, ``column_stack``,
``atleast_1d``, ``atleast_2d``, ``atleast_3d``, ``array_split``, ``pad``,
``take_along_axis``, ``put_along_axis``, ``leaky_relu``, ``mm``,
``is_tensor``, ``from_numpy``, ``einsum``, ``tensordot``, ``cbrt``, NumPy's
names ``mod``, ``radians`` and ``degrees`` (of the methods remainder, deg2rad
and rad2deg), and the convolutions and poolings (``conv1d``, ``conv2d``,
``max_pool2d``, ``avg_pool2d``) are functions only.
``tests/docs/test_method_claims.py`` keeps this list true.

Where numerical stability would demand derivative code, the composite says
why it does not need it (``logsumexp``) or the operation is a primitive.
"""

from __future__ import annotations

import numpy as np

from . import ops, reductions
from . import shape as shaping
from .errors import DTypeError
from .ops import *  # every primitive is public: mg.exp is ops.exp
from .ops import axis_tuple, exp, log, log1p, reshape, where
from .primitive import REGISTRY, install_methods
from .reductions import *  # sum, mean, max, min, argmax, var, ... with dim= and axis=
from .shape import *  # view, squeeze, permute, transpose, cat, stack, ... (PyTorch's names)
from .shape import alias, operand
from .tensor import Tensor, install_method, leaf, unwrap

#: The public functions: every primitive's and every composite's name (a
#: wrapper in reductions.py or shape.py replaces the primitive of its name).
__all__ = list(dict.fromkeys(ops.__all__ + reductions.__all__ + shaping.__all__))


def _function(fn):
    """Export ``fn`` as ``mg.<name>`` (no Tensor method)."""
    if fn.__name__ not in __all__:      # mg.clip: the wrapper replaces the primitive
        __all__.append(fn.__name__)
    return fn


def _method(fn):
    """Export ``fn`` as ``mg.<name>`` and make it the Tensor method of that name."""
    return install_method(fn.__name__, _function(fn))


def _split_at_zero(x):
    """``x`` where it is positive (else 0) and where it is not (else 0): each
    branch of a two-sided formula gets arguments for which it cannot overflow."""
    positive = x > 0      # on a tensor, a step mg.jit records (not a frozen mask)
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
    x = operand(x)
    positive, xp, xn = _split_at_zero(x)
    e = exp(xn)
    return where(positive, 1.0 / (1.0 + exp(-xp)), e / (1.0 + e))


@_method
def logsumexp(x, axis=None, keepdims=None, *, dim=None, keepdim=None):
    """log(sum(exp(x))) over ``axis``/``dim`` (None: every axis), stable for large inputs.

    The maximum is subtracted before exponentiating.  It is used as a constant:
    the result does not depend on which constant is subtracted, so its
    gradient (softmax) is exact and needs no derivative code of its own.

    >>> import minigrad as mg
    >>> mg.logsumexp(mg.tensor([1000.0, 1000.0]))
    tensor(1000.6931)
    >>> mg.tensor([[0.0, 0.0], [1.0, 1.0]]).logsumexp(dim=1, keepdim=True).shape
    (2, 1)
    """
    axis, keepdims = reductions.reduction_args("logsumexp", axis, keepdims, dim, keepdim)
    axis = axis_tuple(axis)
    x = operand(x)
    data = unwrap(x)
    # The primitive on the array (not np.max): a constant of the graph that mg.jit still records.
    shift = ops.max(data, axis=axis, keepdims=True) if data.size else np.zeros((), data.dtype)
    if not np.isfinite(shift).all():   # rows of -inf (or inf): shifting would give nan
        shift = np.where(np.isfinite(shift), shift, 0.0).astype(data.dtype)
    total = log(ops.sum(exp(x - shift), axis=axis, keepdims=True)) + shift
    if keepdims:
        return total
    return reshape(total, shape=np.sum(np.empty(data.shape, dtype=bool), axis=axis).shape)


def _softmax_axis(fn, axis, dim):
    # axis=-1 is the default; dim= replaces it (both named: the alias error).
    if dim is None:
        return axis
    if axis != -1:
        alias(fn, "axis", axis, "dim", dim)
    return dim


@_method
def log_softmax(x, axis=-1, *, dim=None):
    """log(softmax(x)) computed as x - logsumexp(x): no overflow, no log(0).

    >>> import minigrad as mg
    >>> mg.tensor([[0.0, 0.0]]).log_softmax(dim=1).data.round(4).tolist()
    [[-0.6931, -0.6931]]
    """
    x = operand(x)
    return x - logsumexp(x, axis=_softmax_axis("log_softmax", axis, dim), keepdims=True)


@_method
def softmax(x, axis=-1, *, dim=None):
    """exp(x) / sum(exp(x)) along ``axis``/``dim`` (default: the last), stable for
    large inputs.

    >>> import minigrad as mg
    >>> mg.softmax(mg.tensor([1000.0, 1000.0]))
    tensor([0.5, 0.5])
    >>> mg.tensor([[1.0, 1.0], [2.0, 2.0]]).softmax(dim=0).data.round(4).tolist()
    [[0.2689, 0.2689], [0.7311, 0.7311]]
    """
    return exp(log_softmax(x, axis=_softmax_axis("softmax", axis, dim)))


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
    x = operand(x)
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
    x = operand(x)
    return where(x > 0, x, negative_slope * x)


# ------------------------------------------------------------- clamp, clip
def _clamp(fn, x, lo, hi):
    if lo is None and hi is None:
        raise TypeError(f"{fn}: give min= or max= (or both)")
    if not any(isinstance(b, Tensor) and b.requires_grad for b in (lo, hi)):
        bounds = {k: unwrap(v) for k, v in (("lo", lo), ("hi", hi)) if v is not None}
        return ops.clip(x, **bounds)
    # A bound that requires grad gets the gradient where it is the result (PyTorch):
    # two wheres, the lower bound first, so min > max gives max as torch.clamp does.
    out = operand(x)
    if lo is not None:
        out = where(out < unwrap(lo), lo, out)
    if hi is not None:
        out = where(out > unwrap(hi), hi, out)
    return out


@_function
def clamp(x, min=None, max=None, *, out=None):
    """``x`` limited to ``[min, max]`` (either may be None), as ``torch.clamp``.  The
    bounds may be numbers, arrays or tensors; a bound that requires grad gets
    the gradient where it is the result.  At a boundary ``x`` keeps its
    gradient (PyTorch's convention).

    >>> import minigrad as mg
    >>> mg.tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0)
    tensor([0. , 0.5, 1. ])
    """
    return _clamp("clamp", reductions.numpy_keywords("clamp", x, out=out), min, max)


@_function
def clip(x, min=None, max=None, *, lo=None, hi=None, out=None):
    """``clamp`` by its other name (PyTorch's alias, NumPy 2's keywords);
    ``lo=``/``hi=`` are taken too, and ``np.clip(x, lo, hi)`` calls it.

    >>> import minigrad as mg
    >>> mg.clip(mg.tensor([-2.0, 0.5, 3.0]), 0.0, 1.0)
    tensor([0. , 0.5, 1. ])
    """
    return _clamp("clip", reductions.numpy_keywords("clip", x, out=out),
                  alias("clip", "lo", lo, "min", min),
                  alias("clip", "hi", hi, "max", max))


install_methods(REGISTRY["clip"], {"clamp": clamp, "clip": clip})


# ------------------------------------------------------------------ casts
#: Device names PyTorch knows; minigrad computes on the CPU only.
_DEVICES = ("cpu", "cuda", "mps", "xpu", "xla", "meta", "hip", "hpu", "ipu", "mtia", "vulkan")


def _as_dtype(fn, dtype):
    try:
        return np.dtype(dtype)
    except TypeError:
        raise DTypeError(f"{fn}: {dtype!r} is not a dtype: use mg.float32, mg.float64, a "
                         f"NumPy dtype or its name ('float32')") from None


@_function
def astype(x, dtype):
    """``x`` as ``dtype`` (a copy).  To a float dtype it stays in the graph and the
    gradient is cast back (``x.float()``, ``x.double()``, ``x.to(dtype)``); to
    integers or booleans the result has no gradient, as in PyTorch.

    >>> import numpy as np, minigrad as mg
    >>> x = mg.tensor([1.5, -2.5], requires_grad=True)
    >>> mg.astype(x, np.float32), mg.astype(x, "int64")
    (tensor([ 1.5, -2.5], dtype=float32, op=astype), tensor([ 1, -2]))
    """
    dtype = _as_dtype("astype", dtype)
    if dtype.kind != "f":
        data = np.asarray(unwrap(x)).astype(dtype)
        return Tensor(data, dtype=dtype) if isinstance(x, Tensor) else data
    return ops.astype(x, dtype=dtype)


def _cast(self, dtype):
    return self if self.dtype == dtype else astype(self, dtype)


def _is_device(a):
    text = a if isinstance(a, str) else str(a) if type(a).__name__ == "device" else None
    return text is not None and text.split(":")[0] in _DEVICES


def _to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """``x.to(dtype)``, ``x.to(other)`` (its dtype), ``x.to("cpu")``,
    ``x.to("cpu", dtype)``, as PyTorch's ``to``: the same tensor when nothing
    changes (unless ``copy=True``), else a cast that stays in the graph.
    minigrad runs on the CPU only: any other device is an error.

    >>> import numpy as np, minigrad as mg
    >>> x = mg.tensor([1.0, 2.0])
    >>> x.to("float32").dtype, x.to(np.float32).to(x).dtype, x.to("cpu") is x
    (dtype('float32'), dtype('float64'), True)
    """
    for a in args:
        if isinstance(a, Tensor):
            a = a.dtype
        elif _is_device(a):
            device = alias("to", "device", device, "device", a)
            continue
        dtype = alias("to", "dtype", dtype, "dtype", a)
    if device is not None and str(device) not in ("cpu", "cpu:0"):
        raise ValueError(f"to: minigrad computes on the CPU with NumPy; device {device!r} "
                         f"is not available. Drop .to(device) or use device='cpu'.")
    dtype = self.dtype if dtype is None else _as_dtype("to", dtype)
    return ops.clone(self) if copy and dtype == self.dtype else _cast(self, dtype)


def _astype_method(self, dtype, copy=True):
    """``x.astype(np.float32)``, NumPy's method: a new tensor (in the graph for a
    float dtype, as [`astype`][minigrad.functional.astype]); with ``copy=False``
    the tensor itself when it already has that dtype.

    >>> import numpy as np, minigrad as mg
    >>> mg.tensor([1.5, 2.0]).astype(np.float32)
    tensor([1.5, 2. ], dtype=float32)
    """
    dtype = _as_dtype("astype", dtype)
    return self if not copy and dtype == self.dtype else astype(self, dtype)


def _float(self):
    """``x`` as float32 (PyTorch's ``float``), in the graph; itself if already float32.

    >>> import minigrad as mg
    >>> mg.tensor([1.0]).float()
    tensor([1.], dtype=float32)
    """
    return _cast(self, np.dtype(np.float32))


def _double(self):
    """``x`` as float64 (PyTorch's ``double``), in the graph; itself if already float64.

    >>> import numpy as np, minigrad as mg
    >>> mg.tensor(np.ones(1, dtype=np.float32)).double().dtype
    dtype('float64')
    """
    return _cast(self, np.dtype(np.float64))


def _long(self):
    """``x`` as int64, with no gradient (PyTorch's ``long``).

    >>> import minigrad as mg
    >>> mg.tensor([1.7, -1.7]).long()
    tensor([ 1, -1])
    """
    return _cast(self, np.dtype(np.int64))


def _type_as(self, other):
    """``x`` with the dtype of the tensor ``other``.

    >>> import numpy as np, minigrad as mg
    >>> mg.tensor([1.0]).type_as(mg.tensor(np.ones(1, dtype=np.float32))).dtype
    dtype('float32')
    """
    return _cast(self, other.dtype)


install_methods(REGISTRY["astype"], {"to": _to, "float": _float, "double": _double,
                                     "long": _long, "type_as": _type_as,
                                     "astype": _astype_method})


# ------------------------------------------------- PyTorch's small names
# Names a PyTorch script uses on every other line, each a thin layer over an
# operation above: no derivative code of their own.
@_function
def mm(input, mat2):
    """``torch.mm``: the product of two matrices (2-D only; ``matmul`` for the rest).

    >>> import minigrad as mg
    >>> mg.mm(mg.ones(2, 3), mg.ones(3, 1)).shape
    (2, 1)
    """
    a, b = operand(input), operand(mat2)
    if np.ndim(unwrap(a)) != 2 or np.ndim(unwrap(b)) != 2:
        raise ValueError(f"mm: both operands must be matrices (2-D), got shapes "
                         f"{np.shape(unwrap(a))} and {np.shape(unwrap(b))}; use mg.matmul (or @) "
                         f"for vectors and batches")
    return ops.matmul(a, b)


@_function
def numel(input):
    """``torch.numel``: the number of elements.

    >>> import minigrad as mg
    >>> mg.numel(mg.zeros(2, 3))
    6
    """
    return int(np.size(unwrap(input)))


@_function
def is_tensor(obj):
    """``torch.is_tensor``: True for a minigrad Tensor.

    >>> import minigrad as mg
    >>> mg.is_tensor(mg.tensor(1.0)), mg.is_tensor(1.0)
    (True, False)
    """
    return isinstance(obj, Tensor)


@_function
def from_numpy(ndarray):
    """``torch.from_numpy``: a tensor over the array's data, with its dtype.

    As in PyTorch the tensor and the array share memory (no copy), so writing
    one changes the other.

    >>> import numpy as np, minigrad as mg
    >>> a = np.array([1.0, 2.0], dtype=np.float32)
    >>> t = mg.from_numpy(a)
    >>> t.dtype, np.shares_memory(t.data, a)
    (dtype('float32'), True)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}; "
                        f"use mg.tensor(data) for other data")
    t = Tensor(ndarray[()] if ndarray.ndim == 0 else ndarray[:0], dtype=ndarray.dtype)
    t.data = ndarray                    # the array itself, not a copy
    return t


def _dim(self):
    """``x.dim()``: the number of dims, PyTorch's name for ``ndim``."""
    return self.ndim


def _cpu(self):
    """``x.cpu()``: the tensor itself (minigrad computes on the CPU)."""
    return self


def _no_gradient(name, compute):
    def method(self, *args):
        return leaf(compute(self._data, *(unwrap(a) for a in args)))
    method.__name__ = name
    method.__doc__ = f"``x.{name}(...)`` as in PyTorch: a boolean tensor, no gradient."
    return method


install_methods(REGISTRY["pow"], {"pow": None})       # x.pow(2) is x ** 2
for _name, _compute in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                        ("le", np.less_equal), ("gt", np.greater),
                        ("ge", np.greater_equal), ("isnan", np.isnan),
                        ("isfinite", np.isfinite), ("isinf", np.isinf)]:
    install_method(_name, _no_gradient(_name, _compute))
install_method("dim", _dim)
install_method("cpu", _cpu)
install_method("device", property(lambda self: "cpu", doc="Always ``'cpu'``."))

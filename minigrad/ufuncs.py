"""NumPy's ufuncs on tensors: ``np.sin(t)`` is ``mg.sin(t)`` and stays in the graph.

NumPy hands every ufunc call that involves a tensor to
``Tensor.__array_ufunc__`` (NEP 13, the protocol HIPS autograd and MyGrad
use), which this module installs.  That covers the calls written with ``np.``
(``np.exp(t)``, ``np.maximum(t, 0)``, ``np.add(arr, t)``) and the operators
with an array on the left, which NumPy turns into ufunc calls: ``arr + t`` is
``np.add(arr, t)``, ``arr @ t`` is ``np.matmul(arr, t)``, ``arr < t`` is
``np.less(arr, t)``.

* A ufunc that has a minigrad op runs that op: the result is a tensor of
  the graph, and the gradient flows through it as through ``mg.<op>``.
* Comparisons and tests (``np.less``, ``np.equal``, ``np.isnan``,
  ``np.isfinite``, ``np.logical_and``, ...) give boolean tensors with no
  gradient, as the comparison operators do.
* Anything else raises [`UfuncError`][minigrad.errors.UfuncError], which names the ufunc
  and what to write instead: a ufunc minigrad has no op for, an ``out=``
  argument (``arr += t`` is ``np.add(arr, t, out=arr)``) or another keyword,
  and a ufunc method other than a call (``np.add.reduce(t)``).  Computing
  those on the tensor's data would silently cut the graph.

>>> import numpy as np, minigrad as mg
>>> x = mg.tensor([0.0, 1.0], requires_grad=True)
>>> y = np.sin(x) + np.ones(2) * x       # np.sin is mg.sin; ones * x is mg.mul
>>> y.op_name
'add'
>>> y.sum().backward()
>>> x.grad                               # cos(x) + 1
array([2.        , 1.54030231])
>>> np.square(x)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
minigrad.errors.UfuncError: np.square on a tensor: minigrad has no op ... Write x * x (or x ** 2)...
"""

from __future__ import annotations

import numpy as np

from . import functional
from .errors import UfuncError
from .primitive import NUMPY_MEANINGS, REGISTRY
from .tensor import install_method, leaf, unwrap

__all__ = ["dispatch_table", "array_function"]

#: Ufuncs whose result is boolean: no gradient to lose, so they run on the data.
BOOLEAN = frozenset((np.less, np.less_equal, np.greater, np.greater_equal, np.equal,
                     np.not_equal, np.isnan, np.isinf, np.isfinite, np.signbit,
                     np.logical_and, np.logical_or, np.logical_xor, np.logical_not))

#: What to write for ufuncs minigrad has no op for (the common ones).
_INSTEAD = {
    "square": "x * x (or x ** 2)", "reciprocal": "1 / x", "exp2": "2 ** x",
    "expm1": "mg.exp(x) - 1", "log2": "mg.log(x) / math.log(2)",
    "log10": "mg.log(x) / math.log(10)", "tan": "mg.sin(x) / mg.cos(x)",
    "fabs": "mg.abs(x)", "positive": "x itself", "float_power": "x ** y",
    "fmax": "mg.maximum(x, y)", "fmin": "mg.minimum(x, y)",
    "sinh": "(mg.exp(x) - mg.exp(-x)) / 2", "cosh": "(mg.exp(x) + mg.exp(-x)) / 2",
}
_STEPWISE = ("floor", "ceil", "trunc", "rint", "sign", "floor_divide", "remainder", "fmod",
             "heaviside")

#: What to write instead of a ufunc method (``np.add.reduce`` and the like).
_METHODS = {
    ("add", "reduce"): "x.sum(dim)", ("maximum", "reduce"): "x.max(dim)",
    ("minimum", "reduce"): "x.min(dim)", ("add", "outer"): "x[:, None] + y",
    ("multiply", "outer"): "x[:, None] * y", ("subtract", "outer"): "x[:, None] - y",
}

_TABLE = {}


def dispatch_table():
    """``{ufunc: minigrad function}``: every registered primitive whose forward
    is a NumPy ufunc, and every public composite named after one
    (``np.minimum``).  Made again when a ufunc is not found, so primitives
    declared later are included.

    >>> import numpy as np
    >>> dispatch_table()[np.multiply].name, dispatch_table()[np.minimum].__name__
    ('mul', 'minimum')
    """
    if not _TABLE:
        for op in list(REGISTRY.values()):
            if isinstance(op.forward, np.ufunc):
                _TABLE.setdefault(op.forward, op)
        for name in functional.__all__:
            ufunc = getattr(np, name, None)
            if isinstance(ufunc, np.ufunc):
                _TABLE.setdefault(ufunc, getattr(functional, name))
    return _TABLE


def array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """``Tensor.__array_ufunc__``: run a NumPy ufunc on tensors as a minigrad op."""
    name = ufunc.__name__
    if method != "__call__":
        instead = _METHODS.get((name, method))
        raise UfuncError(
            f"np.{name}.{method} on a tensor: minigrad runs ufuncs only when called "
            f"directly (np.{name}(x, ...)), which keeps the graph; "
            + (f"write {instead} instead." if instead else
               f"write it with minigrad ops, or call np.{name}.{method} on x.data for a "
               f"plain array outside the graph."))
    if kwargs:
        if "out" in kwargs:
            raise UfuncError(
                f"np.{name}(..., out=...) with a tensor: minigrad never writes a result "
                f"into an existing array or tensor (the result is a new tensor of the "
                f"graph). Write y = np.{name}(...) without out=; for an array updated in "
                f"place, arr += t is such a call: write arr = arr + t (a tensor), or "
                f"arr += t.data for the values alone.")
        raise UfuncError(
            f"np.{name}(...) with a tensor and the keyword(s) {sorted(kwargs)}: minigrad "
            f"runs the ufunc as its op, which takes none of them; convert dtypes with "
            f"x.to(dtype) or mg.tensor(..., dtype=...), and select with mg.where.")
    op = dispatch_table().get(ufunc)
    if op is None and _TABLE:
        _TABLE.clear()                    # an op declared since: look again
        op = dispatch_table().get(ufunc)
    if op is not None:
        return op(*inputs)
    if ufunc in BOOLEAN:
        return leaf(np.asarray(ufunc(*[unwrap(x) for x in inputs])))
    if name in _STEPWISE:
        instead = (f"Its derivative is zero wherever it exists: compute it on the data, "
                   f"on purpose, with np.{name}(x.data)")
    else:
        instead = (f"Write {_INSTEAD[name]} to keep the gradient, or call "
                   f"np.{name}(x.data) for a plain array outside the graph"
                   if name in _INSTEAD else
                   f"Write it with minigrad operations (mg.exp, mg.log, mg.where, ...) "
                   f"to keep the gradient, or call np.{name}(x.data) for a plain array "
                   f"outside the graph")
    raise UfuncError(f"np.{name} on a tensor: minigrad has no op for it, and computing it "
                     f"on the data would cut the graph. {instead}.")


#: NumPy functions whose result carries no gradient (shapes, tests, indices):
#: they run on the data even for a tensor that requires grad.
NO_GRADIENT = frozenset((
    "shape", "ndim", "size", "result_type", "can_cast", "allclose", "isclose",
    "array_equal", "array_equiv", "iscomplexobj", "isrealobj", "isreal", "iscomplex",
    "nonzero", "argwhere", "flatnonzero", "count_nonzero", "any", "all", "argsort",
    "searchsorted", "shares_memory", "may_share_memory", "array_repr", "array_str",
    "array2string", "argmax", "argmin", "sometrue", "alltrue"))


def _holds_grad(value):
    if isinstance(value, (list, tuple)):
        return any(_holds_grad(v) for v in value)
    return bool(getattr(value, "requires_grad", False))


def _data(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_data(v) for v in value)
    return unwrap(value)


def array_function(self, func, types, args, kwargs):
    """``Tensor.__array_function__`` (NEP 18): a NumPy function called on tensors.

    A function minigrad has under the same name (``np.sum``, ``np.concatenate``,
    ``np.where``, ``np.transpose``, ...) runs as ``mg.<name>`` and stays in the
    graph.  Any other one runs on the data when nothing requires grad (a plain
    array, as before) or when its result carries no gradient (``np.shape``,
    ``np.allclose``, ...); on a tensor that requires grad it raises
    [`UfuncError`][minigrad.errors.UfuncError] instead of returning a plain array cut from
    the graph.

    >>> import numpy as np, minigrad as mg
    >>> x = mg.tensor([1.0, 2.0], requires_grad=True)
    >>> np.concatenate([x, x]).op_name, np.shape(x)
    ('concatenate', (2,))
    >>> np.dot(x, x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    minigrad.errors.UfuncError: np.dot on a tensor that requires grad: ...
    """
    name = func.__name__
    if name in NUMPY_MEANINGS:         # NumPy's meaning differs from mg.<name>'s (PyTorch's)
        return NUMPY_MEANINGS[name](*args, **kwargs)
    if name in functional.__all__:
        return getattr(functional, name)(*args, **kwargs)
    if name in NO_GRADIENT or not (_holds_grad(args) or _holds_grad(kwargs)):
        return func(*_data(args), **_data(kwargs))
    instead = {"dot": "x @ y (mg.matmul)", "inner": "(x * y).sum(-1)",
               "outer": "x[:, None] * y", "ravel": "x.reshape(-1)"}.get(name)
    raise UfuncError(
        f"np.{name} on a tensor that requires grad: minigrad has no function of that "
        f"name, and NumPy's would return a plain array cut from the graph. "
        + (f"Write {instead}" if instead else "Write it with minigrad operations")
        + f" to keep the gradient, or call np.{name} on x.detach().numpy() for values "
        f"outside the graph.")


install_method("__array_ufunc__", array_ufunc)
install_method("__array_function__", array_function)

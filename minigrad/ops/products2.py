"""The matrix structure around the products: ``diagonal``, ``trace``, ``diag``,
``tril``, ``triu``, ``cross``, and the primitive ``addmm``.  The others are
composites: reading a diagonal is an index (``getitem``, whose gradient
scatters back), building one is the scatter (``unindex``), a triangle is
``where`` with a constant mask, a cross product is products of permuted copies.
"""

from __future__ import annotations

import numpy as np

from ..arguments import alias, dim_index
from ..errors import ShapeError
from ..tensor import install_method, unwrap
from .core import getitem, matmul, sum, transpose, unindex, where
from .declare import builtin, composite

#: The public names this module declares (``mg.<name>``).
__all__ = []


def _public(fn):
    """Export ``fn`` as ``mg.<name>`` and as the Tensor method of that name."""
    __all__.append(fn.__name__)
    install_method(fn.__name__, fn)
    return fn


def _shape(x):
    return np.shape(unwrap(x))


def _diagonal_index(fn, shape, offset, axis1, axis2):
    """The two axes (>= 0) and the row and column indices of a diagonal."""
    if len(shape) < 2:
        raise ShapeError(f"{fn}: needs a tensor with at least 2 dims, got shape {shape}")
    a1, a2 = dim_index(fn, axis1, len(shape)), dim_index(fn, axis2, len(shape))
    if a1 == a2:
        raise ShapeError(f"{fn}: the two axes of the diagonal are the same axis "
                         f"({axis1} and {axis2} of shape {shape})")
    rows, cols = shape[a1], shape[a2]
    n = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    start = np.arange(n)
    return a1, a2, start - min(offset, 0), start + max(offset, 0)


def _as_int(fn, name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{fn}: {name} must be an int, got {value!r}")
    return int(value)


def _diagonal(fn, x, offset, axis1, axis2):
    """The diagonal as the last axis: the two axes moved last, then read by index."""
    offset = _as_int(fn, "offset", offset)
    shape = _shape(x)
    a1, a2, rows, cols = _diagonal_index(fn, shape, offset, axis1, axis2)
    rest = [i for i in range(len(shape)) if i not in (a1, a2)]
    if rest + [a1, a2] != list(range(len(shape))):
        x = transpose(x, axes=tuple(rest + [a1, a2]))
    return getitem(x, index=(Ellipsis, rows, cols))


@composite(nargs=1, rules=("g on the diagonal, 0 elsewhere",),
           reference=lambda x, **kw: np.diagonal(x, **kw).copy(),
           samples=[(((3, 3),), {}), (((3, 4),), {"offset": 1}), (((4, 3),), {"offset": -2}),
                    (((2, 3, 4),), {"axis1": 1, "axis2": 2}),
                    (((2, 3, 4),), {"offset": 1, "axis1": -1, "axis2": 0}),
                    (((2, 3),), {"offset": 5})])
def diagonal(x, offset=0, axis1=None, axis2=None, *, dim1=None, dim2=None):
    """The diagonal of ``x`` over two axes (``torch.diagonal`` with ``dim1``,
    ``dim2``; ``np.diagonal`` with ``axis1``, ``axis2``; by default the first
    two), offset above (``offset > 0``) or below it; the diagonal becomes the
    last axis of the result.  A copy, not a view.

    >>> import minigrad as mg
    >>> mg.diagonal(mg.tensor([[1.0, 2.0], [3.0, 4.0]]), offset=1)
    tensor([2.])
    """
    axis1 = alias("diagonal", "axis1", axis1, "dim1", dim1)
    axis2 = alias("diagonal", "axis2", axis2, "dim2", dim2)
    return _diagonal("diagonal", x, offset, 0 if axis1 is None else axis1,
                     1 if axis2 is None else axis2)


@composite(nargs=1, rules=("g on the diagonal, 0 elsewhere",),
           reference=lambda x, **kw: np.trace(x, **kw),
           samples=[(((3, 3),), {}), (((2, 4),), {"offset": 1}),
                    (((2, 3, 3),), {"axis1": 1, "axis2": 2}), (((3, 2),), {"offset": -1})])
def trace(x, offset=0, axis1=0, axis2=1):
    """The sum of the diagonal (``torch.trace`` of a matrix; NumPy's ``offset``,
    ``axis1`` and ``axis2`` for the diagonal of any two axes, whose sums keep the
    other axes).

    >>> import minigrad as mg
    >>> mg.tensor([[1.0, 2.0], [3.0, 4.0]]).trace()
    tensor(5.)
    """
    return sum(_diagonal("trace", x, offset, axis1, axis2), axis=-1)


@composite(nargs=1, rules=("g read at the diagonal (1-D), g on the diagonal (2-D)",),
           reference=lambda x, diagonal=0: np.diag(x, diagonal),
           samples=[(((3,),), {}), (((3,),), {"diagonal": 1}), (((2,),), {"diagonal": -2}),
                    (((3, 3),), {}), (((3, 4),), {"diagonal": 1}),
                    (((4, 3),), {"diagonal": -1})])
def diag(x, diagonal=None, *, k=None):
    """``torch.diag`` and ``np.diag``: a vector becomes a square matrix with it on
    the ``diagonal``-th diagonal (``k=``, NumPy's name, also works); a matrix
    gives its ``diagonal``-th diagonal.

    >>> import minigrad as mg
    >>> mg.diag(mg.tensor([1.0, 2.0])).data
    array([[1., 0.],
           [0., 2.]])
    >>> mg.diag(mg.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([1., 4.])
    """
    offset = _as_int("diag", "diagonal", alias("diag", "k", k, "diagonal", diagonal) or 0)
    shape = _shape(x)
    if len(shape) == 2:
        return _diagonal("diag", x, offset, 0, 1)
    if len(shape) != 1:
        raise ShapeError(f"diag: takes a 1-D tensor (to make a diagonal matrix) or a 2-D one "
                         f"(to read its diagonal), got shape {shape}; for the diagonal of "
                         f"any two axes use mg.diagonal(x, offset, dim1, dim2)")
    n = shape[0] + abs(offset)
    rows = np.arange(shape[0]) - min(offset, 0)
    return unindex(x, index=(rows, rows + offset), shape=(n, n))


def _triangle(fn, x, diagonal, k, lower):
    k = _as_int(fn, "diagonal", alias(fn, "k", k, "diagonal", diagonal) or 0)
    shape = _shape(x)
    if len(shape) < 2:
        raise ShapeError(f"{fn}: needs a matrix (or a batch of them, the last two dims), got "
                         f"shape {shape}")
    rows, cols = shape[-2:]
    keep = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1,
                                                                   dtype=bool)
    return where(keep, x, 0.0)


@composite(nargs=1, rules=("g on and below the diagonal, else 0",),
           reference=lambda x, diagonal=0: np.tril(x, diagonal),
           samples=[(((3, 3),), {}), (((3, 4),), {"diagonal": 1}),
                    (((2, 4, 3),), {"diagonal": -1})])
def tril(x, diagonal=None, *, k=None):
    """The lower triangle of the last two dims (``torch.tril``, ``np.tril``):
    the elements on and below the ``diagonal``-th diagonal (``k=``, NumPy's
    name, also works), zeros above.

    >>> import minigrad as mg
    >>> mg.tril(mg.ones((2, 2))).data
    array([[1., 0.],
           [1., 1.]])
    """
    return _triangle("tril", x, diagonal, k, lower=True)


@composite(nargs=1, rules=("g on and above the diagonal, else 0",),
           reference=lambda x, diagonal=0: np.triu(x, diagonal),
           samples=[(((3, 3),), {}), (((4, 3),), {"diagonal": -1}),
                    (((2, 3, 4),), {"diagonal": 2})])
def triu(x, diagonal=None, *, k=None):
    """The upper triangle of the last two dims (``torch.triu``, ``np.triu``):
    the elements on and above the ``diagonal``-th diagonal, zeros below.

    >>> import minigrad as mg
    >>> mg.triu(mg.ones((2, 2))).data
    array([[1., 1.],
           [0., 1.]])
    """
    return _triangle("triu", x, diagonal, k, lower=False)


_NEXT, _AFTER = np.array([1, 2, 0]), np.array([2, 0, 1])


@composite(nargs=2, rules=("b × g", "g × a"),
           reference=lambda a, b, dim=-1: np.cross(a, b, axis=dim),
           samples=[(((3,), (3,)), {}), (((2, 3), (3,)), {}), (((3, 2), (3, 2)), {"dim": 0}),
                    (((2, 3, 2), (1, 3, 1)), {"dim": 1})])
def cross(a, b, dim=None, *, axis=None):
    """The cross product of 3-vectors along ``dim`` (``torch.linalg.cross``, whose
    default is the last dim; ``axis=`` as ``np.cross``); the other axes
    broadcast.

    >>> import minigrad as mg
    >>> mg.cross(mg.tensor([1.0, 0.0, 0.0]), mg.tensor([0.0, 1.0, 0.0]))
    tensor([0., 0., 1.])
    """
    dim = alias("cross", "axis", axis, "dim", dim)
    sa, sb = _shape(a), _shape(b)
    try:
        ndim = len(np.broadcast_shapes(sa, sb))
    except ValueError:
        raise ShapeError(f"cross: the shapes {sa} and {sb} do not broadcast together") from None
    d = dim_index("cross", -1 if dim is None else dim, ndim) - ndim   # from the end
    if len(sa) < -d or len(sb) < -d or sa[d] != 3 or sb[d] != 3:
        raise ShapeError(f"cross: both operands need 3 elements along dim {d} (shapes {sa} "
                         f"and {sb}); the cross product is defined for 3-vectors only")
    tail = (slice(None),) * (-d - 1)

    def turned(x, order):
        return getitem(x, index=(Ellipsis, order) + tail)
    return turned(a, _NEXT) * turned(b, _AFTER) - turned(a, _AFTER) * turned(b, _NEXT)


for _fn in (diagonal, trace, diag, tril, triu, cross):
    _public(_fn)


# ------------------------------------------------------------------- addmm
def _addmm(input, mat1, mat2, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` (``torch.addmm``): the product's fresh
    array takes the sum in place, so an affine map (a convolution's or a layer's
    bias) costs one array and one node instead of two of each.

    >>> import minigrad as mg
    >>> mg.addmm(mg.tensor([[1.0], [2.0]]), mg.eye(2), mg.tensor([[3.0, 4.0], [5.0, 6.0]]))
    tensor([[4., 5.],
            [7., 8.]])
    """
    if np.ndim(mat1) != 2 or np.ndim(mat2) != 2:
        raise ShapeError(f"addmm: mat1 and mat2 must be matrices (2-D), got shapes "
                         f"{np.shape(mat1)} and {np.shape(mat2)}; for batches use "
                         f"mg.matmul(mat1, mat2) + input")
    out = np.matmul(mat1, mat2)
    if alpha != 1:
        out *= alpha
    if beta == 0:         # torch: input is ignored (even NaN in it)
        return out
    term = input if beta == 1 else np.multiply(beta, input)
    if np.result_type(out, term) == out.dtype:
        try:
            return np.add(out, term, out=out)
        except ValueError:     # term broadcasts to a larger shape than the product's
            pass
    return out + term


def _addmm_samples():
    return [(((3, 4), (3, 2), (2, 4)), {}), (((3, 1), (3, 2), (2, 4)), {}),
            (((4,), (1, 3), (3, 4)), {"beta": 0.5, "alpha": 2.0})]


addmm = builtin(
    __all__, "addmm", _addmm,
    lambda g, out, input, mat1, mat2, beta=1, alpha=1: g * beta if beta != 1 else g,
    lambda g, out, input, mat1, mat2, beta=1, alpha=1:
        matmul(g, transpose(mat2, axes=(1, 0))) * alpha if alpha != 1
        else matmul(g, transpose(mat2, axes=(1, 0))),
    lambda g, out, input, mat1, mat2, beta=1, alpha=1:
        matmul(transpose(mat1, axes=(1, 0)), g) * alpha if alpha != 1
        else matmul(transpose(mat1, axes=(1, 0)), g),
    rules=("beta", "alpha · g @ mat2ᵀ", "alpha · mat1ᵀ @ g"), samples=_addmm_samples(),
    method=True)

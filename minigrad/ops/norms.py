"""The norms of ``mg.linalg``: ``vector_norm``, ``matrix_norm``, ``norm``
(NumPy's and ``torch.linalg``'s meaning), the spectra they use (``eigvalsh``,
``svdvals``), and PyTorch's
top-level ``mg.norm`` / ``x.norm(p, dim, keepdim)``.

Composites of primitives, with no derivative code of their own.  The
conventions at kinks are PyTorch's: the gradient of a norm at the origin is
0 (a subgradient; ``sqrt`` is never differentiated at 0), ``|x|`` has
gradient ``sign(x)`` (0 at 0), and the ``inf`` norm shares the gradient
evenly among tied largest entries, as ``max`` does.  The singular values are
the square roots of the eigenvalues of ``AᵀA`` (or ``AAᵀ``), which makes them
twice differentiable with ``eigh``; a zero singular value gets gradient 0.
"""

from __future__ import annotations

import math

import numpy as np

from ..arguments import alias, dims_tuple
from ..errors import LinAlgError, ShapeError
from ..primitive import numpy_meaning
from ..tensor import install_method, unwrap
from .core import abs, getitem, matmul, max, reshape, sqrt, sum, transpose, where
from .declare import cast_like, composite
from .decompositions import eigh
from .linalg import as_matrix, mT

#: The public names this module declares (``mg.<name>``, PyTorch's top-level ones).
__all__ = ["norm"]

INF = math.inf


def _keep(fn, keepdim, keepdims):
    return bool(alias(fn, "keepdims", keepdims, "keepdim", keepdim or None))


def _root(s, p):
    """``s ** (1/p)`` for sums ``s >= 0``, with gradient 0 where ``s == 0`` (the
    origin's subgradient) instead of the ``0 · ∞`` of the formula."""
    zero = unwrap(s) == 0
    if not np.any(zero):
        return sqrt(s) if p == 2 else s ** (1.0 / p)
    safe = where(zero, 1.0, s)
    return where(zero, 0.0, sqrt(safe) if p == 2 else safe ** (1.0 / p))


def _min(x, axis=None, keepdims=False):
    return -max(-x, axis=axis, keepdims=keepdims)


def _vector_norm_reference(x, ord=2, dim=None, keepdim=False):
    return np.linalg.vector_norm(x, ord=ord, axis=dim, keepdims=keepdim)


@composite(domain=("distinct",), rules=("x/‖x‖ (p=2), sign(x) (p=1), ... 0 at the origin",),
           reference=_vector_norm_reference,
           samples=[(((3,),), {}), (((2, 3),), {"dim": 1}), (((3, 1),), {"ord": 1}),
                    (((3, 3),), {"ord": 1, "dim": 0, "keepdim": True}),
                    (((2, 2),), {"ord": INF}), (((3,),), {"ord": 3}),
                    (((5,),), {"ord": 0}), (((3,),), {"ord": 0.5}),
                    (((2, 1, 3),), {"dim": (0, 2)})])
def vector_norm(x, ord=2, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """The vector ``ord``-norm over ``dim`` (all elements when None), as
    ``torch.linalg.vector_norm`` and ``np.linalg.vector_norm``.

    >>> import minigrad as mg
    >>> x = mg.tensor([3.0, -4.0], requires_grad=True)
    >>> norm = mg.linalg.vector_norm
    >>> norm(x), norm(x, 1), norm(x, float("inf"))
    (tensor(5., op=sqrt), tensor(7., op=sum), tensor(4., op=max))

    ``ord`` is any real ``p`` (``(Σ|x|^p)^(1/p)``), ``inf`` (``max |x|``),
    ``-inf`` (``min |x|``) or 0 (the number of nonzero entries, gradient 0).
    ``dim=``/``keepdim=`` or NumPy's ``axis=``/``keepdims=``.  At the origin
    the gradient is 0, as in PyTorch:

    >>> z = mg.zeros(3, requires_grad=True)
    >>> mg.linalg.vector_norm(z).backward(); z.grad
    array([0., 0., 0.])
    """
    fn = "linalg.vector_norm"
    x = as_matrix(x)
    axis = alias(fn, "axis", axis, "dim", dim)
    keep = _keep(fn, keepdim, keepdims)
    if isinstance(ord, str) or ord is None:
        raise LinAlgError(f"{fn}: ord must be a number (inf, -inf, 0, p), got {ord!r}; "
                          f"for 'fro' or 'nuc' use mg.linalg.matrix_norm")
    if axis is not None:
        axis = dims_tuple(fn, axis, x.ndim)
    if ord == INF:
        return max(abs(x), axis=axis, keepdims=keep)
    if ord == -INF:
        return _min(abs(x), axis=axis, keepdims=keep)
    if ord == 0:   # a count: constant, kept in the graph with gradient 0
        return sum(x * 0.0 + cast_like(unwrap(x) != 0, x), axis=axis, keepdims=keep)
    if ord == 1:
        return sum(abs(x), axis=axis, keepdims=keep)
    if ord == 2:
        return _root(sum(x * x, axis=axis, keepdims=keep), 2)
    return _root(sum(abs(x) ** ord, axis=axis, keepdims=keep), ord)


numpy_meaning("vector_norm")(vector_norm)


@composite(domain=("spd",), rules=("V diag(gλ) Vᵀ",), samples=[(((3, 3),), {})],
           reference=np.linalg.eigvalsh)
def eigvalsh(A, UPLO="L"):
    """The eigenvalues of a symmetric matrix, ascending (``torch.linalg.eigvalsh``).

    >>> import minigrad as mg
    >>> mg.linalg.eigvalsh(mg.tensor([[2.0, 1.0], [1.0, 2.0]]))
    tensor([1., 3.])
    """
    return eigh(A, UPLO=UPLO).eigenvalues


numpy_meaning("eigvalsh")(eigvalsh)


def _svdvals_reference(a):
    return np.linalg.svd(a, compute_uv=False)


@composite(domain=("invertible",), rules=("U diag(g) Vᵀ (via eigh of AᵀA)",),
           reference=_svdvals_reference, samples=[(((3, 3),), {}), (((2, 2, 2),), {})])
def svdvals(A):
    """The singular values, descending (``torch.linalg.svdvals``), batched: the
    square roots of the eigenvalues of ``AᵀA`` (or ``AAᵀ`` for a wide matrix).

    >>> import minigrad as mg
    >>> mg.linalg.svdvals(mg.tensor([[3.0, 0.0], [0.0, -4.0]]))
    tensor([4., 3.])

    Differentiable twice where the singular values are distinct and nonzero;
    a zero singular value gets gradient 0, and squaring costs precision for
    singular values below about ``1e-8`` times the largest.
    """
    A = as_matrix(A)
    if A.ndim < 2:
        raise ShapeError(f"linalg.svdvals: expected matrices, got shape {A.shape}")
    gram = matmul(mT(A), A) if A.shape[-2] >= A.shape[-1] else matmul(A, mT(A))
    values = eigvalsh((gram + mT(gram)) * 0.5)
    zero = unwrap(values) <= 0            # rounding can make a zero slightly negative
    roots = where(zero, 0.0, sqrt(where(zero, 1.0, values))) if np.any(zero) else sqrt(values)
    return getitem(roots, index=(Ellipsis, slice(None, None, -1)))


numpy_meaning("svdvals")(svdvals)


def _matrix_norm_reference(a, ord="fro", dim=(-2, -1), keepdim=False):
    return np.linalg.norm(a, ord, tuple(dim), keepdim)


@composite(domain=("invertible",), rules=("A/‖A‖ (fro), U Vᵀ (nuc), ... (via eigh)",),
           reference=_matrix_norm_reference,
           samples=[(((3, 3),), {}), (((2, 3, 3),), {"ord": "nuc"}), (((3, 3),), {"ord": 2}),
                    (((2, 2, 2),), {"ord": -2}), (((2, 2, 2),), {"ord": 1}),
                    (((3, 3),), {"ord": -1}), (((3, 3),), {"ord": INF}),
                    (((3, 3),), {"ord": -INF, "keepdim": True}),
                    (((2, 2, 2),), {"ord": 2, "dim": (2, 1), "keepdim": True}),
                    (((2, 2, 2),), {"dim": (0, 2)})])
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, axis=None, keepdims=None):
    """The matrix norm over the two dims ``dim`` (``torch.linalg.matrix_norm``,
    ``np.linalg.matrix_norm``), batched over the others.

    >>> import minigrad as mg
    >>> A = mg.tensor([[1.0, -2.0], [3.0, 4.0]])
    >>> [round(mg.linalg.matrix_norm(A, o).item(), 4) for o in ("fro", "nuc", 2, 1, float("inf"))]
    [5.4772, 7.0711, 5.1167, 6.0, 7.0]

    ``ord`` is ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), 2 /
    -2 (largest / smallest singular value), 1 / -1 (largest / smallest column
    sum of ``|A|``), ``inf`` / ``-inf`` (largest / smallest row sum).
    """
    fn = "linalg.matrix_norm"
    A = as_matrix(A)
    axis = alias(fn, "axis", axis, "dim", None if dim == (-2, -1) and axis is not None
                 else dim)
    keep = _keep(fn, keepdim, keepdims)
    dims = dims_tuple(fn, axis, A.ndim)
    if len(dims) != 2:
        raise ShapeError(f"{fn}: dim must name two dims of the input, got {axis!r} for "
                         f"shape {A.shape}")
    if ord == "fro":
        return vector_norm(A, 2, dims, keep)
    kept = tuple(1 if i in dims else n for i, n in enumerate(A.shape))
    if ord in (1, -1, INF, -INF):
        first, second = dims if ord in (1, -1) else dims[::-1]   # sum over rows, then pick
        pick = max if ord > 0 else _min
        out = pick(sum(abs(A), axis=first, keepdims=True), axis=second, keepdims=True)
    elif ord in ("nuc", 2, -2):
        rest = tuple(i for i in range(A.ndim) if i not in dims)
        values = svdvals(transpose(A, axes=rest + dims))
        out = (sum if ord == "nuc" else max if ord == 2 else _min)(values, axis=-1)
    else:
        raise LinAlgError(f"{fn}: ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf, "
                          f"got {ord!r}")
    return reshape(out, shape=kept if keep else tuple(
        n for i, n in enumerate(A.shape) if i not in dims))


numpy_meaning("matrix_norm")(matrix_norm)


def _linalg_norm_reference(x, ord=None, dim=None, keepdim=False):
    return np.linalg.norm(x, ord, dim, keepdim)


@composite(name="linalg.norm", domain=("invertible",),
           rules=("as vector_norm or matrix_norm",), reference=_linalg_norm_reference,
           samples=[(((3,),), {}), (((2, 2, 2),), {}), (((3, 3),), {"ord": "nuc"}),
                    (((2, 3, 3),), {"dim": 2, "ord": 3}),
                    (((2, 3, 3),), {"dim": (1, 2), "ord": 2, "keepdim": True})])
def linalg_norm(A, ord=None, dim=None, keepdim=False, *, axis=None, keepdims=None):
    """A vector or matrix norm, NumPy's ``np.linalg.norm`` and
    ``torch.linalg.norm``: with ``dim`` one dim, a vector norm; two dims, a
    matrix norm; None, the vector norm of a 1-D input or the matrix norm of a
    2-D one (any input when ``ord`` is None: the 2-norm of all elements).

    >>> import minigrad as mg
    >>> A = mg.tensor([[3.0, 0.0], [0.0, 4.0]])
    >>> mg.linalg.norm(A), mg.linalg.norm(A, 2), mg.linalg.norm(A, dim=1)
    (tensor(5.), tensor(4.), tensor([3., 4.]))
    """
    fn = "linalg.norm"
    A = as_matrix(A)
    axis = alias(fn, "axis", axis, "dim", dim)
    keep = _keep(fn, keepdim, keepdims)
    if axis is None:
        if ord is None:
            return vector_norm(A, 2, None, keep)
        if A.ndim not in (1, 2):
            raise ShapeError(f"{fn}: ord={ord!r} with dim=None needs a 1-D or 2-D input, "
                             f"got shape {A.shape}; name the dims with dim=")
        axis = tuple(range(A.ndim))
    dims = dims_tuple(fn, axis, A.ndim)
    if len(dims) == 1:
        return vector_norm(A, 2 if ord is None else ord, dims, keep)
    if len(dims) == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dims, keep)
    raise ShapeError(f"{fn}: dim must be one or two dims, got {axis!r}")


linalg_norm.__name__ = "norm"
numpy_meaning("norm")(linalg_norm)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """PyTorch's ``torch.norm`` and ``x.norm(p, dim, keepdim)``: a number ``p``
    is the vector norm over ``dim`` (all elements when None, even for 2 dims);
    ``'fro'`` the 2-norm of the elements; ``'nuc'`` the nuclear norm over
    ``dim`` (a matrix norm).  ``np.linalg.norm(x)`` on a tensor is NumPy's
    meaning (``mg.linalg.norm``).

    >>> import minigrad as mg
    >>> x = mg.tensor([[3.0, 0.0], [0.0, -4.0]])
    >>> x.norm(), x.norm(1), x.norm(dim=1), x.norm(p="nuc")
    (tensor(5.), tensor(7.), tensor([3., 4.]), tensor(7.))
    """
    input = as_matrix(input)
    if dtype is not None:
        input = input.astype(dtype) if isinstance(input, np.ndarray) else input.to(dtype)
    dims = None if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return vector_norm(input, 2, dims, keepdim)
        return matrix_norm(input, p, tuple(range(input.ndim)) if dims is None else dims,
                           keepdim)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim)


install_method("norm", norm)

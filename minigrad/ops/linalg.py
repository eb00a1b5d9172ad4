"""The matrix functions of ``mg.linalg``: ``inv``, ``det``, ``slogdet``,
``solve``, and the helpers the other linear-algebra modules share (the
factorizations are in ``decompositions``, the norms in ``norms``).

Real float32/float64 matrices in the last two axes, batched over the leading
ones as NumPy batches them.  Each VJP is a standard matrix-calculus identity
written with minigrad ops, so it differentiates again (``gradgradcheck``);
``Aᵀ`` below is the transpose of the last two axes.

A function with several results (``slogdet``, and ``eigh`` and ``qr``) is
one primitive whose forward packs them into one array (``linalg_slogdet``:
the sign and the log side by side); the public function unpacks the parts
with indexing, whose VJP puts each part's gradient back in its place.
The top-level names are PyTorch's (``mg.det``, ``mg.inverse``, ``mg.slogdet``,
``mg.cholesky``, ``mg.qr``); ``mg.linalg`` has ``torch.linalg``'s.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..errors import DTypeError, LinAlgError, ShapeError
from ..primitive import numpy_meaning
from ..tensor import Tensor, install_method, unwrap
from .core import concatenate, getitem, matmul, reshape, transpose
from .declare import builtin, cast_like, composite

#: The public names this module declares (``mg.<name>``, PyTorch's top-level ones).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
QRResult = namedtuple("QRResult", ["Q", "R"])


# ------------------------------------------------------------------ helpers
def mT(x):
    """The transpose of the last two axes (PyTorch's ``x.mT``), in the graph."""
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return transpose(x, axes=tuple(axes))


def as_matrix(a):
    """A tensor or array as it is; anything else (a list) as an array, so that
    ``A.shape`` works and the forward's dtype check can name its dtype."""
    return a if isinstance(a, (Tensor, np.ndarray)) else np.asarray(a)


def eye_like(n, like):
    return np.eye(n, dtype=unwrap(like).dtype)


def tri_mask(n, like, k=0, upper=False):
    """The constant 0/1 mask of the lower (or upper) triangle from diagonal ``k``."""
    ones = np.ones((n, n), dtype=unwrap(like).dtype)
    return np.triu(ones, k) if upper else np.tril(ones, k)


def _cols(x):
    """A batch of vectors ``(..., n)`` as columns ``(..., n, 1)``."""
    return reshape(x, shape=x.shape + (1,))


#: How far from symmetric a matrix may be, relative to its largest entry: the
#: rounding of a product such as ``A @ A.T`` stays far below it.
_SQRT_EPS = {np.dtype(t): float(np.sqrt(np.finfo(t).eps)) for t in (np.float32, np.float64)}


def check_matrix(fn, a, square=True, symmetric=False):
    """Check that ``a`` is a (batch of) real floating-point square matrices."""
    a = np.asarray(a)
    if a.dtype.kind != "f":
        raise DTypeError(
            f"{fn}: expected real floating-point matrices, got dtype {a.dtype}: minigrad "
            f"takes float32 or float64 here (as torch.linalg), e.g. x.double()")
    if a.ndim < 2 or (square and a.shape[-1] != a.shape[-2]):
        raise ShapeError(
            f"{fn}: expected {'square ' if square else ''}matrices in the last two dims, "
            f"got shape {a.shape} ({a.dtype})")
    if symmetric and a.size:
        tolerance = _SQRT_EPS.get(a.dtype, 1e-3) * np.maximum.reduce(np.abs(a), axis=None)
        if np.maximum.reduce(np.abs(a - a.swapaxes(-1, -2)), axis=None) > tolerance:
            raise LinAlgError(
                f"{fn}: the matrix of shape {a.shape} is not symmetric, and the gradient "
                f"assumes it is (only one triangle would be read). Pass (A + A.mT) / 2")
    return a


def linalg_error(fn, a, exc, what):
    return LinAlgError(f"{fn}: the matrix of shape {a.shape} ({a.dtype}) is {what} "
                       f"(NumPy said: {exc})")


# ------------------------------------------------------------------ inv
def _inv(a):
    """The inverse of a square matrix (``torch.linalg.inv``), batched.

    >>> import minigrad as mg
    >>> mg.linalg.inv(mg.tensor([[2.0, 0.0], [0.0, 4.0]]))
    tensor([[0.5 , 0.  ],
            [0.  , 0.25]])

    The VJP is ``-A⁻ᵀ g A⁻ᵀ``.  A singular matrix raises
    [`LinAlgError`][minigrad.errors.LinAlgError]; to apply the inverse to a
    matrix, ``mg.linalg.solve`` is faster and more accurate.
    """
    a = check_matrix("linalg.inv", a)
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise linalg_error("linalg.inv", a, exc, "singular") from None


inv = _builtin(
    "inv", _inv, lambda g, out, a: -matmul(mT(out), matmul(g, mT(out))),
    rules=("-A⁻ᵀ g A⁻ᵀ",), domain=("invertible",),
    samples=[(((3, 3),), {}), (((2, 2, 2),), {}), (((1, 1),), {})], public=False)
numpy_meaning("inv")(inv)


def inverse(input):
    """PyTorch's top-level name of ``mg.linalg.inv``
    (``torch.inverse``, ``x.inverse()``).

    >>> import minigrad as mg
    >>> mg.tensor([[4.0]]).inverse()
    tensor([[0.25]])
    """
    return inv(input)


__all__.append("inverse")
install_method("inverse", inverse)


# ------------------------------------------------------------------ det
def _det(a):
    """The determinant (``torch.linalg.det``, ``np.linalg.det``), batched.

    >>> import minigrad as mg
    >>> A = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> d = mg.det(A); d.backward(); d
    tensor(-2., op=det)
    >>> A.grad                      # det(A) A⁻ᵀ, the cofactor matrix
    array([[ 4., -3.],
           [-2.,  1.]])

    The gradient is ``det(A) A⁻ᵀ``, and at a singular matrix (where that
    formula has 0 · ∞) the cofactor matrix it equals, from the minors' own
    determinants: exact, and itself differentiable.  So ``mg.det`` has a
    gradient everywhere, without NaN (PyTorch 2 gives 0 at an exactly singular
    matrix, which finite differences contradict).
    """
    return np.linalg.det(check_matrix("linalg.det", a))


def _cofactors(a):
    """The cofactor matrix (the transposed adjugate) from minors, in the graph."""
    n = a.shape[-1]
    if n == 1:
        return np.ones(a.shape, dtype=unwrap(a).dtype)
    entries = []
    for i in range(n):
        for j in range(n):
            rows = np.array([k for k in range(n) if k != i])[:, None]
            cols = np.array([k for k in range(n) if k != j])
            minor = det(getitem(a, index=(Ellipsis, rows, cols)))
            entries.append(_cols(minor if (i + j) % 2 == 0 else -minor))
    return reshape(concatenate(entries, axis=-1), shape=a.shape)


def _det_vjp(g, out, a):
    g = _cols(_cols(g))
    if np.all(unwrap(out) != 0):
        return g * _cols(_cols(out)) * mT(inv(a))
    return g * _cofactors(a)


det = _builtin("det", _det, _det_vjp, rules=("det(A)·A⁻ᵀ (cofactors)",),
               domain=("invertible",), method=True,
               samples=[(((3, 3),), {}), (((2, 2, 2),), {}), (((1, 1),), {})])


# ------------------------------------------------------------------ slogdet
def _slogdet(a):
    sign, logabsdet = np.linalg.slogdet(check_matrix("linalg.slogdet", a))
    return np.stack([sign, logabsdet], axis=-1)


def _slogdet_vjp(g, out, a):
    return _cols(_cols(getitem(g, index=(Ellipsis, 1)))) * mT(inv(a))


slogdet_packed = _builtin(
    "linalg_slogdet", _slogdet, _slogdet_vjp,
    rules=("A⁻ᵀ for log|det A|, 0 for the sign",), domain=("invertible",),
    reference=lambda a: np.stack(np.linalg.slogdet(a), axis=-1),
    samples=[(((3, 3),), {}), (((2, 2, 2),), {})], public=False)


@composite(domain=("invertible",), rules=("A⁻ᵀ for logabsdet, 0 for sign",),
           samples=[(((3, 3),), {}), (((2, 4, 4),), {})], reference=np.linalg.slogdet)
def slogdet(A):
    """The sign and the log of the absolute value of the determinant: the named
    tuple ``(sign, logabsdet)`` of ``torch.linalg.slogdet`` (``np.linalg.slogdet``).

    >>> import minigrad as mg
    >>> sign, logabsdet = mg.slogdet(mg.tensor([[-2.0, 0.0], [0.0, 3.0]]))
    >>> sign, logabsdet
    (tensor(-1.), tensor(1.7918))

    ``logabsdet`` has gradient ``A⁻ᵀ``; the sign has gradient 0.  At a singular
    matrix ``logabsdet`` is ``-inf`` and the backward pass raises
    [`LinAlgError`][minigrad.errors.LinAlgError].
    """
    packed = slogdet_packed(A)
    return SlogdetResult(getitem(packed, index=(Ellipsis, 0)),
                         getitem(packed, index=(Ellipsis, 1)))


__all__.append("slogdet")
install_method("slogdet", slogdet)


@composite(domain=("invertible",), rules=("A⁻ᵀ",), samples=[(((3, 3),), {})],
           reference=lambda a: np.log(np.linalg.det(a)))
def logdet(input):
    """``log(det(A))``: PyTorch's ``torch.logdet`` and ``x.logdet()``, NaN where
    the determinant is negative, ``-inf`` where it is 0; gradient ``A⁻ᵀ``.

    >>> import minigrad as mg
    >>> mg.logdet(mg.tensor([[2.0, 0.0], [0.0, 3.0]])), mg.logdet(-mg.eye(3))
    (tensor(1.7918), tensor(nan))
    """
    sign, logabsdet = slogdet(input)
    return logabsdet + cast_like(np.where(unwrap(sign) < 0, np.nan, 0.0), logabsdet)


__all__.append("logdet")
install_method("logdet", logdet)


# ------------------------------------------------------------------ solve
def _is_vector(a, b):
    """PyTorch's rule: B is a (batch of) vectors if 1-D or of A's shape without
    its last dim; otherwise a (batch of) matrices."""
    return np.ndim(b) == 1 or (np.ndim(b) == np.ndim(a) - 1 and np.shape(b) == np.shape(a)[:-1])


def _solve(a, b, vector=None):
    """X with ``A X = B`` (``torch.linalg.solve``), batched and broadcast.

    >>> import minigrad as mg
    >>> mg.linalg.solve(mg.tensor([[2.0, 0.0], [0.0, 4.0]]), mg.tensor([1.0, 1.0]))
    tensor([0.5 , 0.25])

    ``B`` is a vector, or a batch of them, when it is 1-D or has the shape of
    ``A`` without its last dim (PyTorch's rule); otherwise it is a (batch of)
    matrices.  ``np.linalg.solve(A, b)`` on tensors keeps NumPy 2's rule (a
    vector only when 1-D); ``vector=`` says it explicitly.  The VJPs are
    ``gB = A⁻ᵀ g`` (one more solve) and ``gA = -gB Xᵀ``.
    """
    a = check_matrix("linalg.solve", a)
    b = np.asarray(b)
    if vector is None:
        vector = _is_vector(a, b)
    if b.ndim < (1 if vector else 2) or b.shape[-1 if vector else -2] != a.shape[-1]:
        raise ShapeError(
            f"linalg.solve: A of shape {a.shape} needs B of shape (..., {a.shape[-1]}) "
            f"(vectors) or (..., {a.shape[-1]}, k) (matrices), got {b.shape}")
    try:
        if vector:
            return np.linalg.solve(a, b[..., None])[..., 0]
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError as exc:
        raise linalg_error("linalg.solve", a, exc, "singular") from None


def _solve_vjp_a(g, out, a, b, vector=None):
    if vector is None:
        vector = _is_vector(a, b)
    gb = solve(mT(a), g, vector=vector)
    if vector:
        return -_cols(gb) * reshape(out, shape=out.shape[:-1] + (1, out.shape[-1]))
    return -matmul(gb, mT(out))


solve = _builtin(
    "solve", _solve, _solve_vjp_a,
    lambda g, out, a, b, vector=None: solve(
        mT(a), g, vector=_is_vector(a, b) if vector is None else vector),
    rules=("-A⁻ᵀ g Xᵀ", "A⁻ᵀ g"), domain=("invertible", "real"),
    reference=lambda a, b, vector=None: (np.linalg.inv(a) @ b[..., None])[..., 0]
    if (_is_vector(a, b) if vector is None else vector) else np.linalg.inv(a) @ b,
    samples=[(((3, 3), (3,)), {}), (((3, 3), (3, 2)), {}), (((2, 3, 3), (2, 3)), {}),
             (((2, 2, 2), (2, 1)), {}), (((2, 2), (3, 2, 2)), {"vector": False})],
    public=False)


@numpy_meaning("solve")
def numpy_solve(a, b):
    """``np.linalg.solve(A, b)`` on tensors: NumPy 2's rule, b a vector only if 1-D."""
    return solve(a, b, vector=np.ndim(b) == 1)

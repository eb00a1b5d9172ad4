"""The matrix functions of ``mg.linalg``: ``inv``, ``det``, ``slogdet``,
``solve``, ``cholesky``, ``eigh``, ``qr`` (the norms are in ``norms``).

Real float32/float64 matrices in the last two axes, batched over the leading
ones as NumPy batches them.  Each VJP is a standard matrix-calculus identity
written with minigrad ops, so it differentiates again (``gradgradcheck``);
``Aᵀ`` below is the transpose of the last two axes.

A function with several results (``eigh``, ``qr``, ``slogdet``) is one
primitive whose forward packs them into one array (``linalg_eigh`` gives the
eigenvalues as row 0 above the eigenvectors); the public function unpacks the
parts with indexing, whose VJP puts each part's gradient back in its place.
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
from .declare import builtin, composite

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


def _eye(n, like):
    return np.eye(n, dtype=unwrap(like).dtype)


def _tri(n, like, k=0, upper=False):
    """The constant 0/1 mask of the lower (or upper) triangle from diagonal ``k``."""
    ones = np.ones((n, n), dtype=unwrap(like).dtype)
    return np.triu(ones, k) if upper else np.tril(ones, k)


def _cols(x):
    """A batch of vectors ``(..., n)`` as columns ``(..., n, 1)``."""
    return reshape(x, shape=x.shape + (1,))


#: How far from symmetric a matrix may be, relative to its largest entry: the
#: rounding of a product such as ``A @ A.T`` stays far below it.
_SQRT_EPS = {np.dtype(t): float(np.sqrt(np.finfo(t).eps)) for t in (np.float32, np.float64)}


def _matrix(fn, a, square=True, symmetric=False):
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


def _linalg_error(fn, a, exc, what):
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
    a = _matrix("linalg.inv", a)
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError as exc:
        raise _linalg_error("linalg.inv", a, exc, "singular") from None


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
    return np.linalg.det(_matrix("linalg.det", a))


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
    sign, logabsdet = np.linalg.slogdet(_matrix("linalg.slogdet", a))
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
    a = _matrix("linalg.solve", a)
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
        raise _linalg_error("linalg.solve", a, exc, "singular") from None


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


# ------------------------------------------------------------------ cholesky
def _cholesky(a, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix: lower ``L``
    with ``L Lᵀ = A`` (``torch.linalg.cholesky``; ``upper=True`` gives ``Lᵀ``).

    >>> import minigrad as mg
    >>> mg.linalg.cholesky(mg.tensor([[4.0, 2.0], [2.0, 2.0]]))
    tensor([[2., 0.],
            [1., 1.]])

    The VJP is PyTorch's symmetrized one (Murray, 2016):
    ``gA = L⁻ᵀ Φ L⁻¹`` with ``P = tril(Lᵀ g)`` and ``Φ = (P + tril(P, -1)ᵀ)/2``.
    A matrix that is not symmetric or not positive definite raises
    [`LinAlgError`][minigrad.errors.LinAlgError].
    """
    a = _matrix("linalg.cholesky", a, symmetric=True)
    try:
        low = np.linalg.cholesky(a)
    except np.linalg.LinAlgError as exc:
        raise _linalg_error("linalg.cholesky", a, exc, "not positive definite") from None
    return np.swapaxes(low, -1, -2).copy() if upper else low


def _cholesky_vjp(g, out, a, upper=False):
    low = mT(out) if upper else out
    g = mT(g) if upper else g
    n = a.shape[-1]
    p = matmul(mT(low), g) * _tri(n, g)
    phi = (p + mT(p * _tri(n, g, -1))) * 0.5
    x = solve(mT(low), phi, vector=False)             # L⁻ᵀ Φ
    return mT(solve(mT(low), mT(x), vector=False))    # L⁻ᵀ Φ L⁻¹ (symmetric)


linalg_cholesky = _builtin(
    "cholesky", _cholesky, _cholesky_vjp, rules=("L⁻ᵀ Φ L⁻¹, Φ = sym. tril(Lᵀ g)",),
    domain=("spd",), method=True,
    samples=[(((3, 3),), {}), (((2, 2, 2),), {}), (((3, 3),), {"upper": True})],
    reference=lambda a, upper=False: np.linalg.cholesky(a, upper=upper))
cholesky = linalg_cholesky   # torch.cholesky(input, upper=False) is the same call


# ------------------------------------------------------------------ eigh
def _signed(vectors):
    """Each eigenvector signed so that ``Σ_k v_k / (k + √2)`` is positive.
    LAPACK's signs jump under tiny changes of some matrices (a diagonal one:
    finite differences then see a flip), and so does "largest entry positive"
    where two entries tie, as in ``(1, -1)/√2``; this weighted sum is zero only
    on a plane that holds no vector with simple entries, so the choice is
    continuous wherever one meets it."""
    weights = 1.0 / (np.arange(vectors.shape[-2], dtype=vectors.dtype) + np.sqrt(2.0))
    side = np.matmul(weights, vectors)[..., None, :]          # Σ_k w_k v_kj, per column j
    vectors[(side < 0).repeat(vectors.shape[-2], axis=-2)] *= -1   # LAPACK's array: ours
    return vectors


def _eigh(a, UPLO="L"):
    values, vectors = np.linalg.eigh(_matrix("linalg.eigh", a, symmetric=True), UPLO=UPLO)
    return np.concatenate([values[..., None, :], _signed(vectors)], axis=-2)


def _eigh_reference(a, UPLO="L"):
    values, vectors = np.linalg.eigh(a, UPLO=UPLO)
    return values, _signed(vectors)


def _eigh_vjp(g, out, a, UPLO="L"):
    n = a.shape[-1]
    values = getitem(out, index=(Ellipsis, slice(0, 1), slice(None)))       # (..., 1, n)
    vectors = getitem(out, index=(Ellipsis, slice(1, None), slice(None)))
    g_values = getitem(g, index=(Ellipsis, slice(0, 1), slice(None)))
    g_vectors = getitem(g, index=(Ellipsis, slice(1, None), slice(None)))
    eye = _eye(n, g)
    inner = g_values * eye                                    # diag(gλ)
    if np.any(unwrap(g_vectors)):   # skipped when only λ is used: exact at repeated λ too
        vg = matmul(mT(vectors), g_vectors)
        gap = values - mT(values) + eye                       # λj - λi, 1 on the diagonal
        inner = inner + (vg - mT(vg)) * 0.5 * (1.0 - eye) / gap
    return matmul(vectors, matmul(inner, mT(vectors)))


eigh_packed = _builtin(
    "linalg_eigh", _eigh, _eigh_vjp,
    rules=("V (diag(gλ) + F∘skew(Vᵀ gV)) Vᵀ, F = 1/(λj-λi)",), domain=("spd",),
    reference=lambda a, UPLO="L": np.concatenate(
        [part[..., None, :] if i == 0 else part
         for i, part in enumerate(_eigh_reference(a, UPLO))], axis=-2),
    samples=[(((3, 3),), {}), (((2, 2, 2),), {})], public=False)


@composite(domain=("spd",), rules=("V (diag(gλ) + F∘skew(Vᵀ gV)) Vᵀ, F = 1/(λj-λi)",),
           samples=[(((3, 3),), {}), (((2, 4, 4),), {}), (((1, 1),), {})],
           reference=_eigh_reference)
def eigh(A, UPLO="L"):
    """Eigenvalues (ascending) and orthonormal eigenvectors (the columns) of a
    symmetric matrix: the named tuple ``(eigenvalues, eigenvectors)`` of
    ``torch.linalg.eigh`` (``np.linalg.eigh``), batched.

    >>> import minigrad as mg
    >>> L, V = mg.linalg.eigh(mg.tensor([[2.0, 1.0], [1.0, 2.0]]))
    >>> L
    tensor([1., 3.])

    The gradient is PyTorch's: ``V (diag(gλ) + F ∘ (Vᵀ gV - gVᵀ V)/2) Vᵀ`` with
    ``F_ij = 1/(λj - λi)`` off the diagonal.  Each eigenvector ``v`` is signed
    so that ``Σ_k v_k / (k + √2)`` is positive (the first entry, for a diagonal
    ``A``): a choice that does not jump under small changes of ``A`` (LAPACK's,
    which NumPy and PyTorch return, can), so finite differences agree; NumPy's
    and PyTorch's vectors may have the other sign.  A loss should not depend on
    the signs anyway.  At repeated eigenvalues the eigenvectors are not unique:
    a gradient through them is infinite or NaN there (as in PyTorch), while one
    through the eigenvalues alone stays exact.  A matrix that is not symmetric raises
    [`LinAlgError`][minigrad.errors.LinAlgError].
    """
    packed = eigh_packed(as_matrix(A), UPLO=UPLO)
    return EighResult(getitem(packed, index=(Ellipsis, 0, slice(None))),
                      getitem(packed, index=(Ellipsis, slice(1, None), slice(None))))


numpy_meaning("eigh")(eigh)


# ------------------------------------------------------------------ qr
def _qr(a):
    a = _matrix("linalg.qr", a, square=False)
    if a.shape[-2] < a.shape[-1]:
        raise ShapeError(
            f"linalg.qr: minigrad factors tall or square matrices (m >= n, reduced), got "
            f"shape {a.shape}; for a wide matrix factor its transpose")
    return np.concatenate(_qr_reference(a), axis=-2)


def _qr_reference(a, mode="reduced"):
    """NumPy's Q and R with R's diagonal made positive (the unique factorization
    of a full-rank matrix): LAPACK's signs jump where a column below the
    diagonal becomes zero, so finite differences would see a flip."""
    q, r = np.linalg.qr(a)
    signs = np.where(np.diagonal(r, axis1=-2, axis2=-1) < 0, -1, 1).astype(r.dtype)
    return q * signs[..., None, :], r * signs[..., :, None]


def _qr_vjp(g, out, a):
    m, n = a.shape[-2:]
    q = getitem(out, index=(Ellipsis, slice(0, m), slice(None)))
    r = getitem(out, index=(Ellipsis, slice(m, None), slice(None)))
    gq = getitem(g, index=(Ellipsis, slice(0, m), slice(None)))
    gr = getitem(g, index=(Ellipsis, slice(m, None), slice(None)))
    c = matmul(gr, mT(r)) - matmul(mT(q), gq)
    s = c * _tri(n, g, upper=True) + mT(c * _tri(n, g, 1, upper=True))
    z = gq + matmul(q, s)                               # then Z R⁻ᵀ
    return mT(solve(r, mT(z), vector=False))


qr_packed = _builtin(
    "linalg_qr", _qr, _qr_vjp, rules=("(gQ + Q copyltu(gR Rᵀ - Qᵀ gQ)) R⁻ᵀ",),
    domain=("invertible",), reference=lambda a: np.concatenate(_qr_reference(a), axis=-2),
    samples=[(((3, 3),), {}), (((2, 2, 2),), {})], public=False)


@composite(name="qr", domain=("invertible",),
           rules=("(gQ + Q copyltu(gR Rᵀ - Qᵀ gQ)) R⁻ᵀ",),
           samples=[(((3, 3),), {}), (((2, 4, 4),), {})], reference=_qr_reference)
def linalg_qr(A, mode="reduced"):
    """The reduced QR factorization ``A = Q R`` of a tall or square matrix: ``Q``
    with orthonormal columns, ``R`` upper triangular; the named tuple ``(Q, R)``
    of ``torch.linalg.qr`` (``np.linalg.qr``), batched.

    >>> import minigrad as mg
    >>> Q, R = mg.linalg.qr(mg.tensor([[3.0, 0.0], [4.0, 5.0]]))
    >>> R
    tensor([[5., 4.],
            [0., 3.]])

    R's diagonal is positive (the unique factorization of a full-rank matrix,
    which changes smoothly with ``A``); NumPy and PyTorch return LAPACK's signs,
    which may differ by a sign per column of Q (and row of R).  The gradient
    is PyTorch's, for m >= n and full rank: ``gA = (gQ + Q copyltu(M)) R⁻ᵀ``, ``M = gR Rᵀ - Qᵀ gQ``.
    """
    if mode != "reduced":
        raise LinAlgError(f"linalg.qr: only mode='reduced' is differentiable here, got "
                         f"mode={mode!r}")
    A = as_matrix(A)
    m = A.shape[-2]
    packed = qr_packed(A)
    return QRResult(getitem(packed, index=(Ellipsis, slice(0, m), slice(None))),
                    getitem(packed, index=(Ellipsis, slice(m, None), slice(None))))


linalg_qr.__name__ = "qr"
numpy_meaning("qr")(linalg_qr)


def qr(input, some=True):
    """``torch.qr(input, some=True)`` (and ``x.qr()``): the reduced
    ``mg.linalg.qr``.

    >>> import minigrad as mg
    >>> mg.qr(mg.eye(2)).R
    tensor([[1., 0.],
            [0., 1.]])
    """
    if not some:
        raise LinAlgError("qr: only some=True (the reduced factorization) is supported")
    return linalg_qr(input)


__all__.append("qr")
install_method("qr", qr)

"""The decompositions of ``mg.linalg``: ``cholesky``, ``eigh``, ``qr``.

Each VJP is PyTorch's, written with minigrad ops so that it differentiates
again.  A factorization with several results (``eigh``, ``qr``) is one
primitive whose forward packs them into one array (``linalg_eigh``: the
eigenvalues as row 0 above the eigenvectors; ``linalg_qr``: Q above R); the
public function unpacks them by indexing.  Signs are fixed so that they do
not jump under small changes of the matrix (finite differences would see the
jump): R's diagonal is positive, and each eigenvector has a positive weighted
sum of its entries.
"""

from __future__ import annotations

import numpy as np

from ..errors import LinAlgError, ShapeError
from ..primitive import numpy_meaning
from ..tensor import install_method, unwrap
from .core import getitem, matmul
from .declare import builtin, composite
from .linalg import (
    EighResult,
    QRResult,
    as_matrix,
    check_matrix,
    eye_like,
    linalg_error,
    mT,
    solve,
    tri_mask,
)

#: The public names this module declares (``mg.<name>``, PyTorch's top-level ones).
__all__ = []


def _builtin(name, forward, *vjps, **declaration):
    return builtin(__all__, name, forward, *vjps, **declaration)


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
    a = check_matrix("linalg.cholesky", a, symmetric=True)
    try:
        low = np.linalg.cholesky(a)
    except np.linalg.LinAlgError as exc:
        raise linalg_error("linalg.cholesky", a, exc, "not positive definite") from None
    return np.swapaxes(low, -1, -2).copy() if upper else low


def _cholesky_vjp(g, out, a, upper=False):
    low = mT(out) if upper else out
    g = mT(g) if upper else g
    n = a.shape[-1]
    p = matmul(mT(low), g) * tri_mask(n, g)
    phi = (p + mT(p * tri_mask(n, g, -1))) * 0.5
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
    values, vectors = np.linalg.eigh(check_matrix("linalg.eigh", a, symmetric=True), UPLO=UPLO)
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
    eye = eye_like(n, g)
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
    a = check_matrix("linalg.qr", a, square=False)
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
    s = c * tri_mask(n, g, upper=True) + mT(c * tri_mask(n, g, 1, upper=True))
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

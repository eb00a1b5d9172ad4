"""mg.linalg against torch.linalg: value, gradient and (for smooth ops) the
Hessian-vector product, in float64, on random inputs (``tests/torch_table.py``).

Symmetric arguments (``cholesky``, ``eigh``) go through ``(A + Aᵀ)/2`` on both
sides, so that both differentiate the same function.  Eigenvectors and QR
factors are compared after fixing their signs the way minigrad does
(``Σ_k v_k / (k + √2) > 0`` for each eigenvector, R's diagonal positive): NumPy and
PyTorch return LAPACK's signs, which may differ by a sign per column.  The
gradient of ``det`` at a singular matrix is not compared: PyTorch 2 gives 0
there, minigrad the cofactor matrix (``test_linalg.py`` checks it against
finite differences).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import random_matrices
from torch_table import Row, check_row

import minigrad as mg

RNG = np.random.default_rng(14)
INF = math.inf


def square(*batch, n=3):
    return random_matrices.square(RNG, *batch, n=n)


def spd(*batch, n=3):
    return random_matrices.spd(RNG, *batch, n=n)


def sym(a):
    return (a + a.mT) / 2.0


def torch_signed_eigh(a):
    import torch
    values, vectors = torch.linalg.eigh(sym(a))
    weights = 1.0 / (torch.arange(vectors.shape[-2], dtype=vectors.dtype) + math.sqrt(2.0))
    side = (vectors * weights[:, None]).sum(-2, keepdim=True)
    return values, vectors * torch.where(side < 0, -1.0, 1.0).detach()


def torch_positive_qr(a):
    import torch
    q, r = torch.linalg.qr(a)
    signs = torch.where(torch.diagonal(r, dim1=-2, dim2=-1) < 0, -1.0, 1.0).detach()
    return q * signs[..., None, :], r * signs[..., :, None]


def linalg(name):
    import torch
    return getattr(torch.linalg, name)


def torch_norm(*args, **kwargs):
    import torch
    return torch.norm(*args, **kwargs)


A, B = square(), square(2)
ROWS = [
    Row("inv", mg.linalg.inv, lambda a: linalg("inv")(a), (A,)),
    Row("inv batched", mg.linalg.inv, lambda a: linalg("inv")(a), (B,)),
    Row("inverse", mg.inverse, lambda a: a.inverse(), (A,)),
    Row("det", mg.linalg.det, lambda a: linalg("det")(a), (B,)),
    Row("slogdet", mg.linalg.slogdet, lambda a: linalg("slogdet")(a), (B,)),
    Row("logdet", mg.logdet, lambda a: a.logdet(), (spd(2),)),
    Row("slogdet negative", mg.slogdet, lambda a: a.slogdet(), (-np.eye(3) + 0.1 * A,)),
    Row("solve vector", mg.linalg.solve, lambda a, b: linalg("solve")(a, b),
        (A, RNG.standard_normal(3))),
    Row("solve matrix", mg.linalg.solve, lambda a, b: linalg("solve")(a, b),
        (A, RNG.standard_normal((3, 2)))),
    Row("solve batched vectors", mg.linalg.solve, lambda a, b: linalg("solve")(a, b),
        (B, RNG.standard_normal((2, 3)))),
    Row("solve broadcast", mg.linalg.solve, lambda a, b: linalg("solve")(a, b),
        (A, RNG.standard_normal((2, 3, 4)))),
    Row("cholesky", lambda a: mg.linalg.cholesky(sym(a)),
        lambda a: linalg("cholesky")(sym(a)), (spd(2),)),
    Row("cholesky upper", lambda a: mg.cholesky(sym(a), upper=True),
        lambda a: linalg("cholesky")(sym(a), upper=True), (spd(),)),
    Row("eigh", lambda a: mg.linalg.eigh(sym(a)), torch_signed_eigh, (spd(2, n=4),)),
    Row("eigvalsh", lambda a: mg.linalg.eigvalsh(sym(a)),
        lambda a: linalg("eigvalsh")(sym(a)), (spd(),)),
    Row("qr square", mg.linalg.qr, torch_positive_qr, (A,)),
    Row("qr tall batched", mg.linalg.qr, torch_positive_qr, (RNG.standard_normal((2, 5, 3)),)),
    Row("svdvals", mg.linalg.svdvals, lambda a: linalg("svdvals")(a),
        (RNG.standard_normal((2, 4, 3)),)),
    Row("svdvals wide", mg.linalg.svdvals, lambda a: linalg("svdvals")(a),
        (RNG.standard_normal((2, 5)),)),
]
X = RNG.standard_normal((3, 4))
for ord_, smooth in ((2, True), (1, False), (INF, False), (-INF, False), (0, False),
                     (3, True), (0.5, True), (-1, True)):
    ROWS.append(Row(f"vector_norm ord={ord_}",
                    lambda x, o=ord_: mg.linalg.vector_norm(x, o),
                    lambda x, o=ord_: linalg("vector_norm")(x, o), (X,), smooth))
    ROWS.append(Row(f"vector_norm ord={ord_} dim=1 keepdim",
                    lambda x, o=ord_: mg.linalg.vector_norm(x, o, dim=1, keepdim=True),
                    lambda x, o=ord_: linalg("vector_norm")(x, o, dim=1, keepdim=True),
                    (X,), smooth))
M = RNG.standard_normal((2, 3, 4))
for ord_, smooth in (("fro", True), ("nuc", True), (2, True), (-2, True), (1, False),
                     (-1, False), (INF, False), (-INF, False)):
    ROWS.append(Row(f"matrix_norm ord={ord_}",
                    lambda a, o=ord_: mg.linalg.matrix_norm(a, o),
                    lambda a, o=ord_: linalg("matrix_norm")(a, o), (M,), smooth))
ROWS += [
    Row("matrix_norm dim=(2, 0) keepdim", lambda a: mg.linalg.matrix_norm(a, 2, (2, 0), True),
        lambda a: linalg("matrix_norm")(a, 2, (2, 0), True), (M,)),
    Row("linalg.norm", mg.linalg.norm, lambda a: linalg("norm")(a), (M,)),
    Row("linalg.norm ord=nuc", lambda a: mg.linalg.norm(a, "nuc"),
        lambda a: linalg("norm")(a, "nuc"), (X,)),
    Row("linalg.norm dim=1 ord=3", lambda a: mg.linalg.norm(a, 3, dim=1),
        lambda a: linalg("norm")(a, 3, dim=1), (M,)),
    Row("linalg.norm ord=inf matrix", lambda a: mg.linalg.norm(a, INF),
        lambda a: linalg("norm")(a, INF), (X,), smooth=False),
    Row("norm (torch.norm)", mg.norm, torch_norm, (M,)),
    Row("norm p=1 dim=(0, 2)", lambda a: a.norm(1, (0, 2)),
        lambda a: torch_norm(a, 1, (0, 2)), (M,), smooth=False),
    Row("norm p=nuc", lambda a: a.norm("nuc", dim=(1, 2), keepdim=True),
        lambda a: torch_norm(a, "nuc", dim=(1, 2), keepdim=True), (M,)),
    Row("norm p=3 dim=1", lambda a: mg.norm(a, 3, 1), lambda a: torch_norm(a, 3, 1), (M,)),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_linalg_matches_torch(row):
    check_row(row)

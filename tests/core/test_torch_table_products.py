"""The products against PyTorch (float64): value, gradient and Hessian-vector
product, one row per op and several einsum subscripts (``tests/torch_table.py``)."""

from __future__ import annotations

import numpy as np
import pytest
from torch_table import Row, check_row

import minigrad as mg

RNG = np.random.default_rng(1414)


def _torch():
    import torch
    return torch


def randn(*shape):
    return RNG.standard_normal(shape)


# The ops of one operand (trace, diag, diagonal, tril, triu, einsum of one) are linear: a
# constant gradient, whose Hessian-vector product check_row expects to be zero on both sides.
LINEAR = {"smooth": True}


def einsum_row(subscripts, *shapes):
    return Row(f"einsum {subscripts}", lambda *xs: mg.einsum(subscripts, *xs),
               lambda *xs: _torch().einsum(subscripts, *xs),
               tuple(randn(*s) for s in shapes))


ROWS = [
    Row("dot", mg.dot, lambda a, b: _torch().dot(a, b), (randn(4), randn(4))),
    Row("vdot", mg.vdot, lambda a, b: _torch().vdot(a, b), (randn(4), randn(4))),
    Row("inner", mg.inner, lambda a, b: _torch().inner(a, b), (randn(2, 3), randn(4, 3))),
    Row("outer", mg.outer, lambda a, b: _torch().outer(a, b), (randn(3), randn(2))),
    Row("ger", lambda a, b: a.ger(b), lambda a, b: _torch().outer(a, b), (randn(2), randn(3))),
    Row("tensordot", lambda a, b: mg.tensordot(a, b, dims=([1, 2], [1, 0])),
        lambda a, b: _torch().tensordot(a, b, dims=([1, 2], [1, 0])),
        (randn(2, 3, 4), randn(4, 3, 2))),
    Row("tensordot dims=1", lambda a, b: mg.tensordot(a, b, 1),
        lambda a, b: _torch().tensordot(a, b, dims=1), (randn(2, 3), randn(3, 4))),
    Row("addmm", mg.addmm, lambda c, a, b: _torch().addmm(c, a, b),
        (randn(3, 1), randn(3, 2), randn(2, 4))),
    Row("addmm beta alpha", lambda c, a, b: mg.addmm(c, a, b, beta=0.5, alpha=-2.0),
        lambda c, a, b: _torch().addmm(c, a, b, beta=0.5, alpha=-2.0),
        (randn(4), randn(3, 2), randn(2, 4))),
    Row("kron", mg.kron, lambda a, b: _torch().kron(a, b), (randn(2, 3), randn(3, 2))),
    Row("trace", mg.trace, lambda x: _torch().trace(x), (randn(3, 4),), **LINEAR),
    Row("diag of a vector", lambda x: mg.diag(x, 1), lambda x: _torch().diag(x, 1),
        (randn(3),), **LINEAR),
    Row("diag of a matrix", lambda x: mg.diag(x, -1), lambda x: _torch().diag(x, -1),
        (randn(3, 3),), **LINEAR),
    Row("diagonal", lambda x: mg.diagonal(x, 1, dim1=2, dim2=0),
        lambda x: _torch().diagonal(x, 1, dim1=2, dim2=0), (randn(3, 2, 4),), **LINEAR),
    Row("tril", lambda x: mg.tril(x, -1), lambda x: _torch().tril(x, -1), (randn(2, 3, 4),),
        **LINEAR),
    Row("triu", lambda x: x.triu(1), lambda x: x.triu(1), (randn(4, 3),), **LINEAR),
    Row("cross", mg.cross, lambda a, b: _torch().linalg.cross(a, b), (randn(2, 3), randn(1, 3))),
    Row("cross dim=0", lambda a, b: mg.cross(a, b, dim=0),
        lambda a, b: _torch().linalg.cross(a, b, dim=0), (randn(3, 2), randn(3, 2))),
    einsum_row("ij,jk->ik", (2, 3), (3, 4)),
    einsum_row("ii", (3, 3)),
    einsum_row("ii->i", (3, 3)),
    einsum_row("iij->j", (2, 2, 3)),
    einsum_row("ij->", (2, 3)),
    einsum_row("bij,bjk->bik", (2, 2, 3), (2, 3, 2)),
    einsum_row("...ij,...jk->...ik", (2, 2, 3), (3, 2)),
    einsum_row("i,j->ij", (3,), (2,)),
    einsum_row("ij,jk,kl->il", (2, 3), (3, 2), (2, 2)),
    einsum_row("ba", (2, 3)),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_products_match_pytorch(row):
    check_row(row)

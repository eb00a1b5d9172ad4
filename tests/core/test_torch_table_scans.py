"""Reductions and scans against PyTorch float64: value, gradient and (smooth
ops) Hessian-vector product, one row per call (``tests/torch_table.py``)."""

import numpy as np
import pytest
from torch_table import Row, check_row

import minigrad as mg

RNG = np.random.default_rng(14)


def normal(*shape):
    return RNG.standard_normal(shape)


#: Linear ops (cumsum, diff) have a zero Hessian: check_row expects a zero
#: Hessian-vector product on both sides.
LINEAR = True


def with_zeros(shape, *positions):
    x = normal(*shape)
    for p in positions:
        x[p] = 0.0
    return x


ROWS = [
    Row("prod", lambda x: mg.prod(x), lambda x: x.prod(), (normal(3, 4),)),
    Row("prod dim", lambda x: x.prod(dim=1), lambda x: x.prod(dim=1), (normal(3, 4),)),
    Row("prod dim keepdim", lambda x: mg.prod(x, dim=0, keepdim=True),
        lambda x: x.prod(dim=0, keepdim=True), (normal(3, 4),)),
    Row("prod one zero", lambda x: mg.prod(x), lambda x: x.prod(),
        (with_zeros((5,), 2),)),
    Row("prod two zeros", lambda x: mg.prod(x), lambda x: x.prod(),
        (with_zeros((5,), 1, 3),)),
    Row("prod dim, zeros in rows", lambda x: x.prod(1), lambda x: x.prod(1),
        (with_zeros((3, 4), (0, 1), (1, 0), (1, 2)),)),
    Row("cumsum", lambda x: mg.cumsum(x, dim=1), lambda x: x.cumsum(dim=1), (normal(3, 4),),
        smooth=LINEAR),
    Row("cumsum dim 0", lambda x: x.cumsum(0), lambda x: x.cumsum(0), (normal(3, 4),),
        smooth=LINEAR),
    Row("cumprod", lambda x: mg.cumprod(x, dim=1), lambda x: x.cumprod(dim=1),
        (normal(3, 4),)),
    Row("cumprod one zero", lambda x: x.cumprod(0), lambda x: x.cumprod(0),
        (with_zeros((5,), 2),)),
    Row("cumprod zeros", lambda x: mg.cumprod(x, dim=-1), lambda x: x.cumprod(dim=-1),
        (with_zeros((3, 4), (0, 0), (1, 1), (1, 3), (2, 3)),)),
    Row("diff", lambda x: mg.diff(x), lambda x: x.diff(), (normal(3, 5),),
        smooth=LINEAR),
    Row("diff n=2 dim=0", lambda x: mg.diff(x, n=2, dim=0), lambda x: x.diff(n=2, dim=0),
        (normal(4, 3),), smooth=LINEAR),
    Row("diff prepend append", lambda x, p, a: mg.diff(x, prepend=p, append=a),
        lambda x, p, a: x.diff(prepend=p, append=a), (normal(2, 4), normal(2, 1), normal(2, 2)),
        smooth=LINEAR),
    Row("sort values", lambda x: mg.sort(x).values, lambda x: x.sort().values,
        (normal(3, 5),), smooth=False),
    Row("sort descending dim 0", lambda x: mg.sort(x, dim=0, descending=True),
        lambda x: x.sort(dim=0, descending=True), (normal(4, 3),), smooth=False),
    Row("var correction 1", lambda x: x.var(dim=1), lambda x: x.var(dim=1), (normal(3, 4),)),
    Row("var correction 0", lambda x: mg.var(x, dim=0, correction=0),
        lambda x: x.var(dim=0, correction=0), (normal(3, 4),)),
    Row("var (function, ddof=0)", lambda x: mg.var(x),
        lambda x: x.var(correction=0), (normal(3, 4),)),
    Row("std correction 1", lambda x: x.std(), lambda x: x.std(), (normal(3, 4),)),
    Row("std correction 0", lambda x: mg.std(x, axis=1, keepdims=True),
        lambda x: x.std(dim=1, correction=0, keepdim=True), (normal(3, 4),)),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_against_pytorch(row):
    check_row(row)

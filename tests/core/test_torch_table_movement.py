"""The shape functions against PyTorch (float64): value, gradient and
Hessian-vector product, one row per op (``tests/torch_table.py``).

Every one of these ops is linear, so its own second derivative is zero and
torch's double backward would have no graph to differentiate.  Each row
therefore applies the op to ``x**3``: the Hessian-vector product then checks
that the op's VJP routes the curvature of the cube to the right elements, on
the ``create_graph`` path too.
"""

from __future__ import annotations

import numpy as np
import pytest
from torch_table import Row, check_row

import minigrad as mg

RNG = np.random.default_rng(1415)


def _torch():
    import torch
    return torch


def _F():
    import torch.nn.functional as F
    return F


def randn(*shape):
    return RNG.standard_normal(shape)


def row(name, ours, theirs, *inputs):
    """A row whose op sees the cube of each input."""
    return Row(name, lambda *xs: ours(*[x ** 3 for x in xs]),
               lambda *xs: theirs(*[x ** 3 for x in xs]), inputs)


def long(values):
    return _torch().tensor(np.asarray(values), dtype=_torch().long)


IDX = np.array([[2, 0, 1, 1], [0, 0, 2, 1]])
SCATTER = np.array([[2, 0], [1, 2]])     # distinct along dim 1: torch's scatter is then exact

ROWS = [
    row("ravel", mg.ravel, lambda x: _torch().ravel(x), randn(2, 3)),
    row("moveaxis", lambda x: mg.moveaxis(x, (0, 1), (2, 0)),
        lambda x: _torch().moveaxis(x, (0, 1), (2, 0)), randn(2, 3, 4)),
    row("movedim", lambda x: x.movedim(-1, 0), lambda x: x.movedim(-1, 0), randn(2, 3)),
    row("swapaxes", lambda x: mg.swapaxes(x, 0, 2), lambda x: _torch().swapaxes(x, 0, 2),
        randn(2, 3, 4)),
    row("flip", lambda x: mg.flip(x, (0, 2)), lambda x: _torch().flip(x, (0, 2)),
        randn(2, 3, 2)),
    row("fliplr", mg.fliplr, lambda x: _torch().fliplr(x), randn(2, 3)),
    row("flipud", mg.flipud, lambda x: _torch().flipud(x), randn(3, 2)),
    row("roll", lambda x: mg.roll(x, (1, -2), (0, 2)),
        lambda x: _torch().roll(x, (1, -2), (0, 2)), randn(2, 3, 4)),
    row("roll flat", lambda x: mg.roll(x, 4), lambda x: _torch().roll(x, 4), randn(2, 3)),
    row("tile", lambda x: mg.tile(x, (2, 1, 3)), lambda x: _torch().tile(x, (2, 1, 3)),
        randn(2, 3)),
    row("repeat (tiling)", lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3),
        randn(2, 3)),
    row("repeat_interleave", lambda x: mg.repeat_interleave(x, 2, dim=1),
        lambda x: _torch().repeat_interleave(x, 2, dim=1), randn(2, 3)),
    row("repeat_interleave counts", lambda x: x.repeat_interleave(np.array([1, 0, 3]), dim=0),
        lambda x: x.repeat_interleave(long([1, 0, 3]), dim=0), randn(3, 2)),
    row("repeat_interleave flat", lambda x: mg.repeat_interleave(x, 3),
        lambda x: _torch().repeat_interleave(x, 3), randn(2, 2)),
    row("split", lambda x: mg.split(x, 2, dim=1), lambda x: _torch().split(x, 2, dim=1),
        randn(2, 5)),
    row("split sizes", lambda x: x.split([1, 3]), lambda x: x.split([1, 3]), randn(4, 2)),
    row("chunk", lambda x: mg.chunk(x, 3, dim=-1), lambda x: _torch().chunk(x, 3, dim=-1),
        randn(2, 7)),
    row("tensor_split", lambda x: x.tensor_split(3), lambda x: x.tensor_split(3),
        randn(5, 2)),
    row("vstack", lambda a, b: mg.vstack([a, b]), lambda a, b: _torch().vstack([a, b]),
        randn(3), randn(2, 3)),
    row("hstack", lambda a, b: mg.hstack([a, b]), lambda a, b: _torch().hstack([a, b]),
        randn(2, 1), randn(2, 3)),
    row("dstack", lambda a, b: mg.dstack([a, b]), lambda a, b: _torch().dstack([a, b]),
        randn(2, 3), randn(2, 3, 2)),
    row("column_stack", lambda a, b: mg.column_stack([a, b]),
        lambda a, b: _torch().column_stack([a, b]), randn(3), randn(3, 2)),
    row("atleast_1d", mg.atleast_1d, lambda x: _torch().atleast_1d(x), randn()),
    row("atleast_2d", lambda a, b: mg.atleast_2d(a, b),
        lambda a, b: _torch().atleast_2d(a, b), randn(), randn(3)),
    row("atleast_3d", lambda a, b: mg.atleast_3d(a, b),
        lambda a, b: _torch().atleast_3d(a, b), randn(3), randn(2, 3)),
    row("pad constant", lambda x: mg.pad(x, ((0, 0), (0, 1), (1, 2)), constant_values=0.5),
        lambda x: _F().pad(x, (1, 2, 0, 1), value=0.5), randn(2, 3, 4)),
    row("pad edge", lambda x: mg.pad(x, ((0, 0), (2, 1)), mode="edge"),
        lambda x: _F().pad(x, (2, 1), mode="replicate"), randn(2, 4)),
    row("pad reflect", lambda x: mg.pad(x, ((0, 0), (0, 0), (3, 1)), mode="reflect"),
        lambda x: _F().pad(x, (3, 1), mode="reflect"), randn(1, 2, 5)),
    row("pad wrap", lambda x: mg.pad(x, ((0, 0), (0, 0), (2, 3)), mode="wrap"),
        lambda x: _F().pad(x, (2, 3), mode="circular"), randn(1, 2, 4)),
    row("take", lambda x: mg.take(x, IDX), lambda x: _torch().take(x, long(IDX)),
        randn(2, 3)),
    row("take_along_dim", lambda x: x.take_along_dim(IDX, dim=1),
        lambda x: _torch().take_along_dim(x, long(IDX), dim=1), randn(2, 3)),
    row("take_along_dim flat", lambda x: mg.take_along_dim(x, np.array([5, 0, 5])),
        lambda x: _torch().take_along_dim(x, long([5, 0, 5])), randn(2, 3)),
    row("take_along_axis", lambda x: mg.take_along_axis(x, IDX.T[:3], axis=0),
        lambda x: _torch().take_along_dim(x, long(IDX.T[:3]), dim=0), randn(3, 2)),
    row("put_along_axis (scatter)", lambda x, v: mg.put_along_axis(x, SCATTER, v, axis=1),
        lambda x, v: _torch().scatter(x, 1, long(SCATTER), v), randn(2, 3), randn(2, 2)),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_movement_matches_pytorch(row):
    check_row(row)

"""Forward mode against PyTorch's ``torch.func.jvp`` and ``torch.func.jacfwd``.

A table of representative ops and of composed functions; each row is computed
with ``mg.jvp`` / ``mg.jacfwd`` and with torch.func in float64 at random inputs
and tangents.  Skips without torch (optional_tools).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg


@dataclass
class Row:
    name: str
    ours: object
    theirs: object
    shapes: tuple
    positive: bool = False

    def __str__(self):
        return self.name


def _mlp(w1, w2, x, lib):
    h = lib.tanh(x @ w1)
    return lib.log(lib.exp(h @ w2).sum(-1))


ROWS = [
    Row("tanh", mg.tanh, lambda t, x: t.tanh(x), ((3, 4),)),
    Row("mul broadcast", lambda a, b: a * b, lambda t, a, b: a * b, ((3, 4), (4,))),
    Row("div", lambda a, b: a / b, lambda t, a, b: a / b, ((3,), (3,)), positive=True),
    Row("pow", lambda a, b: a ** b, lambda t, a, b: a ** b, ((2, 3), (3,)), positive=True),
    Row("matmul", mg.matmul, lambda t, a, b: a @ b, ((2, 3, 4), (4, 5))),
    Row("matvec", mg.matmul, lambda t, a, b: a @ b, ((3, 4), (4,))),
    Row("sum axis", lambda x: mg.sum(x, axis=1), lambda t, x: x.sum(1), ((3, 4, 2),)),
    Row("max axis", lambda x: mg.max(x, dim=0).values, lambda t, x: x.max(0).values, ((4, 3),)),
    Row("transpose", lambda x: mg.transpose(x, 0, 2), lambda t, x: x.transpose(0, 2),
        ((2, 3, 4),)),
    Row("getitem", lambda x: x[1:, ::2], lambda t, x: x[1:, ::2], ((3, 4),)),
    Row("maximum", mg.maximum, lambda t, a, b: t.maximum(a, b), ((5,), (5,))),
    Row("where", lambda a, b: mg.where(a > 0, a, b), lambda t, a, b: t.where(a > 0, a, b),
        ((6,), (6,))),
    Row("concatenate", lambda a, b: mg.cat([a, b], dim=1), lambda t, a, b: t.cat([a, b], 1),
        ((2, 3), (2, 2))),
    Row("softmax", lambda x: mg.softmax(x, dim=-1), lambda t, x: t.softmax(x, -1), ((3, 4),)),
    Row("logsumexp", lambda x: mg.logsumexp(x, dim=1), lambda t, x: t.logsumexp(x, 1),
        ((3, 4),)),
    Row("sqrt of log", lambda x: mg.sqrt(mg.log(x + 1.0)), lambda t, x: (x + 1.0).log().sqrt(),
        ((4,),), positive=True),
    Row("mlp", lambda w1, w2, x: _mlp(w1, w2, x, mg),
        lambda t, w1, w2, x: _mlp(w1, w2, x, t), ((3, 5), (5, 2), (4, 3))),
    Row("chain", lambda x: mg.tanh(mg.tanh(x * 0.9 + 0.1) * 1.1 - 0.2).sum(),
        lambda t, x: t.tanh(t.tanh(x * 0.9 + 0.1) * 1.1 - 0.2).sum(), ((4,),)),
    Row("mse", lambda w, x: ((mg.matmul(x, w) - 1.0) ** 2).mean(),
        lambda t, w, x: ((x @ w - 1.0) ** 2).mean(), ((3,), (5, 3))),
]


def _inputs(row, rng):
    draw = (lambda s: rng.uniform(0.3, 2.0, s)) if row.positive else rng.standard_normal
    return [draw(s) for s in row.shapes], [rng.standard_normal(s) for s in row.shapes]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_jvp_matches_torch_func_jvp(row):
    torch = require_module("torch")
    rng = np.random.default_rng(len(row.name))
    xs, ts = _inputs(row, rng)
    out, tangent = mg.jvp(row.ours, tuple(xs), tuple(ts))
    t_out, t_tangent = torch.func.jvp(
        lambda *a: row.theirs(torch, *a), tuple(torch.tensor(x) for x in xs),
        tuple(torch.tensor(t) for t in ts))
    np.testing.assert_allclose(out, t_out.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tangent, t_tangent.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_jacfwd_matches_torch_func_jacfwd(row):
    torch = require_module("torch")
    rng = np.random.default_rng(len(row.name) + 1)
    xs, _ = _inputs(row, rng)
    nums = tuple(range(len(xs)))
    ours = mg.jacfwd(row.ours, argnums=nums)(*xs)
    theirs = torch.func.jacfwd(lambda *a: row.theirs(torch, *a), argnums=nums)(
        *[torch.tensor(x) for x in xs])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b.numpy(), rtol=1e-9, atol=1e-11)


def test_forward_over_reverse_hessian_matches_torch():
    torch = require_module("torch")
    x = np.random.default_rng(3).standard_normal(4)

    def ours(x):
        return (mg.tanh(x) ** 3).sum() + mg.logsumexp(x * x, dim=0)

    def theirs(x):
        return (x.tanh() ** 3).sum() + torch.logsumexp(x * x, 0)
    expected = torch.func.jacfwd(torch.func.jacrev(theirs))(torch.tensor(x)).numpy()
    np.testing.assert_allclose(mg.hessian(ours, mode="forward")(x), expected, rtol=1e-10)
    np.testing.assert_allclose(mg.jacfwd(mg.jacrev(ours))(x), expected, rtol=1e-10)

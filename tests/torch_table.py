"""The table-driven PyTorch oracle of the NumPy-surface ops (issue 14).

Each area's test module (``tests/core/test_torch_table_<area>.py``) lists rows
``Row(name, ours, theirs, inputs, smooth=True)``: ``ours(*tensors)`` with
minigrad, ``theirs(*tensors)`` with torch, and the float64 input arrays.
``check_row`` compares with PyTorch, in float64:

* the value (several results, as ``slogdet`` gives, are compared one by one);
* the gradient of ``sum(w * out)`` for a random ``w`` with respect to every input;
* for a smooth op, the Hessian-vector product of that scalar along a random
  direction (minigrad's double backward against torch's; zero for a linear op,
  whose gradient torch leaves out of the graph).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from optional_tools import require_module

import minigrad as mg


@dataclass
class Row:
    name: str
    ours: object
    theirs: object
    inputs: tuple
    smooth: bool = True

    def __str__(self):
        return self.name


def _parts(out):
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _floating(parts, data):
    return [p for p in parts if np.asarray(data(p)).dtype.kind == "f"]


def check_row(row, seed=0, rtol=1e-9, atol=1e-10):
    torch = require_module("torch")
    rng = np.random.default_rng(seed)
    ours = _floating(_parts(row.ours(*[mg.tensor(a) for a in row.inputs])), lambda t: t.data)
    theirs = _floating(_parts(row.theirs(*[torch.tensor(a) for a in row.inputs])),
                       lambda t: t.detach().numpy())
    assert len(ours) == len(theirs), f"{row.name}: {len(ours)} results, torch {len(theirs)}"
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=rtol, atol=atol,
                                   err_msg=f"{row.name}: value")
    weights = [rng.standard_normal(np.shape(a.data)) for a in ours]
    direction = [rng.standard_normal(np.shape(a)) for a in row.inputs]

    def our_scalar(*xs):
        outs = _floating(_parts(row.ours(*xs)), lambda t: t.data)
        return sum(mg.sum(o * w) for o, w in zip(outs, weights))

    xs = [torch.tensor(a, requires_grad=True) for a in row.inputs]
    outs = _floating(_parts(row.theirs(*xs)), lambda t: t.detach().numpy())
    scalar = sum((o * torch.tensor(w)).sum() for o, w in zip(outs, weights))
    grads = torch.autograd.grad(scalar, xs, create_graph=row.smooth, allow_unused=True)
    ts = [mg.tensor(a, requires_grad=True) for a in row.inputs]
    our_scalar(*ts).backward()
    for i, (t, g) in enumerate(zip(ts, grads)):
        expected = np.zeros(t.shape) if g is None else g.detach().numpy()
        got = np.zeros(t.shape) if t.grad is None else t.grad
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol,
                                   err_msg=f"{row.name}: gradient of input {i}")
    if not row.smooth:
        return
    dot = sum((g * torch.tensor(v)).sum() for g, v in zip(grads, direction) if g is not None)
    if not getattr(dot, "requires_grad", False):   # a linear op: the gradient is constant
        theirs_hvp = [None] * len(xs)
    else:
        theirs_hvp = torch.autograd.grad(dot, xs, allow_unused=True)
    ts = [mg.tensor(a, requires_grad=True) for a in row.inputs]
    first = mg.autograd.grad(our_scalar(*ts), ts, create_graph=True, allow_unused=True,
                             materialize_grads=True)
    second = sum(mg.sum(g * v) for g, v in zip(first, direction))
    if isinstance(second, mg.Tensor) and second.requires_grad:
        second.backward()          # else a linear op: its gradient is a constant
    for i, (t, h) in enumerate(zip(ts, theirs_hvp)):
        expected = np.zeros(t.shape) if h is None else h.detach().numpy()
        got = np.zeros(t.shape) if t.grad is None else t.grad
        np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8,
                                   err_msg=f"{row.name}: Hessian-vector product, input {i}")

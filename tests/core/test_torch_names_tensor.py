"""The Tensor and top-level names minigrad shares with PyTorch, against PyTorch.

Each row is one line of code, run as it is on a minigrad tensor (with
``L = mg``) and on a PyTorch float64 tensor (with ``L = torch``): the values,
the dtypes, the shapes, the indices of ``max(dim)`` and the gradient of a
weighted sum of the output must agree.  Skipped without torch;
``test_torch_names_by_hand.py`` checks the same names against hand-computed values.
"""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")

RNG = np.random.default_rng(10)
X3 = RNG.normal(size=(2, 3, 4))          # distinct values: no ties in max, argmax
X2 = RNG.normal(size=(3, 4))
X1 = RNG.normal(size=(5,))
XS = RNG.normal(size=(2, 1, 3, 1))        # dims of size 1 for squeeze

F32 = {mg: np.float32, torch: torch.float32}

ROWS = [
    # reductions: dim=/keepdim=, ints, tuples, lists, positional
    (X3, lambda x, L: x.sum(dim=1)),
    (X3, lambda x, L: x.sum(dim=(0, 2), keepdim=True)),
    (X3, lambda x, L: x.sum(1, True)),
    (X3, lambda x, L: x.sum([0, 1])),
    (X3, lambda x, L: L.sum(x, dim=-1)),
    (X3, lambda x, L: x.sum(dim=())),                 # an empty dim: every dim (PyTorch)
    (X3, lambda x, L: L.amax(x, dim=[], keepdim=True)),
    (X3, lambda x, L: x.mean(dim=())),
    (X3, lambda x, L: x.mean(dim=-1, keepdim=True)),
    (X3, lambda x, L: L.mean(x, dim=(0, 1))),
    (X3, lambda x, L: x.max()),
    (X3, lambda x, L: x.max(dim=1)),
    (X3, lambda x, L: x.max(1, keepdim=True)),
    (X3, lambda x, L: x.max(-1)),
    (X3, lambda x, L: L.max(x, 0)),
    (X3, lambda x, L: L.max(x, dim=2, keepdim=True)),
    (X3, lambda x, L: x.max(L.tanh(x) * 2.0)),
    (X3, lambda x, L: x.min()),
    (X3, lambda x, L: x.min(dim=0)),
    (X3, lambda x, L: L.min(x, 2, keepdim=True)),
    (X3, lambda x, L: x.min(L.sin(x))),
    (X1, lambda x, L: x.max(0)),
    (X3, lambda x, L: x.amax(dim=(0, 1))),
    (X3, lambda x, L: L.amin(x, dim=1, keepdim=True)),
    (X3, lambda x, L: x.argmax()),
    (X3, lambda x, L: x.argmax(dim=1)),
    (X3, lambda x, L: x.argmax(dim=1, keepdim=True)),
    (X3, lambda x, L: x.argmin(0)),
    (X3, lambda x, L: L.argmax(x, dim=-1)),
    (X3, lambda x, L: L.argmin(x)),
    (X3, lambda x, L: x.logsumexp(dim=1)),
    (X3, lambda x, L: L.logsumexp(x, dim=(0, 2), keepdim=True)),
    (X3, lambda x, L: x.softmax(dim=1)),
    (X3, lambda x, L: x.log_softmax(dim=0)),
    (X3, lambda x, L: L.softmax(x, dim=-1)),
    (X3, lambda x, L: L.log_softmax(x, dim=1)),
    (X3, lambda x, L: x.var()),
    (X3, lambda x, L: x.var(dim=1)),
    (X3, lambda x, L: x.var(1, keepdim=True)),
    (X3, lambda x, L: x.var(dim=(0, 2), correction=0)),
    (X3, lambda x, L: x.var(unbiased=False)),
    (X3, lambda x, L: x.var(False)),
    (X3, lambda x, L: x.var(2, True, True)),
    (X3, lambda x, L: x.std()),
    (X3, lambda x, L: x.std(dim=0)),
    (X3, lambda x, L: x.std(-1, keepdim=True, correction=0)),
    (X3, lambda x, L: L.var(x, dim=1, correction=1)),
    (X3, lambda x, L: L.std(x, dim=(0, 1), correction=0, keepdim=True)),
    # shapes
    (X3, lambda x, L: x.view(6, 4)),
    (X3, lambda x, L: x.view(-1)),
    (X3, lambda x, L: x.view((4, 6))),
    (X3, lambda x, L: x.reshape(4, -1)),
    (X3, lambda x, L: x.unsqueeze(0)),
    (X3, lambda x, L: x.unsqueeze(-1)),
    (X3, lambda x, L: L.unsqueeze(x, 2)),
    (XS, lambda x, L: x.squeeze()),
    (XS, lambda x, L: x.squeeze(1)),
    (XS, lambda x, L: x.squeeze(0)),          # size 2: left alone
    (XS, lambda x, L: x.squeeze((1, 3))),
    (XS, lambda x, L: x.squeeze((0, -1))),
    (XS, lambda x, L: L.squeeze(x, -1)),
    (XS, lambda x, L: L.squeeze(x, dim=1)),
    (X3, lambda x, L: x.flatten()),
    (X3, lambda x, L: x.flatten(1)),
    (X3, lambda x, L: x.flatten(0, 1)),
    (X3, lambda x, L: x.flatten(-2, -1)),
    (X3, lambda x, L: L.flatten(x, start_dim=1)),
    (X3, lambda x, L: x.permute(2, 0, 1)),
    (X3, lambda x, L: x.permute((1, 2, 0))),
    (X3, lambda x, L: L.permute(x, (2, 1, 0))),
    (X3, lambda x, L: x.transpose(0, 1)),
    (X3, lambda x, L: x.transpose(-1, 0)),
    (X3, lambda x, L: L.transpose(x, 0, 2)),
    (X3, lambda x, L: x.swapaxes(0, 2)),
    (X3, lambda x, L: x.swapdims(1, 2)),
    (X2, lambda x, L: x.transpose(1, 0)),
    (X2, lambda x, L: x.t()),
    (X2, lambda x, L: L.t(x)),
    (X1, lambda x, L: x.t()),
    (X3, lambda x, L: x.mT),
    (X2, lambda x, L: x.mT @ x),
    (X3, lambda x, L: L.cat([x, x * 2.0], dim=1)),
    (X3, lambda x, L: L.cat((x, x), 0)),
    (X3, lambda x, L: L.cat([x, x[:, :1]], dim=1)),
    (X3, lambda x, L: L.stack([x, x * 2.0], dim=2)),
    (X3, lambda x, L: L.stack((x, x), -1)),
    (X3, lambda x, L: L.stack([x, x])),
    # elementwise and casts
    (X3, lambda x, L: x.clamp(min=-0.5, max=0.5)),
    (X3, lambda x, L: x.clamp(min=0.1)),
    (X3, lambda x, L: x.clamp(max=-0.1)),
    (X3, lambda x, L: x.clip(-0.5, 0.5)),
    (X3, lambda x, L: L.clamp(x, -1.0, 1.0)),
    (X3, lambda x, L: L.clip(x, min=0.0)),
    (X3, lambda x, L: x.clamp(min=L.tanh(x[0]) * 0.3, max=L.cos(x[1]))),
    (X3, lambda x, L: x.clamp(min=L.sin(x[0]), max=-L.sin(x[0]))),     # min > max somewhere
    (X3, lambda x, L: x.clone() * x),
    (X3, lambda x, L: L.clone(x)),
    (X3, lambda x, L: x.float() * 3.0),
    (X3, lambda x, L: x.float().double()),
    (X3, lambda x, L: x.to(F32[L])),
    (X3, lambda x, L: x.to("cpu", F32[L])),
    (X3, lambda x, L: x.to(dtype=F32[L]) * x.to(x.float())),
    (X3, lambda x, L: x.type_as(x.float())),
    (X3, lambda x, L: x.long()),
    (X3, lambda x, L: (x * 3).long() + x.argmax(dim=0)),
    # indexing: an integer and an index array apart (PyTorch's axis order)
    (X3, lambda x, L: x[0, :, [1, 1, 2]]),
    (X3, lambda x, L: x[:, 0, [1, 2]]),
    (X3, lambda x, L: x[[0, 1], :, 1]),
    (X3, lambda x, L: x[0, None, [1, 2]]),
    (X3, lambda x, L: x[..., 0, [1, 2]]),
    (X3, lambda x, L: x[1, 1:, [[0], [2]]]),
    (X3, lambda x, L: x[1, ::2, [3, 0]]),
    (X3, lambda x, L: x[0, [True, False, True], 2]),
    (X3, lambda x, L: x[[1, 0], :, [2, 3]]),
]


def _numpy(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.data


def _differentiable(t):
    return isinstance(t, (mg.Tensor, torch.Tensor)) and t.requires_grad


def _parts(out):
    """(values, indices or None) of an output: a tensor or a (values, indices) tuple."""
    if isinstance(out, tuple):
        return out.values, out.indices
    return out, None


@pytest.mark.parametrize("x, line", ROWS, ids=[f"row{i}" for i in range(len(ROWS))])
def test_same_line_same_result(x, line):
    xm = mg.tensor(x, requires_grad=True)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out_m, out_t = line(xm, mg), line(xt, torch)
    assert isinstance(out_m, tuple) == isinstance(out_t, tuple)
    if isinstance(out_t, tuple):
        assert type(out_m).__name__ == type(out_t).__name__          # "max" / "min"
        assert out_m._fields == ("values", "indices")
    (vm, im), (vt, it) = _parts(out_m), _parts(out_t)
    assert vm.shape == tuple(vt.shape)
    assert _numpy(vm).dtype == _numpy(vt).dtype
    np.testing.assert_allclose(_numpy(vm), _numpy(vt), rtol=1e-12, atol=1e-14)
    if it is not None:
        np.testing.assert_array_equal(im.data, it.numpy())
        assert im.dtype == np.int64 and not im.requires_grad
    assert _differentiable(vm) == _differentiable(vt)
    if _differentiable(vt):
        w = RNG.normal(size=vt.shape)
        (vm * w.astype(_numpy(vm).dtype)).sum().backward()
        (vt * torch.from_numpy(w).to(vt.dtype)).sum().backward()
        assert xm.grad.dtype == np.float64
        np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-6 if
                                   _numpy(vm).dtype == np.float32 else 1e-12, atol=1e-14)


def _random_index(rng, shape):
    """Integers, slices (steps 1 and 2: PyTorch takes no negative step), index
    lists, None and at most one Ellipsis, in a random order."""
    count = int(rng.integers(1, len(shape) + 1))
    ellipsis = bool(rng.integers(0, 2)) and count < len(shape)
    split = int(rng.integers(0, count + 1)) if ellipsis else count
    sizes = list(shape[:split]) + list(shape[len(shape) - (count - split):])
    items = []
    for n in sizes:
        kind = rng.choice(["int", "slice", "list"])
        if kind == "int":
            items.append(int(rng.integers(-n, n)))
        elif kind == "slice":
            items.append(slice(int(rng.integers(0, n)), None, int(rng.choice([1, 2]))))
        else:
            items.append([int(i) for i in rng.integers(-n, n, size=2)])
    if ellipsis:
        items.insert(split, Ellipsis)
    for _ in range(int(rng.integers(0, 2))):
        items.insert(int(rng.integers(0, len(items) + 1)), None)
    return tuple(items)


def test_random_mixed_indices_match_pytorch():
    # The shape, the values and the gradient (repeats add up) agree with PyTorch's.
    x = RNG.normal(size=(3, 4, 5, 2))
    rng = np.random.default_rng(1)
    for _ in range(400):
        index = _random_index(rng, x.shape)
        xm = mg.tensor(x, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        out_m, out_t = xm[index], xt[index]
        assert out_m.shape == tuple(out_t.shape), index
        np.testing.assert_array_equal(out_m.data, out_t.detach().numpy())
        w = rng.normal(size=out_m.shape)
        (out_m * w).sum().backward()
        (out_t * torch.from_numpy(w)).sum().backward()
        np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-14)

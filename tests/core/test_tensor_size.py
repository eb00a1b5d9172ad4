"""Tensor.size(dim=None) and numel() with PyTorch's meaning (issue 10), and the
Python protocols of tensors checked against torch one by one: item, tolist,
float/int/index, format, iter, len, NumPy's asarray."""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg


def test_size_is_the_shape_and_numel_the_count():
    x = mg.zeros(2, 3, 4)
    assert x.size() == (2, 3, 4) and isinstance(x.size(), tuple)
    assert (x.size(0), x.size(2), x.size(-1), x.size(dim=-3)) == (2, 4, 4, 2)
    assert x.size(np.int64(1)) == 3
    assert x.numel() == 24 and mg.tensor(1.0).numel() == 1 and mg.zeros(0, 3).numel() == 0
    assert mg.tensor(2.0).size() == ()
    # The count NumPy calls size is numel(); the array itself keeps NumPy's .size.
    assert x.data.size == x.numel()


@pytest.mark.parametrize("dim", [3, -4, 10])
def test_size_of_a_dim_out_of_range(dim):
    with pytest.raises(mg.IndexingError, match=r"size\(dim=.*shape \(2, 3, 4\).*\[-3, 2\]"):
        mg.zeros(2, 3, 4).size(dim)


def test_size_of_a_dim_of_a_0d_tensor_and_non_int_dims():
    with pytest.raises(IndexError, match="0-d tensor has no dimensions"):
        mg.tensor(1.0).size(0)
    for dim in (1.0, "0", True, (0,)):
        with pytest.raises(TypeError, match="dim must be an int"):
            mg.zeros(2).size(dim)


def test_code_that_counts_elements_uses_numel():
    # These read the element count of tensors: they broke silently when .size
    # became the shape (a bound method compares unequal to every int).
    assert mg.nn.Linear(3, 2).num_parameters() == 8
    with pytest.raises(mg.ShapeError, match="Reshape the target"):
        mg.losses.mse_loss(mg.zeros(4, 1), mg.zeros(4))
    with pytest.raises(ValueError, match="the loss must be one number"):
        model = mg.nn.Linear(1, 1)
        mg.fit(model, lambda pred, y: pred - y, (np.ones((4, 1)), np.ones((4, 1))),
               mg.optim.SGD(model.parameters(), lr=0.1), 1, progress=False)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = mg.concatenate([x, x * 2], axis=None)
    y.sum().backward(create_graph=True)
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


# ------------------------------------------------- the protocols, against torch
@pytest.fixture(scope="module")
def torch():
    return require_module("torch")


VALUES = [2.5, -1.75, [[1.5]], [3.0], [[1.0, 2.0], [3.0, 4.0]], [], 0.0]


def _pair(torch, value, dtype="float64"):
    return (mg.tensor(value, dtype=getattr(np, dtype)),
            torch.tensor(value, dtype=getattr(torch, dtype)))


def _outcome(fn, t):
    try:
        return "ok", fn(t)
    except Exception as exc:     # the kind of failure must match, not the words
        return "error", next(k for k in (TypeError, IndexError, ValueError, RuntimeError)
                             if isinstance(exc, k))


PROTOCOLS = {
    "size()": lambda t: tuple(t.size()),
    "size(-1)": lambda t: t.size(-1),
    "size(0)": lambda t: t.size(0),
    "numel": lambda t: t.numel(),
    "len": len,
    "tolist": lambda t: t.tolist(),
    "item": lambda t: t.item(),
    "float": float,
    "int": int,
    "format .3f": lambda t: f"{t:.3f}" if t.ndim == 0 else "skipped",
    "format empty 0-d": lambda t: f"{t}" if t.ndim == 0 else "skipped",
    "iter": lambda t: [r.tolist() for r in t],
    "isfinite": math.isfinite,
    "asarray": lambda t: np.asarray(t.detach() if hasattr(t, "detach") else t).tolist(),
}


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
@pytest.mark.parametrize("value", VALUES, ids=str)
def test_protocols_agree_with_torch(torch, name, value):
    ours, theirs = _pair(torch, value)
    fn = PROTOCOLS[name]
    mine, expected = _outcome(fn, ours), _outcome(fn, theirs)
    if expected[0] == "error":
        assert mine[0] == "error", (name, value, mine)
        # minigrad's ShapeError is a ValueError where torch raises RuntimeError
        # for "only one element tensors can be converted"; the rest match.
        if expected[1] is not RuntimeError:
            assert mine[1] is expected[1], (name, value, mine, expected)
    else:
        assert mine == expected, (name, value)


@pytest.mark.parametrize("value", [2, [1], -3, [[0]]])
def test_integer_protocols_agree_with_torch(torch, value):
    ours, theirs = _pair(torch, value, "int64")
    assert operator.index(ours) == operator.index(theirs)
    assert [10, 20, 30, 40][ours] == [10, 20, 30, 40][theirs]
    assert int(ours) == int(theirs) and float(ours) == float(theirs)
    assert ours.item() == theirs.item() and type(ours.item()) is type(theirs.item())
    assert ours.tolist() == theirs.tolist()


def test_index_of_a_float_tensor_is_refused_as_by_torch(torch):
    for t in (mg.tensor(1.0), torch.tensor(1.0)):
        with pytest.raises(TypeError):
            operator.index(t)


def test_item_of_several_elements_names_the_shape():
    with pytest.raises(mg.ShapeError, match=r"item\(\) got a tensor of shape \(2,\)"):
        mg.tensor([1.0, 2.0]).item()

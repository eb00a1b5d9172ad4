"""PyTorch's small everyday names: mm, numel, is_tensor, from_numpy, concat, randperm,
empty_like, x.pow/dim/cpu/device, comparison methods, isnan/isfinite/isinf,
set_grad_enabled and inference_mode, and PyTorch's dtype names."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

X = np.array([[1.0, -2.0, np.nan], [0.5, np.inf, 3.0]])


@pytest.mark.parametrize("line", [
    "x.pow(2)", "x.eq(y)", "x.ne(y)", "x.lt(y)", "x.le(y)", "x.gt(y)", "x.ge(y)",
    "x.isnan()", "x.isfinite()", "x.isinf()", "x.dim()", "x.numel()",
    "lib.numel(x)", "lib.is_tensor(x)", "lib.is_tensor(1.0)", "lib.concat([x, y], dim=1)",
    "lib.mm(y, y.T)", "x.cpu()", "str(x.device)",
])
def test_small_names_match_torch(line):
    torch = require_module("torch")
    y = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, 3.0]])
    ours = eval(line, {"lib": mg, "x": mg.tensor(X), "y": mg.tensor(y)})
    theirs = eval(line, {"lib": torch, "x": torch.tensor(X), "y": torch.tensor(y)})
    if isinstance(theirs, torch.Tensor):
        np.testing.assert_array_equal(np.asarray(ours.data), theirs.numpy())
        assert np.asarray(ours.data).dtype == theirs.numpy().dtype
    else:
        assert ours == theirs


def test_pow_method_stays_in_the_graph():
    x = mg.tensor([1.0, 3.0], requires_grad=True)
    x.pow(3).sum().backward()
    np.testing.assert_allclose(x.grad, [3.0, 27.0])


def test_mm_refuses_what_is_not_a_matrix():
    with pytest.raises(ValueError, match="matrices.*mg.matmul"):
        mg.mm(mg.ones(3), mg.ones(3))


def test_from_numpy_shares_memory_and_dtype():
    a = np.arange(4.0, dtype=np.float32)
    t = mg.from_numpy(a)
    a[0] = 7.0
    assert t.dtype == np.float32 and t.data[0] == 7.0
    assert mg.from_numpy(np.array(2.0)).shape == ()
    with pytest.raises(TypeError, match="ndarray"):
        mg.from_numpy([1.0])


def test_randperm_and_empty_like():
    p = mg.randperm(6, generator=0)
    assert p.dtype == np.int64 and sorted(p.tolist()) == list(range(6))
    mg.manual_seed(3)
    first = mg.randperm(6).tolist()
    mg.manual_seed(3)
    assert mg.randperm(6).tolist() == first            # the package generator, seeded
    e = mg.empty_like(mg.ones(2, 3, dtype=mg.float32))
    assert e.shape == (2, 3) and e.dtype == np.float32


def test_set_grad_enabled_as_call_and_context():
    x = mg.tensor(1.0, requires_grad=True)
    with mg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert mg.is_grad_enabled()
    mg.set_grad_enabled(False)                   # a plain call switches at once
    try:
        assert not (x * 2).requires_grad
    finally:
        mg.set_grad_enabled(True)
    assert (x * 2).requires_grad

    @mg.set_grad_enabled(False)
    def f(t):
        return (t * 2).requires_grad
    mg.set_grad_enabled(True)                    # decorating switched it, as in torch
    assert f(x) is False and mg.is_grad_enabled()


def test_inference_mode_is_no_grad():
    x = mg.tensor(1.0, requires_grad=True)
    with mg.inference_mode():
        assert not (x * 2).requires_grad
    with mg.inference_mode(False):
        assert (x * 2).requires_grad

    @mg.inference_mode
    def f(t):
        return (t * 2).requires_grad

    @mg.inference_mode()
    def g(t):
        return (t * 2).requires_grad
    assert f(x) is False and g(x) is False and mg.is_grad_enabled()


def test_dtype_names_mean_what_torch_means():
    torch = require_module("torch")
    for name in ["float32", "float64", "float", "double", "int8", "int16", "int32", "int64",
                 "int", "long", "uint8", "bool"]:
        ours = np.dtype(getattr(mg, name))
        theirs = torch.zeros(1, dtype=getattr(torch, name)).numpy().dtype
        assert ours == theirs, name


def test_dtype_names_by_hand():
    assert mg.long is np.int64 and mg.float is np.float32 and mg.double is np.float64
    assert mg.int is np.int32 and mg.bool is np.bool_
    assert mg.tensor([1, 2], dtype=mg.long).dtype == np.int64

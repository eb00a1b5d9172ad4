"""mg.set_default_dtype / mg.get_default_dtype with PyTorch's meaning (issue 10):
the dtype of Python floats given to mg.tensor, of the creation functions and
of new layers' parameters; float64 stays minigrad's default."""

from __future__ import annotations

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg


@pytest.fixture(autouse=True)
def restore_default():
    yield
    mg.set_default_dtype(mg.float64)


def test_float64_is_the_default():
    assert mg.get_default_dtype() is mg.float64
    assert mg.tensor(1.0).dtype == np.float64 and mg.zeros(2).dtype == np.float64
    assert repr(mg.tensor([1.0])) == "tensor([1.])"
    assert repr(mg.tensor([1.0], dtype=np.float32)) == "tensor([1.], dtype=float32)"


@pytest.mark.parametrize("name", ["float32", "float64"])
def test_every_spelling_of_the_two_float_dtypes(name):
    for spelling in (getattr(mg, name), getattr(np, name), np.dtype(name), name):
        mg.set_default_dtype(spelling)
        assert mg.get_default_dtype() is getattr(mg, name)
        assert mg.tensor(0.5).dtype == np.dtype(name)


def test_python_floats_take_the_default_and_integers_stay_integers():
    mg.set_default_dtype(mg.float32)
    for data in (1.5, [1.0, 2.0], [[1.0], [2.5]], [1, 2.5]):
        assert mg.tensor(data).dtype == np.float32, data
    for data in (3, [1, 2], range(3)):                     # as torch.tensor: int64
        assert mg.tensor(data).dtype == np.int64, data
    assert mg.tensor([True, False]).dtype == np.bool_
    assert mg.tensor(np.arange(3, dtype=np.int32)).dtype == np.int32   # arrays keep theirs
    assert mg.tensor([mg.tensor(1.0), 2.0]).dtype == np.float32


def test_numpy_float_data_and_explicit_dtypes_keep_theirs():
    mg.set_default_dtype(mg.float32)
    assert mg.tensor(np.array([1.0])).dtype == np.float64   # torch.tensor(ndarray) too
    assert mg.tensor(np.float64(1.0)).dtype == np.float64
    assert mg.tensor(mg.tensor(np.ones(2))).dtype == np.float64
    assert mg.tensor(1.0, dtype=np.float64).dtype == np.float64
    assert mg.tensor([1, 2], dtype=np.int64).dtype == np.int64
    mg.set_default_dtype(mg.float64)
    assert mg.tensor(np.ones(2, dtype=np.float32)).dtype == np.float32


def test_creation_functions_take_the_default():
    mg.set_default_dtype(mg.float32)
    made = [mg.zeros(2), mg.ones(2, 3), mg.full((2,), 7.0), mg.empty(2), mg.eye(2),
            mg.arange(3.0), mg.arange(0.0, 1.0, 0.25), mg.linspace(0, 1, 5), mg.rand(2),
            mg.randn(2), mg.rand_like([1.0, 2.0]), mg.zeros_like([1.0])]
    assert [t.dtype for t in made] == [np.float32] * len(made)
    assert mg.randint(3, (4,)).dtype == np.int64
    assert mg.zeros_like(mg.zeros(2, dtype=mg.float64)).dtype == np.float64
    assert mg.zeros(2, dtype=mg.float64).dtype == np.float64


def test_new_parameters_and_layers_take_the_default():
    mg.set_default_dtype(mg.float32)
    assert mg.nn.Parameter(2.0).dtype == np.float32
    layer = mg.nn.Linear(3, 2)
    assert layer.weight.dtype == layer.bias.dtype == np.float32
    assert {p.dtype for p in mg.nn.MLP([2, 4, 1]).parameters()} == {np.dtype(np.float32)}
    assert mg.nn.Linear(3, 2, dtype=mg.float64).weight.dtype == np.float64
    y = layer(mg.ones(5, 3))
    y.sum().backward()
    assert y.dtype == np.float32 and layer.weight.grad.dtype == np.float32


def test_arithmetic_with_python_numbers_keeps_the_default():
    mg.set_default_dtype(mg.float32)
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.5 + [1.0, 1.0]) ** 2
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_the_repr_leaves_out_the_default_as_torch_does():
    mg.set_default_dtype(mg.float32)
    assert repr(mg.tensor([1.0])) == "tensor([1.])"
    assert repr(mg.tensor(np.ones(1))) == "tensor([1.], dtype=float64)"


@pytest.mark.parametrize("bad", [np.int64, "float16", np.complex128, None, "bogus", object])
def test_only_float32_and_float64(bad):
    with pytest.raises(mg.DTypeError, match="only mg.float32 and mg.float64"):
        mg.set_default_dtype(bad)
    assert mg.get_default_dtype() is mg.float64


def test_the_same_dtypes_as_torch():
    torch = require_module("torch")
    saved = torch.get_default_dtype()
    try:
        for mine, theirs in ((mg.float32, torch.float32), (mg.float64, torch.float64)):
            mg.set_default_dtype(mine)
            torch.set_default_dtype(theirs)
            pairs = [(mg.tensor(1.5), torch.tensor(1.5)),
                     (mg.tensor([[1.0, 2.0]]), torch.tensor([[1.0, 2.0]])),
                     (mg.zeros(2), torch.zeros(2)), (mg.ones(2), torch.ones(2)),
                     (mg.full((2,), 1.5), torch.full((2,), 1.5)),
                     (mg.rand(2), torch.rand(2)), (mg.randn(2), torch.randn(2)),
                     (mg.eye(2), torch.eye(2)), (mg.linspace(0, 1, 3), torch.linspace(0, 1, 3)),
                     (mg.arange(0.0, 1.0, 0.5), torch.arange(0.0, 1.0, 0.5)),
                     (mg.tensor(np.ones(2)), torch.tensor(np.ones(2))),
                     (mg.tensor(np.ones(2, np.float32)), torch.tensor(np.ones(2, np.float32)))]
            for ours, expected in pairs:
                assert ours.dtype == np.dtype(str(expected.dtype).removeprefix("torch.")), (
                    ours, expected)
            assert mg.get_default_dtype().__name__ == str(torch.get_default_dtype())[6:]
    finally:
        torch.set_default_dtype(saved)

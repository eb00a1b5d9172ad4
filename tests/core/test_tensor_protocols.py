"""Tensors in Python's and NumPy's protocols, with PyTorch's meanings (issue 9,
items 10 and 11): iteration yields rows that stay in the graph, one-element
tensors convert to numbers, NumPy gets the data, and a list of tensors makes
a float tensor."""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg


# ------------------------------------------------------------- 10. iteration
def test_list_of_a_tensor_gives_rows_in_the_graph():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    rows = list(x)
    assert len(rows) == 3
    assert all(r.op_name == "getitem" for r in rows)
    np.testing.assert_array_equal(rows[2].data, [5.0, 6.0])
    (rows[0] * 2 + rows[2]).sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 2.0], [0.0, 0.0], [1.0, 1.0]])


def test_for_loop_unpacking_and_builtin_sum():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    seen = [row.tolist() for row in x]
    assert seen == [[1.0, 2.0], [3.0, 4.0]]
    a, b = x
    np.testing.assert_array_equal((a - b).data, [-2.0, -2.0])
    total = sum(x)                     # 0 + row0 + row1: stays a tensor of the graph
    assert isinstance(total, mg.Tensor)
    np.testing.assert_array_equal(total.data, [4.0, 6.0])
    total.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 2)))


def test_unpacking_the_wrong_number_stops_cleanly():
    with pytest.raises(ValueError, match="too many values"):
        a, b = mg.tensor([1.0, 2.0, 3.0])


def test_a_0d_tensor_has_no_length_and_no_iteration():
    t = mg.tensor(2.0)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(t)
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(t)
    assert len(mg.tensor([[1.0], [2.0]])) == 2


def test_numpy_gets_the_data():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    arr = np.asarray(x)
    assert type(arr) is np.ndarray and arr.dtype == np.float64
    np.testing.assert_array_equal(arr, x.data)
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    copy = np.array(x, copy=True)
    copy[0, 0] = 9.0
    assert x.data[0, 0] == 1.0
    # Arithmetic with arrays still goes through minigrad (it stays in the graph).
    assert isinstance(np.ones(2) + x, mg.Tensor)


# ------------------------------------------------------------ 10. conversion
def test_one_element_tensors_convert_to_python_numbers():
    t = mg.tensor(2.56789)
    assert float(t) == 2.56789 and type(float(t)) is float
    assert int(t) == 2 and int(mg.tensor(-2.7)) == -2
    assert float(mg.tensor([[1.5]])) == 1.5
    assert complex(t) == 2.56789 + 0j
    assert round(t, 3) == 2.568 and round(t) == 3 and type(round(t)) is int
    assert math.isfinite(t) and not math.isfinite(mg.tensor(np.inf))
    assert math.floor(t) == 2 and math.ceil(t) == 3


def test_conversion_of_several_elements_is_a_shape_error():
    x = mg.tensor([1.0, 2.0])
    for convert in (float, int, round, math.isfinite):
        with pytest.raises(mg.ShapeError, match="only one-element tensors"):
            convert(x)


def test_format_of_one_element_tensors():
    t = mg.tensor(2.56789)
    assert f"{t:.4f}" == "2.5679"
    assert f"{mg.tensor([0.5]):.2e}" == "5.00e-01"
    assert f"{t}" == "2.56789"                         # a 0-d tensor: its number, as torch
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert f"{x}" == repr(x)
    assert f"loss {mg.tensor(0.125):>8.3f}" == "loss    0.125"
    with pytest.raises(TypeError, match="only one-element tensors take a format spec"):
        f"{x:.2f}"


def test_integer_one_element_tensors_are_indices():
    i = mg.tensor(2, dtype=np.int64)
    assert [10, 20, 30][i] == 30
    assert operator.index(mg.tensor([1], dtype=np.int64)) == 1
    assert list(range(5))[mg.tensor(1, dtype=np.int64):] == [1, 2, 3, 4]
    with pytest.raises(TypeError, match="integer tensors of a single element"):
        operator.index(mg.tensor(2.0))                  # float64, minigrad's default
    with pytest.raises(TypeError, match="integer tensors of a single element"):
        operator.index(mg.tensor([1, 2], dtype=np.int64))


def test_conversions_agree_with_pytorch():
    torch = require_module("torch")
    for value in (2.56789, -0.5, 3.0):
        ours, theirs = mg.tensor(value), torch.tensor(value, dtype=torch.float64)
        assert float(ours) == float(theirs) and int(ours) == int(theirs)
        assert f"{ours:.3f}" == f"{theirs:.3f}" and f"{ours}" == f"{theirs}"
        assert math.isfinite(ours) == math.isfinite(theirs)
    x = [[1.0, 2.0], [3.0, 4.0]]
    assert [r.tolist() for r in mg.tensor(x)] == [r.tolist() for r in torch.tensor(x)]
    for f in (len, iter):
        with pytest.raises(TypeError):
            f(torch.tensor(1.0))
        with pytest.raises(TypeError):
            f(mg.tensor(1.0))
    assert [0, 1, 2][mg.tensor(1, dtype=np.int64)] == [0, 1, 2][torch.tensor(1)]


# ------------------------------------------------ 11. lists holding tensors
def test_a_list_of_0d_tensors_is_a_float_tensor():
    t = mg.tensor([mg.tensor(1.0), mg.tensor(2.0)])
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, [1.0, 2.0])


def test_nested_lists_mixing_numbers_and_tensors():
    t = mg.tensor([[1, mg.tensor(2.0)], mg.tensor([3.0, 4.0])])
    assert t.dtype == np.float64 and t.shape == (2, 2)
    np.testing.assert_array_equal(t.data, [[1.0, 2.0], [3.0, 4.0]])
    f32 = mg.tensor([mg.tensor(np.float32(1.0)), mg.tensor(np.float32(2.0))])
    assert f32.dtype == np.float32
    # As torch.tensor does, the result is a new leaf (a copy of the values).
    w = mg.tensor(1.0, requires_grad=True)
    leaf = mg.tensor([w, w * 2])
    assert leaf.is_leaf and not leaf.requires_grad
    np.testing.assert_array_equal(leaf.data, [1.0, 2.0])


@pytest.mark.parametrize("data", [None, [1.0, None], [[None]]])
def test_none_is_refused_not_turned_into_nan(data):
    with pytest.raises(mg.DTypeError, match="None"):
        mg.tensor(data)

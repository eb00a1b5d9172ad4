"""Operands that used to give silent wrong answers or late crashes (issue 9):
NumPy scalars (item 9), Python lists (item 12), complex values in a graph
(item 8) and grad_outputs that do not match the outputs (item 7)."""

import numpy as np
import pytest

import minigrad as mg


# ------------------------------------------------ item 9: NumPy scalars
@pytest.mark.parametrize("scalar", [np.float64(2.0), np.sqrt(4.0), np.int64(2),
                                    np.float32(2.0)])
def test_a_numpy_scalar_keeps_float32(scalar):
    x = mg.tensor(np.array([1.0, 3.0], dtype=np.float32), requires_grad=True)
    for y, value, slope in [(x * scalar, [2.0, 6.0], [2.0, 2.0]),
                            (x / scalar, [0.5, 1.5], [0.5, 0.5]),
                            (scalar * x + scalar, [4.0, 8.0], [2.0, 2.0]),
                            (x ** scalar, [1.0, 9.0], [2.0, 6.0])]:
        assert y.dtype == np.float32
        np.testing.assert_allclose(y.data, value)
        x.grad = None
        y.sum().backward()
        assert x.grad.dtype == np.float32
        np.testing.assert_allclose(x.grad, slope)


def test_a_numpy_scalar_keeps_float32_in_second_derivatives():
    x = mg.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (g,) = mg.autograd.grad((x ** 3 * np.float64(0.5)).sum(), x, create_graph=True)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g.data, [1.5, 6.0])
    (h,) = mg.autograd.grad(g.sum(), x)
    assert h.dtype == np.float32
    np.testing.assert_allclose(h, [3.0, 6.0])


def test_a_float64_array_still_promotes():
    # Only scalars are weak; an array operand takes part in promotion, as in NumPy.
    x = mg.tensor(np.array([1.0], dtype=np.float32))
    assert (x * np.array([2.0])).dtype == np.float64


# ------------------------------------------------ item 12: lists as operands
def test_lists_as_operands_forward_and_backward():
    x = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x @ [1, 2, 3]
    np.testing.assert_allclose(y.data, [14.0, 32.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [[1.0, 2.0, 3.0]] * 2)

    v = mg.tensor([1.0, 2.0], requires_grad=True)
    z = [1.0, 2.0] @ mg.tensor([[1.0, 0.0], [0.0, 1.0]]) @ v.reshape(2, 1)
    z.sum().backward()
    np.testing.assert_allclose(v.grad, [1.0, 2.0])

    w = mg.tensor([2.0, 3.0, 4.0], requires_grad=True)
    p = w ** [2, 3, 1]
    np.testing.assert_allclose(p.data, [4.0, 27.0, 4.0])
    p.sum().backward()
    np.testing.assert_allclose(w.grad, [4.0, 27.0, 1.0])


def test_list_and_tuple_operands_broadcast_and_get_gradients_back():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = (x + [1, 2]) * (10.0, 20.0) - [[1], [2]]
    assert y.dtype == np.float64
    np.testing.assert_allclose(y.data, [[19.0, 79.0], [38.0, 118.0]])
    y.sum().backward()
    np.testing.assert_allclose(x.grad, [[10.0, 20.0], [10.0, 20.0]])
    # A list is what mg.tensor makes of it (float64), not a scalar: it promotes.
    assert (mg.tensor([1.0], dtype=np.float32) + [1, 2]).dtype == np.float64


def test_a_list_as_exponent_base():
    y = mg.tensor([1.0, 2.0], requires_grad=True)
    z = [2, 3] ** y
    np.testing.assert_allclose(z.data, [2.0, 9.0])
    z.sum().backward()
    np.testing.assert_allclose(y.grad, [2 * np.log(2), 9 * np.log(3)])


# ------------------------------------------------ item 8: complex values
def test_complex_values_in_a_graph_are_refused_at_the_forward():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(mg.DTypeError, match="mul.*complex"):
        x * mg.tensor([1j, 1j])
    with pytest.raises(mg.DTypeError, match="add"):
        x + 1j
    with pytest.raises(mg.DTypeError, match="mul"):
        x * np.complex128(2.0)


def test_complex_constants_outside_a_graph_stay_allowed():
    c = mg.tensor([1.0, 2.0]) * mg.tensor([1j, 1j])
    assert c.dtype.kind == "c"
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with mg.no_grad():
        assert (x * 1j).dtype.kind == "c"


# ------------------------------------------------ item 7: grad_outputs count
def test_fewer_grad_outputs_than_outputs():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 2, x * 3
    with pytest.raises(mg.BackwardError, match=r"2 output\(s\) but 1 grad_outputs"):
        mg.autograd.grad([a, b], x, grad_outputs=[np.ones(2)])
    with pytest.raises(mg.BackwardError, match=r"1 output\(s\) but 2 grad_outputs"):
        mg.autograd.grad([a], x, grad_outputs=[np.ones(2), np.ones(2)])
    (g,) = mg.autograd.grad([a, b], x, grad_outputs=(np.ones(2), np.ones(2)))
    np.testing.assert_allclose(g, [5.0, 5.0])


def test_a_list_holding_tensors_stays_in_the_graph():
    # Silently a constant before: NumPy turned the list into an array of values.
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    total = mg.sum([x, x + 2])
    total.backward()
    assert total.item() == 10.0
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    y = mg.tensor(3.0, requires_grad=True)
    (mg.tensor([1.0, 5.0]) * [y, 2.0]).sum().backward()
    assert y.grad == 1.0


def test_a_type_error_from_numpy_is_a_dtype_error_not_a_shape_error():
    x = mg.tensor(np.ones((2, 2)), requires_grad=True)
    with pytest.raises(mg.DTypeError, match="reshape") as info:
        mg.reshape(x, shape="four")
    assert not isinstance(info.value, mg.ShapeError)

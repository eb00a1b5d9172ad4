"""NumPy ufuncs on tensors dispatch to minigrad ops and stay in the graph
(issue 10; HIPS autograd's and MyGrad's behaviour): np.sin(t) is mg.sin(t),
ndarray-left operators give tensors of the graph, and what minigrad cannot
keep in the graph fails with a UfuncError that says what to write."""

from __future__ import annotations

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad.ufuncs import dispatch_table

RNG = np.random.default_rng(0)
POSITIVE = RNG.uniform(0.5, 2.0, (2, 3))
OTHER = RNG.uniform(0.5, 2.0, (2, 3))

UNARY = ["sin", "cos", "tanh", "exp", "log", "log1p", "sqrt", "abs", "negative"]
BINARY = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum"]


def test_every_op_named_after_a_ufunc_is_dispatched():
    table = dispatch_table()
    for name in UNARY + BINARY + ["matmul"]:
        assert getattr(np, name) in table, name
    assert table[np.negative].name == "neg" and table[np.true_divide].name == "div"


@pytest.mark.parametrize("name", UNARY)
def test_unary_ufuncs_are_the_ops_and_their_gradients(name):
    x = mg.tensor(POSITIVE, requires_grad=True)
    y = getattr(np, name)(x)
    assert isinstance(y, mg.Tensor) and y.op_name == dispatch_table()[getattr(np, name)].name
    np.testing.assert_array_equal(y.data, getattr(np, name)(POSITIVE))
    assert mg.gradcheck(lambda t: getattr(np, name)(t), (POSITIVE,))


@pytest.mark.parametrize("name", BINARY)
def test_binary_ufuncs_with_arrays_on_either_side(name):
    ufunc = getattr(np, name)
    x = mg.tensor(POSITIVE, requires_grad=True)
    for y in (ufunc(x, OTHER), ufunc(OTHER, x), ufunc(x, x * 2.0)):
        assert isinstance(y, mg.Tensor) and y.requires_grad
    np.testing.assert_allclose(ufunc(OTHER, x).data, ufunc(OTHER, POSITIVE), rtol=1e-15)
    assert mg.gradcheck(lambda a, b: ufunc(a, b), (POSITIVE, OTHER))
    assert mg.gradcheck(lambda b: ufunc(OTHER, b), (POSITIVE,))


def test_ufuncs_with_a_python_number_and_numpy_scalars():
    x = mg.tensor([1.0, -2.0], requires_grad=True)
    y = np.maximum(x, 0) + np.power(x, 2) + np.float64(3.0) * x
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0 + 2.0 + 3.0, 0.0 - 4.0 + 3.0])
    f32 = mg.tensor([1.0], dtype=np.float32)
    assert (np.float64(2.0) * f32).dtype == np.float32    # a scalar never promotes


def test_operators_with_an_array_on_the_left_stay_in_the_graph():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    x = mg.tensor([[0.5, 1.0], [1.5, 2.0]], requires_grad=True)
    results = {"+": a + x, "-": a - x, "*": a * x, "/": a / x, "**": a ** x, "@": a @ x}
    expected = {"+": a + x.data, "-": a - x.data, "*": a * x.data, "/": a / x.data,
                "**": a ** x.data, "@": a @ x.data}
    for op, y in results.items():
        assert isinstance(y, mg.Tensor) and y.requires_grad, op
        np.testing.assert_array_equal(y.data, expected[op])
    (a @ x).sum().backward()
    np.testing.assert_array_equal(x.grad, a.T @ np.ones((2, 2)))


def test_comparisons_and_tests_give_boolean_tensors_without_gradient():
    a = np.array([1.0, 2.0, 3.0])
    x = mg.tensor([3.0, np.nan, 1.0], requires_grad=True)
    for y, expected in ((a < x, [True, False, False]), (a >= x, [False, False, True]),
                        (a == x, [False, False, False]), (np.greater(x, 2.0), [True, False, False]),
                        (np.isnan(x), [False, True, False]), (np.isfinite(x), [True, False, True]),
                        (np.logical_and(a > 1, x > 0), [False, False, True])):
        assert isinstance(y, mg.Tensor) and y.dtype == bool and not y.requires_grad
        assert y.tolist() == expected


def test_asarray_gives_the_data():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert np.asarray(x) is x.data
    assert np.asarray(x, dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("call, words", [
    (lambda x: np.square(x), r"np.square on a tensor.*Write x \* x"),
    (lambda x: np.floor(x), r"np.floor on a tensor.*np.floor\(x.data\)"),
    (lambda x: np.arctan2(x, x), r"np.arctan2 on a tensor.*minigrad has no op"),
    (lambda x: np.add.reduce(x), r"np.add.reduce on a tensor.*x.sum\(dim\)"),
    (lambda x: np.multiply.outer(x, x), r"np.multiply.outer.*x\[:, None\] \* y"),
    (lambda x: np.add.accumulate(x), r"np.add.accumulate on a tensor"),
    (lambda x: np.add(x, 1.0, out=np.zeros(2)), r"out=.*arr = arr \+ t"),
    (lambda x: np.exp(x, dtype=np.float32), r"keyword\(s\) \['dtype'\]"),
    (lambda x: np.sin(x, where=np.array([True, False])), r"keyword\(s\) \['where'\]"),
])
def test_what_cannot_stay_in_the_graph_is_refused(call, words):
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(mg.UfuncError, match=words) as info:
        call(x)
    assert isinstance(info.value, TypeError) and isinstance(info.value, mg.MinigradError)


def test_an_array_updated_in_place_by_a_tensor_is_refused():
    total = np.zeros(2)
    with pytest.raises(mg.UfuncError, match=r"arr \+= t.data"):
        total += mg.tensor([1.0, 2.0], requires_grad=True)
    total += mg.tensor([1.0, 2.0]).data                  # the values, on purpose
    assert total.tolist() == [1.0, 2.0]


def test_a_ufunc_declared_later_is_found():
    expm1 = mg.primitive(np.expm1, name="expm1_for_test")   # its forward is the ufunc
    expm1.defvjp(lambda g, out, x: g * (out + 1.0))
    try:
        x = mg.tensor([0.5], requires_grad=True)
        np.expm1(x).sum().backward()
        np.testing.assert_allclose(x.grad, np.exp([0.5]))
    finally:
        del mg.REGISTRY["expm1_for_test"]
        dispatch_table().clear()


def test_gradients_agree_with_torch():
    torch = require_module("torch")
    a = np.array([[0.3, -1.2], [2.0, 0.7]])
    x = mg.tensor(a, requires_grad=True)
    loss = (np.tanh(np.exp(x) * a) + np.maximum(x, 0.5) + np.abs(a.T - x) + a @ x).sum()
    loss.backward()
    t = torch.tensor(a, requires_grad=True)
    A = torch.tensor(a)
    (torch.tanh(torch.exp(t) * A) + torch.maximum(t, torch.tensor(0.5)) + torch.abs(A.T - t)
     + A @ t).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-13)


# ------------------------------------------------ NumPy functions (NEP 18)
def test_numpy_functions_with_a_minigrad_name_stay_in_the_graph():
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = np.concatenate([x, np.sum(x, keepdims=True), np.where(x.data > 1, x, 0.0)])
    assert isinstance(y, mg.Tensor) and y.requires_grad
    (y * np.arange(7.0)).sum().backward()
    np.testing.assert_allclose(x.grad, [0 + 3, 1 + 3 + 5, 2 + 3 + 6])


def test_numpy_functions_without_one_refuse_a_tensor_that_requires_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    for call, hint in [(lambda: np.dot(x, x), "x @ y"),
                       (lambda: np.convolve(x, x), "np.convolve"),
                       (lambda: np.ravel(x), "x.reshape")]:
        with pytest.raises(mg.UfuncError, match=rf"requires grad.*{hint}"):
            call()


def test_numpy_functions_run_on_the_data_when_nothing_is_lost():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    assert np.shape(x) == (2,) and np.allclose(x, [1.0, 2.0]) and np.ndim(x) == 1
    assert np.dot(x.detach(), x.detach()) == 5.0                 # no grad: a plain number
    np.testing.assert_array_equal(np.cumsum(mg.tensor([1.0, 2.0])), [1.0, 3.0])

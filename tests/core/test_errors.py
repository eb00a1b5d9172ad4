"""Errors teach: each names the op, the shapes or dtypes, and what to do."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg


def ones(*shape):
    return mg.tensor(np.ones(shape), requires_grad=True)


# ------------------------------------------------------------------ shapes
@pytest.mark.parametrize("op, symbol", [
    (lambda a, b: a + b, "add"), (lambda a, b: a - b, "sub"), (lambda a, b: a * b, "mul"),
    (lambda a, b: a / b, "div"), (lambda a, b: a ** b, "pow"),
    (mg.maximum, "maximum"),
])
def test_broadcast_mismatch_names_the_op_and_both_shapes(op, symbol):
    with pytest.raises(mg.ShapeError) as info:
        op(ones(2, 3), ones(4))
    message = str(info.value)
    assert message.startswith(f"{symbol}:")
    assert "(2, 3)" in message and "(4,)" in message
    assert "broadcast" in message
    assert "reshape" in message.lower()          # says what to do


def test_shape_errors_are_value_errors_and_not_numpy_tracebacks():
    with pytest.raises(ValueError) as info:
        ones(2, 3) + ones(3, 2)
    assert isinstance(info.value, mg.ShapeError)
    assert isinstance(info.value, mg.MinigradError)


def test_where_mismatch_names_all_shapes():
    with pytest.raises(mg.ShapeError, match=r"^where:.*\(3,\).*\(2,\)"):
        mg.where(np.ones(3, dtype=bool), ones(2), ones(3))


@pytest.mark.parametrize("shape_a, shape_b, phrase", [
    ((2, 3), (2, 3), "transpose"),                # hints at b.T
    ((2, 3), (4,), "only dimension"),
    ((5,), (4, 2), "second-to-last"),
    ((2, 2, 3), (3, 3, 2), "batch dimensions"),
    ((), (3,), "at least one dimension"),
])
def test_matmul_mismatch_names_both_shapes(shape_a, shape_b, phrase):
    with pytest.raises(mg.ShapeError) as info:
        mg.tensor(np.ones(shape_a)) @ mg.tensor(np.ones(shape_b))
    message = str(info.value)
    assert message.startswith("matmul:")
    assert str(shape_a) in message and str(shape_b) in message
    assert phrase in message


def test_matmul_mismatch_reports_the_sizes_that_disagree():
    with pytest.raises(mg.ShapeError, match=r"first operand \(3\).*second \(2\)"):
        ones(2, 3) @ ones(2, 5)


def test_concatenate_mismatch_names_shapes_and_axis():
    with pytest.raises(mg.ShapeError) as info:
        mg.concatenate([ones(2, 3), ones(2, 4)], axis=0)
    message = str(info.value)
    assert message.startswith("concatenate:")
    assert "(2, 3)" in message and "(2, 4)" in message and "axis 0" in message


@pytest.mark.parametrize("make, words", [
    (lambda: mg.reshape(ones(3), 4), ["reshape", "(3,)", "(4,)"]),
    (lambda: mg.sum(ones(2, 3), axis=2), ["sum", "(2, 3)", "axis"]),
    (lambda: mg.broadcast_to(ones(2, 3), (3, 3)), ["broadcast_to", "(2, 3)", "(3, 3)"]),
    (lambda: mg.transpose(ones(2, 3), (0,)), ["transpose", "(2, 3)", "(0,)"]),
])
def test_other_shape_errors_name_op_and_operands(make, words):
    with pytest.raises(mg.ShapeError) as info:
        make()
    message = str(info.value)
    assert message.startswith(words[0] + ":")
    for word in words[1:]:
        assert word in message


def test_index_out_of_range_is_an_indexing_error():
    with pytest.raises(mg.IndexingError) as info:
        ones(2, 3)[5]
    message = str(info.value)
    assert message.startswith("getitem:") and "(2, 3)" in message and "5" in message
    assert isinstance(info.value, IndexError)


def test_forward_failures_are_classified_by_cause():
    # An object array that NumPy cannot exponentiate is a dtype problem, not a shape one.
    with pytest.raises(mg.DTypeError, match=r"exp: cannot compute with dtype object"):
        mg.exp(mg.tensor(np.array(["a", {}], dtype=object)))
    with pytest.raises(mg.DTypeError, match=r"add: .*dtype <U1"):
        mg.tensor([1.0]) + np.array(["x"])
    with pytest.raises(mg.ShapeError, match=r"add: shapes \(2,\) and \(3,\)"):
        ones(2) + ones(3)


def test_every_error_class_lives_in_errors_and_has_a_builtin_base():
    import inspect

    from minigrad import errors
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if c.__module__ == "minigrad.errors"]
    assert len(classes) >= 8
    for c in classes:
        assert issubclass(c, mg.MinigradError)
        if c is not mg.MinigradError:
            assert any(issubclass(c, b) for b in (ValueError, TypeError, IndexError,
                                                   RuntimeError, AssertionError))
    # No other module of the package defines an exception class.
    import pkgutil
    for info in pkgutil.walk_packages(mg.__path__, "minigrad."):
        module = __import__(info.name, fromlist=["_"])
        for _, c in inspect.getmembers(module, inspect.isclass):
            if issubclass(c, BaseException) and c.__module__ == info.name:
                assert info.name == "minigrad.errors", f"{c.__name__} defined in {info.name}"


# ------------------------------------------------------------------ dtypes
@pytest.mark.parametrize("data, kind", [
    (np.array([1, 2], dtype=np.int64), "integer"),
    (np.array([1, 2], dtype=np.uint8), "unsigned integer"),
    (np.array([1 + 2j, 3j]), "complex"),
    (np.array(["a", None], dtype=object), "object"),
])
def test_non_float_input_with_requires_grad_gets_a_clear_message(data, kind):
    with pytest.raises(mg.DTypeError) as info:
        mg.tensor(data, dtype=data.dtype, requires_grad=True)
    message = str(info.value)
    assert f"got {kind} dtype {data.dtype}" in message
    assert "floating-point" in message
    assert "dtype=np.float64" in message              # what to do
    assert isinstance(info.value, TypeError)
    if kind == "complex":
        assert "complex" in message.split(";")[-1]


def test_requires_grad_on_existing_integer_tensor_names_the_tensor():
    t = mg.tensor(np.arange(3), dtype=np.int32, name="counts")
    with pytest.raises(mg.DTypeError, match=r"'counts'.*integer dtype int32"):
        t.requires_grad_()


def test_integer_data_that_requires_grad_says_to_use_floats():
    # as torch: integer tensors cannot require grad, and the message says what to write
    with pytest.raises(mg.DTypeError, match=r"floating-point.*int64.*dtype=np.float64"):
        mg.tensor([1, 2, 3], requires_grad=True)
    assert mg.tensor([1.0, 2, 3], requires_grad=True).dtype == np.float64


# ---------------------------------------------------------------- backward
def test_backward_on_non_scalar_says_what_to_do():
    y = ones(2, 3) * 2.0
    with pytest.raises(mg.BackwardError) as info:
        y.backward()
    message = str(info.value)
    assert "(2, 3)" in message
    assert "gradient=" in message and "sum()" in message
    assert isinstance(info.value, RuntimeError)


def test_backward_with_grad_of_the_wrong_shape():
    with pytest.raises(mg.BackwardError, match=r"shape \(3,\).*shape \(2,\)"):
        (ones(2) * 2.0).backward(gradient=np.ones(3))


def test_backward_on_a_constant_says_nothing_requires_grad():
    with pytest.raises(mg.BackwardError, match="requires_grad=True"):
        mg.tensor([1.0, 2.0]).sum().backward()
    x = ones(2)
    with mg.no_grad():
        y = (x * 2).sum()
    with pytest.raises(mg.BackwardError, match="no_grad"):
        y.backward()


def test_grad_of_non_scalar_function_points_to_jacobian():
    with pytest.raises(mg.BackwardError, match=r"\(2,\).*mg\.jacobian"):
        mg.grad(lambda x: x * 2.0)(np.ones(2))


def test_truth_value_of_a_multi_element_tensor():
    with pytest.raises(ValueError, match=r"shape \(2,\) is ambiguous"):
        bool(mg.tensor([1.0, 2.0]))


# --------------------------------------------------- first-order-only custom op
def _numpy_only_softplus():
    op = mg.primitive(lambda x: np.logaddexp(0.0, x), name="softplus_np", register=False)
    # A VJP written with NumPy (np.exp on arrays): fine for first derivatives.
    return op.defvjp(lambda g, out, x: g / (1.0 + np.exp(-x)))


def test_numpy_only_vjp_works_for_first_derivatives():
    softplus = _numpy_only_softplus()
    x0 = np.array([-1.0, 0.5, 2.0])
    x = mg.tensor(x0, requires_grad=True)
    softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad, 1.0 / (1.0 + np.exp(-x0)))
    # create_graph itself works: the gradient's value is right ...
    x2 = mg.tensor(x0, requires_grad=True)
    softplus(x2).sum().backward(create_graph=True)
    np.testing.assert_allclose(x2.grad.data, 1.0 / (1.0 + np.exp(-x0)))


def test_differentiating_a_numpy_only_vjp_again_raises_a_clear_error():
    softplus = _numpy_only_softplus()
    x = mg.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    (g,) = mg.autograd.grad(softplus(x).sum(), [x], create_graph=True)
    with pytest.raises(mg.BackwardError) as info:
        mg.autograd.grad(g.sum(), [x])
    message = str(info.value)
    assert "'softplus_np'" in message
    assert "NumPy" in message
    assert "differentiable_vjp=True" in message
    with pytest.raises(mg.BackwardError, match="softplus_np"):
        mg.hessian(lambda t: softplus(t).sum())(np.array([0.1, 0.2]))


def test_op_without_vjp_on_tensors_that_require_grad():
    op = mg.primitive(lambda x: x * 2.0, name="no_vjp_yet", register=False)
    np.testing.assert_array_equal(op(mg.tensor([1.0])).data, [2.0])  # constants are fine
    with pytest.raises(NotImplementedError, match=r"'no_vjp_yet'.*defvjp"):
        op(ones(1))


# ------------------------------------------------- errors added after review
def test_float_index_tensor_says_to_use_integers():
    with pytest.raises(mg.IndexingError, match=r"getitem: index arrays must hold integers.*int64"):
        mg.tensor([1.0, 2.0, 3.0])[mg.tensor([0.0, 2.0])]


def test_out_of_range_index_names_the_shape():
    with pytest.raises(mg.IndexingError, match=r"getitem: index 5 does not fit .*\(3,\)"):
        mg.tensor(np.ones(3))[5]


def test_squeeze_of_an_axis_out_of_range_names_the_shape():
    # A dim of another size than 1 is left alone, as in PyTorch; one that is not there raises.
    assert mg.squeeze(mg.tensor(np.ones((2, 3))), 0).shape == (2, 3)
    with pytest.raises(mg.ShapeError, match=r"squeeze: dim 2 is out of range .* 2 dims"):
        mg.squeeze(mg.tensor(np.ones((2, 3))), 2)


def test_custom_vjp_of_the_wrong_shape_is_named_not_reshaped():
    # (3, 4) has as many elements as (4, 3): without the check it would be
    # reshaped into a silently wrong gradient.
    op = mg.primitive(lambda x: 2 * x, name="double_bad", register=False)
    op.defvjp(lambda g, out, x: (2 * g).reshape(x.shape[::-1]))
    x = mg.tensor(np.ones((4, 3)), requires_grad=True)
    with pytest.raises(mg.BackwardError, match=r"'double_bad' for argument 0 .*\(3, 4\).*\(4, 3\)"):
        op(x).sum().backward()

"""The version counter (issue 9, item 2): a tensor changed in place after a graph
saved it makes the backward pass raise, naming the tensor, the op and the versions."""

import numpy as np
import pytest

import minigrad as mg


def test_data_assignment_bumps_the_version_and_is_caught():
    w = mg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="w")
    loss = (w * w).sum()
    assert w._version == 0
    w.data = w.data - 0.1
    assert w._version == 1
    with pytest.raises(mg.BackwardError) as info:
        loss.backward()
    message = str(info.value)
    for part in ("modified by an inplace operation", "'w'", "(3,)", "'mul'",
                 "version 1", "version 0", "before opt.step()"):
        assert part in message
    assert w.grad is None


def test_an_unnamed_tensor_is_named_by_its_shape():
    w = mg.tensor(np.ones((2, 3)), requires_grad=True)
    loss = mg.tanh(w).sum()
    w.data = np.zeros((2, 3))
    with pytest.raises(mg.BackwardError, match=r"of shape \(2, 3\).*'tanh'"):
        loss.backward()


def test_a_constant_operand_is_checked_too():
    # c does not require grad, but w's gradient is c: changing c changes it.
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    c = mg.tensor([3.0, 4.0])
    loss = (w * c).sum()
    c.data = np.array([5.0, 6.0])
    with pytest.raises(mg.BackwardError, match="argument 1 of 'mul'"):
        loss.backward()


def test_an_interior_tensor_changed_after_it_was_made():
    x = mg.tensor([0.5, 1.0], requires_grad=True)
    y = mg.exp(x)                        # exp's derivative reads its output
    loss = (y * 2).sum()
    y.data = np.zeros(2)
    with pytest.raises(mg.BackwardError, match="argument 0 of 'mul'"):
        loss.backward()
    # Changed before its next use: mul is fine, but exp's VJP would read the new output.
    later = (y * 2).sum()
    with pytest.raises(mg.BackwardError, match="the output of 'exp'"):
        later.backward()


def test_a_graph_built_after_the_change_is_fine():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    w.data = np.array([3.0, 4.0])
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, [6.0, 8.0])


def test_versions_are_exact_and_the_old_ones_are_named():
    w = mg.tensor([1.0], requires_grad=True)
    for _ in range(3):
        w.data = w.data + 1
    loss = (w * 1.0).sum()
    for _ in range(2):
        w.data = w.data + 1
    with pytest.raises(mg.BackwardError, match="at version 5; the graph saw it at version 3"):
        loss.backward()
    for _ in range(40):                  # more changes than are remembered
        w.data = w.data + 1
    with pytest.raises(mg.BackwardError, match="at version 45; the graph saw it at an older"):
        loss.backward()


def test_writing_into_the_array_is_the_escape_hatch():
    # Documented: t.data[...] = ... writes into the ndarray, which minigrad cannot see.
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w * w).sum()
    w.data[...] = [10.0, 20.0]
    loss.backward()
    assert w._version == 0
    np.testing.assert_allclose(w.grad, [20.0, 40.0])


def test_data_assignment_accepts_a_tensor_and_keeps_its_array():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    new = np.array([5.0, 6.0])
    w.data = new
    assert w.data is new
    w.data = mg.tensor([7.0, 8.0])
    np.testing.assert_allclose(w.data, [7.0, 8.0])
    assert isinstance(w.data, np.ndarray) and w._version == 2


def test_autograd_grad_and_transforms_check_too():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    loss = (w ** 2).sum()
    w.data = w.data * 2
    with pytest.raises(mg.BackwardError, match="'pow'"):
        mg.autograd.grad(loss, w)


def test_methods_that_change_no_values_keep_the_version():
    w = mg.tensor([1.0, 2.0])
    w.requires_grad_()
    w.retain_grad()
    w.zero_grad()
    assert w._version == 0

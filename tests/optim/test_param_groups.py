"""Parameter groups, PyTorch's meaning: a list of dicts, per-group options,
add_param_group, zero_grad over all groups, opt.state keyed by the tensor."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim


def leaf(*values):
    return mg.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def test_group_options_override_the_defaults_and_each_group_steps_with_its_own():
    a, b = leaf(1.0, 2.0), leaf(3.0)
    opt = optim.SGD([{"params": [a], "lr": 0.5}, {"params": b}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.5, 0.1]
    assert all(g["momentum"] == 0.9 for g in opt.param_groups)
    assert opt.param_groups[1]["params"] == [b] and opt.params == [a, b]
    a.grad, b.grad = np.array([1.0, 1.0]), np.array([1.0])
    opt.step()
    np.testing.assert_array_equal(a.data, [0.5, 1.5])
    np.testing.assert_array_equal(b.data, [2.9])


def test_a_group_lr_written_between_steps_is_used_by_the_next_step():
    a, b = leaf(0.0), leaf(0.0)
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.2}], lr=0.1)
    for lr_b in (0.2, 0.05):
        opt.param_groups[1]["lr"] = lr_b
        before = (a.data.copy(), b.data.copy())
        a.grad, b.grad = np.array([1.0]), np.array([1.0])
        opt.step()
        # Adam's steps with a constant gradient are lr long (bias correction)
        np.testing.assert_allclose(before[0] - a.data, [0.1], rtol=1e-7)
        np.testing.assert_allclose(before[1] - b.data, [lr_b], rtol=1e-7)


def test_module_parameters_and_generators_are_accepted():
    model = mg.nn.Linear(3, 2)
    for params in (model.parameters(), iter(model.parameters()), model):
        opt = optim.SGD(params, lr=0.1)
        assert len(opt.param_groups) == 1 and len(opt.params) == 2


def test_add_param_group():
    a, b = leaf(1.0), leaf(2.0)
    opt = optim.Momentum(a, lr=0.1)
    opt.add_param_group({"params": b, "beta": 0.5})
    assert opt.param_groups[1] == {"params": [b], "beta": 0.5, "lr": 0.1}
    b.grad = np.array([1.0])
    opt.step()
    np.testing.assert_allclose(b.data, [2.0 - 0.1 * 0.5])
    assert a not in opt.state and opt.state[b]["t"] == 1


@pytest.mark.parametrize("groups, pattern", [
    (lambda a, b: [{"params": [a]}, {"params": [b, a]}],
     r"more than one parameter group: parameter \[1\] .* already in param_groups\[0\]"),
    (lambda a, b: [{"params": [a], "learning_rate": 0.1}],
     r"param_groups\[0\]: unknown option\(s\) 'learning_rate'; SGD takes 'lr', 'momentum'"),
    (lambda a, b: [{"params": [a]}, b], "mix of dicts and tensors"),
    (lambda a, b: [{"lr": 0.1}], "has no 'params'"),
    (lambda a, b: [{"params": [a], "lr": -1.0}], r"param_groups\[0\]: lr must be >= 0"),
    (lambda a, b: [{"params": [a], "momentum": 0.0, "nesterov": True}],
     "Nesterov momentum requires a momentum"),
    (lambda a, b: {a, b}, "set"),
])
def test_bad_groups_are_explained(groups, pattern):
    a, b = leaf(1.0), leaf(2.0)
    with pytest.raises((ValueError, TypeError), match=pattern):
        optim.SGD(groups(a, b), lr=0.1)


def test_a_parameter_added_twice_is_refused_and_nothing_changes():
    a = leaf(1.0)
    opt = optim.Adam(a)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a], "lr": 1.0})
    assert len(opt.param_groups) == 1


def test_required_options_and_pytorch_only_options():
    a = leaf(1.0)
    with pytest.raises(ValueError, match="required option"):
        optim.Momentum([{"params": [a]}])
    opt = optim.Momentum([{"params": [a], "lr": 0.1}])       # lr given by the group
    assert opt.param_groups[0]["lr"] == 0.1
    optim.Adam(a, foreach=None, fused=None, capturable=False, differentiable=False)
    optim.SGD([{"params": [a], "foreach": False}])           # dropped: it means nothing here
    with pytest.raises(ValueError, match="foreach=True is a PyTorch option"):
        optim.Adam(a, foreach=True)
    with pytest.raises(ValueError, match="fused=True"):
        optim.SGD(a, fused=True)


def test_lr_attribute_with_several_groups_raises_instead_of_acting_on_one():
    a, b = leaf(1.0), leaf(2.0)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1)
    with pytest.raises(AttributeError, match=r"2 parameter groups.*param_groups\[i\]\['lr'\]"):
        _ = opt.lr
    with pytest.raises(AttributeError, match="ambiguous"):
        opt.lr = 0.5
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    one = optim.SGD(a, lr=0.1)
    one.lr = 0.5                                      # one group: the shortcut works
    assert one.param_groups[0]["lr"] == 0.5


def test_zero_grad_covers_every_group():
    a, b = leaf(1.0), leaf(2.0)
    opt = optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    a.grad, b.grad = np.array([1.0]), np.array([2.0])
    g = b.grad
    opt.zero_grad(set_to_none=False)
    assert b.grad is g and np.array_equal(g, [0.0]) and np.array_equal(a.grad, [0.0])
    opt.zero_grad()
    assert a.grad is None and b.grad is None


def test_state_is_a_dict_keyed_by_the_parameter_as_in_pytorch():
    a, b = leaf(1.0), leaf(2.0)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    assert len(opt.state) == 0
    a.grad = np.array([1.0])
    opt.step()
    assert list(opt.state) == [a]
    np.testing.assert_array_equal(opt.state[a]["momentum_buffer"], [1.0])


def test_groups_with_different_options_of_a_book_optimizer():
    """Nesterov's look-ahead uses each group's lr and beta."""
    a, b = leaf(1.0), leaf(1.0)
    opt = optim.Nesterov([{"params": [a], "lr": 0.1}, {"params": [b], "beta": 0.5}],
                         lr=0.2, beta=0.9)

    def closure():
        opt.zero_grad()
        loss = (a * a + b * b).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    x, y, m, n = 1.0, 1.0, 0.0, 0.0
    for _ in range(3):
        m = 0.9 * m + 0.1 * 2 * (x - 0.1 * 0.9 * m)
        n = 0.5 * n + 0.5 * 2 * (y - 0.2 * 0.5 * n)
        x, y = x - 0.1 * m, y - 0.2 * n
    np.testing.assert_allclose([a.item(), b.item()], [x, y], rtol=1e-14)


@pytest.mark.parametrize("make", [
    lambda ps: optim.Newton([{"params": ps[:1]}, {"params": ps[1:]}]),
    lambda ps: optim.GD([{"params": ps[:1]}, {"params": ps[1:]}],
                        line_search=optim.Bracketing()),
])
def test_joint_methods_need_one_group(make):
    ps = [leaf(1.0), leaf(2.0)]
    opt = make(ps)

    def closure():
        opt.zero_grad()
        loss = (ps[0] * ps[1]).sum()
        loss.backward()
        return loss

    with pytest.raises(ValueError, match="needs one parameter group, not 2"):
        opt.step(closure)


def test_maximize_climbs():
    a = leaf(1.0)
    opt = optim.SGD(a, lr=0.1, maximize=True, weight_decay=0.5)
    a.grad = np.array([2.0])
    opt.step()
    np.testing.assert_allclose(a.data, [1.0 - 0.1 * (-2.0 + 0.5 * 1.0)])


def test_frozen_parameters_are_accepted_and_left_alone_as_in_torch():
    model = mg.nn.Sequential(mg.nn.Linear(2, 3, rng=0), mg.nn.Linear(3, 1, rng=1))
    model[0].requires_grad_(False)                      # freeze the first layer
    frozen = model[0].weight.data.copy()
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(np.ones((4, 2))).sum().backward()
    opt.step()
    np.testing.assert_array_equal(model[0].weight.data, frozen)
    assert model[0].weight.grad is None and model[1].weight.grad is not None
    assert not np.array_equal(model[1].weight.data, mg.nn.Linear(3, 1, rng=1).weight.data)

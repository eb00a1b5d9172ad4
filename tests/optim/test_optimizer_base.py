"""The optimizer base class: parameters, hyperparameters, state and the step bookkeeping."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import rules


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def test_single_tensor_list_and_state_printing():
    x = mg.tensor([1.0, 2.0], requires_grad=True, name="w")
    b = mg.tensor(0.5, requires_grad=True)
    opt = optim.Adam([x, b], lr=0.01)
    assert optim.Adam(x).params == [x]
    (x * x).sum().backward()
    opt.step()
    text = str(opt)
    assert "Adam(lr=0.01, betas=(0.9, 0.999)" in text and "1 step(s)" in text
    assert "[0] 'w' shape (2,): step=1, exp_avg=array(2,)" in text
    assert "[1] shape (): no state yet" in text      # b had no gradient: skipped
    assert set(opt.state[x]) == {"step", "exp_avg", "exp_avg_sq"} and b not in opt.state


def test_hyperparameters_change_between_steps():
    x = mg.tensor([1.0], requires_grad=True)
    opt = optim.GD(x, lr=0.1)
    opt.lr = 0.5                               # the attribute writes the one store ...
    assert opt.param_groups[0]["lr"] == 0.5
    opt.param_groups[0]["lr"] = 0.125          # ... and reads it
    assert opt.lr == 0.125 and opt.param_groups[0]["params"] == [x]
    assert opt.defaults == {"lr": 0.1, "line_search": None}       # as constructed
    assert not hasattr(opt, "hyper") and not hasattr(opt, "set_lr")
    x.grad = np.array([1.0])
    opt.step()
    np.testing.assert_allclose(x.data, [0.875])
    with pytest.raises(AttributeError, match="hyperparameter 'beta'"):
        _ = opt.beta


@pytest.mark.parametrize("params,error,pattern", [
    ([mg.tensor([1.0], requires_grad=True), np.zeros(2)], TypeError, r"\[1\] is a ndarray"),
    ([mg.tensor([1.0, 2.0])], ValueError,
     r"it does not require grad \(parameter \[0\] has shape \(2,\)"),
    ([mg.tensor([1, 2], dtype=np.int64)], TypeError,
     r"\[0\] \(shape \(2,\), dtype int64\) is not floating"),
    ([], ValueError, "empty"),
    (3.0, TypeError, "iterable"),
])
def test_bad_params_are_explained(params, error, pattern):
    with pytest.raises(error, match=pattern):
        optim.Momentum(params, lr=0.1)


def test_non_leaf_and_duplicate_params_are_explained():
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="computed by 'mul'"):
        optim.SGD([x * 2.0])
    with pytest.raises(ValueError, match=r"\[1\] is the same tensor as parameter \[0\]"):
        optim.SGD([x, x])


@pytest.mark.parametrize("cls,kw", [(optim.Nesterov, dict(lr=0.1)), (optim.Newton, {}),
                                    (optim.GD, dict(line_search=optim.Bracketing()))])
def test_closure_required(cls, kw):
    x = mg.tensor([1.0], requires_grad=True)
    (x * x).sum().backward()
    with pytest.raises(mg.ClosureRequired, match="needs a closure"):
        cls(x, **kw).step()


def test_gd_needs_a_step_size_rule():
    with pytest.raises(ValueError, match="step-size rule"):
        optim.GD(mg.tensor([1.0], requires_grad=True))


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_update_keeps_grad_and_data_identity(name):
    x = mg.tensor(np.array([0.3, -0.7], dtype=np.float32), requires_grad=True)
    opt = optim.OPTIMIZERS[name](x, lr=0.1) if name != "Newton" else optim.Newton(x)
    data = x.data

    def closure():
        opt.zero_grad()
        loss = (x * x * x * x).sum()
        loss.backward()
        return loss

    closure()
    g = x.grad
    g_before = g.copy()
    loss = opt.step(closure) if opt.needs_closure else opt.step()
    assert x.data is data and x.data.dtype == np.float32        # written in place
    assert not np.array_equal(x.data, [0.3, -0.7])
    if not opt.needs_closure:
        assert loss is None and x.grad is g
        np.testing.assert_array_equal(g, g_before)               # never mutated
    opt.zero_grad()
    assert x.grad is None


def test_step_with_closure_returns_its_loss_for_every_optimizer():
    for name, cls in optim.OPTIMIZERS.items():
        x = mg.tensor([0.5, 0.5], requires_grad=True)
        opt = cls(x, lr=0.01) if name not in ("Newton",) else cls(x)

        def closure():
            opt.zero_grad()
            loss = rosenbrock(x)
            loss.backward()
            return loss

        assert isinstance(opt.step(closure), mg.Tensor), name


# ------------------------------------------------------ declaring a class
def halving(phi, g, m, *, t, lr, beta, gamma):
    """A made-up rule: a momentum whose step halves every step."""
    m = beta * m + gamma * g
    return phi - lr * 0.5 ** (t - 1) * m, m


class Halving(optim.Optimizer):
    rule = staticmethod(halving)

    def __init__(self, params, lr=0.5, betas=(0.5, 1.0)):
        super().__init__(params, dict(lr=lr, betas=betas))


def test_a_class_declares_its_rule_and_the_base_does_the_rest():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = mg.tensor([3.0], requires_grad=True)
    opt = Halving([x, y])
    expected, m = x.data.copy(), np.zeros(2)
    for t in (1, 2, 3):
        x.grad = np.array([1.0, -1.0])         # y has no gradient: skipped, t not counted
        opt.step()
        m = 0.5 * m + 1.0 * np.array([1.0, -1.0])
        expected = expected - 0.5 * 0.5 ** (t - 1) * m
        np.testing.assert_allclose(x.data, expected)
        assert opt.state[x]["t"] == t
    assert set(opt.state[x]) == {"t", "m"} and y not in opt.state and opt.steps == 3
    np.testing.assert_array_equal(y.data, [3.0])


def test_weight_decay_is_added_to_the_gradient_once_by_the_base_class():
    x = mg.tensor([2.0], requires_grad=True)
    opt = optim.RMSprop(x, lr=0.1, weight_decay=0.5)
    x.grad = np.array([1.0])
    opt.step()
    g = 1.0 + 0.5 * 2.0
    v = 0.01 * g ** 2
    np.testing.assert_allclose(x.data, [2.0 - 0.1 * g / (np.sqrt(v) + 1e-8)])


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_every_class_names_a_rule_of_rules_py(name):
    cls = optim.OPTIMIZERS[name]
    assert cls.rule is not None and getattr(rules, cls.rule.__name__) is cls.rule

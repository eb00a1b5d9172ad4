"""An optimizer step is an in-place change: a loss computed before it cannot be
backpropagated after it (issue 9, item 2).  Checked for every optimizer class."""

import numpy as np
import pytest

import minigrad as mg

# The constructor arguments each class needs besides the parameters.
EXTRA = {"GD": {"lr": 0.1}, "Momentum": {"lr": 0.1}, "Nesterov": {"lr": 0.1},
         "NormalizedGD": {"lr": 0.1}}


def _make(name, w):
    return mg.optim.OPTIMIZERS[name](w, **EXTRA.get(name, {}))


def _step(opt, w):
    """One step, with a closure for the classes that evaluate the loss themselves."""
    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss
    if opt.needs_closure:
        opt.step(closure)
    else:
        closure()
        opt.step()


@pytest.mark.parametrize("name", sorted(mg.optim.OPTIMIZERS))
def test_backward_after_step_raises(name):
    w = mg.tensor([1.0, -2.0, 0.5], requires_grad=True, name="w")
    opt = _make(name, w)
    loss = (w * w).sum()
    _step(opt, w)
    with pytest.raises(mg.BackwardError, match="modified by an inplace operation") as info:
        loss.backward()
    message = str(info.value)
    assert "'w'" in message and "'mul'" in message
    assert "before opt.step()" in message


@pytest.mark.parametrize("name", sorted(mg.optim.OPTIMIZERS))
def test_the_usual_loop_still_runs(name):
    w = mg.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = _make(name, w)
    for _ in range(3):
        _step(opt, w)
    assert w._version >= 3
    assert np.all(np.isfinite(w.data))


def test_the_closure_loss_is_stale_after_the_step():
    w = mg.tensor([1.0, 2.0], requires_grad=True)
    opt = mg.optim.GD(w, line_search=mg.optim.Bracketing())

    def closure():
        opt.zero_grad()
        loss = ((w - 1.0) ** 2).sum()
        loss.backward()
        return loss
    loss = opt.step(closure)
    with pytest.raises(mg.BackwardError, match="inplace"):
        loss.backward()


def test_a_parameter_without_gradient_keeps_its_version():
    used = mg.tensor([1.0], requires_grad=True)
    unused = mg.tensor([2.0], requires_grad=True)
    opt = mg.optim.SGD([used, unused], lr=0.1)
    other = (unused * 3).sum()           # a graph of its own, built before the step
    (used * used).sum().backward()
    opt.step()
    assert (used._version, unused._version) == (1, 0)
    other.backward()                     # unused did not move: no error
    np.testing.assert_allclose(unused.grad, [3.0])


def test_a_scheduled_optimizer_bumps_too():
    w = mg.tensor([1.0], requires_grad=True)
    schedule = mg.optim.schedules.step_decay(0.1, 0.5, every=1)
    opt = mg.optim.Scheduled(mg.optim.SGD(w, lr=1.0), schedule)
    loss = (w * w).sum()
    loss.backward()
    opt.step()
    with pytest.raises(mg.BackwardError):
        loss.backward()

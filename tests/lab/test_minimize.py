"""mg.lab.minimize as the one trajectory recorder: stochastic runs over batches, the
full loss recorded at every point, and an early stop when the loss stops being finite."""

import itertools
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad.lab import datasets, models

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def linear_problem():
    x, y = datasets.linear_regression()
    full = models.make_loss(models.linear, x, y)

    def loss(phi, batch=None):               # the full loss, or one batch's (eq. 6.10)
        return full(phi) if batch is None else \
            models.make_loss(models.linear, *batch)(phi)
    return x, y, loss


def test_batches_drive_the_steps_and_the_full_loss_is_recorded():
    x, y, loss = linear_problem()
    stream = (b for _, b in mg.data.epochs((x, y), 3, rng=np.random.default_rng(0)))
    res = mg.lab.minimize(loss, [1.6, -0.8], optimizer="Momentum", steps=30, batches=stream,
                          lr=0.05, beta=0.9)
    tr = res.trajectory
    assert tr.x.shape == (31, 2) and tr.loss.shape == (31,) and tr.steps == 30
    with mg.no_grad():
        full = [loss(p).item() for p in tr.x]
    np.testing.assert_allclose(tr.loss, full, rtol=1e-12)     # the loss of all the data

    # The same steps by hand: each follows the gradient of its own batch only.
    phi = mg.tensor([1.6, -0.8], requires_grad=True)
    opt = mg.optim.Momentum(phi, lr=0.05, beta=0.9)
    stream = (b for _, b in mg.data.epochs((x, y), 3, rng=np.random.default_rng(0)))
    for batch in itertools.islice(stream, 30):
        opt.zero_grad()
        loss(phi, batch).backward()
        opt.step()
    np.testing.assert_allclose(res.x, phi.data, rtol=1e-12)


def test_a_closure_optimizer_gets_the_batch_loss():
    x, y, loss = linear_problem()
    batches = [(x[:6], y[:6]), (x[6:], y[6:])] * 5
    res = mg.lab.minimize(loss, [0.0, 0.0], optimizer="Nesterov", steps=10, batches=batches,
                          lr=0.02, beta=0.5)
    phi = mg.tensor([0.0, 0.0], requires_grad=True)
    opt = mg.optim.Nesterov(phi, lr=0.02, beta=0.5)
    for batch in batches:
        def closure(batch=batch):
            opt.zero_grad()
            value = loss(phi, batch)
            value.backward()
            return value
        opt.step(closure)
    np.testing.assert_allclose(res.x, phi.data, rtol=1e-12)


def test_the_run_ends_when_the_batches_run_out():
    x, y, loss = linear_problem()
    res = mg.lab.minimize(loss, [0.0, 0.0], steps=50, batches=[(x, y)] * 4, lr=0.01)
    assert res.trajectory.steps == 4 and res.trajectory.x.shape == (5, 2)


def test_a_diverging_run_stops_at_the_first_non_finite_loss():
    with np.errstate(over="ignore", invalid="ignore"):
        res = mg.lab.minimize(datasets.bowl, [1.0, 1.0], optimizer="GD", steps=500, lr=1.0)
    loss = res.trajectory.loss
    assert not np.isfinite(loss[-1]) and np.all(np.isfinite(loss[:-1]))
    assert res.trajectory.steps == len(loss) - 1 < 500


def test_optimizer_names_come_from_the_optim_registry():
    assert mg.lab.optimizer_class("nadam") is mg.optim.NAdam
    assert all(mg.lab.optimizer_class(name) is cls for name, cls in mg.optim.OPTIMIZERS.items())
    with pytest.raises(ValueError, match="choose one of"):
        mg.lab.optimizer_class("adamax")


def test_the_examples_record_their_paths_with_minimize():
    # one recorder: no example keeps a descent loop of its own
    for script in sorted(EXAMPLES.glob("*.py")):
        text = script.read_text()
        assert "def descend" not in text, script.name

"""mg.fit: the loss falls, the history has the right lengths, schedules are applied,
and a diverging run stops with a message that names the step."""

import math
import sys
import types

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses, nn


def sse(out, target):
    """The sum of squared errors (the book's least squares, eq. 6.5)."""
    return losses.mse_loss(out, target, reduction="sum")


def toy_regression(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x @ np.array([[1.5], [-2.0]])) + 0.5
    return x, y


def test_fit_decreases_the_loss_and_records_history():
    x, y = toy_regression()
    model = nn.Linear(2, 1, rng=0)
    opt = mg.optim.GD(model, lr=0.1)
    history = mg.fit(model, losses.mse_loss,
                     (x, y), opt, epochs=30, batch_size=8, progress=False)
    assert len(history.loss) == len(history.lr) == 30 * 5 == history.steps
    assert len(history.epoch_loss) == 30 == history.epochs
    assert history.epoch_loss[-1] < 1e-3 * history.epoch_loss[0]
    assert history.stopped is None and history.stop_step is None
    assert all(lr == 0.1 for lr in history.lr)
    np.testing.assert_allclose(model.weight.data, [[1.5, -2.0]], atol=0.05)
    # the epoch loss is the mean of that epoch's step losses
    assert history.epoch_loss[0] == pytest.approx(np.mean(history.loss[:5]))
    assert "30 epochs, 150 steps" in repr(history)


def test_full_batch_by_default_and_last_partial_batch():
    x, y = toy_regression(n=10)
    model = nn.Linear(2, 1, rng=0)
    h = mg.fit(model, sse, (x, y), mg.optim.GD(model, lr=0.01),
               epochs=3, progress=False)
    assert h.steps == 3
    h = mg.fit(model, sse, (x, y), mg.optim.GD(model, lr=0.01),
               epochs=2, batch_size=4, progress=False)
    assert h.steps == 2 * 3            # 4 + 4 + 2


def test_fit_classifier_on_moons_with_adam():
    x, labels = mg.lab.datasets.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP([2, 16, 16, 2], seed=0)
    h = mg.fit(model, losses.cross_entropy, (x, labels), mg.optim.Adam(model, lr=0.02),
               epochs=40, batch_size=25, progress=False, seed=1)
    accuracy = np.mean(model(x).data.argmax(axis=1) == labels)
    assert h.epoch_loss[-1] < 0.3 * h.epoch_loss[0]
    assert accuracy > 0.9


def test_schedule_sets_the_learning_rate_of_each_step():
    x, y = toy_regression(n=16)
    model = nn.Linear(2, 1, rng=0)
    opt = mg.optim.GD(model, lr=1.0)
    h = mg.fit(model, sse, (x, y), opt, epochs=3, batch_size=8,
               schedule=lambda step: 0.01 / (1 + step), progress=False)
    np.testing.assert_allclose(h.lr, [0.01 / (1 + s) for s in range(6)])
    assert opt.lr == pytest.approx(0.01 / 6)
    # a schedule object from mg.optim.schedules works the same way
    schedule = mg.optim.schedules.step_decay(0.01, 0.5, 2) if hasattr(
        mg.optim.schedules, "step_decay") else (lambda step: 0.01 * 0.5 ** (step // 2))
    h = mg.fit(model, sse, (x, y), opt, epochs=2, batch_size=8,
               schedule=schedule, progress=False)
    np.testing.assert_allclose(h.lr, [schedule(s) for s in range(4)])


def test_nan_loss_stops_early_with_a_message_naming_the_step():
    x, y = toy_regression(n=32)
    model = nn.MLP([2, 8, 1], seed=0)
    opt = mg.optim.GD(model, lr=10.0)           # far too large: the iterates diverge
    with pytest.warns(RuntimeWarning, match=r"at step \d+ .*smaller learning rate") as rec:
        h = mg.fit(model, sse, (x, y), opt, epochs=200, batch_size=8,
                   progress=False)
    message = str(rec[0].message)
    assert h.stopped == message
    assert f"at step {h.stop_step} " in message
    assert h.steps == h.stop_step + 1           # the bad loss is recorded as the last step
    assert not math.isfinite(h.loss[-1])
    assert all(math.isfinite(v) for v in h.loss[:-1])
    assert "it is 10" in message
    # the parameters were not updated with the non-finite loss
    assert all(np.all(np.isfinite(p.data)) for p in model.parameters())


def test_nan_in_the_data_stops_at_step_zero():
    x, y = toy_regression(n=8)
    x[3, 0] = np.nan
    model = nn.Linear(2, 1, rng=0)
    with pytest.warns(RuntimeWarning, match="at step 0 .*check the data"):
        h = mg.fit(model, sse, (x, y), mg.optim.GD(model, lr=0.1),
                   epochs=5, progress=False)
    assert h.stop_step == 0 and h.epochs == 0


def test_plain_progress_prints_one_line_per_epoch(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)     # as if tqdm were not installed
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    x, y = toy_regression(n=8)
    model = nn.Linear(2, 1, rng=0)
    mg.fit(model, sse, (x, y), mg.optim.GD(model, lr=0.01), epochs=3)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("epoch 1/3  loss ") and "lr 0.01" in lines[0]


def test_tqdm_bar_is_used_when_installed(monkeypatch):
    calls = []

    class FakeBar:
        def __init__(self, total, **kwargs):
            calls.append(("init", total))

        def set_postfix(self, **kwargs):
            calls.append(("postfix", kwargs["loss"]))

        def update(self, n):
            calls.append(("update", n))

        def close(self):
            calls.append(("close",))

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = FakeBar
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    x, y = toy_regression(n=8)
    model = nn.Linear(2, 1, rng=0)
    mg.fit(model, sse, (x, y), mg.optim.GD(model, lr=0.01), epochs=2)
    assert calls[0] == ("init", 2) and calls[-1] == ("close",)
    assert [c for c in calls if c[0] == "update"] == [("update", 1)] * 2


def test_closure_optimizers_get_a_closure():
    class ClosureGD:
        needs_closure = True
        lr = 0.05

        def __init__(self, params):
            self.params = params
            self.calls = 0

        def zero_grad(self):
            for p in self.params:
                p.grad = None

        def step(self, closure=None):
            assert closure is not None
            self.calls += 1
            loss = closure()
            for p in self.params:
                p.data[...] -= self.lr * p.grad
            return loss

    x, y = toy_regression(n=16)
    model = nn.Linear(2, 1, rng=0)
    opt = ClosureGD(model.parameters())
    h = mg.fit(model, sse, (x, y), opt, epochs=20, progress=False)
    assert opt.calls == 20 and h.loss[-1] < h.loss[0]


def test_bad_arguments_explain():
    model = nn.Linear(2, 1, rng=0)
    opt = mg.optim.GD(model, lr=0.1)
    x, y = toy_regression(n=8)
    with pytest.raises(TypeError, match="pair \\(x, y\\)"):
        mg.fit(model, sse, x, opt, epochs=1, progress=False)
    with pytest.raises(ValueError, match="one number"):
        mg.fit(model, lambda o, t: losses.mse_loss(o, t, reduction="none"), (x, y),
               opt, epochs=1, progress=False)

"""mg.fit's validation data, metrics, callbacks, lr_scheduler objects and DataLoader input.

Most tests use a one-weight model ``pred = w * x`` trained by gradient descent on
one example ``(x, y) = (1, 0)`` with ``lr = 0.25``: the loss is ``w**2``, its
gradient ``2 w``, so each step halves ``w``.  From ``w = 4`` the weights after the
epochs are 2, 1, 0.5, 0.25, ... and every number below is exact in float64.
The validation example is ``(1, 1)``, so the validation loss ``(w - 1)**2`` falls
and then rises: 1, 0, 0.25, 0.5625, 0.765625, ...
"""

import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses, nn
from minigrad.callbacks import Callback, EarlyStopping, EpochLogger, LambdaCallback
from minigrad.errors import ShapeError

X1, Y0, Y1 = np.array([[1.0]]), np.array([[0.0]]), np.array([[1.0]])
VAL_LOSS = [1.0, 0.0, 0.25, 0.5625, 0.765625, 0.87890625]


def one_weight(w=4.0):
    model = nn.Linear(1, 1, bias=False)
    model.weight.data[...] = w
    return model


def weight(model):
    return float(model.weight.data[0, 0])


def run(model=None, epochs=6, lr=0.25, **kwargs):
    model = one_weight() if model is None else model
    opt = mg.optim.GD(model, lr=lr)
    kwargs.setdefault("progress", False)
    h = mg.fit(model, losses.mse_loss, (X1, Y0), opt, epochs=epochs, **kwargs)
    return h, model, opt


# ------------------------------------------------------------------ validation
def test_validation_loss_is_recorded_per_epoch():
    h, model, _ = run(val_data=(X1, Y1))
    assert h.epoch_loss == [16.0, 4.0, 1.0, 0.25, 0.0625, 0.015625]   # w**2 before each step
    assert h.val_loss == VAL_LOSS                                     # (w - 1)**2 after it
    assert h["val_loss"] is h.val_loss and h.last["val_loss"] == VAL_LOSS[-1]
    assert weight(model) == 4.0 / 2 ** 6


def test_validation_runs_in_eval_mode_without_a_graph_and_returns_to_train():
    class Probe(nn.Module):
        """Dropout on the input of a fixed linear map; records each forward's mode."""

        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(p=0.5, generator=0)
            self.lin = nn.Linear(4, 1, bias=False)
            self.lin.weight.data[...] = 1.0
            self.seen = []

        def forward(self, x):
            self.seen.append((self.training, mg.is_grad_enabled()))
            return self.lin(self.drop(x))

    x = np.ones((8, 4))
    y = np.zeros((8, 1))
    model = Probe()
    h = mg.fit(model, losses.mse_loss, (x, y), mg.optim.GD(model, lr=0.0), epochs=3,
               batch_size=4, val_data=(x, y), progress=False)
    # in eval mode dropout is the identity: every output is 4, the loss 16, every epoch
    assert h.val_loss == [16.0, 16.0, 16.0]
    # in train mode it drops and rescales, so the training losses differ from 16
    assert any(v != 16.0 for v in h.loss)
    assert model.seen == [(True, True), (True, True), (False, False)] * 3
    assert model.training and model.drop.training


def test_validation_data_as_a_dataloader_weights_batches_by_size():
    xv = np.array([[1.0], [1.0], [1.0]])
    yv = np.array([[1.0], [1.0], [3.0]])
    loader = mg.utils.data.DataLoader(mg.utils.data.TensorDataset(xv, yv), batch_size=2)
    h, _, _ = run(epochs=2, val_data=loader)
    # after epoch 0 w = 2: squared errors 1, 1, 1; after epoch 1 w = 1: 0, 0, 4
    assert h.val_loss == [1.0, 4.0 / 3.0]


# ------------------------------------------------------------------ early stopping
def test_early_stopping_stops_at_the_right_epoch_and_says_why():
    stop = EarlyStopping(monitor="val_loss", patience=2)
    h, model, _ = run(epochs=100, val_data=(X1, Y1), callbacks=[stop])
    # best at epoch 1 (0.0); epochs 2 and 3 are worse: stop after epoch 3
    assert h.epochs == 4 and h.val_loss == VAL_LOSS[:4]
    assert (stop.best, stop.best_epoch, stop.stopped_epoch) == (0.0, 1, 3)
    assert h.stopped_by == "EarlyStopping" and h.stop_epoch == 3 and h.stop_step == 3
    assert "val_loss did not improve" in h.stopped and "after epoch 3" in h.stopped
    assert "at epoch 1" in h.stopped
    assert h.restored_epoch is None
    assert weight(model) == 0.25                     # the last weights, not restored
    assert "stopped in epoch 3 by EarlyStopping" in repr(h)


def test_early_stopping_restores_the_best_weights():
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    h, model, _ = run(epochs=100, val_data=(X1, Y1), callbacks=[stop])
    assert weight(model) == 1.0                      # w after epoch 1, where val_loss was 0
    assert h.restored_epoch == 1 and "weights of epoch 1 were restored" in h.stopped


@pytest.mark.parametrize("patience, stopped_after", [(0, 2), (1, 2), (3, 4)])
def test_early_stopping_patience_counts_epochs_without_improvement(patience, stopped_after):
    stop = EarlyStopping(patience=patience)
    h, _, _ = run(epochs=100, val_data=(X1, Y1), callbacks=[stop])
    assert stop.stopped_epoch == stopped_after and h.epochs == stopped_after + 1


def test_early_stopping_min_delta_and_mode_max():
    # the training loss keeps falling (16, 4, 1, 0.25, ...), by 0.1875 from epoch 3 to 4:
    # with min_delta=0.2 that is no longer an improvement
    stop = EarlyStopping(monitor="loss", min_delta=0.2)
    h, _, _ = run(epochs=100, callbacks=[stop])
    assert (stop.best_epoch, stop.stopped_epoch) == (3, 4)
    # mode="max" on a metric: -mae of the validation goes up from -1 to 0, then down
    stop = EarlyStopping(monitor="val_neg_mae", mode="max")
    neg_mae = {"neg_mae": lambda p, t: -mg.metrics.mae(p, t)}
    h, _, _ = run(epochs=100, val_data=(X1, Y1), metrics=neg_mae, callbacks=[stop])
    assert h.metrics["val_neg_mae"] == [-1.0, 0.0, -0.5] and stop.best_epoch == 1


def test_early_stopping_explains_a_missing_monitor_and_a_wrong_mode():
    with pytest.raises(KeyError, match="no validation data: pass val_data"):
        run(epochs=3, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="mode='max'"):
        EarlyStopping(monitor="val_accuracy")
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(patience=-1)


# ------------------------------------------------------------------ metrics
def test_metrics_by_hand_on_train_and_validation():
    # 1-D inputs; a fixed map (lr = 0) whose logits are (x, -x): class 0 when x > 0
    x = np.array([[2.0], [-1.0], [0.5], [-3.0], [1.0]])
    labels = np.array([0, 1, 1, 1, 0])                 # row 2 is wrong: 4 of 5 right
    model = nn.Linear(1, 2, bias=False)
    model.weight.data[...] = [[1.0], [-1.0]]
    xv, lv = np.array([[1.0], [-1.0]]), np.array([1, 1])   # 1 of 2 right
    h = mg.fit(model, losses.cross_entropy, (x, labels), mg.optim.GD(model, lr=0.0),
               epochs=2, batch_size=3, val_data=(xv, lv), metrics=["accuracy"],
               progress=False)
    # batches of 3 and 2 examples: the epoch's accuracy counts examples, not batches
    assert h.metrics == {"accuracy": [pytest.approx(0.8)] * 2, "val_accuracy": [0.5, 0.5]}
    assert list(h.per_epoch) == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"]


def test_regression_metrics_by_hand():
    h, _, _ = run(epochs=3, val_data=(X1, Y1), metrics={"mae": "mae", "mse": "mse",
                                                        "sq": lambda p, t: ((p - t) ** 2).sum()})
    # on the training batch before each step w = 4, 2, 1; on validation after it w = 2, 1, .5
    assert h.metrics["mae"] == [4.0, 2.0, 1.0]
    assert h.metrics["mse"] == h.metrics["sq"] == [16.0, 4.0, 1.0]
    assert h.metrics["val_mae"] == [1.0, 0.0, 0.5]
    assert h.metrics["val_mse"] == [1.0, 0.0, 0.25]
    assert h.last == {"loss": 1.0, "mae": 1.0, "mse": 1.0, "sq": 1.0, "val_loss": 0.25,
                      "val_mae": 0.5, "val_mse": 0.25, "val_sq": 0.25, "lr": 0.25}


def test_builtin_metrics_refuse_shapes_that_would_broadcast():
    assert mg.metrics.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]),
                               np.array([[0.0, 1.0], [0.0, 1.0]])) == 0.5     # one-hot
    assert mg.metrics.binary_accuracy(0.0)(np.array([[2.0], [-1.0]]),
                                           np.array([[1.0], [1.0]])) == 0.5
    with pytest.raises(ShapeError, match=r"\(4, 1\) and target \(4,\)"):
        mg.metrics.mae(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ShapeError, match="binary_accuracy"):
        mg.metrics.accuracy(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(ValueError, match="class indices"):
        mg.metrics.accuracy(np.zeros((2, 3)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        run(epochs=1, metrics="f1")
    with pytest.raises(ValueError, match="cannot name a metric"):
        run(epochs=1, metrics={"val_x": "mae"})
    with pytest.raises(TypeError, match="one number"):
        run(epochs=1, metrics={"bad": lambda p, t: np.zeros(3)})


# ------------------------------------------------------------------ schedules
def hand_lrs(make_scheduler, steps_per_epoch, epochs, every):
    """The rate of every optimizer step when a scheduler is driven by hand."""
    opt = mg.optim.SGD(mg.tensor([0.0], requires_grad=True), lr=0.1)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        for _ in range(steps_per_epoch):
            lrs.append(opt.lr)
            opt.step()
            if every == "batch":
                sched.step()
        if every == "epoch":
            sched.step()
    return lrs


SCHEDULERS = {
    "StepLR": lambda opt: mg.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    "ExponentialLR": lambda opt: mg.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    "OneCycleLR": lambda opt: mg.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0,
                                                                total_steps=13),
}


@pytest.mark.parametrize("name, every", [(name, every) for name in sorted(SCHEDULERS)
                                         for every in ("batch", "epoch")
                                         if (name, every) != ("OneCycleLR", "epoch")])
def test_lr_scheduler_steps_per_batch_or_per_epoch(name, every):
    x = np.linspace(-1, 1, 16).reshape(-1, 1)
    model = nn.Linear(1, 1, rng=0)
    opt = mg.optim.SGD(model, lr=0.1)
    sched = SCHEDULERS[name](opt)
    kwargs = {} if every == "epoch" else {"schedule_every": "batch"}   # epoch: the default
    h = mg.fit(model, losses.mse_loss, (x, 2 * x), opt, epochs=3, batch_size=4,
               schedule=sched, progress=False, **kwargs)
    expected = hand_lrs(SCHEDULERS[name], 4, 3, every)
    assert h.lr == expected                              # bit for bit
    assert h.epoch_lr == expected[::4]
    if every == "epoch":
        assert h.lr == [lr for lr in h.epoch_lr for _ in range(4)]


def test_book_schedule_per_step_or_per_epoch():
    halve = mg.optim.schedules.step_decay(0.1, 0.5, every=2)
    h, _, opt = run(epochs=5, schedule=halve, schedule_every="epoch")
    assert h.epoch_lr == h.lr == [0.1, 0.1, 0.05, 0.05, 0.025]      # every 2 epochs
    x = np.linspace(-1, 1, 8).reshape(-1, 1)
    model = nn.Linear(1, 1, rng=0)
    h = mg.fit(model, losses.mse_loss, (x, x), mg.optim.GD(model, lr=1.0), epochs=2,
               batch_size=4, schedule=halve, progress=False)       # default: per step
    assert h.lr == [0.1, 0.1, 0.05, 0.05] and h.epoch_lr == [0.1, 0.05]


def test_reduce_lr_on_plateau_is_driven_by_the_validation_loss():
    model = one_weight()
    opt = mg.optim.GD(model, lr=0.25)
    plateau = mg.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.1)
    h = mg.fit(model, losses.mse_loss, (X1, Y0), opt, epochs=5, val_data=(X1, Y1),
               schedule=plateau, progress=False)
    # val_loss 1, 0, 0.25, 0.5625: the best is at epoch 1, two epochs without improvement
    # (more than patience=1) after epoch 3, so epoch 4 runs at 0.025
    assert h.val_loss[:4] == VAL_LOSS[:4]
    assert h.epoch_lr == [0.25, 0.25, 0.25, 0.25, 0.025]
    # the same scheduler driven by hand with the recorded validation losses
    by_hand = mg.optim.lr_scheduler.ReduceLROnPlateau(
        mg.optim.SGD(mg.tensor([0.0], requires_grad=True), lr=0.25), patience=1, factor=0.1)
    rates = []
    for v in h.val_loss:
        rates.append(by_hand.get_last_lr()[0])
        by_hand.step(v)
    assert rates == h.epoch_lr
    # the training loss kept falling: driven by it, the rate would never have dropped


def test_reduce_lr_on_plateau_uses_the_training_loss_without_validation():
    model = one_weight(0.0)                     # at the minimum: the loss stays 0
    opt = mg.optim.GD(model, lr=0.5)
    plateau = mg.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5)
    h = mg.fit(model, losses.mse_loss, (X1, Y0), opt, epochs=5, schedule=plateau,
               progress=False)
    assert h.epoch_loss == [0.0] * 5
    assert h.epoch_lr == [0.5, 0.5, 0.5, 0.5, 0.25]


def test_schedule_arguments_explain():
    model = one_weight()
    opt = mg.optim.GD(model, lr=0.25)
    other = mg.optim.SGD(mg.tensor([0.0], requires_grad=True), lr=0.1)
    with pytest.raises(ValueError, match="another optimizer"):
        mg.fit(model, losses.mse_loss, (X1, Y0), opt, epochs=1, progress=False,
               schedule=mg.optim.lr_scheduler.StepLR(other, step_size=1))
    plateau = mg.optim.lr_scheduler.ReduceLROnPlateau(opt)
    with pytest.raises(ValueError, match="once per epoch"):
        mg.fit(model, losses.mse_loss, (X1, Y0), opt, epochs=1, progress=False,
               schedule=plateau, schedule_every="batch")
    with pytest.raises(ValueError, match="'epoch' or 'batch'"):
        run(epochs=1, schedule=lambda t: 0.1, schedule_every="step")
    with pytest.raises(TypeError, match="function step -> lr"):
        run(epochs=1, schedule=0.1)


# ------------------------------------------------------------------ DataLoader input
def test_a_dataloader_gives_the_same_steps_as_the_hand_written_loop():
    x = np.linspace(-1, 1, 10).reshape(-1, 1)
    y = np.sin(3 * x)
    dataset = mg.utils.data.TensorDataset(x, y)

    def make():
        model = nn.MLP([1, 8, 1], seed=0)
        opt = mg.optim.SGD(model, lr=0.1, momentum=0.9)
        return model, opt, mg.utils.data.DataLoader(dataset, batch_size=4, shuffle=True,
                                                    generator=7)

    model, opt, loader = make()
    h = mg.fit(model, losses.mse_loss, loader, opt, epochs=3, progress=False)

    model2, opt2, loader2 = make()
    step_losses = []
    for _ in range(3):
        model2.train()
        for xb, yb in loader2:
            opt2.zero_grad()
            loss = losses.mse_loss(model2(xb), yb)
            loss.backward()
            opt2.step()
            step_losses.append(loss.item())
    assert h.steps == 9 and h.loss == step_losses
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_a_list_of_batches_and_bad_data_explain():
    xb, yb = np.ones((2, 1)), np.zeros((2, 1))
    model = one_weight()
    h = mg.fit(model, losses.mse_loss, [(xb, yb), (xb[:1], yb[:1])],
               mg.optim.GD(model, lr=0.25), epochs=2, progress=False)
    assert h.steps == 4 and h.loss == [16.0, 4.0, 1.0, 0.25]
    loader = mg.utils.data.DataLoader(mg.utils.data.TensorDataset(xb, yb), batch_size=1)
    with pytest.raises(ValueError, match="makes its own batches"):
        mg.fit(model, losses.mse_loss, loader, mg.optim.GD(model, lr=0.1), epochs=1,
               batch_size=1, progress=False)
    with pytest.raises(TypeError, match="used up after one epoch"):
        mg.fit(model, losses.mse_loss, iter([(xb, yb)]), mg.optim.GD(model, lr=0.1),
               epochs=1, progress=False)
    with pytest.raises(TypeError, match="pair \\[xb, yb\\]"):
        mg.fit(model, losses.mse_loss, mg.utils.data.DataLoader(
            mg.utils.data.TensorDataset(xb), batch_size=1), mg.optim.GD(model, lr=0.1),
            epochs=1, progress=False)


# ------------------------------------------------------------------ callbacks
def test_callback_hooks_run_in_order_with_the_logs():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, logs=None):
            calls.append(("train_begin", self.model is model, self.history is not None))

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(("epoch_begin", epoch, logs["lr"]))

        def on_batch_end(self, batch, logs=None):
            calls.append(("batch_end", batch, logs["step"], logs["loss"], logs["size"]))

        def on_epoch_end(self, epoch, logs=None):
            calls.append(("epoch_end", epoch, dict(logs)))

        def on_train_end(self, logs=None):
            calls.append(("train_end", dict(logs)))

    model = one_weight()
    h = mg.fit(model, losses.mse_loss, [(X1, Y0), (X1, Y0)], mg.optim.GD(model, lr=0.25),
               epochs=2, val_data=(X1, Y1), callbacks=Recorder(), progress=False)
    assert calls == [
        ("train_begin", True, True),
        ("epoch_begin", 0, 0.25),
        ("batch_end", 0, 0, 16.0, 1), ("batch_end", 1, 1, 4.0, 1),
        ("epoch_end", 0, {"loss": 10.0, "val_loss": 0.0, "lr": 0.25}),
        ("epoch_begin", 1, 0.25),
        ("batch_end", 0, 2, 1.0, 1), ("batch_end", 1, 3, 0.25, 1),
        ("epoch_end", 1, {"loss": 0.625, "val_loss": 0.5625, "lr": 0.25}),
        ("train_end", {"loss": 0.625, "val_loss": 0.5625, "lr": 0.25}),
    ]
    assert h.stopped is None


def test_a_callback_stops_by_returning_true_or_by_its_flag():
    cb = LambdaCallback(on_batch_end=lambda batch, logs: logs["step"] == 2)
    h, _, _ = run(epochs=10, callbacks=[cb])
    assert h.steps == 3 and h.epochs == 2            # stopped inside epoch 2
    assert h.stopped_by == "LambdaCallback" and h.stop_epoch == 2 and h.stop_step == 2
    assert h.stopped == "LambdaCallback stopped training after batch 0 (counting from 0)."

    class Flag(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.stop_training, self.stop_reason = True, "enough"
    h, _, _ = run(epochs=10, callbacks=[Flag()])
    assert h.epochs == 2 and h.stopped == "enough" and h.stopped_by == "Flag"
    with pytest.raises(TypeError, match="none of the hooks"):
        run(epochs=1, callbacks=[object()])


def test_train_end_runs_after_a_non_finite_loss_and_restores_the_best_weights():
    def loss_fn(pred, target):          # the training loss of step 3 is NaN
        loss = losses.mse_loss(pred, target)
        if mg.is_grad_enabled():
            steps.append(1)
            return loss * np.nan if len(steps) == 4 else loss
        return loss

    steps = []
    model = one_weight()
    stop = EarlyStopping(patience=5, restore_best_weights=True)
    with pytest.warns(RuntimeWarning, match="at step 3"):
        h = mg.fit(model, loss_fn, (X1, Y0), mg.optim.GD(model, lr=0.25), epochs=10,
                   val_data=(X1, Y1), callbacks=[stop], progress=False)
    assert h.stopped_by == "non-finite loss" and h.stop_epoch == 3 and h.stop_step == 3
    assert h.val_loss == VAL_LOSS[:3]
    assert h.restored_epoch == 1 and weight(model) == 1.0     # not 0.5, the last weights


def test_epoch_logger_and_plain_progress_show_validation_and_metrics(capsys, monkeypatch):
    lines = []
    run(epochs=2, val_data=(X1, Y1), metrics=["mae"],
        callbacks=[EpochLogger(print_fn=lines.append)])
    assert lines == ["epoch 0  loss 16  mae 4  val_loss 1  val_mae 1  lr 0.25",
                     "epoch 1  loss 4  mae 2  val_loss 0  val_mae 0  lr 0.25"]
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    run(epochs=1, val_data=(X1, Y1), progress=True,
        callbacks=[EarlyStopping(patience=0)])
    out = capsys.readouterr().out
    assert out.startswith("epoch 1/1  loss 16  val_loss 1  lr 0.25  (")


def test_history_is_readable():
    h, _, _ = run(epochs=2, val_data=(X1, Y1), metrics="mae")
    assert h.per_epoch == {"loss": [16.0, 4.0], "mae": [4.0, 2.0], "val_loss": [1.0, 0.0],
                           "val_mae": [1.0, 0.0], "lr": [0.25, 0.25]}
    assert h["mae"] == [4.0, 2.0]
    with pytest.raises(KeyError, match="per-epoch lists are"):
        h["accuracy"]
    assert repr(h).startswith("History(2 epochs, 2 steps, loss 4, mae 2, val_loss 0, "
                              "val_mae 0, ")
    empty = mg.callbacks.History()
    assert empty.last == {} and empty.per_epoch == {"loss": [], "lr": []}


def test_fit_with_two_parameter_groups_records_and_schedules_every_group():
    x = np.linspace(-1, 1, 16).reshape(-1, 1)
    model = mg.nn.Linear(1, 1, rng=0)
    opt = mg.optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.01}],
                       lr=0.1)
    history = mg.fit(model, mg.nn.MSELoss(), (x, 2 * x), opt, epochs=2, batch_size=4,
                     progress=False)
    assert history.epoch_lr == [0.1, 0.1]            # the first group's, as recorded
    history = mg.fit(model, mg.nn.MSELoss(), (x, 2 * x), opt, epochs=1, batch_size=4,
                     progress=False, schedule=lambda t: 0.5 / (1 + t))
    assert [group["lr"] for group in opt.param_groups] == [0.5 / 4, 0.5 / 4]

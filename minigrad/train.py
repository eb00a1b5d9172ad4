"""A training loop: minibatches, optimizer steps, validation, metrics, callbacks, a history.

``fit`` runs the loop of chapter 6 for a model and a loss: for each epoch the
training pairs are shuffled and cut into batches (``mg.data.Batches``, or a
``mg.utils.data.DataLoader`` you give), and for each batch the loss is
computed, differentiated and handed to the optimizer.  After each epoch it
evaluates the validation data, if any, steps the learning-rate schedule, and
asks the callbacks ([`minigrad.callbacks`][minigrad.callbacks]) whether to go on.  It stops
early, with a warning, if the loss becomes NaN or infinite, which almost
always means that the learning rate is too large.

>>> import numpy as np, minigrad as mg
>>> x = np.linspace(-1, 1, 32).reshape(-1, 1); y = 3 * x - 1
>>> model = mg.nn.Linear(1, 1, rng=0)
>>> loss_fn = lambda pred, y: mg.losses.mse_loss(pred, y, reduction="sum")
>>> history = mg.fit(model, loss_fn, (x, y), mg.optim.GD(model, lr=0.01),
...                  epochs=50, batch_size=8, progress=False)
>>> len(history.loss), len(history.epoch_loss)
(200, 50)
>>> bool(history.epoch_loss[-1] < 1e-3 * history.epoch_loss[0])
True

With validation data, metrics and early stopping:

>>> model = mg.nn.Linear(1, 1, rng=0)
>>> stop = mg.callbacks.EarlyStopping(monitor="val_loss", patience=3, min_delta=1e-4)
>>> history = mg.fit(model, mg.losses.mse_loss, (x, y), mg.optim.SGD(model, lr=0.1),
...                  epochs=500, batch_size=8, val_data=(x[::3], y[::3]),
...                  metrics=["mae"], callbacks=[stop], progress=False)
>>> sorted(history.per_epoch)
['loss', 'lr', 'mae', 'val_loss', 'val_mae']
>>> history.epochs < 500, history.stopped.startswith("EarlyStopping: val_loss")
(True, True)
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from .anomaly import culprit, first_anomaly
from .autograd import enable_grad, no_grad
from .callbacks import CallbackList, History, format_logs
from .data import Batches
from .metrics import metric_value, resolve
from .optim.lr_scheduler import ReduceLROnPlateau
from .tensor import Tensor, unwrap

__all__ = ["fit", "History"]


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _is_pair(item):
    return isinstance(item, (tuple, list)) and len(item) == 2


def _is_batch(item):
    """A batch is a pair of arrays or tensors (a DataLoader yields ``[xb, yb]``)."""
    return _is_pair(item) and all(isinstance(a, (np.ndarray, Tensor)) for a in item)


def _batches(data, where):
    """A re-iterable of ``(xb, yb)`` batches (a DataLoader, a list of batches), or
    None when ``data`` is one pair ``(x, y)``."""
    if _is_pair(data) and not all(_is_batch(item) for item in data):
        return None
    if isinstance(data, (tuple, list)):
        if not data or not all(_is_batch(item) for item in data):
            raise TypeError(
                f"fit: {where} must be a pair (x, y) of arrays whose first axis runs over "
                f"the examples, a DataLoader, or a list of (xb, yb) batches; got a "
                f"{type(data).__name__} of length {len(data)}.")
        return data
    if isinstance(data, (np.ndarray, Tensor)) or not hasattr(data, "__iter__"):
        raise TypeError(
            f"fit: {where} must be a pair (x, y) of arrays whose first axis runs over the "
            f"examples, a DataLoader, or a list of (xb, yb) batches; got "
            f"{type(data).__name__}.")
    if iter(data) is data:
        raise TypeError(
            f"fit: {where} is an iterator ({type(data).__name__}), which is used up after "
            f"one epoch; pass a DataLoader or a list of batches, which can be looped over "
            f"again every epoch.")
    return data


def _unpack(batch, where):
    if not _is_pair(batch):
        raise TypeError(f"fit: each batch of {where} must be a pair [xb, yb] (inputs, "
                        f"targets), got {type(batch).__name__}"
                        + (f" of length {len(batch)}" if isinstance(batch, (tuple, list))
                           else "") + ".")
    return batch


def _size(xb):
    shape = np.shape(unwrap(xb))
    return shape[0] if shape else 1


def _set_lr(optimizer, lr):
    """A schedule function gives the learning rate of every parameter group."""
    groups = getattr(optimizer, "param_groups", None)
    if groups is None:
        optimizer.lr = lr
        return
    for group in groups:
        group["lr"] = lr


def _get_lr(optimizer):
    """The learning rate of the first parameter group, as History records it."""
    groups = getattr(optimizer, "param_groups", None)
    lr = groups[0].get("lr") if groups else getattr(optimizer, "lr", None)
    return float(lr) if isinstance(lr, (int, float, np.floating, np.integer)) else lr


def _scalar(loss, where):
    if not isinstance(loss, Tensor):
        raise TypeError(f"fit: {where} returned {type(loss).__name__}; it must return the "
                        f"loss as a minigrad Tensor (built from the model's output).")
    if loss.numel() != 1:
        raise ValueError(f"fit: {where} returned a tensor of shape {loss.shape}; the loss "
                         f"must be one number. Use reduction='sum' or 'mean'.")
    return float(loss.data.reshape(()))


def _stop_message(value, step, epoch, epochs, batch, n_batches, lr, found=""):
    advice = "Try a smaller learning rate"
    if isinstance(lr, float) and lr > 0:
        advice += f" (it is {lr:.3g}; e.g. {lr / 10:.3g})"
    return (f"fit: the loss became {value} at step {step} (counting from 0; epoch "
            f"{epoch + 1} of {epochs}, batch {batch + 1} of {n_batches}), so training "
            f"stopped there. A loss that blows up usually means the steps are too large "
            f"and the parameters diverged. {advice}, or check the data for NaN or inf."
            f"{found}")


def _all_finite(arrays):
    return all(np.isfinite(a).all() for a in arrays
               if np.asarray(a).dtype.kind in "fc")


def _culprit(model, loss_fn, xb, yb):
    """Rerun the forward of the failing step under ``mg.detect_anomaly()`` and say
    which operation made the first NaN or inf (or why none did)."""
    def forward():
        with enable_grad():
            loss_fn(model(xb), yb)
    # The rerun must leave no trace: put back the generators a layer draws from
    # (dropout's own; first_anomaly restores the package's).
    modules = model.modules() if hasattr(model, "modules") else []
    generators = [m.generator for m in modules
                  if isinstance(getattr(m, "generator", None), np.random.Generator)]
    states = [g.bit_generator.state for g in generators]
    found = first_anomaly(forward)
    for g, state in zip(generators, states):
        g.bit_generator.state = state
    head = " Rerun under mg.detect_anomaly(), "
    if found is not None:
        return head + f"the first NaN or inf came from {culprit(found)}."
    params = [unwrap(p) for p in model.parameters()] if hasattr(model, "parameters") else []
    if not _all_finite(params):
        return (head + "no operation of this step made it: the parameters already held NaN "
                "or inf, so an earlier step made them so (a step too large, or a NaN "
                "gradient: run that step's backward inside mg.detect_anomaly() to see "
                "which operation made it).")
    if not _all_finite([unwrap(xb), unwrap(yb)]):
        return head + "no operation made it: this batch's data holds NaN or inf."
    return head + "no operation made it from finite numbers this time."


class _Schedule:
    """Sets the learning rate from ``schedule`` at the right points of the loop."""

    def __init__(self, schedule, every, optimizer):
        self.schedule = schedule
        self.scheduler = hasattr(schedule, "step") and hasattr(schedule, "get_last_lr")
        if schedule is not None and not self.scheduler and not callable(schedule):
            raise TypeError(f"fit(schedule=...): expected a function step -> lr (e.g. "
                            f"mg.optim.schedules.cosine) or an mg.optim.lr_scheduler object, "
                            f"got {type(schedule).__name__}.")
        if every is None:
            every = "epoch" if self.scheduler else "batch"
        if every not in ("epoch", "batch"):
            raise ValueError(f"fit(schedule_every={every!r}): expected 'epoch' or 'batch'.")
        self.every = every
        self.plateau = isinstance(schedule, ReduceLROnPlateau)
        if self.plateau and every == "batch":
            raise ValueError("fit(schedule=ReduceLROnPlateau(...), schedule_every='batch'): "
                             "ReduceLROnPlateau is stepped once per epoch with the validation "
                             "loss; leave schedule_every='epoch'.")
        if self.scheduler and getattr(schedule, "optimizer", optimizer) is not optimizer:
            raise ValueError("fit(schedule=...): the scheduler was created on another "
                             "optimizer than the one given to fit, so it would change the "
                             "wrong learning rate. Create it on fit's optimizer.")
        self.optimizer = optimizer

    def epoch_begin(self, epoch, step):
        # a function of the step is applied here too, so that the epoch's rate is right
        if self.schedule is not None and not self.scheduler:
            t = epoch if self.every == "epoch" else step
            _set_lr(self.optimizer, float(self.schedule(t)))

    def batch_begin(self, step):
        if self.schedule is not None and not self.scheduler and self.every == "batch":
            _set_lr(self.optimizer, float(self.schedule(step)))

    def batch_end(self):
        if self.scheduler and self.every == "batch":
            self.schedule.step()

    def epoch_end(self, monitored):
        if self.scheduler and self.every == "epoch":
            if self.plateau:
                self.schedule.step(monitored)
            else:
                self.schedule.step()


def fit(model, loss_fn, data, optimizer, epochs, batch_size=None, schedule=None,
        progress=True, seed=0, *, val_data=None, metrics=None, callbacks=None,
        schedule_every=None):
    """Fit ``model`` by minimizing ``loss_fn(model(x), y)`` over minibatches; returns a History.

    **Data.** ``data`` is ``(x, y)``, arrays whose first axis runs over the
    examples; ``batch_size=None`` uses all of them in every step (gradient
    descent), otherwise each epoch visits every example once, in a new random
    order drawn from ``seed``.  ``data`` may instead be a
    ``mg.utils.data.DataLoader`` (or a list of ``(xb, yb)`` batches), which
    then decides the batches and their order (``batch_size`` and ``seed`` are
    not used).

    **Validation.** ``val_data``, in the same forms, is evaluated after each
    epoch with the model in ``eval()`` mode (dropout off) under ``no_grad``,
    then the model is put back in ``train()`` mode.  Its loss is
    ``history.val_loss``: for several batches, their losses' mean weighted by
    batch size (the loss of the whole set for a ``reduction="mean"`` loss).

    **Metrics.** ``metrics`` is a name (``"accuracy"``, ``"mae"``, ``"mse"``),
    a function ``(pred, target) -> number``, or a list or dict of these (see
    [`minigrad.metrics`][minigrad.metrics]).  Each is averaged over the epoch's batches
    weighted by their sizes: on the training batches as they are trained (the
    weights move during the epoch, as in Keras) and, with ``val_data``, on the
    validation data after the epoch (named ``"val_" + name``).  They are in
    ``history.metrics``.

    **Schedules.** ``schedule`` is either a function ``t -> lr`` (the book's
    ``minigrad.optim.schedules``, or any function) or a scheduler of
    [`minigrad.optim.lr_scheduler`][minigrad.optim.lr_scheduler] created on ``optimizer``.
    ``schedule_every`` says what ``t`` counts: ``"batch"`` (optimizer steps
    over the whole run, from 0) or ``"epoch"``.  The default is ``"batch"`` for a
    function (``lr = schedule(step)`` before each step, as fit always did) and
    ``"epoch"`` for a scheduler (``scheduler.step()`` after each epoch, after
    validation, PyTorch's usual habit; with ``"batch"`` after each optimizer
    step).  The book's "halve every 10 epochs" is
    ``schedule=step_decay(lr, 0.5, every=10), schedule_every="epoch"`` or
    ``schedule=StepLR(opt, step_size=10, gamma=0.5)``.  ``ReduceLROnPlateau``
    is stepped after each epoch with the validation loss, or with the
    epoch's training loss when there is no ``val_data``.  ``history.epoch_lr``
    holds each epoch's starting rate and ``history.lr`` each step's.

    **Callbacks.** ``callbacks`` is a list of
    [`minigrad.callbacks.Callback`][minigrad.callbacks.Callback] objects (``EarlyStopping``,
    ``EpochLogger``, your own); one that asks to stop ends training after the current epoch (or
    batch), and ``history.stopped`` says which and why.

    ``progress=True`` shows a tqdm bar if tqdm is installed
    (``pip install minigrad[progress]``) and prints one line per epoch
    otherwise; ``progress=False`` is silent.  Optimizers that evaluate the
    loss themselves (``needs_closure``, e.g. line search) are given a closure.
    If a loss is NaN or infinite, training stops with a ``RuntimeWarning`` that
    names the step and suggests a smaller learning rate; the parameters are
    left as they were before that step (for closure optimizers, after it).
    The step's forward pass is then run again under ``mg.detect_anomaly()``,
    and the message names the operation that made the first NaN or inf and
    the line of your code that called it (or says that the parameters or the
    data already held one).

    >>> import numpy as np, minigrad as mg
    >>> x = np.linspace(-1, 1, 8).reshape(-1, 1); y = 2 * x
    >>> model = mg.nn.Linear(1, 1, rng=0)
    >>> opt = mg.optim.SGD(model, lr=0.1)
    >>> sched = mg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> h = mg.fit(model, mg.losses.mse_loss, (x, y), opt, epochs=5, batch_size=4,
    ...            schedule=sched, progress=False)
    >>> h.epoch_lr
    [0.1, 0.1, 0.05, 0.05, 0.025]
    """
    train_batches = _batches(data, "data")
    if train_batches is None:
        x, y = data
        n = len(x)
        if batch_size is None:
            batch_size = n
        train_batches = Batches((x, y), batch_size, shuffle=batch_size < n, seed=seed)
    elif batch_size is not None:
        raise ValueError(f"fit(batch_size={batch_size}): data is a {type(data).__name__}, "
                         f"which makes its own batches; set the batch size there and "
                         f"leave fit's batch_size=None.")
    if val_data is not None:
        val_batches = _batches(val_data, "val_data")
        if val_batches is None:
            val_batches = [tuple(a if isinstance(a, Tensor) else np.asarray(a)
                                 for a in val_data)]
    else:
        val_batches = None
    metric_fns = resolve(metrics)
    scheduling = _Schedule(schedule, schedule_every, optimizer)
    calls = CallbackList(callbacks)
    epochs = int(epochs)
    if hasattr(model, "train"):
        model.train()
    history = History()
    calls.attach(model, optimizer, history)
    loop = _Loop(model, loss_fn, optimizer, train_batches, val_batches, metric_fns,
                 scheduling, calls, history, epochs)
    tqdm = _tqdm() if progress else None
    loop.bar = tqdm(total=epochs, desc="fit", unit="epoch", leave=True) if tqdm else None
    loop.progress = progress
    loop.start = time.perf_counter()
    # NumPy's own overflow warnings would come before, and say less than, the
    # message of a non-finite loss; the loop catches and explains it.
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            calls.call("on_train_begin", {})
            loop.run()
            calls.call("on_train_end", history.last)
    finally:
        history.seconds = time.perf_counter() - loop.start
        if loop.bar is not None:
            loop.bar.close()
    if history.stopped_by == "non-finite loss":
        warnings.warn(history.stopped, RuntimeWarning, stacklevel=2)
    return history


class _Loop:
    """The state of one ``fit`` run (kept in one place so each phase is a method)."""

    def __init__(self, model, loss_fn, optimizer, train_batches, val_batches, metric_fns,
                 scheduling, calls, history, epochs):
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.train_batches, self.val_batches = train_batches, val_batches
        self.metric_fns, self.scheduling, self.calls = metric_fns, scheduling, calls
        self.history, self.epochs = history, epochs
        self.needs_closure = getattr(optimizer, "needs_closure", False)
        self.step = 0

    def stop(self, reason, by, epoch):
        history = self.history
        history.stopped, history.stopped_by = reason, by
        history.stop_epoch, history.stop_step = epoch, self.step - 1
        if by != "non-finite loss" and self.progress:
            (self.bar.write if self.bar is not None else print)(reason)

    def run(self):
        history = self.history
        for epoch in range(self.epochs):
            self.scheduling.epoch_begin(epoch, self.step)
            epoch_lr = _get_lr(self.optimizer)
            reason = self.calls.call("on_epoch_begin", epoch, {"lr": epoch_lr})
            if reason is not None:
                return self.stop(reason, self.calls.stopped_by, epoch)
            if not self.train_epoch(epoch):
                return
            logs = {"loss": history.epoch_loss[-1]}
            logs.update((name, history.metrics[name][-1]) for name in self.metric_fns)
            if self.val_batches is not None:
                logs.update(self.validate())
                history.val_loss.append(logs["val_loss"])
                for name in self.metric_fns:
                    history.metrics.setdefault("val_" + name, []).append(logs["val_" + name])
            history.epoch_lr.append(epoch_lr)
            logs["lr"] = epoch_lr
            self.scheduling.epoch_end(logs.get("val_loss", logs["loss"]))
            self.report(epoch, logs)
            reason = self.calls.call("on_epoch_end", epoch, logs)
            if reason is not None:
                return self.stop(reason, self.calls.stopped_by, epoch)

    def train_epoch(self, epoch):
        """One pass over the training batches; False if training must stop."""
        history, losses = self.history, []
        sums, seen = dict.fromkeys(self.metric_fns, 0.0), 0
        n_batches = len(self.train_batches) if hasattr(self.train_batches, "__len__") else "?"
        for b, batch in enumerate(self.train_batches):
            xb, yb = _unpack(batch, "data")
            self.scheduling.batch_begin(self.step)
            lr = _get_lr(self.optimizer)
            value, pred = self.train_step(xb, yb)
            history.loss.append(value)
            history.lr.append(lr)
            self.step += 1
            if not math.isfinite(value):
                found = _culprit(self.model, self.loss_fn, xb, yb)
                self.stop(_stop_message(value, self.step - 1, epoch, self.epochs, b,
                                        n_batches, lr, found), "non-finite loss", epoch)
                return False
            losses.append(value)
            size = _size(xb)
            for name, fn in self.metric_fns.items():
                sums[name] += metric_value(fn, name, pred, yb) * size
            seen += size
            self.scheduling.batch_end()
            reason = self.calls.call("on_batch_end", b, {"loss": value, "lr": lr,
                                                         "step": self.step - 1, "size": size})
            if reason is not None:
                self.stop(reason, self.calls.stopped_by, epoch)
                return False
        if not losses:
            raise ValueError("fit: data gave no batches in this epoch; it must hold at "
                             "least one (xb, yb) batch.")
        history.epoch_loss.append(float(np.mean(losses)))
        for name in self.metric_fns:
            history.metrics.setdefault(name, []).append(sums[name] / seen)
        return True

    def train_step(self, xb, yb):
        """One optimizer step on one batch; returns the batch loss as a float and the
        model's output before the step.

        A non-finite loss is returned without stepping, so the parameters keep
        their last finite values (a closure optimizer has already stepped)."""
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer
        if self.needs_closure:
            first = []

            def closure():
                optimizer.zero_grad()
                pred = model(xb)
                first.append(pred)
                loss = loss_fn(pred, yb)
                _scalar(loss, "loss_fn")
                loss.backward()
                return loss
            value = _scalar(optimizer.step(closure), "optimizer.step(closure)")
            return value, first[0]
        optimizer.zero_grad()
        with enable_grad():
            pred = model(xb)
            loss = loss_fn(pred, yb)
        value = _scalar(loss, "loss_fn")
        if math.isfinite(value):
            loss.backward()
            optimizer.step()
        return value, pred

    def validate(self):
        """The validation loss and metrics, in eval mode and without recording a graph."""
        model = self.model
        if hasattr(model, "eval"):
            model.eval()
        total, seen = 0.0, 0
        sums = dict.fromkeys(self.metric_fns, 0.0)
        try:
            with no_grad():
                for batch in self.val_batches:
                    xb, yb = _unpack(batch, "val_data")
                    pred = model(xb)
                    size = _size(xb)
                    total += _scalar(self.loss_fn(pred, yb), "loss_fn on val_data") * size
                    for name, fn in self.metric_fns.items():
                        sums[name] += metric_value(fn, name, pred, yb) * size
                    seen += size
        finally:
            if hasattr(model, "train"):
                model.train()
        if not seen:
            raise ValueError("fit: val_data gave no batches; it must hold at least one.")
        logs = {"val_loss": total / seen}
        logs.update(("val_" + name, value / seen) for name, value in sums.items())
        return logs

    def report(self, epoch, logs):
        shown = {k: v for k, v in logs.items() if isinstance(v, float)}
        if self.bar is not None:
            self.bar.set_postfix(**{k: f"{v:.4g}" for k, v in shown.items()})
            self.bar.update(1)
        elif self.progress:
            width = len(str(self.epochs))
            print(format_logs(f"epoch {epoch + 1:>{width}}/{self.epochs}", shown)
                  + f"  ({time.perf_counter() - self.start:.1f} s)", flush=True)


"""Callbacks for [`minigrad.fit()`][minigrad.train.fit]: code that runs at fixed points of the loop.

A callback is an object with any of these methods (the names and arguments of
Keras's callbacks); [`Callback`][minigrad.callbacks.Callback] defines them all as doing nothing, so
a subclass writes only the ones it needs:

* ``on_train_begin(logs)`` and ``on_train_end(logs)``, once;
* ``on_epoch_begin(epoch, logs)`` and ``on_epoch_end(epoch, logs)``, where
  ``logs`` holds the epoch's numbers: ``"loss"``, ``"val_loss"``, each metric
  and ``"val_"`` metric, and ``"lr"``;
* ``on_batch_end(batch, logs)`` after each optimizer step, with ``"loss"``,
  ``"lr"``, ``"step"`` and ``"size"``.

Epochs, batches and steps count from 0.  Before ``on_train_begin``, ``fit``
sets ``callback.model``, ``callback.optimizer`` and ``callback.history``.  A
callback stops training by returning True from a hook of an epoch or a
batch, or by setting ``self.stop_training = True``; the
``stop_reason`` it sets is what ``history.stopped`` says.

>>> import numpy as np, minigrad as mg
>>> x = np.linspace(-1, 1, 20).reshape(-1, 1); y = 2 * x
>>> model = mg.nn.Linear(1, 1, rng=0)
>>> class StopBelow(Callback):
...     def on_epoch_end(self, epoch, logs):
...         return logs["loss"] < 0.01
>>> h = mg.fit(model, mg.losses.mse_loss, (x, y), mg.optim.SGD(model, lr=0.3), epochs=100,
...            callbacks=[StopBelow()], progress=False)
>>> h.epochs < 100, h.loss[-1] < 0.01, h.stopped
(True, True, 'StopBelow stopped training after epoch 10 (counting from 0).')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["History", "Callback", "CallbackList", "EarlyStopping", "EpochLogger", "LambdaCallback"]

HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end", "on_train_end")


@dataclass
class History:
    """What happened during ``fit``.

    Per step: ``loss`` and ``lr`` (the learning rate of the first parameter
    group; None when the optimizer has none).  Per completed epoch:
    ``epoch_loss`` (the mean of the epoch's step losses), ``val_loss`` (empty
    without validation data), ``epoch_lr`` (the rate at the start of the
    epoch) and ``metrics``, a dict from names (``"accuracy"``,
    ``"val_accuracy"``, ...) to lists.  ``history["val_loss"]`` reads any
    per-epoch list by its name in ``per_epoch``, and ``last`` gives the final
    epoch's values.

    When training stopped before ``epochs``, ``stopped`` says why and
    ``stopped_by`` who: ``"non-finite loss"`` (the bad loss is then the last
    entry of ``loss``) or a callback such as ``"EarlyStopping"``;
    ``stop_epoch`` and ``stop_step`` are the epoch and the last step, counted
    from 0.  ``restored_epoch`` is the epoch whose weights
    ``EarlyStopping(restore_best_weights=True)`` put back.
    """

    loss: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    epoch_lr: list = field(default_factory=list)
    metrics: dict = field(default_factory=dict)
    stopped: str | None = None
    stopped_by: str | None = None
    stop_step: int | None = None
    stop_epoch: int | None = None
    restored_epoch: int | None = None
    seconds: float = 0.0

    @property
    def steps(self):
        """How many steps were taken (including a step whose loss was not finite)."""
        return len(self.loss)

    @property
    def epochs(self):
        """How many epochs were completed."""
        return len(self.epoch_loss)

    @property
    def per_epoch(self):
        """Every per-epoch list by name: ``loss``, the metrics, ``val_loss``, the
        ``val_`` metrics, ``lr`` (Keras's ``history.history``)."""
        out = {"loss": self.epoch_loss}
        out.update((k, v) for k, v in self.metrics.items() if not k.startswith("val_"))
        if self.val_loss:
            out["val_loss"] = self.val_loss
        out.update((k, v) for k, v in self.metrics.items() if k.startswith("val_"))
        out["lr"] = self.epoch_lr
        return out

    @property
    def last(self):
        """The last completed epoch's values by name (empty before the first)."""
        return {k: v[-1] for k, v in self.per_epoch.items() if v}

    def __getitem__(self, name):
        series = self.per_epoch
        if name not in series:
            raise KeyError(f"History[{name!r}]: the per-epoch lists are {sorted(series)}")
        return series[name]

    def __repr__(self):
        last = "".join(f", {k} {v:.4g}" for k, v in self.last.items()
                       if isinstance(v, float) and k != "lr")
        stop = (f", stopped in epoch {self.stop_epoch} by {self.stopped_by}"
                if self.stopped else "")
        return (f"History({self.epochs} epochs, {self.steps} steps{last}{stop}, "
                f"{self.seconds:.2f} s)")


class Callback:
    """The base class: every hook does nothing.  See the module's text for the protocol."""

    model = None
    optimizer = None
    history = None
    stop_training = False
    stop_reason = None

    def on_train_begin(self, logs=None):
        """Before the first epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        """Before the first batch of ``epoch``."""

    def on_batch_end(self, batch, logs=None):
        """After the optimizer step on ``batch``; return True to stop."""

    def on_epoch_end(self, epoch, logs=None):
        """After the epoch's validation; return True to stop."""

    def on_train_end(self, logs=None):
        """After the last epoch, or after a stop (early or on a non-finite loss)."""


class CallbackList:
    """Calls a hook on every callback (``fit`` uses it); returns why to stop, or None.

    Callbacks need not derive from [`Callback`][minigrad.callbacks.Callback]: a missing hook is
    skipped.

    >>> class Halt(Callback):
    ...     def on_epoch_end(self, epoch, logs):
    ...         self.stop_training, self.stop_reason = True, "enough"
    >>> CallbackList([Halt()]).call("on_epoch_end", 0, {})
    'enough'
    """

    def __init__(self, callbacks):
        if callbacks is None:
            callbacks = []
        elif not isinstance(callbacks, (list, tuple)):
            callbacks = [callbacks]
        for cb in callbacks:
            if not any(callable(getattr(cb, hook, None)) for hook in HOOKS):
                raise TypeError(
                    f"fit(callbacks=...): {cb!r} has none of the hooks {', '.join(HOOKS)}; "
                    f"derive it from mg.callbacks.Callback and define the ones you need.")
        self.callbacks = list(callbacks)
        self.stopped_by = None

    def __bool__(self):
        return bool(self.callbacks)

    def attach(self, model, optimizer, history):
        """Give every callback the ``model``, ``optimizer`` and ``history`` of the run."""
        for cb in self.callbacks:
            cb.model, cb.optimizer, cb.history = model, optimizer, history

    def call(self, hook, *args):
        """Run ``hook(*args)`` on each callback; the reason to stop, if one asked (the
        first that asked is named in ``stopped_by``)."""
        reason = None
        for cb in self.callbacks:
            method = getattr(cb, hook, None)
            if method is None:
                continue
            asked = method(*args) is True or getattr(cb, "stop_training", False)
            if asked and reason is None:
                self.stopped_by = type(cb).__name__
                reason = getattr(cb, "stop_reason", None) or (
                    f"{type(cb).__name__} stopped training after "
                    + (f"epoch {args[0]}" if hook == "on_epoch_end" else f"batch {args[0]}")
                    + " (counting from 0).")
        return reason


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs (Keras's arguments).

    ``monitor`` is a key of the epoch's logs: ``"val_loss"`` (the default;
    it needs ``val_data``), ``"loss"``, a metric such as ``"val_accuracy"``.
    An epoch improves on the best so far when its value is lower by more than
    ``min_delta`` (``mode="min"``) or higher by more than ``min_delta``
    (``mode="max"``, for accuracies).  Training stops at the end of the
    ``patience``-th epoch in a row without improvement (at the first such
    epoch for ``patience=0``, as in Keras).

    With ``restore_best_weights=True`` the model gets back, when training
    ends, the weights of its best epoch (whether or not training stopped
    early), and ``history.restored_epoch`` says which epoch that was.  After
    the run, ``best``, ``best_epoch`` and ``stopped_epoch`` (None if it never
    stopped) tell what happened; epochs count from 0.

    >>> stopper = EarlyStopping(patience=2)
    >>> stopper.on_train_begin()
    >>> [stopper.on_epoch_end(e, {"val_loss": v}) for e, v in enumerate([3.0, 2.0, 2.5, 2.0])]
    [False, False, False, True]
    >>> stopper.best, stopper.best_epoch, stopper.stopped_epoch
    (2.0, 1, 3)
    """

    def __init__(self, monitor="val_loss", patience=0, min_delta=0.0, mode="min",
                 restore_best_weights=False):
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping(mode={mode!r}): expected 'min' (a loss) or "
                             f"'max' (an accuracy).")
        if mode == "min" and "acc" in monitor:
            raise ValueError(f"EarlyStopping(monitor={monitor!r}, mode='min'): an accuracy "
                             f"improves by going up; pass mode='max'.")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping(patience={patience!r}): expected an int >= 0, "
                             f"the number of epochs without improvement to allow.")
        self.monitor = monitor
        self.patience = patience
        self.min_delta = abs(float(min_delta))
        self.mode = mode
        self.restore_best_weights = restore_best_weights
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        """Forget any previous run."""
        if self.restore_best_weights and self.model is not None and not (
                hasattr(self.model, "state_dict") and hasattr(self.model, "load_state_dict")):
            raise TypeError(f"EarlyStopping(restore_best_weights=True): the model, a "
                            f"{type(self.model).__name__}, has no state_dict() and "
                            f"load_state_dict(); use an mg.nn.Module.")
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = None
        self.stopped_epoch = None
        self.best_weights = None
        self.wait = 0
        self.stop_training = False
        self.stop_reason = None

    def improved(self, value):
        """Whether ``value`` beats the best so far by more than ``min_delta``."""
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor not in logs:
            hint = (" fit has no validation data: pass val_data=(x_val, y_val), or monitor "
                    "'loss'." if self.monitor.startswith("val_") else "")
            raise KeyError(f"EarlyStopping(monitor={self.monitor!r}): the epoch's logs hold "
                           f"{sorted(logs)}.{hint}")
        value = float(logs[self.monitor])
        if self.improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights and self.model is not None:
                self.best_weights = self.model.state_dict()
            return False
        self.wait += 1
        if self.wait < max(self.patience, 1):
            return False
        self.stopped_epoch = epoch
        self.stop_training = True
        since = ("it never improved" if self.best_epoch is None else
                 f"its best, {self.best:.6g} at epoch {self.best_epoch}")
        self.stop_reason = (
            f"EarlyStopping: {self.monitor} did not improve by more than "
            f"min_delta={self.min_delta:g} for {self.wait} epoch(s) after {since}; "
            f"training stopped after epoch {epoch} (epochs count from 0, as the indices of "
            f"history's lists do).")
        return True

    def on_train_end(self, logs=None):
        if self.best_weights is None:
            return
        self.model.load_state_dict(self.best_weights)
        if self.history is not None:
            self.history.restored_epoch = self.best_epoch
            if self.history.stopped:
                self.history.stopped += (f" The weights of epoch {self.best_epoch} were "
                                         f"restored.")

    def __repr__(self):
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta:g}, mode={self.mode!r}, "
                f"restore_best_weights={self.restore_best_weights})")


class EpochLogger(Callback):
    """Print the epoch's logs every ``every`` epochs (through ``print_fn``).

    >>> EpochLogger().on_epoch_end(2, {"loss": 0.125, "val_loss": 0.25, "lr": 0.01})
    epoch 2  loss 0.125  val_loss 0.25  lr 0.01
    """

    def __init__(self, every=1, print_fn=print):
        self.every = int(every)
        self.print_fn = print_fn

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0:
            self.print_fn(format_logs(f"epoch {epoch}", logs or {}))


def format_logs(head, logs):
    """One line: ``head`` and each number of ``logs`` (None values are left out)."""
    parts = [head] + [f"{key} {value:.6g}" for key, value in logs.items()
                      if isinstance(value, (int, float))]
    return "  ".join(parts)


class LambdaCallback(Callback):
    """A callback made of functions, one per hook (Keras's ``LambdaCallback``).

    >>> seen = []
    >>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs["loss"]))
    >>> cb.on_epoch_end(0, {"loss": 1.5}); seen
    [1.5]
    """

    def __init__(self, on_train_begin=None, on_epoch_begin=None, on_batch_end=None,
                 on_epoch_end=None, on_train_end=None):
        given = dict(on_train_begin=on_train_begin, on_epoch_begin=on_epoch_begin,
                     on_batch_end=on_batch_end, on_epoch_end=on_epoch_end,
                     on_train_end=on_train_end)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)

"""A training loop: minibatches, optimizer steps, a learning-rate schedule, a history.

``fit`` runs the loop of chapter 6 for a model and a loss: for each epoch the
training pairs are shuffled and cut into batches (``mg.data.Batches``), and
for each batch the loss is computed, differentiated and handed to the
optimizer.  It stops early, with a warning, if the loss becomes NaN or
infinite, which almost always means that the learning rate is too large.

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
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from .autograd import enable_grad
from .data import Batches
from .tensor import Tensor

__all__ = ["fit", "History"]


@dataclass
class History:
    """What happened during ``fit``.

    ``loss`` and ``lr`` have one entry per optimizer step (``lr`` is None
    when the optimizer has no learning rate); ``epoch_loss`` has one entry per
    completed epoch, the mean of that epoch's step losses.  When the loss
    became NaN or infinite, ``stopped`` holds the message and ``stop_step``
    the step (counted from 0, like the schedule); the bad loss is the last
    entry of ``loss``.
    """

    loss: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    epoch_loss: list = field(default_factory=list)
    stopped: str | None = None
    stop_step: int | None = None
    seconds: float = 0.0

    @property
    def steps(self):
        """How many steps were taken (including a step whose loss was not finite)."""
        return len(self.loss)

    @property
    def epochs(self):
        """How many epochs were completed."""
        return len(self.epoch_loss)

    def __repr__(self):
        last = f", final epoch loss {self.epoch_loss[-1]:.4g}" if self.epoch_loss else ""
        stop = f", stopped at step {self.stop_step}" if self.stopped else ""
        return (f"History({self.epochs} epochs, {self.steps} steps{last}{stop}, "
                f"{self.seconds:.2f} s)")


def _tqdm():
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def _check_data(data):
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(
            f"fit: data must be a pair (x, y) of arrays whose first axis runs over the "
            f"examples, got {type(data).__name__}"
            + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else "") + ".")
    return tuple(data)


def _set_lr(optimizer, lr):
    optimizer.lr = lr


def _get_lr(optimizer):
    try:
        lr = optimizer.lr
    except AttributeError:
        return None
    return float(lr) if isinstance(lr, (int, float, np.floating, np.integer)) else lr


def _scalar(loss, where):
    if not isinstance(loss, Tensor):
        raise TypeError(f"fit: {where} returned {type(loss).__name__}; it must return the "
                        f"loss as a minigrad Tensor (built from the model's output).")
    if loss.numel() != 1:
        raise ValueError(f"fit: {where} returned a tensor of shape {loss.shape}; the loss "
                         f"must be one number. Use reduction='sum' or 'mean'.")
    return float(loss.data.reshape(()))


def _stop_message(value, step, epoch, epochs, batch, n_batches, lr):
    advice = "Try a smaller learning rate"
    if isinstance(lr, float) and lr > 0:
        advice += f" (it is {lr:.3g}; e.g. {lr / 10:.3g})"
    return (f"fit: the loss became {value} at step {step} (counting from 0; epoch "
            f"{epoch + 1} of {epochs}, batch {batch + 1} of {n_batches}), so training "
            f"stopped there. A loss that blows up usually means the steps are too large "
            f"and the parameters diverged. {advice}, or check the data for NaN or inf.")


def fit(model, loss_fn, data, optimizer, epochs, batch_size=None, schedule=None,
        progress=True, seed=0):
    """Fit ``model`` by minimizing ``loss_fn(model(x), y)`` over minibatches; returns a History.

    ``data`` is ``(x, y)``, arrays whose first axis runs over the examples.
    ``batch_size=None`` uses all of them in every step (gradient descent);
    otherwise each epoch visits every example once, in a new random order
    drawn from ``seed``.  ``schedule(step) -> lr`` sets the optimizer's
    learning rate before each step (steps counted from 0 over the whole run).
    ``progress=True`` shows a tqdm bar if tqdm is installed
    (``pip install minigrad[progress]``) and prints one line per epoch
    otherwise; ``progress=False`` is silent.

    Optimizers that evaluate the loss themselves (``needs_closure``, e.g. line
    search) are given a closure.  If a loss is NaN or infinite, training stops
    with a ``RuntimeWarning`` that names the step and suggests a smaller
    learning rate; the parameters are left as they were before that step
    (for closure optimizers, after it).
    """
    x, y = _check_data(data)
    n = len(x)
    if batch_size is None:
        batch_size = n
    loader = Batches((x, y), batch_size, shuffle=batch_size < n, seed=seed)
    epochs = int(epochs)
    if hasattr(model, "train"):
        model.train()
    history = History()
    needs_closure = getattr(optimizer, "needs_closure", False)
    tqdm = _tqdm() if progress else None
    bar = tqdm(total=epochs, desc="fit", unit="epoch", leave=True) if tqdm else None
    width = len(str(epochs))
    start = time.perf_counter()
    step = 0
    # NumPy's own overflow warnings would come before, and say less than, the
    # message below; a non-finite loss is caught and explained by the loop.
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(epochs):
                epoch_losses = []
                for b, (xb, yb) in enumerate(loader):
                    if schedule is not None:
                        _set_lr(optimizer, float(schedule(step)))
                    lr = _get_lr(optimizer)
                    value = _step(model, loss_fn, optimizer, xb, yb, needs_closure)
                    history.loss.append(value)
                    history.lr.append(lr)
                    if not math.isfinite(value):
                        history.stopped = _stop_message(value, step, epoch, epochs, b,
                                                        len(loader), lr)
                        history.stop_step = step
                        warnings.warn(history.stopped, RuntimeWarning, stacklevel=2)
                        return history
                    epoch_losses.append(value)
                    step += 1
                history.epoch_loss.append(float(np.mean(epoch_losses)))
                _report(bar, progress, epoch, epochs, width, history, start)
    finally:
        history.seconds = time.perf_counter() - start
        if bar is not None:
            bar.close()
    return history


def _step(model, loss_fn, optimizer, xb, yb, needs_closure):
    """One optimizer step on one batch; returns the batch loss as a float.

    A non-finite loss is returned without stepping, so the parameters keep
    their last finite values (a closure optimizer has already stepped)."""
    if needs_closure:
        def closure():
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            _scalar(loss, "loss_fn")
            loss.backward()
            return loss
        return _scalar(optimizer.step(closure), "optimizer.step(closure)")
    optimizer.zero_grad()
    with enable_grad():
        loss = loss_fn(model(xb), yb)
    value = _scalar(loss, "loss_fn")
    if math.isfinite(value):
        loss.backward()
        optimizer.step()
    return value


def _report(bar, progress, epoch, epochs, width, history, start):
    loss, lr = history.epoch_loss[-1], history.lr[-1]
    if bar is not None:
        bar.set_postfix(loss=f"{loss:.4g}", **({"lr": f"{lr:.3g}"} if lr is not None else {}))
        bar.update(1)
    elif progress:
        lr_text = f"  lr {lr:.3g}" if isinstance(lr, float) else ""
        print(f"epoch {epoch + 1:>{width}}/{epochs}  loss {loss:.6g}{lr_text}  "
              f"({time.perf_counter() - start:.1f} s)", flush=True)

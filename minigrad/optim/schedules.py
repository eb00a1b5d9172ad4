"""Learning-rate schedules: plain functions ``schedule(step) -> lr``.

Steps count from 0.  Every schedule also accepts an array of steps, so a
curve is one call: ``plt.plot(t, schedule(t))`` with ``t = np.arange(200)``.

Apply one between steps by setting the optimizer's hyperparameter::

    for t in range(steps):
        opt.lr = schedule(t)
        ...; opt.step()

or wrap the optimizer: ``Scheduled(opt, schedule).step()`` does the same.
An *epoch*-based schedule is the same function called with the epoch number.

>>> from minigrad.optim import schedules as S
>>> warm_cos = S.join([S.linear_warmup(0.1, 10), S.cosine(0.1, 90)], boundaries=[10])
>>> [round(float(warm_cos(t)), 4) for t in (0, 5, 10, 55, 100)]
[0.0, 0.05, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import numpy as np


class Schedule:
    """A named function of the step; calling it gives the learning rate."""

    def __init__(self, fn, description):
        self.fn = fn
        self.description = description

    def __call__(self, step):
        out = self.fn(np.asarray(step))
        return float(out) if np.ndim(out) == 0 else out

    def __repr__(self):
        return self.description


def _steps(step):
    return np.asarray(step, dtype=np.float64)


def constant(lr):
    """``lr`` at every step."""
    return Schedule(lambda t: lr + 0.0 * _steps(t), f"constant({lr})")


def step_decay(lr, factor, every):
    """Multiply by ``factor`` every ``every`` steps (or epochs): ``lr * factor**(t // every)``.

    >>> s = step_decay(1.0, 0.5, every=10)
    >>> s(0), s(9), s(10), s(25)
    (1.0, 1.0, 0.5, 0.25)
    """
    return Schedule(lambda t: lr * factor ** np.floor_divide(_steps(t), every),
                    f"step_decay({lr}, factor={factor}, every={every})")


def exponential(lr, gamma):
    """``lr * gamma**t``: a constant factor at every step."""
    return Schedule(lambda t: lr * gamma ** _steps(t), f"exponential({lr}, gamma={gamma})")


def cosine(lr, steps, lr_min=0.0):
    """Cosine annealing from ``lr`` at step 0 to ``lr_min`` at ``steps``, then flat.

    ``lr_min + (lr - lr_min) * (1 + cos(pi * t / steps)) / 2``.
    """
    def fn(t):
        t = np.minimum(_steps(t), steps)
        return lr_min + (lr - lr_min) * (1 + np.cos(np.pi * t / steps)) / 2
    return Schedule(fn, f"cosine({lr}, steps={steps}, lr_min={lr_min})")


def linear_warmup(lr, steps, start=0.0):
    """Rise linearly from ``start`` at step 0 to ``lr`` at ``steps``, then stay at ``lr``."""
    def fn(t):
        t = np.minimum(_steps(t), steps)
        return start + (lr - start) * t / steps
    return Schedule(fn, f"linear_warmup({lr}, steps={steps}, start={start})")


def join(schedules, boundaries):
    """Run ``schedules[k]`` from ``boundaries[k-1]`` on, restarting its step count at 0.

    ``join([warm, cos], [100])`` is ``warm(t)`` for ``t < 100`` and ``cos(t - 100)``
    after.  ``len(boundaries) == len(schedules) - 1``.
    """
    schedules, boundaries = list(schedules), list(boundaries)
    if len(boundaries) != len(schedules) - 1:
        raise ValueError(f"join: {len(schedules)} schedules need {len(schedules) - 1} "
                         f"boundaries, got {len(boundaries)}")
    if boundaries != sorted(boundaries):
        raise ValueError(f"join: boundaries must increase, got {boundaries}")

    def fn(t):
        t = _steps(t)
        out = schedules[0](t)
        for b, s in zip(boundaries, schedules[1:]):
            out = np.where(t >= b, s(np.maximum(t - b, 0)), out)
        return out
    return Schedule(fn, f"join({schedules}, boundaries={boundaries})")


#: ``sequence`` is another name for [`join()`][minigrad.optim.schedules.join].
sequence = join


def warmup_cosine(lr, warmup_steps, total_steps, lr_min=0.0):
    """Linear warm-up to ``lr`` over ``warmup_steps``, then cosine to ``lr_min`` at
    ``total_steps``."""
    return join([linear_warmup(lr, warmup_steps),
                 cosine(lr, total_steps - warmup_steps, lr_min)], [warmup_steps])


def values(schedule, steps):
    """The learning rates for steps ``0 .. steps-1`` as an array (for a plot)."""
    return np.asarray(schedule(np.arange(steps)), dtype=np.float64)


class Scheduled:
    """Wrap an optimizer so that each ``step`` first sets ``lr = schedule(t)``
    (or another ``hyperparameter``, e.g. ``"momentum"``).

    >>> import minigrad as mg
    >>> phi = mg.tensor([1.0], requires_grad=True)
    >>> opt = Scheduled(mg.optim.GD(phi, lr=1.0), step_decay(0.1, 0.5, every=1))
    >>> for _ in range(3):
    ...     opt.zero_grad(); (phi * 1.0).sum().backward(); _ = opt.step()
    >>> opt.lrs, phi.data
    ([0.1, 0.05, 0.025], array([0.825]))
    """

    def __init__(self, optimizer, schedule, hyperparameter="lr"):
        self.optimizer = optimizer
        self.schedule = schedule
        self.hyperparameter = hyperparameter
        self.t = 0
        self.lrs = []

    def step(self, closure=None):
        value = float(self.schedule(self.t))
        setattr(self.optimizer, self.hyperparameter, value)
        self.lrs.append(value)
        self.t += 1
        return self.optimizer.step(closure)

    def zero_grad(self):
        self.optimizer.zero_grad()

    def __getattr__(self, name):
        if name == "optimizer":
            raise AttributeError(name)
        return getattr(self.optimizer, name)

    def __repr__(self):
        return f"Scheduled({self.schedule!r}, step {self.t})\n{self.optimizer!r}"

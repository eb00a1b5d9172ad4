"""PyTorch's learning-rate schedulers, ``torch.optim.lr_scheduler``, for minigrad's optimizers.

Same class names, arguments, defaults and numbers as PyTorch: each scheduler
writes ``group["lr"]`` of every parameter group of the optimizer it wraps.
Call ``scheduler.step()`` once per epoch (or per batch for ``OneCycleLR``),
after ``opt.step()``; ``get_last_lr()`` gives one learning rate per group.
Where PyTorch updates the rate recursively from the current one ("chainable":
``StepLR``, ``ExponentialLR``, ``CosineAnnealingLR``, ...), so does this
module, in the same order of floating-point operations, so the rates agree
with PyTorch's to the last bit.

>>> import minigrad as mg
>>> phi = mg.tensor([1.0], requires_grad=True)
>>> opt = mg.optim.SGD(phi, lr=1.0)
>>> sched = mg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     opt.step()                      # the epoch's training, then the schedule
...     sched.step()
...     lrs.append(sched.get_last_lr()[0])
>>> lrs
[1.0, 0.5, 0.5, 0.25, 0.25]

The book's ``schedules`` (plain functions of the step) stay, side by side.
"""

from __future__ import annotations

import copy
import math
import types
from bisect import bisect_right
from collections import Counter

from .lr_base import LRScheduler, check_optimizer, group_lrs, per_group
from .lr_cycle import OneCycleLR, ReduceLROnPlateau

__all__ = [
    "LRScheduler", "LambdaLR", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
    "LinearLR", "SequentialLR", "OneCycleLR", "ReduceLROnPlateau",
]


class LambdaLR(LRScheduler):
    """``lr = base_lr * lr_lambda(last_epoch)``, one function or one per group.

    >>> import minigrad as mg
    >>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=0.5)
    >>> sched = LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
    >>> _ = opt.step(); sched.step(); sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        check_optimizer(optimizer, "LambdaLR")
        self.lr_lambdas = per_group("LambdaLR(lr_lambda)", optimizer, lr_lambda)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        return [base_lr * fn(self.last_epoch)
                for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]

    def state_dict(self):
        """As PyTorch: a plain function is not saved (None); a callable object's
        attributes are."""
        state = copy.deepcopy({key: value for key, value in self.__dict__.items()
                               if key not in self._not_state + ("lr_lambdas",)})
        state["lr_lambdas"] = [None if isinstance(fn, types.FunctionType)
                               else copy.deepcopy(fn.__dict__) for fn in self.lr_lambdas]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        super().load_state_dict(state)
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                fn.__dict__.update(copy.deepcopy(attributes))


class StepLR(LRScheduler):
    """Multiply the rate by ``gamma`` every ``step_size`` epochs.

    >>> import minigrad as mg
    >>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=1.0)
    >>> sched = StepLR(opt, step_size=3)           # gamma=0.1 by default
    >>> for _ in range(3):
    ...     _ = opt.step(); sched.step()
    >>> sched.last_epoch, sched.get_last_lr()
    (3, [0.1])
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return group_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _closed_form(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the rate by ``gamma`` at each epoch in ``milestones``.

    >>> import minigrad as mg
    >>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=1.0)
    >>> sched = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     _ = opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        # A Counter, as in PyTorch: a milestone listed twice decays twice.
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        if self.last_epoch not in self.milestones:
            return group_lrs(self.optimizer)
        return [group["lr"] * self.gamma ** self.milestones[self.last_epoch]
                for group in self.optimizer.param_groups]

    def _closed_form(self):
        milestones = sorted(self.milestones.elements())
        return [base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
                for base_lr in self.base_lrs]

    def state_dict(self):
        """The milestones are saved as a sorted list (repeats kept), so the state
        holds only lists and numbers."""
        state = super().state_dict()
        state["milestones"] = sorted(self.milestones.elements())
        return state

    def load_state_dict(self, state_dict):
        super().load_state_dict(state_dict)
        self.milestones = Counter(self.milestones)


class ExponentialLR(LRScheduler):
    """Multiply the rate by ``gamma`` every epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        if self._is_initial:
            return group_lrs(self.optimizer)
        return [group["lr"] * self.gamma for group in self.optimizer.param_groups]

    def _closed_form(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from ``base_lr`` to ``eta_min`` over ``T_max`` epochs.

    PyTorch's recursive form (which keeps changes made to ``lr`` from outside)
    of ``eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2``; past
    ``T_max`` it rises again, as PyTorch's does.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        t, T, low = self.last_epoch, self.T_max, self.eta_min
        groups = self.optimizer.param_groups
        if self._is_initial:
            return group_lrs(self.optimizer)
        if self._step_count == 1 and t > 0:
            return [low + (base_lr - low) * (1 + math.cos(t * math.pi / T)) / 2
                    for base_lr in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:      # the bottom of the cosine: the ratio is 0/0
            return [group["lr"] + (base_lr - low) * (1 - math.cos(math.pi / T)) / 2
                    for base_lr, group in zip(self.base_lrs, groups)]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (group["lr"] - low) + low for group in groups]

    def _closed_form(self):
        return [self.eta_min + (base_lr - self.eta_min)
                * (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
                for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the rate by a factor going linearly from ``start_factor`` to
    ``end_factor`` over ``total_iters`` epochs (a warm-up by default)."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR(start_factor={start_factor}): it must be in (0, 1].")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR(end_factor={end_factor}): it must be in [0, 1].")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        self._warn_outside_step()
        t, start, end = self.last_epoch, self.start_factor, self.end_factor
        if t == 0:
            return [group["lr"] * start for group in self.optimizer.param_groups]
        if self._is_initial or t > self.total_iters:
            return group_lrs(self.optimizer)
        ratio = 1.0 + (end - start) / (self.total_iters * start + (t - 1) * (end - start))
        return [group["lr"] * ratio for group in self.optimizer.param_groups]

    def _closed_form(self):
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor)
                           * min(self.total_iters, self.last_epoch) / self.total_iters)
                for base_lr in self.base_lrs]


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at the epochs in ``milestones``.

    Each scheduler restarts its count at its milestone.  Create the schedulers
    on the same optimizer first; SequentialLR undoes their initial steps.

    >>> import minigrad as mg
    >>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=1.0)
    >>> warm = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, [warm, decay], milestones=[2])
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     _ = opt.step(); sched.step(); lrs.append(sched.get_last_lr()[0])
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        check_optimizer(optimizer, "SequentialLR")
        if len(schedulers) < 1:
            raise ValueError("SequentialLR(schedulers=[]): give at least one scheduler.")
        for i, scheduler in enumerate(schedulers):
            if isinstance(scheduler, ReduceLROnPlateau):
                raise ValueError(
                    f"SequentialLR: schedulers[{i}] is a ReduceLROnPlateau, whose step needs "
                    f"the metric; step it yourself instead (as in PyTorch).")
            if getattr(scheduler, "optimizer", None) is not optimizer:
                raise ValueError(
                    f"SequentialLR: schedulers[{i}] ({type(scheduler).__name__}) drives "
                    f"another optimizer; every scheduler must be created on this one.")
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"SequentialLR: {len(schedulers)} schedulers need {len(schedulers) - 1} "
                f"milestones (the epochs where the next one starts), got {len(milestones)}.")
        self._schedulers = list(schedulers)
        self._milestones = list(milestones)
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo(self)
        # Only the scheduler in charge of epoch 0 takes its initial step.
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def _undo(self, scheduler):
        """Take back the initial step each wrapped scheduler took when created."""
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:
                self._undo(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self):
        """Step the scheduler in charge of the next epoch; at a milestone it
        starts from its epoch 0."""
        self.last_epoch += 1
        i = bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self):
        """Its own counters and each wrapped scheduler's state dict."""
        state = copy.deepcopy({key: value for key, value in self.__dict__.items()
                               if key not in self._not_state + ("_schedulers",)})
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        LRScheduler.load_state_dict(self, state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)

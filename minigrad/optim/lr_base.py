"""The base class of [`minigrad.optim.lr_scheduler`][minigrad.optim.lr_scheduler] and its helpers.

>>> import minigrad as mg
>>> opt = mg.optim.SGD(mg.tensor([1.0], requires_grad=True), lr=0.5)
>>> group_lrs(opt)
[0.5]
"""

from __future__ import annotations

import copy
import warnings

from .optimizer import Optimizer


def check_optimizer(optimizer, owner):
    """Refuse anything but a minigrad optimizer whose groups all have an ``lr``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{owner}(optimizer): expected a minigrad optimizer (mg.optim.SGD, "
            f"mg.optim.Adam, ...), got {type(optimizer).__name__}. Create the scheduler "
            f"on the optimizer that steps your minigrad parameters.")
    for i, group in enumerate(optimizer.param_groups):
        if "lr" not in group:
            raise ValueError(
                f"{owner}: param_groups[{i}] of {type(optimizer).__name__} has no 'lr', so "
                f"there is no learning rate to schedule.")


def per_group(name, optimizer, value):
    """One value per parameter group: a list of that length, or one value for all."""
    groups = optimizer.param_groups
    if isinstance(value, (list, tuple)):
        if len(value) != len(groups):
            raise ValueError(
                f"{name}: got {len(value)} values for {len(groups)} parameter groups; give "
                f"one value per group or a single number for all.")
        return list(value)
    return [value] * len(groups)


def group_lrs(optimizer):
    """Each parameter group's current ``lr``."""
    return [group["lr"] for group in optimizer.param_groups]


class LRScheduler:
    """Base class, ``torch.optim.lr_scheduler.LRScheduler``.

    Creating a scheduler stores each group's ``lr`` as ``group["initial_lr"]``
    (its ``base_lrs``) and takes step 0, so ``last_epoch`` is 0.  Subclasses
    give ``get_lr()``, the rates for the new ``last_epoch``, and, where
    PyTorch has one, ``_closed_form()``, the rates computed from ``base_lrs``.
    """

    # Flags of a step in progress (class defaults, not part of the state).
    _is_initial = False
    _in_step = False
    _not_state = ("optimizer", "_is_initial", "_in_step")

    def __init__(self, optimizer, last_epoch=-1):
        check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(
                    f"{type(self).__name__}(last_epoch={last_epoch}): param_groups[{i}] has "
                    f"no 'initial_lr'. A scheduler resumes with last_epoch >= 0 only on an "
                    f"optimizer a scheduler has already driven; for a fresh run leave "
                    f"last_epoch=-1, or use load_state_dict to resume.")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            del self._is_initial

    def get_lr(self):
        """The rates for the current ``last_epoch`` (called by
        [`step()`][minigrad.optim.lr_base.LRScheduler.step]; read the rates with
        [`get_last_lr()`][minigrad.optim.lr_base.LRScheduler.get_last_lr])."""
        raise NotImplementedError

    def get_last_lr(self):
        """The learning rate of each parameter group set by the last step."""
        return list(self._last_lr)

    def step(self, epoch=None):
        """Advance ``last_epoch`` by one and set each group's ``lr``.

        Call it after ``opt.step()``.  ``epoch`` (deprecated in PyTorch, kept for
        its scripts) jumps to that epoch using the closed form where there is one.
        """
        if self._step_count == 1 and getattr(self.optimizer, "steps", 1) == 0:
            warnings.warn(
                f"{type(self).__name__}.step() was called before the optimizer's step(). "
                f"Call opt.step() first and then scheduler.step(); otherwise the first "
                f"learning rate of the schedule is skipped (as in PyTorch).",
                UserWarning, stacklevel=2)
        self._step_count += 1
        if epoch is not None:
            warnings.warn(
                f"{type(self).__name__}.step(epoch) is deprecated in PyTorch; call step() "
                f"once per epoch instead.", UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        self._in_step = True
        try:
            if epoch is None:
                self.last_epoch += 1
                values = self.get_lr()
            else:
                self.last_epoch = epoch
                closed = getattr(self, "_closed_form", None)
                values = closed() if closed is not None else self.get_lr()
        finally:
            del self._in_step
        groups = self.optimizer.param_groups
        if len(values) != len(groups):
            raise ValueError(
                f"{type(self).__name__}: computed {len(values)} learning rates for "
                f"{len(groups)} parameter groups; a group added after the scheduler was "
                f"created is not scheduled. Create the scheduler after add_param_group.")
        for group, lr in zip(groups, values):
            group["lr"] = lr
        self._last_lr = group_lrs(self.optimizer)

    def _warn_outside_step(self):
        if not self._in_step:
            warnings.warn(
                f"{type(self).__name__}.get_lr() computes the next rates and is meant for "
                f"step(); use get_last_lr() to read the current ones.",
                UserWarning, stacklevel=3)

    def state_dict(self):
        """The scheduler's state, a dict of plain numbers, strings and lists (the
        optimizer is not in it: save ``opt.state_dict()`` too)."""
        return copy.deepcopy({key: value for key, value in self.__dict__.items()
                              if key not in self._not_state})

    def load_state_dict(self, state_dict):
        """Continue from a [`state_dict()`][minigrad.optim.lr_base.LRScheduler.state_dict]: the next
        ``step()`` gives the rate the saved scheduler would have given."""
        self.__dict__.update(copy.deepcopy(state_dict))

    def __repr__(self):
        return (f"{type(self).__name__}(last_epoch={self.last_epoch}, "
                f"last_lr={getattr(self, '_last_lr', None)})")

"""mg.optim.lr_scheduler by hand-computed values (no torch needed; the torch
comparison is in test_lr_scheduler_torch.py)."""

import math
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.optim import lr_scheduler as L


def sgd(lr=1.0, groups=1, **options):
    opt = mg.optim.SGD(mg.tensor([0.0], requires_grad=True), lr=lr, **options)
    for k in range(1, groups):
        extra = {"params": [mg.tensor([0.0], requires_grad=True)], "lr": lr / 10 ** k}
        if hasattr(opt, "add_param_group"):
            opt.add_param_group(extra)
        else:
            opt.param_groups.append({**opt.param_groups[0], **extra})
    return opt


def trace(opt, scheduler, steps, metrics=None):
    """``get_last_lr()`` after creation and after each of ``steps`` steps."""
    lrs = [scheduler.get_last_lr()]
    for t in range(steps):
        opt.step()
        scheduler.step() if metrics is None else scheduler.step(metrics[t])
        lrs.append(scheduler.get_last_lr())
    return np.array(lrs)


def test_creation_takes_step_zero_and_records_initial_lr():
    opt = sgd(0.3)
    s = L.ExponentialLR(opt, gamma=0.5)
    assert s.last_epoch == 0 and s.base_lrs == [0.3] and s.get_last_lr() == [0.3]
    assert opt.param_groups[0]["initial_lr"] == 0.3


@pytest.mark.parametrize("make, formula", [
    (lambda o: L.LambdaLR(o, lambda e: 1 / (1 + e)), lambda t: 1 / (1 + t)),
    (lambda o: L.StepLR(o, step_size=4), lambda t: 0.1 ** (t // 4)),
    (lambda o: L.MultiStepLR(o, [3, 7, 7], gamma=0.5),
     lambda t: 0.5 ** ((t >= 3) + 2 * (t >= 7))),
    (lambda o: L.ExponentialLR(o, gamma=0.9), lambda t: 0.9 ** t),
    (lambda o: L.CosineAnnealingLR(o, T_max=10), lambda t: (1 + math.cos(math.pi * t / 10)) / 2),
    (lambda o: L.LinearLR(o), lambda t: 1 / 3 + 2 / 3 * min(t, 5) / 5),
    (lambda o: L.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=10),
     lambda t: 1 - min(t, 10) / 10),
])
def test_schedules_follow_their_formula_in_every_group(make, formula):
    opt = sgd(1.0, groups=2)
    lrs = trace(opt, make(opt), 25)
    want = np.array([formula(t) for t in range(26)])
    np.testing.assert_allclose(lrs[:, 0], want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(lrs[:, 1], want / 10, rtol=1e-12, atol=1e-15)
    assert [g["lr"] for g in opt.param_groups] == list(lrs[-1])


def test_cosine_rises_again_after_t_max_as_in_pytorch():
    opt = sgd(1.0, groups=2)
    lrs = trace(opt, L.CosineAnnealingLR(opt, T_max=4, eta_min=0.02), 8)
    for group, base in enumerate([1.0, 0.1]):
        want = [0.02 + (base - 0.02) * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(9)]
        np.testing.assert_allclose(lrs[:, group], want, rtol=1e-12, atol=1e-15)


def test_sequential_restarts_each_scheduler_at_its_milestone():
    opt = sgd(1.0)
    warm = L.LinearLR(opt, start_factor=0.25, total_iters=3)
    decay = L.StepLR(opt, step_size=2, gamma=0.5)
    lrs = trace(opt, L.SequentialLR(opt, [warm, decay], milestones=[3]), 8)[:, 0]
    np.testing.assert_allclose(lrs, [0.25, 0.5, 0.75, 1.0, 1.0, 0.5, 0.5, 0.25, 0.25])


def test_one_cycle_rises_to_max_lr_then_anneals_to_min_lr_and_cycles_momentum():
    opt = sgd(0.1, momentum=0.9)
    s = L.OneCycleLR(opt, max_lr=2.5, total_steps=20)          # pct_start=0.3: peak at 5
    assert s.get_last_lr() == [pytest.approx(0.1)] and opt.param_groups[0]["momentum"] == 0.95
    lrs, moms = [], []
    for _ in range(19):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
    assert lrs[4] == pytest.approx(2.5) and moms[4] == pytest.approx(0.85)
    assert lrs[-1] == pytest.approx(0.1 / 1e4) and moms[-1] == pytest.approx(0.95)
    assert lrs[1] == pytest.approx(2.5 + (0.1 - 2.5) / 2 * (1 + math.cos(math.pi * 2 / 5)))
    opt.step()
    s.step()                                       # step 20 is allowed
    opt.step()
    with pytest.raises(ValueError, match="total_steps=20"):
        s.step()


def test_one_cycle_on_adam_cycles_beta1_and_needs_momentum_to_cycle():
    opt = mg.optim.Adam(mg.tensor([0.0], requires_grad=True), lr=0.1, betas=(0.9, 0.99))
    L.OneCycleLR(opt, max_lr=1.0, epochs=2, steps_per_epoch=5)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)
    book = mg.optim.Momentum(mg.tensor([0.0], requires_grad=True), lr=0.1)
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        L.OneCycleLR(book, max_lr=1.0, total_steps=10)
    plain = L.OneCycleLR(book, max_lr=1.0, total_steps=10, cycle_momentum=False)
    assert plain.get_last_lr() == [pytest.approx(0.04)]
    with pytest.raises(ValueError, match="total_steps"):
        L.OneCycleLR(book, max_lr=1.0, cycle_momentum=False)


def test_reduce_on_plateau_waits_patience_then_cooldown():
    opt = sgd(1.0, groups=2)
    s = L.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, min_lr=[0.3, 0.0])
    losses = [5.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, mg.tensor(1.0), 1.0, 1.0]
    lrs = trace(opt, s, len(losses), losses)
    # epochs 3, 4 bad -> halve after 4; 5 is the cooldown; 6, 7 bad -> halve, floored at
    # min_lr for group 0; 8 improves (a tensor metric); 9, 10 bad -> only group 1 can go down
    np.testing.assert_allclose(lrs[:, 0], [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3])
    np.testing.assert_allclose(lrs[:, 1], [.1, .1, .1, .1, .05, .05, .05, .025, .025, .025,
                                           .0125])
    assert s.best == 1.0 and s.last_epoch == len(losses)


def test_state_dict_is_plain_data_and_resumes_exactly():
    def build(opt):
        return L.SequentialLR(opt, [L.LinearLR(opt, total_iters=4),
                                    L.MultiStepLR(opt, [5, 9, 9], gamma=0.7)], milestones=[4])
    opt = sgd(0.5)
    whole = trace(opt, build(opt), 20)
    opt = sgd(0.5)
    first = build(opt)
    head = trace(opt, first, 8)
    state, lr = first.state_dict(), opt.param_groups[0]["lr"]

    def plain(x):
        if isinstance(x, dict):
            return all(isinstance(k, str) and plain(v) for k, v in x.items())
        if isinstance(x, (list, tuple)):
            return all(plain(v) for v in x)
        return x is None or isinstance(x, (bool, int, float, str))
    assert plain(state), state
    opt = sgd(0.5)
    second = build(opt)
    second.load_state_dict(state)
    opt.param_groups[0]["lr"] = lr
    tail = trace(opt, second, 12)
    assert np.array_equal(np.concatenate([head, tail[1:]]), whole)


def test_lambda_state_keeps_callable_objects_not_functions():
    class Halve:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate ** epoch
    opt = sgd(1.0, groups=2)
    s = L.LambdaLR(opt, [Halve(), lambda e: 1.0])
    s.lr_lambdas[0].rate = 0.25
    state = s.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.25}, None]
    fresh = L.LambdaLR(sgd(1.0, groups=2), [Halve(), lambda e: 1.0])
    fresh.load_state_dict(state)
    assert fresh.lr_lambdas[0].rate == 0.25 and fresh.last_epoch == 0


def test_mistakes_fail_loudly():
    opt = sgd(1.0)
    with pytest.raises(TypeError, match="minigrad optimizer"):
        L.StepLR(object(), step_size=1)
    with pytest.raises(ValueError, match="2 values for 1 parameter groups"):
        L.LambdaLR(opt, [lambda e: 1, lambda e: 1])
    with pytest.raises(ValueError, match="milestones"):
        L.SequentialLR(opt, [L.StepLR(opt, 1), L.StepLR(opt, 2)], milestones=[])
    with pytest.raises(ValueError, match="another optimizer"):
        L.SequentialLR(opt, [L.StepLR(sgd(), 1)], milestones=[])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        L.SequentialLR(opt, [L.ReduceLROnPlateau(opt)], milestones=[])
    with pytest.raises(ValueError, match="factor"):
        L.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(KeyError, match="initial_lr"):
        L.StepLR(sgd(), step_size=1, last_epoch=3)


def test_scheduler_step_before_optimizer_step_warns_and_step_epoch_is_closed_form():
    opt = sgd(1.0)
    s = L.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(UserWarning, match="before the optimizer's step"):
        s.step()
    with pytest.warns(UserWarning, match="deprecated"):
        s.step(epoch=3)
    assert s.get_last_lr() == [0.125] and s.last_epoch == 3
    with pytest.warns(UserWarning, match="get_last_lr"):
        s.get_lr()
    opt.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.step()

"""mg.optim.lr_scheduler against torch.optim.lr_scheduler, value for value.

Each case builds the same schedulers on a torch optimizer and on a minigrad
one with the same learning rate, steps both 30-100 times (``opt.step()`` and
then the schedulers, PyTorch's order) and compares ``get_last_lr()``, every
group's ``lr`` and its momentum (``OneCycleLR`` cycles it) at every step.
The minigrad schedulers repeat PyTorch's floating-point operations, so the
numbers must be equal, not merely close.
"""

import math

import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")


def make_optimizer(lib, kind, groups):
    """A one-parameter SGD(momentum=0.9) or Adam with ``lr=0.1``; ``groups=2`` adds
    a second group with ``lr=0.05``."""
    if lib is torch:
        params = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in range(2)]
    else:
        params = [mg.tensor([0.0], requires_grad=True) for _ in range(2)]
    if kind == "sgd":
        opt = lib.optim.SGD(params[0], lr=0.1, momentum=0.9) if lib is mg else \
            lib.optim.SGD([params[0]], lr=0.1, momentum=0.9)
    else:
        opt = lib.optim.Adam(params[0], lr=0.1) if lib is mg else \
            lib.optim.Adam([params[0]], lr=0.1)
    if groups == 2:
        extra = {"params": [params[1]], "lr": 0.05}
        if hasattr(opt, "add_param_group"):
            opt.add_param_group(extra)
        else:       # before minigrad had add_param_group: the schedulers only read the dicts
            opt.param_groups.append({**opt.param_groups[0], **extra})
    return opt


def momentum_of(group):
    if "betas" in group:
        return group["betas"][0]
    return group.get("momentum")


def record(opt, schedulers):
    return ([list(map(float, s.get_last_lr())) for s in schedulers],
            [(float(g["lr"]), momentum_of(g)) for g in opt.param_groups])


def run(lib, case):
    opt = make_optimizer(lib, case.get("optimizer", "sgd"), case.get("groups", 1))
    schedulers = case["build"](lib.optim.lr_scheduler, opt)
    rows = [record(opt, schedulers)]
    for t in range(case["steps"]):
        opt.step()
        for s in schedulers:
            if "metrics" in case:
                s.step(case["metrics"](t))
            else:
                s.step()
        rows.append(record(opt, schedulers))
    return rows, schedulers


def noisy_plateau(t):
    """A validation loss that improves, stalls, improves a little, rises."""
    return 1.0 / (1 + t % 17) + 0.01 * math.sin(t) + (0.2 if t > 60 else 0.0)


CASES = {
    "LambdaLR": dict(steps=40, build=lambda L, o: [L.LambdaLR(o, lambda e: 0.95 ** e)]),
    "LambdaLR per group": dict(steps=40, groups=2, build=lambda L, o: [
        L.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.9 ** e])]),
    "StepLR defaults": dict(steps=40, build=lambda L, o: [L.StepLR(o, step_size=7)]),
    "StepLR gamma": dict(steps=40, groups=2,
                         build=lambda L, o: [L.StepLR(o, step_size=5, gamma=0.5)]),
    "MultiStepLR": dict(steps=50, build=lambda L, o: [
        L.MultiStepLR(o, milestones=[10, 25, 25, 40], gamma=0.3)]),
    "ExponentialLR": dict(steps=60, groups=2, build=lambda L, o: [L.ExponentialLR(o, 0.93)]),
    "CosineAnnealingLR": dict(steps=30, build=lambda L, o: [L.CosineAnnealingLR(o, T_max=30)]),
    "CosineAnnealingLR past T_max": dict(steps=100, groups=2, build=lambda L, o: [
        L.CosineAnnealingLR(o, T_max=20, eta_min=0.01)]),
    "LinearLR defaults": dict(steps=30, build=lambda L, o: [L.LinearLR(o)]),
    "LinearLR decay": dict(steps=40, groups=2, build=lambda L, o: [
        L.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=30)]),
    "chained Exponential and Step": dict(steps=40, build=lambda L, o: [
        L.ExponentialLR(o, 0.97), L.StepLR(o, step_size=10, gamma=0.5)]),
    "SequentialLR warm-up then cosine": dict(steps=60, build=lambda L, o: [L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=5), L.CosineAnnealingLR(o, T_max=40)],
        milestones=[5])]),
    "SequentialLR three": dict(steps=60, groups=2, build=lambda L, o: [L.SequentialLR(
        o, [L.ExponentialLR(o, 0.9), L.StepLR(o, 4), L.MultiStepLR(o, [3, 12], gamma=0.5)],
        milestones=[10, 30])]),
    "SequentialLR lambda first": dict(steps=40, build=lambda L, o: [L.SequentialLR(
        o, [L.LambdaLR(o, lambda e: (e + 1) / 10), L.ExponentialLR(o, 0.8)],
        milestones=[10])]),
    "OneCycleLR SGD": dict(steps=60, build=lambda L, o: [
        L.OneCycleLR(o, max_lr=0.5, total_steps=60)]),
    "OneCycleLR Adam three-phase linear": dict(steps=50, optimizer="adam", groups=2,
                                               build=lambda L, o: [L.OneCycleLR(
        o, max_lr=[0.5, 0.2], epochs=5, steps_per_epoch=10, pct_start=0.25,
        anneal_strategy="linear", three_phase=True, div_factor=10.0)]),
    "OneCycleLR no momentum": dict(steps=33, build=lambda L, o: [L.OneCycleLR(
        o, max_lr=1.0, total_steps=40, cycle_momentum=False, final_div_factor=100.0)]),
    "ReduceLROnPlateau defaults": dict(steps=100, metrics=noisy_plateau,
                                       build=lambda L, o: [L.ReduceLROnPlateau(o)]),
    "ReduceLROnPlateau options": dict(steps=100, groups=2, metrics=noisy_plateau,
                                      build=lambda L, o: [L.ReduceLROnPlateau(
        o, patience=2, factor=0.5, cooldown=3, threshold=0.01, threshold_mode="abs",
        min_lr=[0.01, 0.002])]),
    "ReduceLROnPlateau max": dict(steps=60, metrics=lambda t: -noisy_plateau(t),
                                  build=lambda L, o: [L.ReduceLROnPlateau(
        o, mode="max", patience=1, min_lr=1e-3, eps=1e-3)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_scheduler_matches_torch_every_step(name):
    case = CASES[name]
    expected, torch_schedulers = run(torch, case)
    got, schedulers = run(mg, case)
    for t, (want, have) in enumerate(zip(expected, got, strict=True)):
        assert have == want, f"{name}: step {t}: minigrad {have} != torch {want}"
    for mine, theirs in zip(schedulers, torch_schedulers):
        assert mine.last_epoch == theirs.last_epoch


@pytest.mark.parametrize("name", ["StepLR gamma", "CosineAnnealingLR past T_max",
                                  "SequentialLR three", "OneCycleLR SGD",
                                  "ReduceLROnPlateau options"])
def test_resumed_scheduler_matches_torch(name):
    """Stop after 17 steps, rebuild the optimizer and scheduler, load the state dict
    (and the optimizer's hyperparameters), continue: the same numbers as torch's
    uninterrupted run."""
    case = CASES[name]
    expected, _ = run(torch, case)
    first, (saved,) = run(mg, dict(case, steps=17))
    groups = [{k: v for k, v in g.items() if k != "params"} for g in saved.optimizer.param_groups]
    state = saved.state_dict()
    opt = make_optimizer(mg, case.get("optimizer", "sgd"), case.get("groups", 1))
    (scheduler,) = case["build"](mg.optim.lr_scheduler, opt)
    for group, hyper in zip(opt.param_groups, groups):
        group.update(hyper)
    scheduler.load_state_dict(state)
    rows = first
    for t in range(17, case["steps"]):
        opt.step()
        scheduler.step(case["metrics"](t)) if "metrics" in case else scheduler.step()
        rows.append(record(opt, [scheduler]))
    assert rows == expected

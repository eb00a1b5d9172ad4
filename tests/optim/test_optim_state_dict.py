"""Optimizer state dicts: PyTorch's format, deep copies, checks on load, and a
resumed run that continues bit for bit, for every optimizer class."""

import copy

import numpy as np
import pytest
from optim_problem import X0, Y0, loss_tensor

import minigrad as mg
from minigrad import optim

N, K = 12, 5          # steps in all; steps before the checkpoint

# class, options, two groups (the second with half the lr)?
CASES = [
    ("GD", dict(lr=0.01), True),
    ("GD", dict(line_search=optim.Bracketing(max_dist=0.1)), False),
    ("Momentum", dict(lr=0.01, beta=0.9), True),
    ("Nesterov", dict(lr=0.01, beta=0.9), True),
    ("NormalizedGD", dict(lr=0.01), True),
    ("SGD", dict(lr=0.01), True),
    ("SGD", dict(lr=0.01, momentum=0.9), True),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1), True),
    ("SGD", dict(lr=0.001, momentum=0.5, dampening=0.3, maximize=True), True),
    ("Adam", dict(lr=0.01), True),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1), True),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), True),
    ("Adam", dict(lr=0.01, eps_inside_sqrt=True, maximize=True), True),
    ("AMSGrad", dict(lr=0.01), True),
    ("AdamW", dict(lr=0.01), True),
    ("AdamW", dict(lr=0.01, amsgrad=True), True),
    ("NAdam", dict(lr=0.01), True),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True), True),
    ("RAdam", dict(lr=0.01, weight_decay=0.1), True),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1), True),
    ("RMSprop", dict(lr=0.01), True),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01), True),
    ("Adadelta", dict(lr=1.0, weight_decay=0.1), True),
    ("Newton", dict(lr=0.5), False),
]


def make(name, options, two_groups, start=(X0, Y0)):
    x = mg.tensor(np.array(start[0]), requires_grad=True)
    y = mg.tensor(np.array(start[1]), requires_grad=True)
    cls = optim.OPTIMIZERS[name]
    if two_groups:
        opt = cls([{"params": [x]}, {"params": [y], "lr": options["lr"] / 2}], **options)
    else:
        opt = cls([x, y], **options)

    def closure():
        opt.zero_grad()
        loss = loss_tensor(x, y)
        loss.backward()
        return loss

    def step():
        if opt.needs_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()

    return opt, (x, y), step


def assert_same(a, b):
    """Equal state dicts, arrays bit for bit."""
    assert type(a) is type(b) or {type(a), type(b)} <= {int, float}
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            assert_same(u, v)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif not isinstance(a, optim.Bracketing):
        assert a == b


@pytest.mark.parametrize("name, options, two_groups", CASES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_a_resumed_run_continues_bit_for_bit(name, options, two_groups):
    opt, params, step = make(name, options, two_groups)
    for _ in range(K):
        step()
    saved = opt.state_dict()
    snapshot = copy.deepcopy(saved)
    at_k = [p.data.copy() for p in params]
    for _ in range(N - K):                       # the uninterrupted run
        step()
    straight = [p.data.copy() for p in params]
    assert all(np.isfinite(a).all() for a in straight)
    assert_same(saved, snapshot)                 # later steps did not touch the saved dict

    fresh, fresh_params, fresh_step = make(name, options, two_groups, start=at_k)
    fresh.load_state_dict(saved)
    assert_same(fresh.state_dict(), snapshot)
    for _ in range(N - K):
        fresh_step()
    for a, b in zip(straight, fresh_params):
        np.testing.assert_array_equal(a, b.data)
    assert_same(saved, snapshot)                 # loading copied, too
    assert_same(fresh.state_dict(), opt.state_dict())


def test_every_optimizer_class_is_resumed_by_the_test_above():
    assert {name for name, _, _ in CASES} == set(optim.OPTIMIZERS)


def through_a_file(value):
    """What a file format may give back: numbers as NumPy scalars or 0-d arrays,
    tuples as arrays or lists."""
    if isinstance(value, dict):
        return {k: through_a_file(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return np.array(value)
    if isinstance(value, (bool, np.ndarray)) or value is None:
        return value
    if isinstance(value, list):
        return [through_a_file(v) for v in value]
    return np.array(value)


@pytest.mark.parametrize("name, options", [("Adam", dict(lr=0.01, amsgrad=True)),
                                           ("NAdam", dict(lr=0.01)),
                                           ("SGD", dict(lr=0.01, momentum=0.9))])
def test_numbers_and_tuples_loaded_as_arrays_resume_the_same(name, options):
    opt, params, step = make(name, options, True)
    for _ in range(K):
        step()
    saved = opt.state_dict()
    at_k = [p.data.copy() for p in params]
    for _ in range(3):
        step()
    fresh, fresh_params, fresh_step = make(name, options, True, start=at_k)
    fresh.load_state_dict(through_a_file(saved))
    assert_same(fresh.state_dict(), saved)
    for _ in range(3):
        fresh_step()
    for a, b in zip(params, fresh_params):
        np.testing.assert_array_equal(a.data, b.data)


def test_the_format_is_pytorchs():
    opt, (x, y), step = make("Adam", dict(lr=0.01, amsgrad=True), True)
    assert opt.state_dict()["state"] == {}
    step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.01, 0.005]
    assert set(sd["state"]) == {0, 1}
    assert set(sd["state"][1]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert sd["state"][1]["step"] == 1 and sd["state"][1]["exp_avg"] is not \
        opt.state[y]["exp_avg"]
    sgd, _, sgd_step = make("SGD", dict(lr=0.1), False)
    sgd_step()
    assert sgd.state_dict()["state"] == {}          # no momentum: no state, as PyTorch


@pytest.mark.parametrize("edit, pattern", [
    (lambda sd: sd["param_groups"].pop(), r"has 1 parameter group\(s\), this optimizer 2"),
    (lambda sd: sd["param_groups"][1]["params"].append(7), r"saved param_groups\[1\] has 2"),
    (lambda sd: sd["state"][0].update(exp_avg=np.zeros(4)), r"'exp_avg' has shape \(4,\)"),
    (lambda sd: sd["state"][0].update(momentum_buffer=np.zeros(3)),
     r"key\(s\) \['momentum_buffer'\] that Adam does not keep"),
    (lambda sd: sd["state"][0].pop("exp_avg_sq"), "has no 'exp_avg_sq'"),
    (lambda sd: sd["state"].update({5: {}}), r"parameter number\(s\) \[5\]"),
    (lambda sd: sd["param_groups"][0].update(momentum=0.9),
     r"unknown option\(s\) 'momentum'; Adam takes"),
    (lambda sd: sd.pop("state"), "expected the dict made by opt.state_dict()"),
])
def test_a_state_dict_that_does_not_fit_is_refused(edit, pattern):
    opt, _, step = make("Adam", dict(lr=0.01), True)
    step()
    sd = opt.state_dict()
    before = opt.state_dict()
    edit(sd)
    with pytest.raises(ValueError, match=pattern):
        opt.load_state_dict(sd)
    assert_same(opt.state_dict(), before)            # nothing was half loaded


def test_load_casts_state_to_the_parameter_dtype():
    opt, _, step = make("Adam", dict(lr=0.01), False)
    step()
    sd = opt.state_dict()
    x = mg.tensor(X0.astype(np.float32), requires_grad=True)
    y = mg.tensor(Y0.astype(np.float32), requires_grad=True)
    small = optim.Adam([x, y], lr=0.01)
    small.load_state_dict(sd)
    assert small.state[x]["exp_avg"].dtype == np.float32


def test_a_scheduler_and_its_optimizer_resume_together():
    """StepLR on two groups: state dicts of both, loaded after creating the new
    scheduler (PyTorch's order), continue the learning rates and the iterates."""
    def build(start=(X0, Y0)):
        opt, params, step = make("SGD", dict(lr=0.01, momentum=0.9), True, start)
        return opt, params, step, optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)

    opt, params, step, sched = build()
    for t in range(N):
        if t == K:
            saved = (opt.state_dict(), sched.state_dict(), [p.data.copy() for p in params])
        step()
        sched.step()
    opt2, params2, step2, sched2 = build(saved[2])
    sched2.load_state_dict(saved[1])
    opt2.load_state_dict(saved[0])
    for _ in range(N - K):
        step2()
        sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]
    for a, b in zip(params, params2):
        np.testing.assert_array_equal(a.data, b.data)

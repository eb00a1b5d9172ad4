"""Learning-rate schedules and the Scheduled wrapper."""

import re

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import schedules as S


def bowl(x):
    return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2


def test_schedule_values():
    assert S.constant(0.1)(7) == 0.1
    s = S.step_decay(0.1, 0.1, every=30)
    assert [s(0), s(29), s(30), s(60)] == pytest.approx([0.1, 0.1, 0.01, 0.001])
    e = S.exponential(2.0, 0.5)
    assert [e(0), e(1), e(3)] == [2.0, 1.0, 0.25]
    c = S.cosine(1.0, 100, lr_min=0.1)
    assert [c(0), c(50), c(100), c(150)] == pytest.approx([1.0, 0.55, 0.1, 0.1])
    w = S.linear_warmup(0.5, 10)
    assert [w(0), w(5), w(10), w(20)] == pytest.approx([0.0, 0.25, 0.5, 0.5])
    wc = S.warmup_cosine(1.0, 10, 110)
    assert [wc(0), wc(10), wc(60), wc(110)] == pytest.approx([0.0, 1.0, 0.5, 0.0])
    assert S.sequence is S.join


def test_join_restarts_the_step_count():
    j = S.join([S.constant(1.0), S.exponential(1.0, 0.5), S.constant(0.0)], [3, 5])
    assert [j(t) for t in range(7)] == [1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0]
    with pytest.raises(ValueError, match="boundaries"):
        S.join([S.constant(1.0)], [3])


def test_schedules_are_plottable_arrays():
    t = np.arange(200)
    for s in (S.step_decay(1, 0.5, 50), S.exponential(1, 0.99), S.cosine(1, 200),
              S.linear_warmup(1, 20), S.warmup_cosine(1, 20, 200)):
        v = s(t)
        assert v.shape == (200,) and np.all(np.isfinite(v))
        np.testing.assert_allclose(v, [s(int(k)) for k in t])
        np.testing.assert_allclose(S.values(s, 200), v)
        assert re.match(r"\w+\(", repr(s))


def test_scheduled_sets_lr_each_step():
    sched = S.step_decay(0.1, 0.5, every=2)
    phi = mg.tensor([0.0, 0.0], requires_grad=True)
    opt = S.Scheduled(optim.Adam(phi, lr=1.0), sched)
    for _ in range(3):
        opt.zero_grad()
        bowl(phi).backward()
        opt.step()
    assert opt.lrs == [0.1, 0.1, 0.05] and opt.optimizer.lr == 0.05 and opt.lr == 0.05
    assert opt.optimizer.param_groups[0]["lr"] == 0.05


def test_scheduled_can_drive_another_hyperparameter():
    phi = mg.tensor([1.0], requires_grad=True)
    opt = S.Scheduled(optim.Momentum(phi, lr=0.1, beta=0.0), S.constant(0.5),
                      hyperparameter="beta")
    opt.zero_grad()
    (phi * 2.0).sum().backward()
    opt.step()                          # m = 0.5 * 0 + 0.5 * 2, phi = 1 - 0.1 * m
    assert opt.beta == 0.5
    np.testing.assert_allclose(phi.data, [0.9])



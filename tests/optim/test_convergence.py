"""Every optimizer converges where it should (and NormalizedGD bounces where it should).

Each run starts at (0, 0) and is driven by :func:`descend`, a plain training
loop written here (it records the point before every step and after the last).
"""

from types import SimpleNamespace

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim
from minigrad.optim import schedules as S


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def bowl(x):
    """Steep in x[1], shallow in x[0] (Figure 6.9's shape); minimum at (1, -2)."""
    return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2


def descend(f, x0, name, steps, schedule=None, **hyperparameters):
    """``steps`` steps of ``optim.OPTIMIZERS[name]`` on ``f`` from ``x0``: the points
    visited ``x`` (steps + 1 rows) and the final ``loss``."""
    x = mg.tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    opt = optim.OPTIMIZERS[name](x, **hyperparameters)

    def closure():
        opt.zero_grad()
        loss = f(x)
        loss.backward()
        return loss

    path = []
    for t in range(steps):
        closure()                   # the gradient at the current point
        path.append(x.data.copy())
        if schedule is not None:
            opt.lr = schedule(t)
        opt.step(closure if opt.needs_closure else None)
    path.append(x.data.copy())
    return SimpleNamespace(x=np.array(path), loss=closure().item())


def first_within(result, target, radius):
    d = np.linalg.norm(result.x - np.asarray(target), axis=1)
    hits = np.flatnonzero(d < radius)
    return int(hits[0]) if hits.size else None


# ------------------------------------------------------------------ convergence
# (optimizer, hyperparameters, steps allowed) from (0, 0); "converged" means the
# iterate came within 1e-2 of the minimum.  The step counts are stated limits
# with some slack over what the runs need.
BOWL = [
    ("GD", dict(lr=0.004), 650),
    ("GD", dict(line_search=optim.Bracketing()), 40),
    ("GD", dict(line_search=optim.GoldenSection()), 40),
    ("GD", dict(line_search=optim.Backtracking()), 60),
    ("Momentum", dict(lr=0.008, beta=0.9), 300),
    ("Nesterov", dict(lr=0.008, beta=0.9), 300),
    ("SGD", dict(lr=0.002, momentum=0.9), 100),
    ("Adam", dict(lr=0.1), 100),
    ("AMSGrad", dict(lr=0.1), 100),
    ("AdamW", dict(lr=0.05, weight_decay=0.0), 120),
    ("NAdam", dict(lr=0.05), 110),
    ("RAdam", dict(lr=0.02), 420),
    ("Adagrad", dict(lr=1.0), 20),
    ("RMSprop", dict(lr=0.01), 320),
    ("Adadelta", dict(lr=10.0), 150),
    ("Newton", dict(), 1),
]

ROSENBROCK = [
    ("GD", dict(lr=0.002), 5400),
    ("Momentum", dict(lr=0.008, beta=0.9), 1350),
    ("Nesterov", dict(lr=0.008, beta=0.9), 1350),
    ("SGD", dict(lr=0.002, momentum=0.9), 500),
    ("Adam", dict(lr=0.1), 300),
    ("AMSGrad", dict(lr=0.05), 320),
    ("AdamW", dict(lr=0.05, weight_decay=0.0), 320),
    ("NAdam", dict(lr=0.01), 2300),
    ("RAdam", dict(lr=0.02), 550),
    ("Adagrad", dict(lr=0.2), 4500),
    ("RMSprop", dict(lr=0.003), 3900),
    ("Newton", dict(), 5),
]


@pytest.mark.parametrize("name,kw,steps", BOWL, ids=[f"{n}-{i}" for i, (n, _, _) in
                                                      enumerate(BOWL)])
def test_converges_on_bowl(name, kw, steps):
    res = descend(bowl, [0.0, 0.0], name, steps, **kw)
    assert first_within(res, [1.0, -2.0], 1e-2) is not None


@pytest.mark.parametrize("name,kw,steps", ROSENBROCK,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ROSENBROCK)])
def test_converges_on_rosenbrock(name, kw, steps):
    res = descend(rosenbrock, [0.0, 0.0], name, steps, **kw)
    assert first_within(res, [1.0, 1.0], 1e-2) is not None


def test_normalized_gd_bounces_around_the_minimum():
    res = descend(bowl, [0.0, 0.0], "NormalizedGD", 250, lr=0.01)
    tail = res.x[-20:]
    # every step moves exactly lr along each coordinate: it never settles
    steps = np.abs(np.diff(tail, axis=0))
    np.testing.assert_allclose(steps, 0.01, rtol=1e-5)
    assert np.abs(tail - [1.0, -2.0]).max() <= 0.01 + 1e-9


def test_normalized_gd_with_decaying_rate_on_rosenbrock():
    res = descend(rosenbrock, [0.0, 0.0], "NormalizedGD", 3000, lr=0.05,
                  schedule=S.exponential(0.05, 0.998))
    assert res.loss < 0.01


def test_line_search_gd_beats_fixed_step_on_rosenbrock():
    fixed = descend(rosenbrock, [0.0, 0.0], "GD", 150, lr=0.002)
    for search in (optim.Bracketing(), optim.GoldenSection(), optim.Backtracking()):
        res = descend(rosenbrock, [0.0, 0.0], "GD", 150, line_search=search)
        assert res.loss < 0.5 * fixed.loss


def test_adadelta_on_rosenbrock_is_slow_but_stable():
    # AdaDelta (PyTorch defaults, which it matches step for step) creeps along the
    # valley: after 1000 steps the loss has fallen but the minimum is far.
    res = descend(rosenbrock, [0.0, 0.0], "Adadelta", 1000)
    assert res.loss < 1.0 and np.all(np.isfinite(res.x))

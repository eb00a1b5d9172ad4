"""The update rules of minigrad/optim/rules.py: pure, and right for one step.

The first test is registry-style: it finds every public function of rules.py
by itself, builds its inputs from its signature, and checks that the rule
writes into none of them and returns fresh arrays.  A new rule is covered
with no edit here, unless it takes an argument never seen before (then the
test says which one to add to ``ARRAYS`` or ``HYPERPARAMETERS``).
"""

import inspect
import itertools

import numpy as np
import pytest

from minigrad.optim import rules

PUBLIC = sorted(name for name, fn in inspect.getmembers(rules, inspect.isfunction)
                if fn.__module__ == rules.__name__ and not name.startswith("_"))

#: Positional arguments: how to draw each (phi, g, state arrays, Hessian).
ARRAYS = {
    "phi": lambda rng, n: rng.normal(size=n),
    "g": lambda rng, n: rng.normal(size=n),
    "g_ahead": lambda rng, n: rng.normal(size=n),
    "m": lambda rng, n: rng.normal(size=n),
    "b": lambda rng, n: rng.normal(size=n),
    "g_avg": lambda rng, n: 0.1 * rng.normal(size=n),       # keeps v - g_avg**2 > 0
    "v": lambda rng, n: rng.uniform(0.5, 1.0, size=n),
    "v_max": lambda rng, n: rng.uniform(0.5, 1.0, size=n),
    "s": lambda rng, n: rng.uniform(0.5, 1.0, size=n),
    "u": lambda rng, n: rng.uniform(0.5, 1.0, size=n),
    "H": lambda rng, n: (lambda a: a @ a.T + n * np.eye(n))(rng.normal(size=(n, n))),
    "mu_product": lambda rng, n: 0.7,
}

#: Keyword arguments (hyperparameters): every value listed is tried.
HYPERPARAMETERS = {
    "t": [1, 7], "lr": [0.1], "beta": [0.9], "gamma": [0.99], "eps": [1e-3],
    "eps_inside_sqrt": [False, True], "weight_decay": [0.1], "alpha": [0.9],
    "rho": [0.9], "lr_decay": [0.01], "momentum_decay": [4e-3],
    "momentum": [0, 0.9], "dampening": [0.1], "nesterov": [False, True],
    "centered": [False, True],
}


def optional_state_is_none(name, kw, first_step):
    """State a rule takes as None: RMSprop's unused options, SGD's buffer before step 1."""
    if name == "g_avg":
        return not kw["centered"]
    if name == "b":
        return kw["momentum"] == 0 or (first_step and "nesterov" in kw)
    return False


def calls(rule):
    """Every ``(args, kwargs)`` to try ``rule`` with."""
    params = inspect.signature(rule).parameters.values()
    positional = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
    keywords = [p.name for p in params if p.kind == p.KEYWORD_ONLY]
    for name in positional:
        assert name in ARRAYS, f"rules.{rule.__name__}: add a sampler for {name!r} to ARRAYS"
    for name in keywords:
        assert name in HYPERPARAMETERS, (
            f"rules.{rule.__name__}: add values for {name!r} to HYPERPARAMETERS")
    n = 4
    for values in itertools.product(*(HYPERPARAMETERS[k] for k in keywords)):
        kw = dict(zip(keywords, values))
        for first_step in (False, True):
            rng = np.random.default_rng(len(rule.__name__))
            args = [None if optional_state_is_none(name, kw, first_step)
                    else ARRAYS[name](rng, n) for name in positional]
            yield args, kw


def arrays_in(values):
    return [v for v in values if isinstance(v, np.ndarray)]


def test_the_registry_sees_every_rule():
    assert PUBLIC == sorted(rules.__all__)
    assert len(PUBLIC) >= 16


@pytest.mark.parametrize("name", PUBLIC)
def test_rule_writes_into_nothing_and_returns_fresh_arrays(name):
    rule = getattr(rules, name)
    for args, kw in calls(rule):
        before = [a.copy() for a in arrays_in(args)]
        out = rule(*args, **kw)
        outputs = list(out) if isinstance(out, tuple) else [out]
        for a, copy in zip(arrays_in(args), before):
            assert a.tobytes() == copy.tobytes(), f"rules.{name}{kw} wrote into an input"
        assert isinstance(outputs[0], np.ndarray), f"rules.{name} must return the new phi"
        for o in arrays_in(outputs):
            for a in arrays_in(args):
                assert not np.shares_memory(o, a), f"rules.{name}{kw} returned an input"
        # and with read-only inputs: any write at all would raise
        for a in arrays_in(args):
            a.flags.writeable = False
        rule(*args, **kw)


@pytest.mark.parametrize("name", PUBLIC)
def test_rule_keeps_float32(name):
    rule = getattr(rules, name)
    args, kw = next(calls(rule))
    args = [a.astype(np.float32) if isinstance(a, np.ndarray) else a for a in args]
    out = rule(*args, **kw)
    phi = out[0] if isinstance(out, tuple) else out
    assert phi.dtype == np.float32


# ----------------------------------------------- one step, computed by hand
def a(*values):
    return np.array(values, dtype=np.float64)


def close(out, *expected):
    out = out if isinstance(out, tuple) else (out,)
    assert len(out) == len(expected)
    for o, e in zip(out, expected):
        if e is None:
            assert o is None
        else:
            np.testing.assert_allclose(o, e, rtol=1e-14, atol=0)


def test_gd_eq_6_3():
    close(rules.gd(a(1.0, 2.0), a(0.5, -1.0), lr=0.1), a(0.95, 2.1))


def test_momentum_eq_6_11():
    # m = 0.5 * 0.5 + 0.5 * 2 = 1.25; phi = 1 - 0.1 * 1.25
    close(rules.momentum(a(1.0), a(2.0), a(0.5), lr=0.1, beta=0.5), a(0.875), a(1.25))


def test_nesterov_eq_6_12():
    close(rules.nesterov_lookahead(a(1.0), a(2.0), lr=0.1, beta=0.5), a(0.9))
    # m = 0.5 * 2 + 0.5 * 4 = 3; phi = 1 - 0.1 * 3
    close(rules.nesterov(a(1.0), a(4.0), a(2.0), lr=0.1, beta=0.5), a(0.7), a(3.0))


def test_normalized_gd_eqs_6_13_6_14():
    close(rules.normalized_gd(a(1.0, 1.0), a(3.0, -0.5), lr=0.1, eps=0.0), a(0.9, 1.1))


def test_adam_eqs_6_15_6_17():
    # m = 0.5 * 2 = 1, v = 0.25 * 4 = 1; m_hat = 1 / 0.5 = 2, v_hat = 1 / 0.25 = 4
    hyper = dict(t=1, lr=0.1, beta=0.5, gamma=0.75)
    close(rules.adam(a(1.0), a(2.0), a(0.0), a(0.0), eps=0.0, **hyper), a(0.9), a(1.0), a(1.0))
    close(rules.adam(a(1.0), a(2.0), a(0.0), a(0.0), eps=5.0, eps_inside_sqrt=True, **hyper),
          a(1 - 0.1 * 2 / 3), a(1.0), a(1.0))                  # sqrt(4 + 5) = 3
    close(rules.adam(a(1.0), a(2.0), a(0.0), a(0.0), eps=1.0, **hyper),
          a(1 - 0.1 * 2 / 3), a(1.0), a(1.0))                  # sqrt(4) + 1 = 3


def test_amsgrad():
    # v = 1 but v_max stays 3: v_hat = 3 / 0.25 = 12
    close(rules.amsgrad(a(1.0), a(2.0), a(0.0), a(0.0), a(3.0), t=1, lr=0.1, beta=0.5,
                        gamma=0.75, eps=0.0),
          a(1 - 0.1 * 2 / np.sqrt(12.0)), a(1.0), a(1.0), a(3.0))


def test_adamw():
    # decay first: 2 * (1 - 0.1 * 0.5) = 1.9; then Adam's first step of 0.1
    close(rules.adamw(a(2.0), a(2.0), a(0.0), a(0.0), t=1, lr=0.1, beta=0.5, gamma=0.75,
                      eps=0.0, weight_decay=0.5), a(1.8), a(1.0), a(1.0))


def test_nadam():
    # momentum_decay 0: mu_1 = mu_2 = 0.5 * (1 - 0.5) = 0.25, P_1 = 0.25; m = v = 1,
    # sqrt(v_hat) = 2: phi = 1 - 0.1 * (0.75 / 0.75) * 2 / 2 - 0.1 * 0.25 / (1 - 0.0625) * 1 / 2
    close(rules.nadam(a(1.0), a(2.0), a(0.0), a(0.0), 1.0, t=1, lr=0.1, beta=0.5, gamma=0.75,
                      eps=0.0, momentum_decay=0.0),
          a(1 - 0.1 - 0.1 * 0.25 / 0.9375 / 2), a(1.0), a(1.0), 0.25)


def test_radam_both_branches():
    # gamma = 0.75: rho_inf = 7, rho_1 = 7 - 2 * 0.75 / 0.25 = 1 <= 5: phi - lr * m_hat
    close(rules.radam(a(1.0), a(2.0), a(0.0), a(0.0), t=1, lr=0.1, beta=0.5, gamma=0.75,
                      eps=0.0), a(0.8), a(1.0), a(1.0))
    # gamma = 0.99, t = 10: rho_10 > 5, the rectified adaptive step
    beta, gamma, t, m, v = 0.5, 0.99, 10, 1.0, 2.0
    m1, v1 = beta * m + (1 - beta) * 2.0, gamma * v + (1 - gamma) * 4.0
    rho_inf = 2 / (1 - gamma) - 1
    rho = rho_inf - 2 * t * gamma ** t / (1 - gamma ** t)
    r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    step = 0.1 * m1 / (1 - beta ** t) * r * np.sqrt(1 - gamma ** t) / np.sqrt(v1)
    assert rho > 5
    close(rules.radam(a(1.0), a(2.0), a(m), a(v), t=t, lr=0.1, beta=beta, gamma=gamma,
                      eps=0.0), a(1 - step), a(m1), a(v1))


def test_adagrad():
    # s = 5 + 4 = 9; lr_3 = 0.1 / (1 + 2 * 0.5) = 0.05; phi = 1 - 0.05 * 2 / 3
    close(rules.adagrad(a(1.0), a(2.0), a(5.0), t=3, lr=0.1, lr_decay=0.5, eps=0.0),
          a(1 - 1 / 30), a(9.0))


def test_rmsprop_and_its_options():
    hyper = dict(lr=0.1, alpha=0.75, eps=0.0)
    # v = 0.25 * 4 = 1; phi = 1 - 0.1 * 2 / 1
    close(rules.rmsprop(a(1.0), a(2.0), a(0.0), None, None, **hyper),
          a(0.8), a(1.0), None, None)
    # centered: g_avg = 0.25 * 2 = 0.5, variance 1 - 0.25 = 0.75
    close(rules.rmsprop(a(1.0), a(2.0), a(0.0), a(0.0), None, centered=True, **hyper),
          a(1 - 0.1 * 2 / np.sqrt(0.75)), a(1.0), a(0.5), None)
    # momentum: b = 0.5 * 1 + 2 / 1 = 2.5; phi = 1 - 0.1 * 2.5
    close(rules.rmsprop(a(1.0), a(2.0), a(0.0), None, a(1.0), momentum=0.5, **hyper),
          a(0.75), a(1.0), None, a(2.5))


def test_adadelta():
    # v = 0.25 * 4 = 1; d = sqrt(0 + 1) / sqrt(1 + 1) * 2 = sqrt(2); u = 0.25 * 2 = 0.5
    close(rules.adadelta(a(1.0), a(2.0), a(0.0), a(0.0), lr=1.0, rho=0.75, eps=1.0),
          a(1 - np.sqrt(2.0)), a(1.0), a(0.5))


def test_sgd_pytorch_step():
    hyper = dict(lr=0.1, dampening=0.0, nesterov=False)
    close(rules.sgd(a(1.0), a(2.0), None, momentum=0, **hyper), a(0.8), None)
    close(rules.sgd(a(1.0), a(2.0), None, momentum=0.5, **hyper), a(0.8), a(2.0))  # b = g
    close(rules.sgd(a(1.0), a(2.0), None, momentum=0.5, lr=0.1, dampening=0.0, nesterov=True),
          a(0.7), a(2.0))                                        # along g + 0.5 b = 3
    # b = 0.5 * 2 + (1 - 0.5) * 4 = 3
    close(rules.sgd(a(1.0), a(4.0), a(2.0), momentum=0.5, lr=0.1, dampening=0.5,
                    nesterov=False), a(0.7), a(3.0))


def test_l2_gradient():
    close(rules.l2_gradient(a(2.0), a(1.0), weight_decay=0.5), a(2.0))


def test_newton():
    H = np.array([[2.0, 0.0], [0.0, 4.0]])
    close(rules.newton(a(3.0, 1.0), a(4.0, 2.0), H), a(1.0, 0.5))          # d = (2, 0.5)
    close(rules.newton(a(3.0, 1.0), a(4.0, 2.0), H, lr=0.5), a(2.0, 0.75))

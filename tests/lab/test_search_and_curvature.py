"""The chapter-6 bench's minimize, hyperparameter search and curvature tools
(minigrad/lab/minimize.py, search.py, curvature.py); the optimizers themselves
are tested in tests/optim/."""

import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad import lab, optim
from minigrad.optim import schedules as S


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def bowl(x):
    """Steep in x[1], shallow in x[0] (Figure 6.9's shape); minimum at (1, -2)."""
    return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2


def test_minimize_records_the_scheduled_lr():
    sched = S.step_decay(0.1, 0.5, every=2)
    res = lab.minimize(bowl, [0.0, 0.0], optimizer="GD", steps=6, lr=1.0, schedule=sched)
    np.testing.assert_allclose(res.trajectory.lr, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_newton_critical_points_are_classified():
    def cubic(x):
        return (x ** 3 - 3 * x).sum()            # max at -1, min at +1
    res = lab.minimize(cubic, [-0.5], optimizer="Newton", steps=20)
    np.testing.assert_allclose(res.x, [-1.0], atol=1e-12)
    assert lab.classify_critical_point(cubic, res.x) == "maximum"

    def saddle(x):
        return x[0] ** 2 - x[1] ** 2 + 0.1 * x[1] ** 4
    res = lab.minimize(saddle, [0.3, 0.2], optimizer="Newton", steps=20)
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=1e-10)
    assert lab.classify_critical_point(saddle, res.x) == "saddle"


def test_minimize_trajectory_shapes_and_contents():
    res = lab.minimize(rosenbrock, [-1.0, 1.0], optimizer="Adam", steps=30, lr=0.05)
    tr = res.trajectory
    assert tr.x.shape == (31, 2) and tr.loss.shape == (31,) and tr.grad_norm.shape == (31,)
    assert tr.lr.shape == (30,) and np.all(tr.lr == 0.05)
    np.testing.assert_allclose(tr.x[0], [-1.0, 1.0])
    np.testing.assert_allclose(tr.x[-1], res.x)
    assert res.loss == tr.loss[-1] == pytest.approx(rosenbrock(res.x))
    g = mg.grad(rosenbrock)(tr.x[7])
    assert tr.grad_norm[7] == pytest.approx(np.linalg.norm(g))
    assert tr.probe_loss.shape == (0,) and "30 steps" in repr(tr)
    assert isinstance(res.optimizer, optim.Adam) and "Adam" in repr(res)


def test_minimize_records_every_line_search_probe():
    res = lab.minimize(bowl, [0.0, 0.0], optimizer=optim.GD, steps=5,
                         line_search=optim.Bracketing(max_dist=0.2))
    tr = res.trajectory
    k = tr.probe_loss.size
    assert k > 5 * 4 and tr.probe_x.shape == (k, 2) and tr.probe_lr.shape == (k,)
    assert set(tr.probe_step.tolist()) == set(range(5))
    np.testing.assert_allclose(tr.probe_loss, [bowl(x) for x in tr.probe_x])
    # the chosen steps are the lr column, and each one is where the line search said
    g0 = mg.grad(bowl)(tr.x[0])
    np.testing.assert_allclose(tr.x[1], tr.x[0] - tr.lr[0] * g0)


def test_minimize_names_tol_and_errors():
    res = lab.minimize(bowl, [0.0, 0.0], optimizer="newton", steps=10, tol=1e-9)
    assert res.trajectory.steps == 1 and res.trajectory.x.shape == (2, 2)
    assert lab.optimizer_class("rmsprop") is optim.RMSprop
    with pytest.raises(ValueError, match="unknown optimizer"):
        lab.minimize(bowl, [0.0, 0.0], optimizer="adamax")
    with pytest.raises(TypeError):
        lab.optimizer_class(42)


# ----------------------------------------------------------------------- search
def test_grid_search_sorted_table():
    run = lab.objective(bowl, [0.0, 0.0], "Momentum", steps=30)
    table = lab.grid_search(run, {"lr": [0.001, 0.01, 0.05], "beta": [0.0, 0.9]})
    assert len(table) == 6
    assert {(r.params["lr"], r.params["beta"]) for r in table} == {
        (lr, b) for lr in (0.001, 0.01, 0.05) for b in (0.0, 0.9)}
    table.sort(by="loss")
    losses = [r.loss for r in table]
    assert losses == sorted(losses) and table.best is table[0]
    table.sort(by="lr", reverse=True)
    assert [r.params["lr"] for r in table][:2] == [0.05, 0.05]
    text = str(table)
    assert text.splitlines()[0].split() == ["lr", "beta", "loss", "grad_norm"]
    assert len(text.splitlines()) == 8


def test_random_search_is_seeded_and_diverged_runs_sort_last():
    space = {"lr": lab.log_uniform(1e-3, 1.0), "beta": [0.5, 0.9], "eps": (0.0, 1.0)}
    run = lab.objective(bowl, [0.0, 0.0], "Momentum", steps=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = lab.random_search(run, {"lr": space["lr"], "beta": space["beta"]}, trials=8,
                                seed=3)
        b = lab.random_search(run, {"lr": space["lr"], "beta": space["beta"]}, trials=8,
                                seed=3)
    assert [r.params for r in a] == [r.params for r in b]
    assert all(1e-3 <= r.params["lr"] <= 1.0 for r in a)
    blown = lab.grid_search(lambda lr: {"loss": float("nan") if lr > 1 else lr},
                              {"lr": [5.0, 0.3, 0.1]})
    assert [r.params["lr"] for r in blown.sort()] == [0.1, 0.3, 5.0]


# -------------------------------------------------------------------- curvature
def test_classify_minimum_maximum_saddle_degenerate():
    assert lab.classify_critical_point(bowl, [1.0, -2.0]) == "minimum"
    assert lab.classify_critical_point(lambda x: -bowl(x), [1.0, -2.0]) == "maximum"
    assert lab.classify_critical_point(lambda x: x[0] * x[1], [0.0, 0.0]) == "saddle"
    assert lab.classify_critical_point(
        lambda x: x[0] ** 4 + x[1] ** 2, [0.0, 0.0]) == "degenerate"
    assert lab.classify_critical_point(rosenbrock, [1.0, 1.0]) == "minimum"
    np.testing.assert_allclose(lab.hessian_eigenvalues(bowl, [0.0, 0.0]), [2.0, 20.0])
    with pytest.raises(ValueError, match="not a critical point"):
        lab.classify_critical_point(bowl, [0.0, 0.0])


def test_convexity_by_sampling():
    assert lab.check_convexity(bowl, [-3, -3], [3, 3], samples=30)
    report = lab.check_convexity(rosenbrock, [-2, -1], [2, 3], samples=50, seed=1)
    assert not report and report.min_eigenvalue < 0
    assert np.all(report.worst_point >= [-2, -1]) and "NOT convex" in repr(report)
    again = lab.check_convexity(rosenbrock, [-2, -1], [2, 3], samples=50, seed=1)
    np.testing.assert_array_equal(report.worst_point, again.worst_point)

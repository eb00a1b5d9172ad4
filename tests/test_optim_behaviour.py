"""Optimizer API, convergence, line searches, schedules, minimize, search, curvature."""

import re
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


def first_within(result, target, radius):
    d = np.linalg.norm(result.trajectory.x - np.asarray(target), axis=1)
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
    res = lab.minimize(bowl, [0.0, 0.0], optimizer=name, steps=steps, **kw)
    assert first_within(res, [1.0, -2.0], 1e-2) is not None


@pytest.mark.parametrize("name,kw,steps", ROSENBROCK,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ROSENBROCK)])
def test_converges_on_rosenbrock(name, kw, steps):
    res = lab.minimize(rosenbrock, [0.0, 0.0], optimizer=name, steps=steps, **kw)
    assert first_within(res, [1.0, 1.0], 1e-2) is not None


def test_normalized_gd_bounces_around_the_minimum():
    res = lab.minimize(bowl, [0.0, 0.0], optimizer="NormalizedGD", steps=250, lr=0.01)
    tail = res.trajectory.x[-20:]
    # every step moves exactly lr along each coordinate: it never settles
    steps = np.abs(np.diff(tail, axis=0))
    np.testing.assert_allclose(steps, 0.01, rtol=1e-5)
    assert np.abs(tail - [1.0, -2.0]).max() <= 0.01 + 1e-9


def test_normalized_gd_with_decaying_rate_on_rosenbrock():
    res = lab.minimize(rosenbrock, [0.0, 0.0], optimizer="NormalizedGD", steps=3000,
                         lr=0.05, schedule=S.exponential(0.05, 0.998))
    assert res.loss < 0.01


def test_line_search_gd_beats_fixed_step_on_rosenbrock():
    fixed = lab.minimize(rosenbrock, [0.0, 0.0], optimizer="GD", steps=150, lr=0.002)
    for search in (optim.Bracketing(), optim.GoldenSection(), optim.Backtracking()):
        res = lab.minimize(rosenbrock, [0.0, 0.0], optimizer="GD", steps=150,
                             line_search=search)
        assert res.loss < 0.5 * fixed.loss


def test_adadelta_on_rosenbrock_is_slow_but_stable():
    # AdaDelta (PyTorch defaults, which it matches step for step) creeps along the
    # valley: after 1000 steps the loss has fallen but the minimum is far.
    res = lab.minimize(rosenbrock, [0.0, 0.0], optimizer="Adadelta", steps=1000)
    assert res.loss < 1.0 and np.all(np.isfinite(res.trajectory.x))


def test_newton_can_walk_to_a_maximum():
    def f(x):
        return (x ** 3 - 3 * x).sum()            # max at -1, min at +1
    res = lab.minimize(f, [-0.5], optimizer="Newton", steps=20)
    np.testing.assert_allclose(res.x, [-1.0], atol=1e-12)
    assert lab.classify_critical_point(f, res.x) == "maximum"


def test_newton_can_walk_to_a_saddle():
    def f(x):
        return x[0] ** 2 - x[1] ** 2 + 0.1 * x[1] ** 4
    res = lab.minimize(f, [0.3, 0.2], optimizer="Newton", steps=20)
    np.testing.assert_allclose(res.x, [0.0, 0.0], atol=1e-10)
    assert lab.classify_critical_point(f, res.x) == "saddle"


# ------------------------------------------------------------------ line search
KNOWN_1D = [
    (lambda a: (a - 0.37) ** 2, 1.0, 0.37),
    (lambda a: np.cosh(4 * (a - 0.8)), 1.0, 0.8),
    (lambda a: -np.sin(a), 3.0, np.pi / 2),
    (lambda a: (a - 0.02) ** 2 * (1 + a), 1.0, 0.02),   # close to 0: rule 1 fires
    (lambda a: np.exp(-a) + 0.5 * a, 2.0, np.log(2)),
]


@pytest.mark.parametrize("f,max_dist,alpha_star", KNOWN_1D)
def test_each_line_search_finds_known_minima(f, max_dist, alpha_star):
    assert abs(optim.bracketing_search(f, max_dist, 1e-7, 200) - alpha_star) < 1e-5
    assert abs(optim.golden_section_search(f, max_dist, 1e-8) - alpha_star) < 1e-5
    assert abs(optim.GoldenSection(max_dist, 1e-8).search(f).alpha - alpha_star) < 1e-5


def test_backtracking_accepts_only_sufficient_decrease():
    def f(a):
        return (1 - 3 * a) ** 2          # f'(0) = -6
    res = optim.Backtracking(max_dist=1.0, rho=0.5, c=0.5).search(f, slope=-6.0)
    assert res.alpha == 0.25                # 1 and 0.5 fail Armijo, 0.25 passes
    assert f(res.alpha) <= f(0) + 0.5 * res.alpha * -6.0
    assert f(0.5) > f(0) + 0.5 * 0.5 * -6.0
    assert optim.backtracking_search(f, slope=-6.0, c=0.5) == 0.25
    assert optim.backtracking_search(f, slope=-6.0, c=0.1) == 0.5
    with pytest.raises(ValueError, match="slope"):
        optim.Backtracking().search(f)


def bracketing_reference(f, max_dist, thresh, max_iter):
    """Figure 6.10 again, literally, recording the (a, b, c, d) of every iteration."""
    a, b, c, d = 0.0, 0.33 * max_dist, 0.66 * max_dist, max_dist
    history, n = [], 0
    while abs(b - c) > thresh and n < max_iter:
        n += 1
        la, lb, lc, ld = f(a), f(b), f(c), f(d)
        if la <= min(lb, lc, ld):
            b, c, d = a + (b - a) / 2, a + (c - a) / 2, a + (d - a) / 2
        else:
            if lb < lc:
                d = c
            else:
                a = b
            b, c = a + (d - a) / 3, a + 2 * (d - a) / 3
        history.append((a, b, c, d))
    return (b + c) / 2, n, history


@pytest.mark.parametrize("f,max_dist,alpha_star", KNOWN_1D)
@pytest.mark.parametrize("max_iter", [3, 10, 100])
def test_bracketing_follows_the_rules(f, max_dist, alpha_star, max_iter):
    expected, n, history = bracketing_reference(f, max_dist, 1e-4, max_iter)
    res = optim.Bracketing(max_dist, 1e-4, max_iter).search(f)
    assert res.alpha == expected and res.iterations == n
    # every probe is one of the points the reference looked at
    seen = {0.0, 0.33 * max_dist, 0.66 * max_dist, max_dist}
    for a, b, c, d in history[:-1]:
        seen |= {a, b, c, d}
    assert set(res.alphas.tolist()) <= seen
    np.testing.assert_allclose(res.losses, [f(a) for a in res.alphas])


def test_bracketing_starts_with_the_books_four_points():
    res = optim.Bracketing(max_dist=2.0, max_iter=1).search(lambda a: (a - 1.5) ** 2)
    np.testing.assert_allclose(res.alphas, [0.0, 0.66, 1.32, 2.0])
    # L(b) > L(c): [a, b] is dropped, a = 0.66, b and c re-spaced in [0.66, 2]
    assert res.alpha == pytest.approx((0.66 + (2 - 0.66) / 3 + 0.66 + 2 * (2 - 0.66) / 3) / 2)


def test_gd_line_search_records_probes_and_restores_the_gradient():
    phi = mg.tensor([2.0, -1.0], requires_grad=True)
    opt = optim.GD(phi, line_search=optim.GoldenSection(max_dist=1.0))

    def closure():
        opt.zero_grad()
        loss = bowl(phi)
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == pytest.approx(bowl(np.array([2.0, -1.0])))
    np.testing.assert_allclose(phi.grad, [2.0, 20.0])            # the gradient used
    res = opt.last_search
    assert res.positions().shape == (res.alphas.size, 2)
    np.testing.assert_allclose(res.positions()[0], [2.0, -1.0] - res.alphas[0] * np.array(
        [2.0, 20.0]))


# -------------------------------------------------------------------- schedules
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


def test_scheduled_sets_lr_each_step_and_minimize_records_it():
    sched = S.step_decay(0.1, 0.5, every=2)
    res = lab.minimize(bowl, [0.0, 0.0], optimizer="GD", steps=6, lr=1.0, schedule=sched)
    np.testing.assert_allclose(res.trajectory.lr, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    phi = mg.tensor([0.0, 0.0], requires_grad=True)
    opt = S.Scheduled(optim.Adam(phi, lr=1.0), sched)
    for _ in range(3):
        opt.zero_grad()
        bowl(phi).backward()
        opt.step()
    assert opt.lrs == [0.1, 0.1, 0.05] and opt.optimizer.lr == 0.05 and opt.lr == 0.05


# --------------------------------------------------------------------- minimize
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
    assert k > 5 * 4 and tr.probe_x.shape == (k, 2) and tr.probe_alpha.shape == (k,)
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


# ---------------------------------------------------------------- optimizer API
def test_single_tensor_list_and_state_printing():
    x = mg.tensor([1.0, 2.0], requires_grad=True, name="w")
    b = mg.tensor(0.5, requires_grad=True)
    opt = optim.Adam([x, b], lr=0.01)
    assert optim.Adam(x).params == [x]
    (x * x).sum().backward()
    opt.step()
    text = str(opt)
    assert "Adam(lr=0.01, betas=(0.9, 0.999)" in text and "1 step(s)" in text
    assert "[0] 'w' shape (2,): t=1, m=array(2,)" in text
    assert "[1] shape (): no state yet" in text      # b had no gradient: skipped
    assert set(opt.state[0]) == {"t", "m", "v"}


def test_hyperparameters_change_between_steps():
    x = mg.tensor([1.0], requires_grad=True)
    opt = optim.GD(x, lr=0.1)
    opt.lr = 0.5
    assert opt.hyper["lr"] == 0.5
    opt.set_lr(0.25)
    opt.param_groups[0]["lr"] = 0.125
    assert opt.lr == 0.125 and opt.param_groups[0]["params"] == [x]
    x.grad = np.array([1.0])
    opt.step()
    np.testing.assert_allclose(x.data, [0.875])
    with pytest.raises(AttributeError, match="hyperparameter 'beta'"):
        _ = opt.beta


@pytest.mark.parametrize("params,error,pattern", [
    ([mg.tensor([1.0], requires_grad=True), np.zeros(2)], TypeError, r"\[1\] is a ndarray"),
    ([mg.tensor([1.0, 2.0])], ValueError, r"\[0\] \(shape \(2,\), dtype float64\) does not "),
    ([mg.tensor([1, 2], dtype=np.int64)], TypeError,
     r"\[0\] \(shape \(2,\), dtype int64\) is not floating"),
    ([], ValueError, "empty"),
    (3.0, TypeError, "iterable"),
])
def test_bad_params_are_explained(params, error, pattern):
    with pytest.raises(error, match=pattern):
        optim.Momentum(params, lr=0.1)


def test_non_leaf_and_duplicate_params_are_explained():
    x = mg.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="computed by 'mul'"):
        optim.SGD([x * 2.0])
    with pytest.raises(ValueError, match=r"\[1\] is the same tensor as parameter \[0\]"):
        optim.SGD([x, x])


@pytest.mark.parametrize("cls,kw", [(optim.Nesterov, dict(lr=0.1)), (optim.Newton, {}),
                                    (optim.GD, dict(line_search=optim.Bracketing()))])
def test_closure_required(cls, kw):
    x = mg.tensor([1.0], requires_grad=True)
    (x * x).sum().backward()
    with pytest.raises(optim.ClosureRequired, match="needs a closure"):
        cls(x, **kw).step()


def test_gd_needs_a_step_size_rule():
    with pytest.raises(ValueError, match="step-size rule"):
        optim.GD(mg.tensor([1.0], requires_grad=True))


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_update_keeps_grad_and_data_identity(name):
    x = mg.tensor(np.array([0.3, -0.7], dtype=np.float32), requires_grad=True)
    opt = optim.OPTIMIZERS[name](x, lr=0.1) if name != "Newton" else optim.Newton(x)
    data = x.data

    def closure():
        opt.zero_grad()
        loss = (x * x * x * x).sum()
        loss.backward()
        return loss

    closure()
    g = x.grad
    g_before = g.copy()
    loss = opt.step(closure) if opt.needs_closure else opt.step()
    assert x.data is data and x.data.dtype == np.float32        # written in place
    assert not np.array_equal(x.data, [0.3, -0.7])
    if not opt.needs_closure:
        assert loss is None and x.grad is g
        np.testing.assert_array_equal(g, g_before)               # never mutated
    opt.zero_grad()
    assert x.grad is None


def test_step_with_closure_returns_its_loss_for_every_optimizer():
    for name, cls in optim.OPTIMIZERS.items():
        x = mg.tensor([0.5, 0.5], requires_grad=True)
        opt = cls(x, lr=0.01) if name not in ("Newton",) else cls(x)

        def closure():
            opt.zero_grad()
            loss = rosenbrock(x)
            loss.backward()
            return loss

        assert isinstance(opt.step(closure), mg.Tensor), name

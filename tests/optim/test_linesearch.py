"""Line searches (Figure 6.10 and friends) and gradient descent that uses one."""

import numpy as np
import pytest
from optim_problem import grad_np, loss_np, run, same, start

import minigrad as mg
from minigrad import optim


def bowl(x):
    """Steep in x[1], shallow in x[0]; minimum at (1, -2)."""
    return (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2


KNOWN_1D = [
    (lambda a: (a - 0.37) ** 2, 1.0, 0.37),
    (lambda a: np.cosh(4 * (a - 0.8)), 1.0, 0.8),
    (lambda a: -np.sin(a), 3.0, np.pi / 2),
    (lambda a: (a - 0.02) ** 2 * (1 + a), 1.0, 0.02),   # close to 0: rule 1 fires
    (lambda a: np.exp(-a) + 0.5 * a, 2.0, np.log(2)),
]


@pytest.mark.parametrize("f,max_dist,lr_star", KNOWN_1D)
def test_each_line_search_finds_known_minima(f, max_dist, lr_star):
    assert abs(optim.bracketing_search(f, max_dist, 1e-7, 200) - lr_star) < 1e-5
    assert abs(optim.golden_section_search(f, max_dist, 1e-8) - lr_star) < 1e-5
    assert abs(optim.GoldenSection(max_dist, 1e-8).search(f).lr - lr_star) < 1e-5


def test_backtracking_accepts_only_sufficient_decrease():
    def f(a):
        return (1 - 3 * a) ** 2          # f'(0) = -6
    res = optim.Backtracking(max_dist=1.0, rho=0.5, c=0.5).search(f, slope=-6.0)
    assert res.lr == 0.25                # 1 and 0.5 fail Armijo, 0.25 passes
    assert f(res.lr) <= f(0) + 0.5 * res.lr * -6.0
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


@pytest.mark.parametrize("f,max_dist,lr_star", KNOWN_1D)
@pytest.mark.parametrize("max_iter", [3, 10, 100])
def test_bracketing_follows_the_rules(f, max_dist, lr_star, max_iter):
    expected, n, history = bracketing_reference(f, max_dist, 1e-4, max_iter)
    res = optim.Bracketing(max_dist, 1e-4, max_iter).search(f)
    assert res.lr == expected and res.iterations == n
    # every probe is one of the points the reference looked at
    seen = {0.0, 0.33 * max_dist, 0.66 * max_dist, max_dist}
    for a, b, c, d in history[:-1]:
        seen |= {a, b, c, d}
    assert set(res.lrs.tolist()) <= seen
    np.testing.assert_allclose(res.losses, [f(a) for a in res.lrs])


def test_bracketing_starts_with_the_books_four_points():
    res = optim.Bracketing(max_dist=2.0, max_iter=1).search(lambda a: (a - 1.5) ** 2)
    np.testing.assert_allclose(res.lrs, [0.0, 0.66, 1.32, 2.0])
    # L(b) > L(c): [a, b] is dropped, a = 0.66, b and c re-spaced in [0.66, 2]
    assert res.lr == pytest.approx((0.66 + (2 - 0.66) / 3 + 0.66 + 2 * (2 - 0.66) / 3) / 2)


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
    assert res.positions().shape == (res.lrs.size, 2)
    np.testing.assert_allclose(res.positions()[0], [2.0, -1.0] - res.lrs[0] * np.array(
        [2.0, 20.0]))




def bracketing_transcription(f, max_dist, thresh, max_iter):
    """Figure 6.10, written out again independently of the library."""
    a, b, c, d = 0.0, 0.33 * max_dist, 0.66 * max_dist, 1.0 * max_dist
    it = 0
    while np.abs(b - c) > thresh and it < max_iter:
        it += 1
        la, lb, lc, ld = f(a), f(b), f(c), f(d)
        if np.argmin([la, lb, lc, ld]) == 0:
            b, c, d = a + (b - a) / 2, a + (c - a) / 2, a + (d - a) / 2
        elif lb < lc:
            d = c
            b, c = a + (d - a) / 3, a + 2 * (d - a) / 3
        else:
            a = b
            b, c = a + (d - a) / 3, a + 2 * (d - a) / 3
    return (b + c) / 2


def test_gd_with_bracketing_line_search():
    phi, out = start(), [start()]
    for _ in range(6):
        g = grad_np(phi)
        lr = bracketing_transcription(lambda a: loss_np(phi - a * g), 0.1, 1e-4, 100)
        phi = phi - lr * g
        out.append(phi)
    path, opt = run(optim.GD, steps=6, line_search=optim.Bracketing(max_dist=0.1))
    same(path, out)
    assert opt.last_search.lrs.size > 4

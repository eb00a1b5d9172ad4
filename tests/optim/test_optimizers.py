"""Every optimizer class against a literal NumPy transcription of its equation.

The problem is tests/optim/optim_problem.py's Rosenbrock sum over two tensors.
The transcriptions below are written from the equations (and, for
PyTorch-named classes, from PyTorch's documented algorithm), not by calling
the library's rules; the gradient is the analytic one.
"""

import numpy as np
import pytest
from optim_problem import STEPS, grad_np, run, same, start

import minigrad as mg
from minigrad import optim
from minigrad.optim import rules


# ------------------------------------------------------------------ book methods
def test_gd_eq_6_3():
    phi, lr, out = start(), 0.01, [start()]
    for _ in range(STEPS):
        phi = phi - lr * grad_np(phi)
        out.append(phi)
    same(run(optim.GD, lr=lr)[0], out)


def test_momentum_eq_6_11():
    phi, m, lr, beta, out = start(), np.zeros(6), 0.01, 0.8, [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi)
        phi = phi - lr * m
        out.append(phi)
    same(run(optim.Momentum, lr=lr, beta=beta)[0], out)


def test_nesterov_eq_6_12_gradient_at_lookahead():
    phi, m, lr, beta, out = start(), np.zeros(6), 0.01, 0.8, [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi - lr * beta * m)
        phi = phi - lr * m
        out.append(phi)
    same(run(optim.Nesterov, lr=lr, beta=beta)[0], out)


def test_normalized_eqs_6_13_6_14():
    phi, lr, eps, out = start(), 0.05, 1e-8, [start()]
    for _ in range(STEPS):
        m = grad_np(phi)
        v = grad_np(phi) ** 2
        phi = phi - lr * m / (np.sqrt(v) + eps)
        out.append(phi)
    same(run(optim.NormalizedGD, lr=lr, eps=eps)[0], out)


@pytest.mark.parametrize("inside", [False, True])
def test_adam_eqs_6_15_6_17(inside):
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps = 0.05, 0.9, 0.99, 1e-3     # a large eps makes the forms differ
    for t in range(STEPS):
        g = grad_np(phi)
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        m_tilde = m / (1 - beta ** (t + 1))
        v_tilde = v / (1 - gamma ** (t + 1))
        if inside:
            phi = phi - lr * m_tilde / np.sqrt(v_tilde + eps)
        else:
            phi = phi - lr * m_tilde / (np.sqrt(v_tilde) + eps)
        out.append(phi)
    path, _ = run(optim.Adam, lr=lr, betas=(beta, gamma), eps=eps, eps_inside_sqrt=inside)
    same(path, out)


def test_adam_epsilon_forms_differ():
    a, _ = run(optim.Adam, lr=0.05, eps=1e-3, eps_inside_sqrt=False)
    b, _ = run(optim.Adam, lr=0.05, eps=1e-3, eps_inside_sqrt=True)
    assert np.abs(a - b).max() > 1e-6


def test_adam_weight_decay_is_coupled_l2():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps, wd = 0.05, 0.9, 0.999, 1e-8, 0.1
    for t in range(1, STEPS + 1):
        g = grad_np(phi) + wd * phi
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        phi = phi - lr * (m / (1 - beta ** t)) / (np.sqrt(v / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(optim.Adam, lr=lr, weight_decay=wd)[0], out)


@pytest.mark.parametrize("make", [
    lambda params, **kw: optim.AMSGrad(params, **kw),
    lambda params, **kw: optim.Adam(params, amsgrad=True, **kw)], ids=["AMSGrad", "Adam"])
def test_amsgrad(make):
    phi, m, v, vmax, out = start(), np.zeros(6), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps = 0.05, 0.9, 0.99, 1e-8
    for t in range(1, STEPS + 1):
        g = grad_np(phi)
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        vmax = np.maximum(vmax, v)
        phi = phi - lr * (m / (1 - beta ** t)) / (np.sqrt(vmax / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(make, lr=lr, betas=(beta, gamma))[0], out)


def test_adamw_decoupled_weight_decay():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps, lam = 0.05, 0.9, 0.999, 1e-8, 0.3
    for t in range(1, STEPS + 1):
        g = grad_np(phi)                     # the gradient at phi, before the decay
        phi = phi - lr * lam * phi
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        phi = phi - lr * (m / (1 - beta ** t)) / (np.sqrt(v / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(optim.AdamW, lr=lr, weight_decay=lam)[0], out)


def test_nadam():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps, psi = 0.05, 0.9, 0.999, 1e-8, 4e-3
    prod = 1.0
    for t in range(1, STEPS + 1):
        g = grad_np(phi)
        mu_t = beta * (1 - 0.5 * 0.96 ** (t * psi))
        mu_t1 = beta * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod = prod * mu_t
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        v_hat = v / (1 - gamma ** t)
        step = mu_t1 * m / (1 - prod * mu_t1) + (1 - mu_t) * g / (1 - prod)
        phi = phi - lr * step / (np.sqrt(v_hat) + eps)
        out.append(phi)
    same(run(optim.NAdam, lr=lr)[0], out)


def test_radam_both_branches():
    steps = 12                                   # rho_t > 5 from step 7 on with gamma = 0.999
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, beta, gamma, eps = 0.02, 0.9, 0.999, 1e-8
    rho_inf = 2 / (1 - gamma) - 1
    branches = []
    for t in range(1, steps + 1):
        g = grad_np(phi)
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        m_hat = m / (1 - beta ** t)
        rho_t = rho_inf - 2 * t * gamma ** t / (1 - gamma ** t)
        branches.append(rho_t > 5)
        if rho_t > 5:
            l_t = np.sqrt(1 - gamma ** t) / (np.sqrt(v) + eps)
            r_t = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                          / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            phi = phi - lr * m_hat * r_t * l_t
        else:
            phi = phi - lr * m_hat
        out.append(phi)
    assert any(branches) and not all(branches)
    same(run(optim.RAdam, steps=steps, lr=lr)[0], out)


def test_adagrad_with_lr_decay_and_weight_decay():
    phi, s, out = start(), np.full(6, 0.1), [start()]
    lr, decay, wd, eps = 0.3, 0.05, 0.01, 1e-10
    for t in range(1, STEPS + 1):
        g = grad_np(phi) + wd * phi
        s = s + g * g
        phi = phi - lr / (1 + (t - 1) * decay) * g / (np.sqrt(s) + eps)
        out.append(phi)
    path, _ = run(optim.Adagrad, lr=lr, lr_decay=decay, weight_decay=wd,
                  initial_accumulator_value=0.1)
    same(path, out)


def test_rmsprop_plain():
    phi, v, out = start(), np.zeros(6), [start()]
    lr, alpha, eps = 0.01, 0.99, 1e-8          # alpha: PyTorch's averaging constant
    for _ in range(STEPS):
        g = grad_np(phi)
        v = alpha * v + (1 - alpha) * g ** 2
        phi = phi - lr * g / (np.sqrt(v) + eps)
        out.append(phi)
    same(run(optim.RMSprop, lr=lr)[0], out)


def test_rmsprop_centered_with_momentum():
    phi, v, gbar, b, out = start(), np.zeros(6), np.zeros(6), np.zeros(6), [start()]
    lr, alpha, eps, mu = 0.01, 0.9, 1e-8, 0.5
    for _ in range(STEPS):
        g = grad_np(phi)
        v = alpha * v + (1 - alpha) * g ** 2
        gbar = alpha * gbar + (1 - alpha) * g
        b = mu * b + g / (np.sqrt(v - gbar ** 2) + eps)
        phi = phi - lr * b
        out.append(phi)
    same(run(optim.RMSprop, lr=lr, alpha=alpha, momentum=mu, centered=True)[0], out)


def test_adadelta():
    phi, v, u, out = start(), np.zeros(6), np.zeros(6), [start()]
    lr, rho, eps = 1.0, 0.9, 1e-6
    for _ in range(STEPS):
        g = grad_np(phi)
        v = rho * v + (1 - rho) * g ** 2
        dx = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * dx ** 2
        phi = phi - lr * dx
        out.append(phi)
    same(run(optim.Adadelta)[0], out)


@pytest.mark.parametrize("momentum,dampening,nesterov,wd", [
    (0.0, 0.0, False, 0.0), (0.9, 0.0, False, 0.0), (0.9, 0.3, False, 0.01),
    (0.9, 0.0, True, 0.0)])
def test_sgd_pytorch_convention(momentum, dampening, nesterov, wd):
    phi, b, lr, out = start(), None, 0.01, [start()]
    for _ in range(STEPS):
        g = grad_np(phi) + wd * phi
        if momentum:
            b = g if b is None else momentum * b + (1 - dampening) * g
            d = g + momentum * b if nesterov else b
        else:
            d = g
        phi = phi - lr * d
        out.append(phi)
    path, _ = run(optim.SGD, lr=lr, momentum=momentum, dampening=dampening,
                  nesterov=nesterov, weight_decay=wd)
    same(path, out)


# ------------------------------------------------------------- mapping claims
def test_book_momentum_is_torch_sgd_with_scaled_lr():
    lr, beta = 0.01, 0.8
    book, _ = run(optim.Momentum, lr=lr, beta=beta)
    torch_style, _ = run(optim.SGD, lr=lr * (1 - beta), momentum=beta)
    np.testing.assert_allclose(book, torch_style, atol=1e-12)


def test_torch_nesterov_tracks_book_nesterov_lookahead_points():
    lr, beta = 0.01, 0.8
    phi, m, lookahead = start(), np.zeros(6), [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi - lr * beta * m)
        phi = phi - lr * m
        lookahead.append(phi - lr * beta * m)
    torch_style, _ = run(optim.SGD, lr=lr * (1 - beta), momentum=beta, nesterov=True)
    np.testing.assert_allclose(torch_style, lookahead, atol=1e-12)


# ------------------------------------------------------- Adam's in-place path
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("inside", [False, True])
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_adam_in_place_path_gives_the_rules_bits(dtype, inside, wd):
    """Adam's class works in place for speed; it must give rules.adam's numbers exactly."""
    rng = np.random.default_rng(0)
    phi0 = rng.normal(size=(4, 3)).astype(dtype)
    grads = [rng.normal(size=(4, 3)).astype(dtype) for _ in range(6)]
    hyper = dict(lr=0.01, eps=1e-3, eps_inside_sqrt=inside)
    p = mg.tensor(phi0.copy(), requires_grad=True)
    opt = optim.Adam(p, betas=(0.8, 0.95), weight_decay=wd, **hyper)
    phi, m, v = phi0.copy(), np.zeros_like(phi0), np.zeros_like(phi0)
    buffers = None
    for t, g in enumerate(grads, start=1):
        p.grad = g.copy()
        opt.step()
        g_used = rules.l2_gradient(phi, g, weight_decay=wd) if wd else g
        phi, m, v = rules.adam(phi, g_used, m, v, t=t, beta=0.8, gamma=0.95, **hyper)
        state = opt.state[p]
        assert p.data.dtype == dtype and phi.dtype == dtype
        np.testing.assert_array_equal(p.data, phi)          # bitwise, every step
        np.testing.assert_array_equal(state["exp_avg"], m)
        np.testing.assert_array_equal(state["exp_avg_sq"], v)
        buffers = buffers or (state["exp_avg"], state["exp_avg_sq"])
        assert state["exp_avg"] is buffers[0] and state["exp_avg_sq"] is buffers[1]  # in place


def test_amsgrad_is_adam_with_the_flag():
    a, opt_a = run(optim.AMSGrad, lr=0.05)
    b, opt_b = run(optim.Adam, lr=0.05, amsgrad=True)
    np.testing.assert_array_equal(a, b)
    x = opt_a.params[0]
    assert set(opt_a.state[x]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert opt_b.amsgrad

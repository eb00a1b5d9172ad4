"""Every optimizer against a literal NumPy transcription of its equation.

The function is a Rosenbrock sum over two parameter tensors ``x`` and ``y``
(shape (3,) each): non-quadratic, coupled, with gradients of different sizes
per coordinate.  The transcriptions below are written from the equations (and,
for PyTorch-named classes, from PyTorch's documented algorithm), not by
calling the library's update functions; the gradient is the analytic one.
"""

import numpy as np
import pytest

import minigrad as mg
from minigrad import optim

B = 10.0
X0 = np.array([-1.2, 0.5, 0.3])
Y0 = np.array([1.0, -0.4, 0.8])
STEPS = 8


def loss_tensor(x, y):
    return ((1 - x) ** 2 + B * (y - x ** 2) ** 2).sum()


def loss_np(phi):
    x, y = phi[:3], phi[3:]
    return float(((1 - x) ** 2 + B * (y - x ** 2) ** 2).sum())


def grad_np(phi):
    x, y = phi[:3], phi[3:]
    gx = -2 * (1 - x) - 4 * B * x * (y - x ** 2)
    gy = 2 * B * (y - x ** 2)
    return np.concatenate([gx, gy])


def hessian_np(phi):
    x, y = phi[:3], phi[3:]
    H = np.zeros((6, 6))
    for i in range(3):
        H[i, i] = 2 - 4 * B * y[i] + 12 * B * x[i] ** 2
        H[i, 3 + i] = H[3 + i, i] = -4 * B * x[i]
        H[3 + i, 3 + i] = 2 * B
    return H


def run(cls, steps=STEPS, **kw):
    """Run the library's optimizer on the two tensors; return the stacked iterates."""
    x = mg.tensor(X0.copy(), requires_grad=True, name="x")
    y = mg.tensor(Y0.copy(), requires_grad=True, name="y")
    opt = cls([x, y], **kw)

    def closure():
        opt.zero_grad()
        loss = loss_tensor(x, y)
        loss.backward()
        return loss

    path = [np.concatenate([x.data, y.data])]
    for _ in range(steps):
        if opt.needs_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        path.append(np.concatenate([x.data, y.data]))
    return np.array(path), opt


def start():
    return np.concatenate([X0, Y0])


def same(path, expected):
    np.testing.assert_allclose(path, np.array(expected), rtol=0, atol=1e-12)


# ------------------------------------------------------------------ book methods
def test_gd_eq_6_3():
    phi, alpha, out = start(), 0.01, [start()]
    for _ in range(STEPS):
        phi = phi - alpha * grad_np(phi)
        out.append(phi)
    same(run(optim.GD, lr=alpha)[0], out)


def test_momentum_eq_6_11():
    phi, m, alpha, beta, out = start(), np.zeros(6), 0.01, 0.8, [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi)
        phi = phi - alpha * m
        out.append(phi)
    same(run(optim.Momentum, lr=alpha, beta=beta)[0], out)


def test_nesterov_eq_6_12_gradient_at_lookahead():
    phi, m, alpha, beta, out = start(), np.zeros(6), 0.01, 0.8, [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi - alpha * beta * m)
        phi = phi - alpha * m
        out.append(phi)
    same(run(optim.Nesterov, lr=alpha, beta=beta)[0], out)


def test_normalized_eqs_6_13_6_14():
    phi, alpha, eps, out = start(), 0.05, 1e-8, [start()]
    for _ in range(STEPS):
        m = grad_np(phi)
        v = grad_np(phi) ** 2
        phi = phi - alpha * m / (np.sqrt(v) + eps)
        out.append(phi)
    same(run(optim.NormalizedGD, lr=alpha, eps=eps)[0], out)


@pytest.mark.parametrize("inside", [False, True])
def test_adam_eqs_6_15_6_17(inside):
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps = 0.05, 0.9, 0.99, 1e-3     # a large eps makes the forms differ
    for t in range(STEPS):
        g = grad_np(phi)
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        m_tilde = m / (1 - beta ** (t + 1))
        v_tilde = v / (1 - gamma ** (t + 1))
        if inside:
            phi = phi - alpha * m_tilde / np.sqrt(v_tilde + eps)
        else:
            phi = phi - alpha * m_tilde / (np.sqrt(v_tilde) + eps)
        out.append(phi)
    path, _ = run(optim.Adam, lr=alpha, betas=(beta, gamma), eps=eps, eps_inside_sqrt=inside)
    same(path, out)


def test_adam_epsilon_forms_differ():
    a, _ = run(optim.Adam, lr=0.05, eps=1e-3, eps_inside_sqrt=False)
    b, _ = run(optim.Adam, lr=0.05, eps=1e-3, eps_inside_sqrt=True)
    assert np.abs(a - b).max() > 1e-6


def test_adam_weight_decay_is_coupled_l2():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps, wd = 0.05, 0.9, 0.999, 1e-8, 0.1
    for t in range(1, STEPS + 1):
        g = grad_np(phi) + wd * phi
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        phi = phi - alpha * (m / (1 - beta ** t)) / (np.sqrt(v / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(optim.Adam, lr=alpha, weight_decay=wd)[0], out)


def test_amsgrad():
    phi, m, v, vmax, out = start(), np.zeros(6), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps = 0.05, 0.9, 0.99, 1e-8
    for t in range(1, STEPS + 1):
        g = grad_np(phi)
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        vmax = np.maximum(vmax, v)
        phi = phi - alpha * (m / (1 - beta ** t)) / (np.sqrt(vmax / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(optim.AMSGrad, lr=alpha, betas=(beta, gamma))[0], out)


def test_adamw_decoupled_weight_decay():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps, lam = 0.05, 0.9, 0.999, 1e-8, 0.3
    for t in range(1, STEPS + 1):
        g = grad_np(phi)                     # the gradient at phi, before the decay
        phi = phi - alpha * lam * phi
        m = beta * m + (1 - beta) * g
        v = gamma * v + (1 - gamma) * g ** 2
        phi = phi - alpha * (m / (1 - beta ** t)) / (np.sqrt(v / (1 - gamma ** t)) + eps)
        out.append(phi)
    same(run(optim.AdamW, lr=alpha, weight_decay=lam)[0], out)


def test_nadam():
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps, psi = 0.05, 0.9, 0.999, 1e-8, 4e-3
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
        phi = phi - alpha * step / (np.sqrt(v_hat) + eps)
        out.append(phi)
    same(run(optim.NAdam, lr=alpha)[0], out)


def test_radam_both_branches():
    steps = 12                                   # rho_t > 5 from step 7 on with gamma = 0.999
    phi, m, v, out = start(), np.zeros(6), np.zeros(6), [start()]
    alpha, beta, gamma, eps = 0.02, 0.9, 0.999, 1e-8
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
            phi = phi - alpha * m_hat * r_t * l_t
        else:
            phi = phi - alpha * m_hat
        out.append(phi)
    assert any(branches) and not all(branches)
    same(run(optim.RAdam, steps=steps, lr=alpha)[0], out)


def test_adagrad_with_lr_decay_and_weight_decay():
    phi, s, out = start(), np.full(6, 0.1), [start()]
    alpha, decay, wd, eps = 0.3, 0.05, 0.01, 1e-10
    for t in range(1, STEPS + 1):
        g = grad_np(phi) + wd * phi
        s = s + g * g
        phi = phi - alpha / (1 + (t - 1) * decay) * g / (np.sqrt(s) + eps)
        out.append(phi)
    path, _ = run(optim.Adagrad, lr=alpha, lr_decay=decay, weight_decay=wd,
                  initial_accumulator_value=0.1)
    same(path, out)


def test_rmsprop_plain():
    phi, v, out = start(), np.zeros(6), [start()]
    alpha, a, eps = 0.01, 0.99, 1e-8
    for _ in range(STEPS):
        g = grad_np(phi)
        v = a * v + (1 - a) * g ** 2
        phi = phi - alpha * g / (np.sqrt(v) + eps)
        out.append(phi)
    same(run(optim.RMSprop, lr=alpha)[0], out)


def test_rmsprop_centered_with_momentum():
    phi, v, gbar, b, out = start(), np.zeros(6), np.zeros(6), np.zeros(6), [start()]
    alpha, a, eps, mu = 0.01, 0.9, 1e-8, 0.5
    for _ in range(STEPS):
        g = grad_np(phi)
        v = a * v + (1 - a) * g ** 2
        gbar = a * gbar + (1 - a) * g
        b = mu * b + g / (np.sqrt(v - gbar ** 2) + eps)
        phi = phi - alpha * b
        out.append(phi)
    same(run(optim.RMSprop, lr=alpha, alpha=a, momentum=mu, centered=True)[0], out)


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


def test_newton():
    phi, out = start(), [start()]
    for _ in range(5):
        phi = phi - np.linalg.solve(hessian_np(phi), grad_np(phi))
        out.append(phi)
    path, opt = run(optim.Newton, steps=5)
    same(path, out)
    np.testing.assert_allclose(opt.last_hessian, hessian_np(path[-2]), atol=1e-10)


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
        alpha = bracketing_transcription(lambda a: loss_np(phi - a * g), 0.1, 1e-4, 100)
        phi = phi - alpha * g
        out.append(phi)
    path, opt = run(optim.GD, steps=6, line_search=optim.Bracketing(max_dist=0.1))
    same(path, out)
    assert opt.last_search.alphas.size > 4


# ------------------------------------------------------------- mapping claims
def test_book_momentum_is_torch_sgd_with_scaled_lr():
    alpha, beta = 0.01, 0.8
    book, _ = run(optim.Momentum, lr=alpha, beta=beta)
    torch_style, _ = run(optim.SGD, lr=alpha * (1 - beta), momentum=beta)
    np.testing.assert_allclose(book, torch_style, atol=1e-12)


def test_torch_nesterov_tracks_book_nesterov_lookahead_points():
    alpha, beta = 0.01, 0.8
    phi, m, lookahead = start(), np.zeros(6), [start()]
    for _ in range(STEPS):
        m = beta * m + (1 - beta) * grad_np(phi - alpha * beta * m)
        phi = phi - alpha * m
        lookahead.append(phi - alpha * beta * m)
    torch_style, _ = run(optim.SGD, lr=alpha * (1 - beta), momentum=beta, nesterov=True)
    np.testing.assert_allclose(torch_style, lookahead, atol=1e-12)

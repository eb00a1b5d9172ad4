"""Newton's method: the iterates of eq. 6.19's step, its Hessian, and where it walks."""

import numpy as np
import pytest
from optim_problem import grad_np, hessian_np, run, same, start

import minigrad as mg
from minigrad import optim


def test_newton():
    phi, out = start(), [start()]
    for _ in range(5):
        phi = phi - np.linalg.solve(hessian_np(phi), grad_np(phi))
        out.append(phi)
    path, opt = run(optim.Newton, steps=5)
    same(path, out)
    np.testing.assert_allclose(opt.last_hessian, hessian_np(path[-2]), atol=1e-10)


def test_newton_hessian_over_tensors_of_several_shapes_is_mg_hessian():
    """The class differentiates the closure's graph itself; it must agree with the
    one public Hessian, ``mg.hessian``, over the flattened parameters."""
    def f(v):
        w, b = v[:4].reshape(2, 2), v[4]
        return (mg.tanh(w) ** 2).sum() * b + (w.sum() - b) ** 3
    w = mg.tensor([[0.3, -0.2], [0.1, 0.5]], requires_grad=True)
    b = mg.tensor(0.7, requires_grad=True)
    opt = optim.Newton([w, b], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = f(mg.concatenate([w.reshape(4), b.reshape(1)]))
        loss.backward()
        return loss

    v0 = np.array([0.3, -0.2, 0.1, 0.5, 0.7])
    opt.step(closure)
    H = mg.hessian(f)(v0)
    np.testing.assert_allclose(opt.last_hessian, H, atol=1e-12)
    g = mg.grad(f)(v0)
    new = np.concatenate([w.data.ravel(), [b.data.item()]])
    np.testing.assert_allclose(new, v0 - 0.5 * np.linalg.solve(H, g), atol=1e-12)
    assert not hasattr(optim, "hessian_of_loss")          # one public Hessian: mg.hessian


def newton_path(f, x0, steps):
    x = mg.tensor(np.array(x0, dtype=np.float64), requires_grad=True)
    opt = optim.Newton(x)

    def closure():
        opt.zero_grad()
        loss = f(x)
        loss.backward()
        return loss

    for _ in range(steps):
        opt.step(closure)
    return x.data.copy()


def test_newton_can_walk_to_a_maximum():
    def f(x):
        return (x ** 3 - 3 * x).sum()            # max at -1, min at +1
    x = newton_path(f, [-0.5], steps=20)
    np.testing.assert_allclose(x, [-1.0], atol=1e-12)
    assert np.all(np.linalg.eigvalsh(mg.hessian(f)(x).reshape(1, 1)) < 0)   # a maximum


def test_newton_can_walk_to_a_saddle():
    def f(x):
        return x[0] ** 2 - x[1] ** 2 + 0.1 * x[1] ** 4
    x = newton_path(f, [0.3, 0.2], steps=20)
    np.testing.assert_allclose(x, [0.0, 0.0], atol=1e-10)
    eig = np.linalg.eigvalsh(mg.hessian(f)(x))
    assert eig[0] < 0 < eig[1]                                              # a saddle


def test_newton_step_on_a_singular_hessian_takes_the_least_squares_solution():
    x = mg.tensor([2.0, 5.0], requires_grad=True)
    opt = optim.Newton(x)

    def closure():
        opt.zero_grad()
        loss = (x[0] - 1.0) ** 2 + 0.0 * x[1]        # flat in x[1]: H = [[2, 0], [0, 0]]
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.data, [1.0, 5.0])


def test_newton_needs_a_closure():
    x = mg.tensor([1.0], requires_grad=True)
    (x * x).sum().backward()
    with pytest.raises(mg.ClosureRequired, match="needs a closure"):
        optim.Newton(x).step()

"""The test problem of tests/optim: a Rosenbrock sum over two parameter tensors.

``x`` and ``y`` (shape (3,) each): non-quadratic, coupled, with gradients of
different sizes per coordinate.  ``grad_np`` and ``hessian_np`` are derived by
hand, so the transcriptions in the tests never call the library.
"""

import numpy as np

import minigrad as mg

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


def start():
    return np.concatenate([X0, Y0])


def run(cls, steps=STEPS, **kw):
    """Run the library's optimizer on the two tensors; return the stacked iterates
    (``steps + 1`` rows, the start first) and the optimizer."""
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


def same(path, expected):
    np.testing.assert_allclose(path, np.array(expected), rtol=0, atol=1e-12)

"""The minigrad quick start: a gradient, a gradient check, and a first fit.

Run it with ``make demo`` (or ``python examples/quickstart.py``).

1. Differentiate a small expression and compare with the derivative by hand.
2. Check a derivative against finite differences with ``mg.gradcheck``, and
   see the report it gives for a deliberately wrong custom derivative.
3. Fit the 1-D linear model f[x, phi] = phi0 + phi1 * x to data by plain
   gradient descent (Prince, *Understanding Deep Learning*, eq. 6.3), with the
   least-squares loss written with minigrad tensors, and watch the loss fall.
"""

import numpy as np

import minigrad as mg


def gradient_by_hand():
    print("1. A gradient")
    x = mg.tensor(0.5, requires_grad=True, name="x")
    y = mg.sin(x) * x ** 2            # y = x^2 sin(x)
    y.backward()
    by_hand = 2 * 0.5 * np.sin(0.5) + 0.5 ** 2 * np.cos(0.5)
    print(f"   y = x^2 sin(x) at x = 0.5: dy/dx = {x.grad.item():.6f} "
          f"(by hand: {by_hand:.6f})")


def gradient_check():
    print("2. Gradient checks")
    a = np.random.default_rng(0).standard_normal((3, 4))
    b = np.random.default_rng(1).standard_normal((4,))
    ok = mg.gradcheck(lambda a, b: mg.tanh(a @ b), (a, b))
    print(f"   tanh(A @ b) passes gradcheck: {ok}")

    @mg.primitive
    def cube(x):
        return x ** 3

    cube.defvjp(lambda g, out, x: g * 3 * x)      # wrong on purpose: should be 3 x^2
    try:
        mg.gradcheck(cube, (np.array([0.5, -2.0, 3.0]),))
    except mg.GradcheckError as report:
        print("   a wrong derivative of x^3 is caught:")
        print("   " + str(report).replace("\n", "\n   "))


def linear_regression():
    print("3. Linear regression by gradient descent")
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 2.0, size=12)
    y = 0.4 + 0.75 * x + 0.08 * rng.standard_normal(12)
    phi = mg.tensor([0.0, 0.0], requires_grad=True, name="phi")
    lr = 0.02                          # learning rate: try 0.05 to watch it diverge
    for step in range(101):
        prediction = phi[0] + phi[1] * x
        loss = ((prediction - y) ** 2).sum()      # least squares, eq. 6.5
        phi.grad = None
        loss.backward()
        with mg.no_grad():
            phi.data = phi.data - lr * phi.grad       # eq. 6.3, lr is the book's alpha
        if step % 20 == 0:
            print(f"   step {step:3d}  loss {loss.item():9.5f}  "
                  f"phi = [{phi.data[0]: .4f}, {phi.data[1]: .4f}]")
    exact = np.linalg.lstsq(np.stack([np.ones_like(x), x], axis=1), y, rcond=None)[0]
    print(f"   least-squares solution: phi = [{exact[0]: .4f}, {exact[1]: .4f}]")


if __name__ == "__main__":
    gradient_by_hand()
    gradient_check()
    linear_regression()

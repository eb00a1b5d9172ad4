"""Exercise 3: a Gabor layer (the Gabor model of chapter 6, eq. 6.8).

    z = phi0 + phi1 * x
    gabor(x, phi0, phi1) = sin(z) * exp(-z**2 / A)

``x`` is a vector; ``phi0`` and ``phi1`` are scalars (0-d arrays) that
broadcast against it.  Your VJP for a scalar may return an array of x's shape:
the engine sums a broadcast gradient back to the input's shape.
Then run

    python exercises/ex03_gabor.py

Page: docs/exercises/ex03_gabor.md
"""

import numpy as np

import minigrad as mg

NAME = "gabor"
NAMES = ("x", "phi0", "phi1")
A = 32.0


def forward(x, phi0, phi1):
    z = phi0 + phi1 * x
    return np.sin(z) * np.exp(-z**2 / A)


def vjp_x(g, out, x, phi0, phi1):
    """dL/dx, from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to x (input 0)")


def vjp_phi0(g, out, x, phi0, phi1):
    """dL/d(phi0), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to phi0 (input 1)")


def vjp_phi1(g, out, x, phi0, phi1):
    """dL/d(phi1), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to phi1 (input 2)")


VJPS = (vjp_x, vjp_phi0, vjp_phi1)


def sample_inputs(rng):
    x = rng.uniform(-4.0, 4.0, size=7)
    return x, np.array(rng.normal()), np.array(rng.uniform(1.5, 2.5))


# ---------------------------------------------------- the checker (no need to edit below)
OK = "All derivatives correct"


def make_op(*vjps):
    """The op with the given VJPs, one per input (default: the ones you wrote above)."""
    op = mg.primitive(forward, name=NAME, register=False)
    return op.defvjp(*(_shape_checked(i, vjp) for i, vjp in enumerate(vjps or VJPS)))


def _shape_checked(i, vjp):
    """Wrap a VJP so that a gradient of the wrong shape is reported by input."""
    def checked(g, out, *args):
        grad = np.asarray(vjp(g, out, *args))
        shape = np.shape(args[i])
        # The input's shape, or the output's when the input was broadcast to it
        # (the engine sums such a gradient back to the input's shape).
        fits = grad.shape == shape or (grad.shape == np.shape(out) and _broadcasts(shape, out))
        if not fits:
            raise ValueError(f"the VJP of input {i} ('{NAMES[i]}') returned shape "
                             f"{grad.shape}, but {NAMES[i]} has shape {shape}")
        return grad
    return checked


def _broadcasts(shape, out):
    try:
        return np.broadcast_shapes(shape, np.shape(out)) == np.shape(out)
    except ValueError:
        return False


def check(*vjps, seed=0):
    """Compare the VJPs (default: yours) with finite differences on random float64
    inputs; print the report, which names the wrong input and elements, and return it."""
    rng = np.random.default_rng(seed)
    inputs = [mg.tensor(x, requires_grad=True, name=name)
              for x, name in zip(sample_inputs(rng), NAMES)]
    try:
        mg.gradcheck(make_op(*vjps), inputs)
        report = OK
    except mg.GradcheckError as exc:
        report = f"{exc}\n  (inputs: {', '.join(f'{i} = {n}' for i, n in enumerate(NAMES))})"
    except NotImplementedError as exc:
        report = f"Not finished: {exc}"
    except ValueError as exc:
        report = f"Wrong shape: {exc}"
    print(report)
    return report


if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    import sys
    raise SystemExit(0 if check(seed=int((sys.argv + ["0"])[1])) == OK else 1)

"""Exercise 1: softplus, a smooth ReLU.

    softplus(x) = log(1 + exp(x))        (elementwise)

Write ``vjp_x``: given ``g``, the gradient of the loss with respect to the
output, return the gradient with respect to ``x``.  Then run

    python exercises/ex01_softplus.py

and read the report.  Page: docs/exercises/ex01_softplus.md
"""

import numpy as np

import minigrad as mg

NAME = "softplus"
NAMES = ("x",)


def forward(x):
    # logaddexp(0, x) = log(e^0 + e^x) never overflows, even for x = 1000.
    return np.logaddexp(0.0, x)


def vjp_x(g, out, x):
    """dL/dx, from g = dL/d(out) and out = softplus(x)."""
    raise NotImplementedError("write the derivative of softplus with respect to x (input 0)")


VJPS = (vjp_x,)


def sample_inputs(rng):
    """Random float64 inputs for the check."""
    return (rng.normal(0.0, 3.0, size=6),)


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

"""Exercise 4: a linear layer, three arguments.

    linear(x, W, b) = x @ W.T + b

``x`` holds a batch of inputs, one per row, shape (n, d_in); ``W`` has shape
(d_out, d_in) as in ``torch.nn.Linear``; ``b`` has shape (d_out,) and is
broadcast over the batch.  Write the three VJPs.  Then run

    python exercises/ex04_linear.py

Page: docs/exercises/ex04_linear.md
"""

import numpy as np

import minigrad as mg

NAME = "linear"
NAMES = ("x", "W", "b")


def forward(x, W, b):
    return x @ W.T + b


def vjp_x(g, out, x, W, b):
    """dL/dx, shape (n, d_in), from g = dL/d(out) of shape (n, d_out)."""
    raise NotImplementedError("write the derivative of linear with respect to x (input 0)")


def vjp_W(g, out, x, W, b):
    """dL/dW, shape (d_out, d_in)."""
    raise NotImplementedError("write the derivative of linear with respect to W (input 1)")


def vjp_b(g, out, x, W, b):
    """dL/db, shape (d_out,) (or g's shape: the engine sums over the batch)."""
    raise NotImplementedError("write the derivative of linear with respect to b (input 2)")


VJPS = (vjp_x, vjp_W, vjp_b)


def sample_inputs(rng):
    n, d_in, d_out = 4, 3, 2
    return (rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)),
            rng.normal(size=d_out))


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

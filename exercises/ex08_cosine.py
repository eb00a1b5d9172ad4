"""Exercise 8: cosine similarity of two batches of vectors.

    cosine(u, v)[i] = (u[i] . v[i]) / (|u[i]| |v[i]|)

Vectors are the rows (last axis); the output has one number per row.
Then run

    python exercises/ex08_cosine.py

Page: docs/exercises/ex08_cosine.md
"""

import numpy as np

import minigrad as mg

NAME = "cosine"
NAMES = ("u", "v")


def forward(u, v):
    norms = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    return np.sum(u * v, axis=-1) / norms


def vjp_u(g, out, u, v):
    """dL/du, shape (n, d), from g = dL/d(out), shape (n,)."""
    raise NotImplementedError("write the derivative of cosine with respect to u (input 0)")


def vjp_v(g, out, u, v):
    """dL/dv, shape (n, d)."""
    raise NotImplementedError("write the derivative of cosine with respect to v (input 1)")


VJPS = (vjp_u, vjp_v)


def sample_inputs(rng):
    return rng.normal(size=(3, 4)), rng.normal(size=(3, 4))


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

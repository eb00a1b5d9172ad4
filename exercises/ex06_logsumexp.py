"""Exercise 6: log-sum-exp over the last axis, a reduction.

    logsumexp(x)[i] = log(sum_j exp(x[i, j]))

The output has one axis fewer than the input, so ``g`` has one axis fewer
too.  Then run

    python exercises/ex06_logsumexp.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex06_logsumexp.py``)

Page: docs/exercises/ex06_logsumexp.md
"""

import numpy as np

import minigrad as mg

NAME = "logsumexp"
NAMES = ("x",)


def forward(x):
    # Subtracting the row maximum keeps exp from overflowing; it cancels exactly.
    m = np.max(x, axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=-1)) + m[..., 0]


def vjp_x(g, out, x):
    """dL/dx, shape (n, k), from g = dL/d(out), shape (n,)."""
    raise NotImplementedError("write the derivative of logsumexp with respect to x (input 0)")


VJPS = (vjp_x,)


def sample_inputs(rng):
    return (rng.normal(0.0, 2.0, size=(3, 4)),)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

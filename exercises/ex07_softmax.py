"""Exercise 7: softmax over the last axis.

    softmax(x)[i, j] = exp(x[i, j]) / sum_k exp(x[i, k])

Each output of a row depends on every input of that row, so the Jacobian of a
row is a full matrix; the VJP never needs to build it.  Then run

    python exercises/ex07_softmax.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex07_softmax.py``)

Page: docs/exercises/ex07_softmax.md
"""

import numpy as np

import minigrad as mg

NAME = "softmax"
NAMES = ("x",)


def forward(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def vjp_x(g, out, x):
    """dL/dx, from g = dL/d(out), both of x's shape."""
    raise NotImplementedError("write the derivative of softmax with respect to x (input 0)")


VJPS = (vjp_x,)


def sample_inputs(rng):
    return (rng.normal(size=(3, 4)),)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

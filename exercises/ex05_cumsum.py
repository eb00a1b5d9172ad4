"""Exercise 5: cumulative sum along the last axis.

    cumsum(x)[..., j] = x[..., 0] + x[..., 1] + ... + x[..., j]

Every output element depends on several inputs: ask which outputs each
input element reaches.  Then run

    python exercises/ex05_cumsum.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex05_cumsum.py``)

Page: docs/exercises/ex05_cumsum.md
"""

import numpy as np

import minigrad as mg

NAME = "cumsum"
NAMES = ("x",)


def forward(x):
    return np.cumsum(x, axis=-1)


def vjp_x(g, out, x):
    """dL/dx, from g = dL/d(out), both of x's shape."""
    raise NotImplementedError("write the derivative of cumsum with respect to x (input 0)")


VJPS = (vjp_x,)


def sample_inputs(rng):
    return (rng.normal(size=(2, 5)),)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

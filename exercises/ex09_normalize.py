"""Exercise 9: a normalizing layer over the last axis.

    mu = mean(x), sigma = sqrt(mean((x - mu)**2))      (over the last axis)
    normalize(x) = (x - mu) / sigma

The core of layer normalization (without its scale and shift).  mu and sigma
depend on x too: that is the whole exercise.  Then run

    python exercises/ex09_normalize.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex09_normalize.py``)

Page: docs/exercises/ex09_normalize.md
"""

import numpy as np

import minigrad as mg

NAME = "normalize"
NAMES = ("x",)


def forward(x):
    mu = np.mean(x, axis=-1, keepdims=True)
    sigma = np.sqrt(np.mean((x - mu) ** 2, axis=-1, keepdims=True))
    return (x - mu) / sigma


def vjp_x(g, out, x):
    """dL/dx, from g = dL/d(out), both of x's shape."""
    raise NotImplementedError("write the derivative of normalize with respect to x (input 0)")


VJPS = (vjp_x,)


def sample_inputs(rng):
    return (rng.normal(size=(3, 5)),)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

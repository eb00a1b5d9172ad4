"""Exercise 1: softplus, a smooth ReLU.

    softplus(x) = log(1 + exp(x))        (elementwise)

Write ``vjp_x``: given ``g``, the gradient of the loss with respect to the
output, return the gradient with respect to ``x``.  Then run

    python exercises/ex01_softplus.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex01_softplus.py``)

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
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

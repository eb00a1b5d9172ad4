"""Exercise 10: the inverse of a matrix.

    inverse(A) = A^-1,   so that A @ A^-1 = I

Differentiate A @ A^-1 = I to find how A^-1 changes when A does; the VJP
needs no new inverse (``out`` already is one).  Then run

    python exercises/ex10_matrix_inverse.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex10_matrix_inverse.py``)

Page: docs/exercises/ex10_matrix_inverse.md
"""

import numpy as np

import minigrad as mg

NAME = "inverse"
NAMES = ("A",)


def forward(A):
    return np.linalg.inv(A)


def vjp_A(g, out, A):
    """dL/dA, from g = dL/d(out), both (n, n)."""
    raise NotImplementedError("write the derivative of inverse with respect to A (input 0)")


VJPS = (vjp_A,)


def sample_inputs(rng):
    # A random matrix plus 3 I is far from singular, so finite differences are accurate.
    return (rng.normal(size=(3, 3)) + 3.0 * np.eye(3),)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

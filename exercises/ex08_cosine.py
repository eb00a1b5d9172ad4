"""Exercise 8: cosine similarity of two batches of vectors.

    cosine(u, v)[i] = (u[i] . v[i]) / (|u[i]| |v[i]|)

Vectors are the rows (last axis); the output has one number per row.
Then run

    python exercises/ex08_cosine.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex08_cosine.py``)

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
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

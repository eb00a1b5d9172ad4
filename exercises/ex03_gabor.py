"""Exercise 3: a Gabor layer (the Gabor model of chapter 6, eq. 6.8).

    z = phi0 + phi1 * x
    gabor(x, phi0, phi1) = sin(z) * exp(-z**2 / A)

``x`` is a vector; ``phi0`` and ``phi1`` are scalars (0-d arrays) that
broadcast against it.  Your VJP for a scalar may return an array of x's shape:
the engine sums a broadcast gradient back to the input's shape.
Then run

    python exercises/ex03_gabor.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex03_gabor.py``)

Page: docs/exercises/ex03_gabor.md
"""

import numpy as np

import minigrad as mg

NAME = "gabor"
NAMES = ("x", "phi0", "phi1")
A = 32.0


def forward(x, phi0, phi1):
    z = phi0 + phi1 * x
    return np.sin(z) * np.exp(-z**2 / A)


def vjp_x(g, out, x, phi0, phi1):
    """dL/dx, from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to x (input 0)")


def vjp_phi0(g, out, x, phi0, phi1):
    """dL/d(phi0), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to phi0 (input 1)")


def vjp_phi1(g, out, x, phi0, phi1):
    """dL/d(phi1), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of gabor with respect to phi1 (input 2)")


VJPS = (vjp_x, vjp_phi0, vjp_phi1)


def sample_inputs(rng):
    x = rng.uniform(-4.0, 4.0, size=7)
    return x, np.array(rng.normal()), np.array(rng.uniform(1.5, 2.5))


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

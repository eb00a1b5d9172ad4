"""Exercise 2: the Huber loss, two arguments.

    r = prediction - target
    huber(r) = r**2 / 2                  where |r| <= DELTA
               DELTA * (|r| - DELTA / 2) elsewhere

Quadratic near zero, linear for large residuals, so outliers pull less.
Write one VJP per argument.  Then run

    python exercises/ex02_huber.py

(in the repository's venv: ``. .venv/bin/activate`` first, or
``.venv/bin/python exercises/ex02_huber.py``)

Page: docs/exercises/ex02_huber.md
"""

import numpy as np

import minigrad as mg

NAME = "huber"
NAMES = ("prediction", "target")
DELTA = 1.0


def forward(prediction, target):
    r = prediction - target
    return np.where(np.abs(r) <= DELTA, 0.5 * r**2, DELTA * (np.abs(r) - 0.5 * DELTA))


def vjp_prediction(g, out, prediction, target):
    """dL/d(prediction), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of huber with respect to prediction (input 0)")


def vjp_target(g, out, prediction, target):
    """dL/d(target), from g = dL/d(out)."""
    raise NotImplementedError("write the derivative of huber with respect to target (input 1)")


VJPS = (vjp_prediction, vjp_target)


def sample_inputs(rng):
    """Residuals on both sides of the kinks at +-DELTA."""
    return rng.normal(0.0, 2.0, size=8), rng.normal(0.0, 0.5, size=8)


# ---------------------------------------------------- the checker (no need to edit below)
exercise = mg.Exercise(NAME, NAMES, forward, sample_inputs, VJPS)   # minigrad/exercise.py
OK, make_op, check = exercise.OK, exercise.make_op, exercise.check

if __name__ == "__main__":   # python exercises/exNN_name.py [seed]
    exercise.main()

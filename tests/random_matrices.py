"""Random test matrices shared by the linear-algebra tests: well conditioned
square matrices and symmetric positive definite ones, batched."""

import numpy as np


def square(rng, *batch, n=3):
    """``batch + (n, n)`` matrices B + n·I with standard normal B: invertible."""
    return rng.standard_normal(batch + (n, n)) + n * np.eye(n)


def spd(rng, *batch, n=3):
    """``batch + (n, n)`` symmetric positive definite matrices B·Bᵀ + n·I."""
    b = rng.standard_normal(batch + (n, n))
    return b @ np.swapaxes(b, -1, -2) + n * np.eye(n)

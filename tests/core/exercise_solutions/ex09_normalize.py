"""Solution: with y = (x - mu) / sigma over the last axis,
dL/dx = (g - mean(g) - y * mean(g * y)) / sigma."""

import numpy as np


def vjp_x(g, out, x):
    sigma = np.std(x, axis=-1, keepdims=True)
    return (g - np.mean(g, axis=-1, keepdims=True)
            - out * np.mean(g * out, axis=-1, keepdims=True)) / sigma


def _mean_only(g, out, x):     # differentiated mu but treated sigma as a constant
    return (g - np.mean(g, axis=-1, keepdims=True)) / np.std(x, axis=-1, keepdims=True)


VJPS = (vjp_x,)
MISTAKES = {0: _mean_only}

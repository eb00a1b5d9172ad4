"""Solution: d logsumexp / dx[i, j] = exp(x[i, j] - out[i]) = softmax(x)[i, j]."""

import numpy as np


def vjp_x(g, out, x):
    return g[..., None] * np.exp(x - out[..., None])


VJPS = (vjp_x,)
MISTAKES = {0: lambda g, out, x: g[..., None] * np.exp(x)}    # forgot the normalization

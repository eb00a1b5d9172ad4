"""Solution: with s = softmax(x), ds_j/dx_k = s_j (delta_jk - s_k), so
dL/dx = s * (g - sum(g * s)) row by row."""

import numpy as np


def vjp_x(g, out, x):
    return out * (g - np.sum(g * out, axis=-1, keepdims=True))


VJPS = (vjp_x,)
MISTAKES = {0: lambda g, out, x: g * out * (1.0 - out)}     # kept only the diagonal

"""Solution: x[j] reaches every out[k] with k >= j, so dL/dx[j] = sum of g[k] over k >= j:
a cumulative sum of g taken from the end."""

import numpy as np


def vjp_x(g, out, x):
    return np.flip(np.cumsum(np.flip(g, axis=-1), axis=-1), axis=-1)


VJPS = (vjp_x,)
MISTAKES = {0: lambda g, out, x: np.cumsum(g, axis=-1)}    # summed from the wrong end

"""Solution: from A A^-1 = I, d(A^-1) = -A^-1 dA A^-1, so dL/dA = -A^-T g A^-T."""

import numpy as np


def vjp_A(g, out, A):
    out_T = np.swapaxes(out, -1, -2)
    return -out_T @ g @ out_T


VJPS = (vjp_A,)
MISTAKES = {0: lambda g, out, A: -out @ g @ out}     # forgot the transposes

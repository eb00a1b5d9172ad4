"""Solution: out = x W^T + b, so dL/dx = g W, dL/dW = g^T x, dL/db = sum of g over the batch."""

import numpy as np


def vjp_x(g, out, x, W, b):
    return g @ W


def vjp_W(g, out, x, W, b):
    return g.T @ x


def vjp_b(g, out, x, W, b):
    return g.sum(axis=0)          # returning g alone also works: the engine sums it


VJPS = (vjp_x, vjp_W, vjp_b)
MISTAKES = {
    0: lambda g, out, x, W, b: np.ones_like(g) @ W,                # forgot g
    1: lambda g, out, x, W, b: g.T @ x / len(x),                   # averaged over the batch
    2: lambda g, out, x, W, b: g.mean(axis=0),                     # averaged over the batch
}

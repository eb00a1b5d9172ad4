"""Solution: softplus'(x) = exp(x) / (1 + exp(x)) = sigmoid(x) = exp(x - softplus(x))."""

import numpy as np


def vjp_x(g, out, x):
    return g * np.exp(x - out)   # uses the saved output; never overflows


VJPS = (vjp_x,)
MISTAKES = {0: lambda g, out, x: g / (1.0 + np.exp(x))}   # sigmoid(-x): a sign slip

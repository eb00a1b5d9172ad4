"""Solution: d huber / dr = clip(r, -DELTA, DELTA); r = prediction - target."""

import numpy as np

DELTA = 1.0


def vjp_prediction(g, out, prediction, target):
    return g * np.clip(prediction - target, -DELTA, DELTA)


def vjp_target(g, out, prediction, target):
    return -g * np.clip(prediction - target, -DELTA, DELTA)


VJPS = (vjp_prediction, vjp_target)
MISTAKES = {
    0: lambda g, out, p, t: g * (p - t),                           # forgot the linear part
    1: lambda g, out, p, t: g * np.clip(p - t, -DELTA, DELTA),     # forgot dr/dt = -1
}

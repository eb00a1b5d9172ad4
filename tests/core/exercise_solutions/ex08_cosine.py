"""Solution: with c = u.v / (|u| |v|), dc/du = v / (|u| |v|) - c u / |u|**2 (and symmetric)."""

import numpy as np


def _grad_first(g, c, u, v):
    nu = np.linalg.norm(u, axis=-1, keepdims=True)
    nv = np.linalg.norm(v, axis=-1, keepdims=True)
    return g[..., None] * (v / (nu * nv) - c[..., None] * u / nu**2)


def vjp_u(g, out, u, v):
    return _grad_first(g, out, u, v)


def vjp_v(g, out, u, v):
    return _grad_first(g, out, v, u)


def _norms_constant(g, u, v):
    return g[..., None] * v / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))[..., None]


VJPS = (vjp_u, vjp_v)
MISTAKES = {
    0: lambda g, out, u, v: _norms_constant(g, u, v),   # treated the norms as constants
    1: lambda g, out, u, v: _norms_constant(g, v, u),
}

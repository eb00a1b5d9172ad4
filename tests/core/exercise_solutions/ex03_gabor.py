"""Solution: with z = phi0 + phi1 x and E = exp(-z**2 / A),
d out / dz = E (cos z - 2 z sin z / A); then dz/dx = phi1, dz/dphi0 = 1, dz/dphi1 = x."""

import numpy as np

A = 32.0


def _dz(x, phi0, phi1):
    z = phi0 + phi1 * x
    return np.exp(-z**2 / A) * (np.cos(z) - 2.0 * z * np.sin(z) / A)


def vjp_x(g, out, x, phi0, phi1):
    return g * _dz(x, phi0, phi1) * phi1


def vjp_phi0(g, out, x, phi0, phi1):
    return g * _dz(x, phi0, phi1)      # shape of x: the engine sums it to a scalar


def vjp_phi1(g, out, x, phi0, phi1):
    return g * _dz(x, phi0, phi1) * x


def _cos_only(x, phi0, phi1):
    z = phi0 + phi1 * x
    return np.cos(z) * np.exp(-z**2 / A)


VJPS = (vjp_x, vjp_phi0, vjp_phi1)
MISTAKES = {
    0: lambda g, out, x, p0, p1: g * _dz(x, p0, p1),              # forgot the inner phi1
    1: lambda g, out, x, p0, p1: g * _cos_only(x, p0, p1),        # product rule half done
    2: lambda g, out, x, p0, p1: g * _dz(x, p0, p1) * p1,         # copied the x rule
}

"""The elementwise functions of issue 14 against PyTorch (float64): value, gradient
and, for the smooth ones, the Hessian-vector product, one row per function and
per PyTorch name (``asin`` beside ``arcsin``, ``remainder`` and ``%`` beside
``mod``).  Skipped without torch.  The steps and remainders are sampled away
from their jumps, where the conventions test module checks them."""

from __future__ import annotations

import numpy as np
import pytest
from optional_tools import require_module
from torch_table import Row, check_row

import minigrad as mg

RNG = np.random.default_rng(14)


def real(*shape, lo=-2.0, hi=2.0):
    return RNG.uniform(lo, hi, shape)


def nonzero(*shape, lo=0.2, hi=2.0):
    return RNG.uniform(lo, hi, shape) * RNG.choice([-1.0, 1.0], shape)


def off_steps(*shape):
    """Values at least 0.1 away from every multiple of 1/2 (the jumps of floor,
    ceil, round and of remainder by ±0.5, ±1, ±2)."""
    return RNG.integers(-6, 6, shape) / 2.0 + RNG.uniform(0.1, 0.4, shape)


def divisors(*shape):
    return RNG.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], shape)


def t(name):
    """torch.<name>, looked up when the row runs (torch is optional)."""
    def call(*xs, **kwargs):
        import torch
        return getattr(torch, name)(*xs, **kwargs)
    return call


def cbrt_torch(x):
    import torch  # torch has no cbrt: sign(x)·|x|^(1/3)
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


UNIT = real(3, 4, lo=-0.9, hi=0.9)
ROWS = [
    Row("tan", mg.tan, t("tan"), (real(3, 4, lo=-1.3, hi=1.3),)),
    Row("sinh", mg.sinh, t("sinh"), (real(3, 4),)),
    Row("cosh", mg.cosh, t("cosh"), (real(3, 4),)),
    Row("arcsin", mg.arcsin, t("arcsin"), (UNIT,)),
    Row("asin", mg.asin, t("asin"), (UNIT,)),
    Row("arccos", mg.arccos, t("arccos"), (UNIT,)),
    Row("acos", mg.acos, t("acos"), (UNIT,)),
    Row("arctan", mg.arctan, t("arctan"), (real(3, 4, lo=-5, hi=5),)),
    Row("atan", mg.atan, t("atan"), (real(3, 4, lo=-5, hi=5),)),
    Row("arcsinh", mg.arcsinh, t("arcsinh"), (real(3, 4, lo=-5, hi=5),)),
    Row("asinh", mg.asinh, t("asinh"), (real(3, 4, lo=-5, hi=5),)),
    Row("arccosh", mg.arccosh, t("arccosh"), (real(3, 4, lo=1.1, hi=4.0),)),
    Row("acosh", mg.acosh, t("acosh"), (real(3, 4, lo=1.1, hi=4.0),)),
    Row("arctanh", mg.arctanh, t("arctanh"), (UNIT,)),
    Row("atanh", mg.atanh, t("atanh"), (UNIT,)),
    Row("arctan2", mg.arctan2, t("arctan2"), (nonzero(3, 1), real(4))),
    Row("atan2", mg.atan2, t("atan2"), (real(2, 3), nonzero(2, 3))),
    Row("hypot", mg.hypot, t("hypot"), (nonzero(3, 1), real(4))),
    Row("log2", mg.log2, t("log2"), (real(3, 4, lo=0.2, hi=5.0),)),
    Row("log10", mg.log10, t("log10"), (real(3, 4, lo=0.2, hi=5.0),)),
    Row("expm1", mg.expm1, t("expm1"), (real(3, 4, lo=-3, hi=3),)),
    Row("exp2", mg.exp2, t("exp2"), (real(3, 4, lo=-3, hi=3),)),
    Row("square", mg.square, t("square"), (real(3, 4),)),
    Row("reciprocal", mg.reciprocal, t("reciprocal"), (nonzero(3, 4),)),
    Row("cbrt", mg.cbrt, cbrt_torch, (nonzero(3, 4, hi=8.0),)),
    Row("sinc", mg.sinc, t("sinc"), (nonzero(3, 4, hi=3.0),)),
    # torch's sinc' cancels to 0 below about 1e-8 (ours keeps -π²x/3: the
    # conventions tests), and its second derivative at 0 is masked to 0: no HVP here.
    Row("sinc near 0", mg.sinc, t("sinc"),
        (np.array([0.0, -1e-4, 0.03, -0.0999, 0.1, 0.1001]),), smooth=False),
    Row("logaddexp", mg.logaddexp, t("logaddexp"), (real(3, 1, lo=-4, hi=4), real(4))),
    # torch's second derivative overflows to NaN when |x - y| > 709 (ours is 0 there:
    # the conventions tests); value and gradient only.
    Row("logaddexp large", mg.logaddexp, t("logaddexp"),
        (real(5, lo=-1000, hi=1000), real(5, lo=-1000, hi=1000)), smooth=False),
    Row("logaddexp2", mg.logaddexp2, t("logaddexp2"), (real(3, 1, lo=-4, hi=4), real(4))),
    # Linear: torch's gradient has no graph, so it gives no HVP (zero: property tests).
    Row("deg2rad", mg.deg2rad, t("deg2rad"), (real(3, 4, lo=-360, hi=360),)),
    Row("rad2deg", mg.rad2deg, t("rad2deg"), (real(3, 4, lo=-7, hi=7),)),
    Row("sign", mg.sign, t("sign"), (nonzero(3, 4),), smooth=False),
    Row("floor", mg.floor, t("floor"), (off_steps(3, 4),), smooth=False),
    Row("ceil", mg.ceil, t("ceil"), (off_steps(3, 4),), smooth=False),
    Row("round", mg.round, t("round"), (off_steps(3, 4),), smooth=False),
    Row("round decimals=2", lambda x: mg.round(x, decimals=2),
        lambda x: t("round")(x, decimals=2), (real(3, 4, lo=-5, hi=5),), smooth=False),
    Row("round decimals=-1", lambda x: x.round(decimals=-1),
        lambda x: x.round(decimals=-1), (real(3, 4, lo=-80, hi=80),), smooth=False),
    Row("remainder", mg.remainder, t("remainder"), (off_steps(3, 4), divisors(4)),
        smooth=False),
    Row("mod", mg.mod, t("remainder"), (off_steps(3, 4), divisors(3, 4)), smooth=False),
    Row("%", lambda x, y: x % y, lambda x, y: x % y, (off_steps(3, 4), divisors(3, 1)),
        smooth=False),
    Row("fmod", mg.fmod, t("fmod"), (off_steps(3, 4), divisors(4)), smooth=False),
    Row("fmax", mg.fmax, t("fmax"), (real(3, 4), real(4)), smooth=False),
    Row("fmin", mg.fmin, t("fmin"), (real(3, 4), real(4)), smooth=False),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_elementwise_matches_torch(row):
    check_row(row)


@pytest.mark.parametrize("name", ["tan", "sinh", "cosh", "asin", "arcsin", "acos", "atan",
                                  "asinh", "acosh", "atanh", "atan2", "arctan2", "hypot",
                                  "log2", "log10", "expm1", "exp2", "square", "reciprocal",
                                  "sign", "floor", "ceil", "round", "sinc", "logaddexp",
                                  "logaddexp2", "remainder", "fmod", "fmax", "fmin",
                                  "deg2rad", "rad2deg"])
def test_every_torch_tensor_method_of_these_names_exists(name):
    torch = require_module("torch")
    assert hasattr(torch.Tensor, name) and hasattr(mg.Tensor, name)

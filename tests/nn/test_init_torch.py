"""nn.init and nn.Linear's default initialization against PyTorch: the same gains, and
the same distribution parameters (the bounds of every uniform draw and the mean and
std of every normal draw, read from the calls each library makes) for every
initializer, shape (2-D to 4-D) and mode (skipped without torch)."""

import math
from unittest import mock

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad.nn import init

torch = require_module("torch")


class Recorder(np.random.Generator):
    """A NumPy generator that remembers the parameters of each draw."""

    def __init__(self):
        super().__init__(np.random.PCG64(0))
        self.calls = []

    def uniform(self, low=0.0, high=1.0, size=None):
        self.calls.append(("uniform", float(low), float(high)))
        return super().uniform(low, high, size)

    def normal(self, loc=0.0, scale=1.0, size=None):
        self.calls.append(("normal", float(loc), float(scale)))
        return super().normal(loc, scale, size)


def torch_calls(make):
    """The (kind, a, b) of every uniform_/normal_ call torch makes while ``make`` runs."""
    calls = []
    uniform, normal = torch.Tensor.uniform_, torch.Tensor.normal_

    def record_uniform(self, a=0.0, b=1.0, **kw):
        calls.append(("uniform", float(a), float(b)))
        return uniform(self, a, b, **kw)

    def record_normal(self, mean=0.0, std=1.0, **kw):
        calls.append(("normal", float(mean), float(std)))
        return normal(self, mean, std, **kw)

    with mock.patch.object(torch.Tensor, "uniform_", record_uniform), \
            mock.patch.object(torch.Tensor, "normal_", record_normal):
        make()
    return calls


def minigrad_calls(make):
    g = Recorder()
    make(g)
    return g.calls


@pytest.mark.parametrize("name, kwargs", [
    ("uniform_", {}), ("uniform_", {"a": -0.5, "b": 2.0}), ("normal_", {}),
    ("normal_", {"mean": 1.0, "std": 0.2}), ("xavier_uniform_", {}),
    ("xavier_uniform_", {"gain": 2.0}), ("xavier_normal_", {}),
    ("xavier_normal_", {"gain": 0.5}), ("kaiming_uniform_", {}),
    ("kaiming_uniform_", {"a": math.sqrt(5)}),
    ("kaiming_uniform_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", {}), ("kaiming_normal_", {"a": 0.2, "mode": "fan_out"}),
    ("kaiming_normal_", {"nonlinearity": "tanh"}),
])
@pytest.mark.parametrize("shape", [(7, 5), (5, 7), (4, 3, 5), (6, 2, 3, 3)])
def test_distribution_parameters_match_torch(name, kwargs, shape):
    ours = minigrad_calls(lambda g: getattr(init, name)(
        mg.nn.Parameter(np.zeros(shape)), **kwargs, generator=g))
    theirs = torch_calls(lambda: getattr(torch.nn.init, name)(
        torch.empty(shape, dtype=torch.float64), **kwargs))
    assert len(ours) == len(theirs) == 1
    assert ours[0][0] == theirs[0][0]
    assert ours[0][1:] == pytest.approx(theirs[0][1:], rel=1e-14)


@pytest.mark.parametrize("nonlinearity, param", [
    ("linear", None), ("conv1d", None), ("conv_transpose3d", None), ("sigmoid", None),
    ("tanh", None), ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.3),
    ("leaky_relu", 1), ("selu", None)])
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(
        nonlinearity, param)


@pytest.mark.parametrize("name, kwargs", [("constant_", {"val": 0.7}), ("ones_", {}),
                                          ("zeros_", {}), ("eye_", {})])
def test_deterministic_fillers_match_torch(name, kwargs):
    ours = getattr(init, name)(mg.nn.Parameter(np.full((3, 4), 5.0)), **kwargs)
    theirs = getattr(torch.nn.init, name)(torch.full((3, 4), 5.0, dtype=torch.float64),
                                          **kwargs)
    np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("in_features, out_features, bias", [(3, 4, True), (16, 2, True),
                                                             (5, 1, False)])
def test_linear_default_init_is_torchs(in_features, out_features, bias):
    # torch.nn.Linear: kaiming_uniform_(a=sqrt(5)) for the weight, then the bias
    # uniform on +-1/sqrt(fan_in): the same two draws, in the same order.
    theirs = torch_calls(lambda: torch.nn.Linear(in_features, out_features, bias=bias))
    ours = minigrad_calls(lambda g: mg.nn.Linear(in_features, out_features, bias=bias, rng=g))
    assert len(ours) == len(theirs) == 1 + bias
    for call, expected in zip(ours, theirs):
        assert call[0] == expected[0] and call[1:] == pytest.approx(expected[1:], rel=1e-14)
    bound = 1 / math.sqrt(in_features)
    assert ours[0][1:] == pytest.approx((-bound, bound), rel=1e-14)

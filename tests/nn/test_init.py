"""minigrad.nn.init and the seeding of layers: initial variances, reproducible weights,
and the one generator coercion (minigrad.random.as_generator) shared with minigrad.data."""

from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init
from minigrad.random import as_generator


def test_linear_seeding_is_reproducible():
    a = nn.Linear(3, 4, rng=7).weight.data
    b = nn.Linear(3, 4, rng=np.random.default_rng(7)).weight.data
    np.testing.assert_array_equal(a, b)
    mg.manual_seed(5)
    c = nn.Linear(3, 4).weight.data.copy()
    d = nn.Linear(3, 4).weight.data.copy()
    mg.manual_seed(5)
    np.testing.assert_array_equal(c, nn.Linear(3, 4).weight.data)
    assert not np.allclose(c, d)          # consecutive layers differ


@pytest.mark.parametrize("name, variance", [
    ("he_normal", lambda fi, fo: 2.0 / fi),
    ("he_uniform", lambda fi, fo: 2.0 / fi),
    ("glorot_normal", lambda fi, fo: 2.0 / (fi + fo)),
    ("glorot_uniform", lambda fi, fo: 2.0 / (fi + fo)),
])
def test_init_variances(name, variance):
    fan_out, fan_in = 300, 200
    W = getattr(init, name)((fan_out, fan_in), rng=np.random.default_rng(0))
    n = W.size
    expected = variance(fan_in, fan_out)
    # The sample variance of n iid draws has relative standard error about
    # sqrt(2 / n) (normal) or less (uniform): 6 standard errors is a safe bound.
    assert abs(W.var() / expected - 1) < 6 * np.sqrt(2.0 / n)
    assert abs(W.mean()) < 6 * np.sqrt(expected / n)
    if "uniform" in name:
        assert np.abs(W).max() <= np.sqrt(3 * expected) + 1e-12
    np.testing.assert_array_equal(W, getattr(init, name)((fan_out, fan_in), rng=0))


def test_he_keeps_the_second_moment_of_relu_activations_through_depth():
    rng = np.random.default_rng(0)
    width, depth = 256, 20
    x = rng.normal(size=(512, width))
    h = x
    for _ in range(depth):
        h = np.maximum(h @ init.he_normal((width, width), rng).T, 0.0)
    ratio = np.mean(h ** 2) / np.mean(x ** 2)
    assert 0.3 < ratio < 3.0          # a factor 1 per layer, up to sampling noise
    h = x
    for _ in range(depth):
        h = np.maximum(h @ init.glorot_normal((width, width), rng).T, 0.0)
    assert np.mean(h ** 2) / np.mean(x ** 2) < 1e-4   # a factor 1/2 per layer


def test_custom_init_callable():
    layer = nn.Linear(3, 2, init=lambda shape, rng: np.full(shape, 0.5))
    np.testing.assert_array_equal(layer.weight.data, np.full((2, 3), 0.5))


def test_init_layers_and_data_share_one_generator_coercion():
    # One coercion (minigrad.random.as_generator) behind init, the layers and the
    # batches: the same things are accepted and the same error names the rest.
    wrong = [lambda: init.normal((2, 2), 1.0, rng="0"),
             lambda: nn.Linear(2, 2, rng="0"),
             lambda: nn.MLP([2, 1], seed="0"),
             lambda: list(mg.data.batches(np.arange(4.0), 2, rng="0"))]
    for call in wrong:
        with pytest.raises(TypeError, match="must be a numpy.random.Generator or an int "
                                            "seed, got str"):
            call()
    g = np.random.default_rng(0)
    assert as_generator(g) is g
    np.testing.assert_array_equal(init.normal((3,), 1.0, rng=4),
                                  np.random.default_rng(4).normal(0.0, 1.0, 3))
    assert init.normal((2,), 1.0).shape == (2,)       # init alone may draw unseeded
    with pytest.raises(TypeError, match="seeded random generator.*shuffle=False"):
        list(mg.data.batches(np.arange(4.0), 2))      # shuffling may not
    with pytest.raises(TypeError, match="not both"):
        as_generator(1, seed=2)


def test_no_other_module_coerces_generators():
    package = Path(mg.__file__).parent
    coercers = [p.relative_to(package).as_posix() for p in package.rglob("*.py")
                if "isinstance(rng, np.random.Generator)" in p.read_text()]
    assert coercers == ["random.py"]

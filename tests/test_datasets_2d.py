"""make_moons and make_spirals: shapes, labels, balance, reproducibility, geometry."""

import numpy as np
import pytest

import minigrad as mg


def test_make_moons_shapes_balance_and_seed():
    x, y = mg.datasets.make_moons(101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [51, 50]
    x2, y2 = mg.datasets.make_moons(101, noise=0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.allclose(x, mg.datasets.make_moons(101, noise=0.1, seed=4)[0])


def test_make_moons_without_noise_lies_on_the_two_half_circles():
    x, y = mg.datasets.make_moons(50, noise=0.0)
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_make_spirals_classes_and_radius():
    x, y = mg.datasets.make_spirals(100, classes=4, noise=0.0, seed=0)
    assert x.shape == (100, 2) and sorted(np.bincount(y).tolist()) == [25, 25, 25, 25]
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() >= 0.05 - 1e-12 and r.max() <= 1.0 + 1e-12
    # without noise, arm k at radius r has angle 2 pi (r + k / classes)
    angle = np.arctan2(x[:, 1], x[:, 0])
    expected = 2 * np.pi * (r + y / 4)
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)


def test_bad_sizes_explain():
    with pytest.raises(ValueError, match="at least two points"):
        mg.datasets.make_moons(1)
    with pytest.raises(ValueError, match="n >= classes"):
        mg.datasets.make_spirals(2, classes=3)

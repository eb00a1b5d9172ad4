"""mg.lab.datasets: the chapter's data sets and toy functions, and make_moons and
make_spirals (shapes, labels, balance, reproducibility, geometry)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.lab import datasets, models


@pytest.mark.parametrize("make, n", [
    (datasets.linear_regression, 12), (datasets.gabor, 28),
    (datasets.two_class_1d, 20), (datasets.sine, 20)])
def test_default_shapes_and_same_seed_same_data(make, n):
    x, y = make()
    assert x.shape == y.shape == (n,)
    assert x.dtype == y.dtype == np.float64
    x2, y2 = make()
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    x3, _ = make(seed=1)
    assert not np.array_equal(x, x3)


def test_gabor_data_follow_the_generator_description():
    x, y = datasets.gabor(n=500, noise=0.0, seed=3)
    assert x.min() >= -15 and x.max() <= 15 and x.max() - x.min() > 25   # uniform on [-15, 15]
    # the one Gabor model (eq. 6.8, a = GABOR_A) makes the data, not a copy of it
    np.testing.assert_array_equal(y, models.gabor(x, [0.0, 16.6]).data)
    _, y8 = datasets.gabor(n=500, noise=0.0, seed=3, a=8.0)
    np.testing.assert_array_equal(y8, models.gabor(x, [0.0, 16.6], a=8.0).data)
    _, y_noisy = datasets.gabor(n=500, noise=0.15, seed=3)
    assert 0.12 < np.std(y_noisy - y) < 0.18                              # Gaussian noise
    assert datasets.gabor(n=7)[0].shape == (7,)


def test_linear_regression_data_lie_near_the_true_line():
    x, y = datasets.linear_regression(n=200, noise=0.05, seed=2)
    slope, intercept = np.polyfit(x, y, 1)
    assert abs(intercept - 0.7) < 0.05 and abs(slope - 0.5) < 0.05
    assert np.all(np.diff(x) >= 0)


def test_two_class_data_of_problem_6_4():
    x, y = datasets.two_class_1d(n_per_class=2000, seed=1)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(x[y == 0].mean() + 1) < 0.1 and abs(x[y == 1].mean() - 1) < 0.1
    assert abs(x[y == 0].std() - 1) < 0.1


def test_toy_functions_minima_and_grid_evaluation():
    assert datasets.bowl(datasets.BOWL_MINIMUM).item() == 0.0
    assert datasets.rosenbrock(datasets.ROSENBROCK_MINIMUM).item() == 0.0
    np.testing.assert_allclose(mg.grad(datasets.rosenbrock)(np.array([1.0, 1.0])), 0.0)
    np.testing.assert_allclose(mg.grad(datasets.bowl)(np.array([1.0, 1.0])), [0.2, 20.0])
    H = mg.hessian(datasets.saddle)(np.array([0.0, 0.0]))
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [-2.0, 2.0])
    grid = np.random.default_rng(0).standard_normal((2, 4, 5))
    with mg.no_grad():
        Z = datasets.rosenbrock(grid).data
    assert Z.shape == (4, 5)
    assert Z[1, 2] == pytest.approx(datasets.rosenbrock(grid[:, 1, 2]).item())


# ------------------------------------------------- two-dimensional classification
def test_make_moons_shapes_balance_and_seed():
    x, y = datasets.make_moons(101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and y.shape == (101,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [51, 50]
    x2, y2 = datasets.make_moons(101, noise=0.1, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.allclose(x, datasets.make_moons(101, noise=0.1, seed=4)[0])


def test_make_moons_without_noise_lies_on_the_two_half_circles():
    x, y = datasets.make_moons(50, noise=0.0)
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= -1e-12 and lower[:, 1].max() <= 0.5 + 1e-12


def test_make_spirals_classes_and_radius():
    x, y = datasets.make_spirals(100, classes=4, noise=0.0, seed=0)
    assert x.shape == (100, 2) and sorted(np.bincount(y).tolist()) == [25, 25, 25, 25]
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.min() >= 0.05 - 1e-12 and r.max() <= 1.0 + 1e-12
    # without noise, arm k at radius r has angle 2 pi (r + k / classes)
    angle = np.arctan2(x[:, 1], x[:, 0])
    expected = 2 * np.pi * (r + y / 4)
    np.testing.assert_allclose(np.cos(angle - expected), 1.0, atol=1e-9)


def test_bad_sizes_explain():
    with pytest.raises(ValueError, match="at least two points"):
        datasets.make_moons(1)
    with pytest.raises(ValueError, match="n >= classes"):
        datasets.make_spirals(2, classes=3)

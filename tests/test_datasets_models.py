"""The chapter's data sets (mg.datasets) and models (mg.models)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import datasets, models


# ------------------------------------------------------------------ datasets
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
    np.testing.assert_allclose(y, datasets.gabor_numpy(x, (0.0, 16.6)), atol=1e-15)
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


# -------------------------------------------------------------------- models
def gabor_by_hand(x, phi0, phi1, a=32.0):
    """Eq. 6.8 transcribed independently with NumPy."""
    return np.sin(phi0 + 0.06 * phi1 * x) * np.exp(-((phi0 + 0.06 * phi1 * x) ** 2) / a)


@pytest.mark.parametrize("a", [32.0, 8.0])
def test_gabor_model_matches_equation_6_8(a):
    rng = np.random.default_rng(0)
    x = rng.uniform(-15, 15, 50)
    for phi in ([0.0, 16.6], [-3.2, 7.5], [5.0, 1.0]):
        out = models.gabor(x, mg.tensor(phi), a=a) if a != 32.0 else models.gabor(x, phi)
        # 1e-12, not 1e-14: the model scales x before phi1 (one node fewer), and
        # that reassociation moves z by an ulp where z nearly cancels.
        np.testing.assert_allclose(out.data, gabor_by_hand(x, *phi, a=a), rtol=1e-12)
    assert models.GABOR_A == 32.0


def test_gabor_model_parameters_shift_and_squeeze():
    x = np.linspace(-15, 15, 3001)
    centre = x[np.argmax(models.gabor(x, [0.0, 10.0]).data)]
    shifted = x[np.argmax(models.gabor(x, [1.0, 10.0]).data)]
    assert shifted < centre                         # larger phi0 moves the function left
    narrow = models.gabor(x, [0.0, 20.0]).data
    wide = models.gabor(x, [0.0, 5.0]).data
    assert np.sum(np.abs(narrow) > 0.1) < np.sum(np.abs(wide) > 0.1)


def test_linear_logistic_and_shallow_network_values():
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(models.linear(x, [0.5, 2.0]).data, [-1.5, 0.5, 4.5])
    np.testing.assert_allclose(models.logistic(x, [0.5, 2.0]).data,
                               1 / (1 + np.exp(-(0.5 + 2.0 * x))), rtol=1e-14)
    phi = np.array([0.1, 1.0, -2.0, 0.5])
    theta = np.array([[0.2, 1.0], [-0.5, 0.8], [1.0, -1.5]])
    by_hand = phi[0] + sum(phi[d + 1] * np.maximum(theta[d, 0] + theta[d, 1] * x, 0)
                           for d in range(3))
    np.testing.assert_allclose(models.shallow_network(x, phi, theta).data, by_hand,
                               rtol=1e-14)
    with pytest.raises(ValueError, match="theta"):
        models.shallow_network(x, phi, theta[:2])


def test_losses_sum_convention():
    pred, y = np.array([1.0, 2.0, 4.0]), np.array([0.0, 2.0, 1.0])
    assert models.least_squares(pred, y).item() == pytest.approx(10.0)
    p, t = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    bce = -(np.log(0.9) + np.log(0.8))
    assert models.binary_cross_entropy(p, t).item() == pytest.approx(bce)
    z = np.log(p / (1 - p))
    assert models.binary_cross_entropy_with_logits(z, t).item() == pytest.approx(bce)
    big = models.binary_cross_entropy_with_logits(np.array([800.0, -800.0]), np.array([0.0, 1.0]))
    assert big.item() == pytest.approx(1600.0)               # no overflow, no inf


def test_losses_evaluate_on_a_grid_of_parameters():
    x, y = datasets.gabor()
    P = np.stack(np.meshgrid(np.linspace(-5, 5, 4), np.linspace(5, 20, 3)))
    with mg.no_grad():
        Z = models.least_squares(models.gabor(x, P[..., None]), y).data
    assert Z.shape == (3, 4)
    L = models.make_loss(models.gabor, x, y)
    assert Z[2, 1] == pytest.approx(L(P[:, 2, 1]).item())


def test_global_minimum_of_the_gabor_loss_is_near_the_true_parameters():
    x, y = datasets.gabor()
    P = np.stack(np.meshgrid(np.linspace(-10, 10, 201), np.linspace(2.5, 22.5, 201)))
    with mg.no_grad():
        Z = models.least_squares(models.gabor(x, P[..., None]), y).data
    i = np.unravel_index(np.argmin(Z), Z.shape)
    assert abs(P[0][i]) < 0.5 and abs(P[1][i] - 16.6) < 1.0
    assert Z.min() < 1.0


# ------------------------------------------------- gradients from the engine
def test_model_gradients_pass_gradcheck():
    rng = np.random.default_rng(1)
    x = rng.uniform(-15, 15, 9)
    y = rng.standard_normal(9)
    c = (rng.uniform(size=9) > 0.5).astype(float)
    assert mg.gradcheck(lambda phi: models.linear(x, phi), (np.array([0.3, -1.2]),))
    assert mg.gradcheck(lambda phi: models.gabor(x, phi), (np.array([0.4, 12.0]),))
    assert mg.gradcheck(lambda phi: models.gabor(x, phi, a=8.0), (np.array([0.4, 12.0]),))
    assert mg.gradcheck(lambda phi: models.logistic(x / 10, phi), (np.array([0.2, 0.7]),))
    theta = np.array([[0.3, 0.1], [-0.4, 0.05], [0.7, -0.08]])
    assert mg.gradcheck(lambda phi, th: models.shallow_network(x, phi, th),
                        (np.array([0.1, 1.0, -2.0, 0.5]), theta))
    assert mg.gradcheck(lambda phi: models.least_squares(models.gabor(x, phi), y),
                        (np.array([0.4, 12.0]),))
    assert mg.gradcheck(lambda phi: models.binary_cross_entropy(models.logistic(x, phi), c),
                        (np.array([0.2, 0.1]),))
    assert mg.gradcheck(lambda z: models.binary_cross_entropy_with_logits(z, c),
                        (rng.standard_normal(9) * 3,))


def test_least_squares_gradient_is_equation_6_7():
    x, y = datasets.linear_regression()
    phi = np.array([0.2, 1.1])
    r = phi[0] + phi[1] * x - y
    by_hand = np.array([np.sum(2 * r), np.sum(2 * x * r)])
    g = mg.grad(models.make_loss(models.linear, x, y))(phi)
    np.testing.assert_allclose(g, by_hand, rtol=1e-13)


def test_linear_regression_hessian_is_positive_definite_problem_6_2():
    x, y = datasets.linear_regression()
    H = mg.hessian(models.make_loss(models.linear, x, y))(np.array([0.3, -0.4]))
    np.testing.assert_allclose(H, 2 * np.array([[len(x), x.sum()], [x.sum(), (x * x).sum()]]))
    assert np.all(np.linalg.eigvalsh(H) > 0)


def test_logit_cross_entropy_gradient_is_sigmoid_minus_label_even_at_zero():
    # relu(z) + log(1 + exp(-|z|)) would give 0 - y at z = 0 under the kink
    # conventions relu'(0) = abs'(0) = 0; the right answer is sigmoid(0) - y.
    z = mg.tensor([0.0, 0.0, 2.0, -3.0], requires_grad=True)
    y = np.array([0.0, 1.0, 1.0, 0.0])
    models.binary_cross_entropy_with_logits(z, y).backward()
    np.testing.assert_allclose(z.grad, 1 / (1 + np.exp(-z.data)) - y, rtol=1e-12)

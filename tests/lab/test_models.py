"""mg.lab.models: the chapter's models, and make_loss, which sums a loss of mg.losses
over the data (the book's convention) and evaluates on grids of parameters."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses
from minigrad.lab import datasets, models


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


def test_make_loss_sums_over_the_data():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([0.0, 2.0, 1.0])
    L = models.make_loss(models.linear, x, y)                 # least squares by default
    assert L(np.array([1.0, 1.0])).item() == pytest.approx(1.0 + 0.0 + 4.0)
    assert L.__name__ == "mse_loss_linear"
    c = np.array([1.0, 0.0])
    bce = models.make_loss(models.logistic, np.array([1.0, -1.0]), c,
                           loss=losses.binary_cross_entropy)
    p = 1 / (1 + np.exp(-2.0))                                # sig(0 + 2 * 1)
    assert bce(np.array([0.0, 2.0])).item() == pytest.approx(-2 * np.log(p))
    logits = models.make_loss(models.logistic_logits, np.array([1.0, -1.0]), c,
                              loss=losses.binary_cross_entropy_with_logits)
    assert logits(np.array([0.0, 2.0])).item() == pytest.approx(-2 * np.log(p))


def test_make_loss_refuses_targets_that_do_not_match_the_data():
    L = models.make_loss(models.linear, np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(mg.ShapeError, match="target.reshape"):
        L(np.array([0.0, 1.0]))


def test_losses_evaluate_on_a_grid_of_parameters():
    x, y = datasets.gabor()
    P = np.stack(np.meshgrid(np.linspace(-5, 5, 4), np.linspace(5, 20, 3)))
    L = models.make_loss(models.gabor, x, y)
    with mg.no_grad():
        Z = L(P[..., None]).data
    assert Z.shape == (3, 4)
    assert Z[2, 1] == pytest.approx(L(P[:, 2, 1]).item())
    # a tensor target is repeated over the grid too, and stays in the graph
    Lt = models.make_loss(models.gabor, x, mg.tensor(y))
    np.testing.assert_allclose(Lt(P[..., None]).data, Z)


def test_global_minimum_of_the_gabor_loss_is_near_the_true_parameters():
    x, y = datasets.gabor()
    P = np.stack(np.meshgrid(np.linspace(-10, 10, 201), np.linspace(2.5, 22.5, 201)))
    with mg.no_grad():
        Z = models.make_loss(models.gabor, x, y)(P[..., None]).data
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
    assert mg.gradcheck(models.make_loss(models.gabor, x, y), (np.array([0.4, 12.0]),))
    assert mg.gradcheck(models.make_loss(models.logistic, x, c,
                                         loss=losses.binary_cross_entropy),
                        (np.array([0.2, 0.1]),))
    assert mg.gradcheck(models.make_loss(models.logistic_logits, x, c,
                                         loss=losses.binary_cross_entropy_with_logits),
                        (np.array([0.2, 0.1]),))


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


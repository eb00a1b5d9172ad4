"""mg.losses against independent NumPy transcriptions, at ordinary and extreme values,
with first and second derivatives checked by finite differences, and PyTorch's names
and defaults (reduction="mean")."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses

RNG = np.random.default_rng(0)


# -------------------------------------------------- NumPy transcriptions
def np_least_squares(pred, y):
    return np.sum((pred - y) ** 2)


def np_bce(z, y):
    # -y log(sigmoid z) - (1 - y) log(1 - sigmoid z), with np.logaddexp for log(1 + e^t)
    return np.sum(y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z))


def np_softmax_ce(z, labels):
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels]


def np_sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))


# ----------------------------------------------------------- least squares
def test_mse_loss_mean_sum_none():
    pred, y = RNG.normal(size=(6, 2)), RNG.normal(size=(6, 2))
    total = np_least_squares(pred, y)
    assert losses.mse_loss(mg.tensor(pred), y).item() == pytest.approx(total / 12)
    assert losses.mse_loss(pred, y, reduction="sum").item() == pytest.approx(total)
    np.testing.assert_allclose(losses.mse_loss(pred, y, reduction="none").data,
                               (pred - y) ** 2)


def test_mse_loss_gradient_is_twice_the_residual():
    pred = mg.tensor(RNG.normal(size=5), requires_grad=True)
    y = RNG.normal(size=5)
    losses.mse_loss(pred, y, reduction="sum").backward()
    np.testing.assert_allclose(pred.grad, 2 * (pred.data - y))


def test_mismatched_shapes_are_refused_not_broadcast():
    with pytest.raises(mg.ShapeError, match=r"target.reshape\(5, 1\)"):
        losses.mse_loss(mg.tensor(np.zeros((5, 1))), np.zeros(5))
    with pytest.raises(mg.ShapeError, match="differ"):
        losses.binary_cross_entropy_with_logits(np.zeros((5, 1)), np.zeros(4))
    with pytest.raises(mg.ShapeError, match="differ"):
        losses.binary_cross_entropy(np.full((5, 1), 0.5), np.zeros(5))


def test_unknown_reduction():
    with pytest.raises(ValueError, match="reduction='avg'"):
        losses.mse_loss(np.zeros(2), np.zeros(2), reduction="avg")


@pytest.mark.parametrize("loss, args", [
    ("mse_loss", (np.array([1.0, 3.0]), np.zeros(2))),
    ("binary_cross_entropy", (np.array([0.9, 0.2]), np.array([1.0, 0.0]))),
    ("binary_cross_entropy_with_logits", (np.array([2.0, -1.0]), np.array([1.0, 0.0]))),
    ("cross_entropy", (np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 0]))),
    ("l1_loss", (np.array([1.0, -3.0]), np.zeros(2))),
    ("nll_loss", (np.array([[-0.1, -2.0], [-1.5, -0.3]]), np.array([0, 0]))),
])
def test_pytorch_names_and_default_reduction_mean(loss, args):
    f = getattr(losses, loss)
    per_example = f(*args, reduction="none").data
    assert f(*args).item() == pytest.approx(per_example.mean())
    assert f(*args, reduction="sum").item() == pytest.approx(per_example.sum())
    assert f(input=args[0], target=args[1]).item() == pytest.approx(per_example.mean())


def test_losses_is_the_one_home_of_every_loss():
    # the chapter-6 bench builds L(phi) from these losses and defines none of its own
    assert sorted(losses.__all__) == ["binary_cross_entropy",
                                      "binary_cross_entropy_with_logits", "cross_entropy",
                                      "l1_loss", "mse_loss", "nll_loss"]
    for module in (mg.lab.models, mg.lab.datasets, mg.nn.modules, mg.nn.layers, mg.train,
                   mg.functional):
        own = [n for n, obj in vars(module).items()
               if callable(obj) and getattr(obj, "__module__", None) == module.__name__
               and any(word in n for word in ("loss", "entropy", "squares"))]
        assert own in ([], ["make_loss"]), (module.__name__, own)


# -------------------------------------------------------------- Bernoulli
def test_bce_matches_numpy_including_extreme_logits():
    z = np.concatenate([RNG.normal(scale=3, size=8), [1000.0, -1000.0, 1000.0, -1000.0, 0.0]])
    y = np.concatenate([RNG.integers(0, 2, size=8), [1, 0, 0, 1, 1]]).astype(float)
    zt = mg.tensor(z, requires_grad=True)
    loss = losses.binary_cross_entropy_with_logits(zt, y, reduction="sum")
    assert np.isfinite(loss.item())
    assert loss.item() == pytest.approx(np_bce(z, y), rel=1e-12)
    loss.backward()
    assert np.all(np.isfinite(zt.grad))
    np.testing.assert_allclose(zt.grad, np_sigmoid(z) - y, atol=1e-12)
    per_example = losses.binary_cross_entropy_with_logits(z, y, reduction="none").data
    np.testing.assert_allclose(per_example[8:], [0.0, 0.0, 1000.0, 1000.0, np.log(2.0)])


def test_bce_gradient_at_zero_logit_is_one_half_minus_label():
    # The kink conventions relu'(0) = abs'(0) = 0 must not leak into the loss:
    # a logistic regression started at zero sits exactly here.
    z = mg.tensor([0.0, 0.0], requires_grad=True)
    losses.binary_cross_entropy_with_logits(z, [0.0, 1.0], reduction="sum").backward()
    np.testing.assert_allclose(z.grad, [0.5, -0.5])


def test_bce_mean_reduction():
    z, y = RNG.normal(size=7), RNG.integers(0, 2, size=7).astype(float)
    got = losses.binary_cross_entropy_with_logits(z, y, reduction="mean").item()
    assert got == pytest.approx(np_bce(z, y) / 7)


def test_bce_of_probabilities_matches_the_logit_form_and_stays_finite():
    p, t = np.array([0.9, 0.2]), np.array([1.0, 0.0])
    bce = -(np.log(0.9) + np.log(0.8))
    assert losses.binary_cross_entropy(p, t, reduction="sum").item() == pytest.approx(bce)
    z = np.log(p / (1 - p))
    assert losses.binary_cross_entropy_with_logits(z, t, reduction="sum").item() == \
        pytest.approx(bce)
    big = losses.binary_cross_entropy_with_logits(np.array([800.0, -800.0]),
                                                  np.array([0.0, 1.0]), reduction="sum")
    assert big.item() == pytest.approx(1600.0)               # no overflow, no inf
    # a certain wrong probability is clipped: a large finite loss, not infinity
    sure = losses.binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert np.isfinite(sure.item()) and sure.item() > 20


def test_softplus_is_finite_and_smooth():
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    # absolute accuracy: log(1 + tiny) is computed without log1p
    np.testing.assert_allclose(mg.softplus(z).data, np.logaddexp(0.0, z),
                               rtol=1e-14, atol=1e-15)


# ------------------------------------------------------------ categorical
def test_cross_entropy_matches_numpy_including_extreme_logits():
    z = RNG.normal(scale=2, size=(6, 4))
    z[0] = [1000.0, -1000.0, 0.0, 0.0]
    z[1] = [-1000.0, 1000.0, 999.0, -1000.0]
    labels = np.array([1, 2, 0, 3, 3, 1])
    zt = mg.tensor(z, requires_grad=True)
    loss = losses.cross_entropy(zt, labels, reduction="sum")
    assert np.isfinite(loss.item())
    assert loss.item() == pytest.approx(np_softmax_ce(z, labels).sum(), rel=1e-12)
    loss.backward()
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(zt.grad, p - np.eye(4)[labels], atol=1e-12)
    assert losses.cross_entropy(z, labels).item() == pytest.approx(
        np_softmax_ce(z, labels).mean())


def test_cross_entropy_repeated_labels_accumulate():
    z = mg.tensor(np.zeros((3, 2)), requires_grad=True)
    losses.cross_entropy(z, [0, 0, 0], reduction="sum").backward()
    np.testing.assert_allclose(z.grad, [[-0.5, 0.5]] * 3)


def test_cross_entropy_label_errors():
    z = np.zeros((3, 4))
    with pytest.raises(ValueError, match="label 4 is outside 0..3"):
        losses.cross_entropy(z, [0, 4, 1])
    with pytest.raises(TypeError, match="argmax"):
        losses.cross_entropy(z, [0.5, 1.0, 1.0])
    with pytest.raises(mg.ShapeError, match="labels of shape \\(3,\\)"):
        losses.cross_entropy(z, [0, 1])
    with pytest.raises(mg.ShapeError, match="\\(N, K\\)"):
        losses.cross_entropy(np.zeros(4), [1])
    # labels stored as whole floats are accepted
    assert losses.cross_entropy(z, np.array([0.0, 3.0, 1.0])).item() == \
        pytest.approx(np.log(4.0))


# ----------------------------------------------------- finite differences
@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_gradcheck_and_gradgradcheck(reduction):
    pred, y = RNG.normal(size=(4, 2)), RNG.normal(size=(4, 2))
    z, yb = RNG.normal(scale=2, size=(5,)), RNG.integers(0, 2, size=5).astype(float)
    logits, labels = RNG.normal(size=(4, 3)), np.array([0, 2, 1, 2])
    cases = [
        (lambda p: losses.mse_loss(p, y, reduction=reduction), pred),
        (lambda t: losses.binary_cross_entropy_with_logits(t, yb, reduction=reduction), z),
        (lambda t: losses.cross_entropy(t, labels, reduction=reduction), logits),
        (lambda p: losses.binary_cross_entropy(p, yb, reduction=reduction),
         RNG.uniform(0.1, 0.9, size=5)),
    ]
    for f, x in cases:
        assert mg.gradcheck(f, (x,))
        assert mg.gradgradcheck(f, (x,))


def test_gradcheck_with_respect_to_targets():
    # least squares and BCE are differentiable in the target too (soft labels)
    pred, y = RNG.normal(size=3), RNG.normal(size=3)
    assert mg.gradcheck(lambda p, t: losses.mse_loss(p, t), (pred, y))
    z, soft = RNG.normal(size=3), RNG.uniform(size=3)
    assert mg.gradcheck(lambda t: losses.binary_cross_entropy_with_logits(z, t), (soft,))

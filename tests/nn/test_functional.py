"""mg.nn.functional: PyTorch's names, argument names and defaults, against hand-computed
values (the comparison with torch itself is in test_nn_torch.py)."""

import inspect

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import losses

NAMES = ["relu", "leaky_relu", "tanh", "sigmoid", "softmax", "log_softmax", "mse_loss",
         "l1_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
         "binary_cross_entropy_with_logits", "linear", "dropout", "layer_norm", "conv1d",
         "conv2d", "max_pool2d", "avg_pool2d"]


def test_every_name_is_there_and_reachable_as_mg_nn_functional():
    assert mg.nn.functional is F
    assert sorted(F.__all__) == sorted(NAMES)
    for name in NAMES:
        assert callable(getattr(F, name))


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "cross_entropy", "nll_loss",
                                  "binary_cross_entropy", "binary_cross_entropy_with_logits"])
def test_losses_are_the_ones_of_minigrad_losses(name):
    assert getattr(F, name) is getattr(losses, name)
    params = inspect.signature(getattr(F, name)).parameters
    assert list(params)[:2] == ["input", "target"]
    assert params["reduction"].default == "mean"


def test_pytorch_argument_names_and_defaults():
    sig = {name: inspect.signature(getattr(F, name)).parameters for name in NAMES}
    assert sig["leaky_relu"]["negative_slope"].default == 0.01
    assert list(sig["linear"]) == ["input", "weight", "bias"]
    assert sig["linear"]["bias"].default is None
    assert sig["dropout"]["p"].default == 0.5
    assert sig["dropout"]["training"].default is True
    assert list(sig["softmax"])[:2] == ["input", "dim"]
    assert list(sig["log_softmax"])[:2] == ["input", "dim"]
    for name in ("relu", "tanh", "sigmoid"):
        assert list(sig[name])[0] == "input"


def test_activations_by_hand():
    x = mg.tensor([-2.0, 0.0, 3.0])
    assert F.relu(x).data.tolist() == [0.0, 0.0, 3.0]
    assert F.leaky_relu(x).data.tolist() == [-0.02, 0.0, 3.0]
    assert F.leaky_relu(x, negative_slope=0.5).data.tolist() == [-1.0, 0.0, 3.0]
    np.testing.assert_allclose(F.tanh(x).data, np.tanh([-2.0, 0.0, 3.0]))
    np.testing.assert_allclose(F.sigmoid(x).data, 1 / (1 + np.exp([2.0, 0.0, -3.0])))
    with pytest.raises(ValueError, match="inplace"):
        F.relu(x, inplace=True)


def test_softmax_and_log_softmax_along_dim():
    z = np.array([[1.0, 2.0], [3.0, 5.0]])
    by_cols = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True)
    by_rows = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(F.softmax(mg.tensor(z), dim=0).data, by_cols)
    np.testing.assert_allclose(F.softmax(mg.tensor(z), 1).data, by_rows)
    np.testing.assert_allclose(F.log_softmax(mg.tensor(z), dim=-1).data, np.log(by_rows))
    with pytest.raises(TypeError, match="pass dim="):
        F.softmax(mg.tensor(z))


def test_linear_is_x_wT_plus_b_and_differentiates():
    x = mg.tensor([[1.0, 2.0]], requires_grad=True)
    w = mg.tensor([[1.0, 0.0], [2.0, -1.0], [0.5, 0.5]], requires_grad=True)
    b = mg.tensor([0.0, 1.0, -1.0], requires_grad=True)
    y = F.linear(x, w, b)
    assert y.data.tolist() == [[1.0, 1.0, 0.5]]
    assert F.linear(x, w).data.tolist() == [[1.0, 0.0, 1.5]]
    y.sum().backward()
    assert w.grad.tolist() == [[1.0, 2.0]] * 3
    assert b.grad.tolist() == [1.0, 1.0, 1.0]
    assert x.grad.tolist() == [[3.5, -0.5]]


def test_l1_and_nll_by_hand():
    assert F.l1_loss(mg.tensor([1.0, -3.0, 0.5]), [0.0, 0.0, 0.5]).item() == pytest.approx(4 / 3)
    logp = mg.tensor([[-0.5, -1.0], [-2.0, -0.25]], requires_grad=True)
    loss = F.nll_loss(logp, [1, 0], reduction="sum")
    assert loss.item() == 3.0
    loss.backward()
    assert logp.grad.tolist() == [[0.0, -1.0], [-1.0, 0.0]]


def test_cross_entropy_is_nll_of_log_softmax():
    z = np.random.default_rng(0).normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    a = F.cross_entropy(mg.tensor(z), y, reduction="none").data
    b = F.nll_loss(F.log_softmax(mg.tensor(z), dim=1), y, reduction="none").data
    np.testing.assert_allclose(a, b)


def test_dropout_mask_statistics_with_a_seeded_generator():
    x = mg.tensor(np.ones((200, 500)), requires_grad=True)
    y = F.dropout(x, p=0.3, generator=np.random.default_rng(0))
    kept = y.data != 0
    # 100,000 Bernoulli(0.7) draws: the kept fraction is within 4 standard deviations
    assert abs(kept.mean() - 0.7) < 4 * np.sqrt(0.7 * 0.3 / kept.size)
    assert np.all(y.data[kept] == pytest.approx(1 / 0.7))
    assert y.data.mean() == pytest.approx(1.0, abs=0.01)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.where(kept, 1 / 0.7, 0.0))
    # the same seed, the same mask; the package generator restarts with mg.manual_seed
    np.testing.assert_array_equal(F.dropout(x, 0.3, generator=0).data,
                                  F.dropout(x, 0.3, generator=0).data)
    mg.manual_seed(5)
    first = F.dropout(x, 0.3).data
    mg.manual_seed(5)
    np.testing.assert_array_equal(F.dropout(x, 0.3).data, first)


def test_dropout_identity_when_not_training_and_edge_probabilities():
    x = mg.tensor([1.0, 2.0, 3.0])
    assert F.dropout(x, p=0.9, training=False) is x
    assert F.dropout(x, p=0.0) is x
    assert F.dropout(x, p=1.0).data.tolist() == [0.0, 0.0, 0.0]
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p=bad)

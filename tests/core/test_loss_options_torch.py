"""PyTorch's loss options (weight, ignore_index, label_smoothing, pos_weight, class
probabilities, (K,) and (N, K, d) inputs), values and gradients against torch in float64.
Without torch, hand-computed cases in test_loss_options_by_hand cover the same arithmetic."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

RNG = np.random.default_rng(0)
Z = RNG.normal(size=(6, 4)) * 3
LABELS = np.array([0, 3, 1, -100, 2, 3])
WEIGHT = np.array([0.5, 2.0, 1.0, 3.0])
Z3 = RNG.normal(size=(3, 4, 5))
LABELS3 = RNG.integers(0, 4, size=(3, 5))
PROBS = RNG.dirichlet(np.ones(4), size=6)

CASES = {
    "ce plain": ("cross_entropy", Z, np.where(LABELS < 0, 1, LABELS), {}),
    "ce weight": ("cross_entropy", Z, np.where(LABELS < 0, 1, LABELS), {"weight": WEIGHT}),
    "ce ignore": ("cross_entropy", Z, LABELS, {}),
    "ce ignore weight": ("cross_entropy", Z, LABELS, {"weight": WEIGHT}),
    "ce ignore custom": ("cross_entropy", Z, np.where(LABELS < 0, 2, LABELS),
                         {"ignore_index": 2}),
    "ce smoothing": ("cross_entropy", Z, LABELS, {"label_smoothing": 0.2}),
    "ce smoothing weight": ("cross_entropy", Z, LABELS,
                            {"label_smoothing": 0.1, "weight": WEIGHT}),
    "ce probabilities": ("cross_entropy", Z, PROBS, {}),
    "ce probabilities weight smoothing": ("cross_entropy", Z, PROBS,
                                          {"weight": WEIGHT, "label_smoothing": 0.3}),
    "ce unbatched": ("cross_entropy", Z[0], np.array(2), {}),
    "ce spatial": ("cross_entropy", Z3, LABELS3, {"weight": WEIGHT}),
    "ce spatial smoothing": ("cross_entropy", Z3, LABELS3, {"label_smoothing": 0.25}),
    "nll weight ignore": ("nll_loss", Z, LABELS, {"weight": WEIGHT}),
    "nll spatial": ("nll_loss", Z3, LABELS3, {}),
    "bce weight": ("binary_cross_entropy", 1 / (1 + np.exp(-Z)), (Z > 0.5) * 1.0,
                   {"weight": np.linspace(0.5, 2, 4)}),
    "bce logits weight": ("binary_cross_entropy_with_logits", Z, (Z > 0.5) * 1.0,
                          {"weight": np.linspace(0.5, 2, 4)}),
    "bce logits pos_weight": ("binary_cross_entropy_with_logits", Z, (Z > 0.5) * 1.0,
                              {"pos_weight": np.array([1.0, 2.0, 0.5, 3.0])}),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", list(CASES))
def test_loss_options_match_torch(case, reduction):
    torch = require_module("torch")
    name, z, target, options = CASES[case]
    ours_in = mg.tensor(z, requires_grad=True)
    ours = getattr(mg.nn.functional, name)(ours_in, target, reduction=reduction, **options)
    theirs_in = torch.tensor(z, requires_grad=True)
    torch_options = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v
                     for k, v in options.items()}
    torch_target = torch.tensor(target)
    theirs = getattr(torch.nn.functional, name)(theirs_in, torch_target, reduction=reduction,
                                                **torch_options)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    seed = np.linspace(-1, 1, ours.data.size).reshape(ours.shape)
    ours.backward(seed)
    theirs.backward(torch.tensor(seed))
    np.testing.assert_allclose(ours_in.grad, theirs_in.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_loss_modules_take_torch_options():
    torch = require_module("torch")
    z = torch.tensor(Z)
    for ours, theirs, target in [
        (mg.nn.CrossEntropyLoss(weight=WEIGHT, ignore_index=3, label_smoothing=0.1),
         torch.nn.CrossEntropyLoss(weight=torch.tensor(WEIGHT), ignore_index=3,
                                   label_smoothing=0.1), np.where(LABELS < 0, 1, LABELS)),
        (mg.nn.NLLLoss(weight=WEIGHT, reduction="sum"),
         torch.nn.NLLLoss(weight=torch.tensor(WEIGHT), reduction="sum"), LABELS),
        (mg.nn.BCEWithLogitsLoss(pos_weight=np.full(4, 2.0)),
         torch.nn.BCEWithLogitsLoss(pos_weight=torch.full((4,), 2.0)), (Z > 0) * 1.0),
        (mg.nn.BCELoss(weight=np.full(4, 0.5)),
         torch.nn.BCELoss(weight=torch.full((4,), 0.5)), (Z > 0) * 1.0),
    ]:
        x = Z if not isinstance(ours, mg.nn.BCELoss) else 1 / (1 + np.exp(-Z))
        tx = z if not isinstance(ours, mg.nn.BCELoss) else torch.sigmoid(z)
        np.testing.assert_allclose(ours(x, target).item(), theirs(tx, torch.tensor(target)).item(),
                                   rtol=1e-12)


def test_loss_options_by_hand():
    z = np.log(np.array([[0.5, 0.25, 0.25], [0.2, 0.2, 0.6]]))    # rows are log-probabilities
    # weight: -(w0 log .5 + w2 log .6) / (w0 + w2)
    w = np.array([2.0, 1.0, 3.0])
    expected = -(2 * np.log(0.5) + 3 * np.log(0.6)) / 5
    assert np.isclose(mg.losses.cross_entropy(z, [0, 2], weight=w).item(), expected)
    # ignore_index drops the second example from the sum and from the count
    assert np.isclose(mg.losses.cross_entropy(z, [0, -100]).item(), -np.log(0.5))
    # label smoothing 0.3 with K=3: target (0.8, 0.1, 0.1) on the first row
    expected = -(0.8 * np.log(0.5) + 0.1 * np.log(0.25) + 0.1 * np.log(0.25))
    assert np.isclose(mg.losses.cross_entropy(z[:1], [0], label_smoothing=0.3).item(), expected)
    # probabilities as targets equal the same smoothing written out
    got = mg.losses.cross_entropy(z[:1], np.array([[0.8, 0.1, 0.1]])).item()
    assert np.isclose(got, expected)
    # pos_weight scales the positive term only: -2 log sigmoid(0) for a positive label
    got = mg.losses.binary_cross_entropy_with_logits(np.zeros(2), [1.0, 0.0], pos_weight=2.0,
                                                     reduction="none").data
    np.testing.assert_allclose(got, [2 * np.log(2), np.log(2)])
    # every label ignored: nan, as in PyTorch
    with np.errstate(invalid="ignore"):
        assert np.isnan(mg.losses.cross_entropy(z, [-100, -100]).item())


def test_bad_loss_options_are_explained():
    z = np.zeros((2, 3))
    with pytest.raises(mg.ShapeError, match=r"one value per class, shape \(3,\)"):
        mg.losses.cross_entropy(z, [0, 1], weight=np.ones(2))
    with pytest.raises(ValueError, match="label 7 is outside 0..2"):
        mg.losses.cross_entropy(z, [0, 7])
    with pytest.raises(ValueError, match="label_smoothing"):
        mg.losses.cross_entropy(z, [0, 1], label_smoothing=1.5)
    with pytest.raises(mg.ShapeError, match=r"class labels of shape \(2,\)"):
        mg.losses.cross_entropy(z, [0, 1, 2])

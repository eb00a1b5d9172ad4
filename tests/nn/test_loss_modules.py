"""Loss modules (nn.MSELoss, ...): PyTorch's names and reduction="mean" default, each the
function of the same name in minigrad.losses; checked by hand (torch: test_nn_torch.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import losses

Z = np.array([[2.0, 0.0, -1.0], [0.5, 1.0, 0.0]])
LABELS = np.array([0, 2])
CASES = [
    ("MSELoss", "mse_loss", np.array([1.0, 3.0]), np.array([0.0, 1.0])),
    ("L1Loss", "l1_loss", np.array([1.0, -3.0]), np.array([0.0, 1.0])),
    ("CrossEntropyLoss", "cross_entropy", Z, LABELS),
    ("NLLLoss", "nll_loss", np.log(np.array([[0.2, 0.8], [0.6, 0.4]])), np.array([1, 0])),
    ("BCELoss", "bce", np.array([0.9, 0.2]), np.array([1.0, 0.0])),
    ("BCEWithLogitsLoss", "binary_cross_entropy_with_logits", np.array([2.0, -1.0]),
     np.array([1.0, 0.0])),
]
FUNCTION = {"bce": "binary_cross_entropy"}


@pytest.mark.parametrize("cls, fn, x, y", CASES)
def test_module_is_its_loss_function_with_default_mean(cls, fn, x, y):
    f = getattr(losses, FUNCTION.get(fn, fn))
    module = getattr(mg.nn, cls)()
    assert module.reduction == "mean"
    assert module(mg.tensor(x), y).item() == pytest.approx(f(x, y).item())
    for reduction in ("sum", "none"):
        np.testing.assert_allclose(getattr(mg.nn, cls)(reduction=reduction)(x, y).data,
                                   f(x, y, reduction=reduction).data)
    assert repr(module) == f"{cls}()"
    assert repr(getattr(mg.nn, cls)(reduction="sum")) == f"{cls}(reduction='sum')"


def test_hand_computed_values():
    assert mg.nn.MSELoss()(mg.tensor([1.0, 3.0]), [0.0, 1.0]).item() == 2.5
    assert mg.nn.L1Loss(reduction="sum")(mg.tensor([1.0, -3.0]), [0.0, 1.0]).item() == 5.0
    nll = mg.nn.NLLLoss()(mg.tensor([[-1.0, -2.0], [-3.0, -4.0]]), [1, 0])
    assert nll.item() == 2.5
    ce = mg.nn.CrossEntropyLoss(reduction="none")(mg.tensor([[0.0, 0.0]]), [1])
    assert ce.data.tolist() == pytest.approx([np.log(2.0)])


def test_gradient_flows_through_a_loss_module():
    x = mg.tensor([1.0, 3.0], requires_grad=True)
    mg.nn.MSELoss()(x, [0.0, 1.0]).backward()
    assert x.grad.tolist() == [1.0, 2.0]          # d/dx mean((x - y)^2) = (x - y)


def test_unknown_reduction_is_refused_when_made():
    with pytest.raises(ValueError, match="reduction='avg'"):
        mg.nn.MSELoss(reduction="avg")

"""Convolution and pooling against PyTorch float64: values, gradients and (for the
convolutions) Hessian-vector products, one row per call (``tests/torch_table.py``);
then ``nn.Conv2d`` with its weights copied into torch's."""

import numpy as np
import pytest
from optional_tools import require_module
from torch_table import Row, check_row

import minigrad as mg
import minigrad.nn.functional as F

RNG = np.random.default_rng(14)
#: torch warns that it copies the input for 'same' with an even kernel: not our concern.
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def normal(*shape):
    return RNG.normal(size=shape)


def distinct(*shape):
    """Pairwise distinct values, so no window of a max pooling has a tie."""
    return (RNG.permutation(int(np.prod(shape))).reshape(shape) - 10.0) * 0.3


def tf():
    return require_module("torch").nn.functional


def conv_row(name, shapes, **kwargs):
    d = len(shapes[0]) - 2
    ours = F.conv1d if d == 1 else F.conv2d
    return Row(name, lambda x, w, b: ours(x, w, b, **kwargs),
               lambda x, w, b: getattr(tf(), f"conv{d}d")(x, w, b, **kwargs),
               tuple(normal(*s) for s in shapes))


ROWS = [
    conv_row("conv2d", [(2, 3, 6, 5), (4, 3, 3, 3), (4,)]),
    conv_row("conv2d stride padding", [(2, 2, 7, 6), (3, 2, 3, 2), (3,)], stride=2, padding=1),
    conv_row("conv2d same dilation", [(1, 2, 6, 7), (2, 2, 4, 3), (2,)], padding="same",
             dilation=(1, 2)),
    conv_row("conv2d valid tuple stride", [(2, 1, 8, 8), (3, 1, 3, 3), (3,)],
             padding="valid", stride=(2, 3)),
    conv_row("conv1d", [(2, 3, 9), (4, 3, 3), (4,)], stride=2, padding=1, dilation=2),
    conv_row("conv1d same even kernel", [(1, 2, 7), (3, 2, 4), (3,)], padding="same"),
    Row("max_pool2d", lambda x: F.max_pool2d(x, 2), lambda x: tf().max_pool2d(x, 2),
        (distinct(2, 3, 6, 6),), smooth=False),
    Row("max_pool2d stride padding dilation",
        lambda x: F.max_pool2d(x, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2)),
        lambda x: tf().max_pool2d(x, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2)),
        (distinct(1, 2, 7, 8),), smooth=False),
    # Average pooling is linear: its Hessian is zero and its gradient a constant
    # (no graph to differentiate again), so the rows compare value and gradient.
    Row("avg_pool2d", lambda x: F.avg_pool2d(x, 2), lambda x: tf().avg_pool2d(x, 2),
        (normal(2, 3, 6, 6),), smooth=False),
    Row("avg_pool2d padding count_include_pad=False",
        lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        lambda x: tf().avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False),
        (normal(1, 2, 7, 6),), smooth=False),
    Row("avg_pool2d divisor_override", lambda x: F.avg_pool2d(x, (2, 3), divisor_override=4),
        lambda x: tf().avg_pool2d(x, (2, 3), divisor_override=4), (normal(1, 2, 6, 6),),
        smooth=False),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_matches_torch(row):
    check_row(row)


def test_conv2d_module_with_copied_weights_matches_torch():
    torch = require_module("torch")
    ours = mg.nn.Conv2d(3, 5, (3, 2), stride=(1, 2), padding=1, dtype=mg.float64, rng=0)
    theirs = torch.nn.Conv2d(3, 5, (3, 2), stride=(1, 2), padding=1, dtype=torch.float64)
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            getattr(theirs, name).copy_(torch.tensor(np.asarray(value)))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = normal(2, 3, 6, 7)
    w = normal(2, 5, 6, 4)
    out = ours(mg.tensor(x))
    (out * w).sum().backward()
    xt = torch.tensor(x)
    expected = theirs(xt)
    (expected * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(out.data, expected.detach().numpy(), rtol=1e-12, atol=1e-12)
    for name in ("weight", "bias"):
        np.testing.assert_allclose(getattr(ours, name).grad,
                                   getattr(theirs, name).grad.numpy(), rtol=1e-10, atol=1e-12)


def test_conv2d_initialization_has_torchs_bounds():
    torch = require_module("torch")
    theirs = torch.nn.Conv2d(4, 6, 5)
    ours = mg.nn.Conv2d(4, 6, 5, rng=0)
    bound = 1 / np.sqrt(4 * 25)
    for module in (theirs.weight.detach().numpy(), ours.weight.data,
                   theirs.bias.detach().numpy(), ours.bias.data):
        assert np.abs(module).max() <= bound

"""nn.LayerNorm and F.layer_norm by hand: PyTorch's arguments and defaults, the biased
variance over the trailing dims, gradients by finite differences, loud shape errors
(the comparison with torch is in test_layer_norm_torch.py)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn


def by_hand(x, k, weight=None, bias=None, eps=1e-5):
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)      # divided by n, not n - 1
    y = (x - mean) / np.sqrt(var + eps)
    return y * (1 if weight is None else weight) + (0 if bias is None else bias)


X = np.random.default_rng(0).normal(2.0, 3.0, size=(4, 3, 5))


@pytest.mark.parametrize("normalized_shape, k", [(5, 1), ((5,), 1), ([3, 5], 2),
                                                 ((4, 3, 5), 3)])
def test_layer_norm_normalizes_the_trailing_dims(normalized_shape, k):
    shape = X.shape[X.ndim - k:]
    w = np.random.default_rng(1).normal(size=shape)
    b = np.random.default_rng(2).normal(size=shape)
    np.testing.assert_allclose(F.layer_norm(X, normalized_shape).data, by_hand(X, k),
                               rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(F.layer_norm(X, normalized_shape, w, b, eps=0.1).data,
                               by_hand(X, k, w, b, eps=0.1), rtol=1e-12, atol=1e-13)


def test_layer_norm_module_defaults_and_parameters():
    norm = nn.LayerNorm(5)
    assert norm.normalized_shape == (5,) and norm.eps == 1e-5 and norm.elementwise_affine
    np.testing.assert_array_equal(norm.weight.data, np.ones(5))
    np.testing.assert_array_equal(norm.bias.data, np.zeros(5))
    assert list(norm.state_dict()) == ["weight", "bias"]
    assert norm.weight.dtype == np.float64
    np.testing.assert_allclose(norm(X).data, by_hand(X, 1), rtol=1e-12, atol=1e-13)
    assert nn.LayerNorm([3, 5], bias=False).bias is None
    assert list(nn.LayerNorm([3, 5], bias=False).state_dict()) == ["weight"]
    frozen = nn.LayerNorm(5, elementwise_affine=False)
    assert frozen.parameters() == [] and frozen.weight is None and frozen.bias is None
    assert nn.LayerNorm(5, dtype=np.float32).weight.dtype == np.float32
    assert repr(nn.LayerNorm((3, 5), eps=1e-3)) == (
        "LayerNorm((3, 5), eps=0.001, elementwise_affine=True, bias=True)")


def test_layer_norm_gradients_by_finite_differences():
    x = mg.tensor(X[:2, :2], requires_grad=True)
    w = mg.tensor(np.linspace(0.5, 1.5, 5), requires_grad=True)
    b = mg.tensor(np.linspace(-1, 1, 5), requires_grad=True)
    probe = np.random.default_rng(3).normal(size=(2, 2, 5))
    assert mg.gradcheck(lambda x, w, b: (F.layer_norm(x, 5, w, b) * probe).sum(), (x, w, b))
    assert mg.gradcheck(lambda x: (F.layer_norm(x, (2, 5)) * probe).sum(), (x,))


def test_layer_norm_shape_mistakes_are_loud():
    with pytest.raises(mg.ShapeError, match=r"normalized_shape \(3,\) must be the last "
                                            r"dimensions of the input.*\(4, 3, 5\)"):
        F.layer_norm(X, 3)
    with pytest.raises(mg.ShapeError, match="last dimensions"):
        nn.LayerNorm((2, 3, 4, 5))(X)
    with pytest.raises(ValueError, match="at least one trailing dimension"):
        nn.LayerNorm(())
    with pytest.raises(RuntimeError, match="only .*CPU|CPU"):
        nn.LayerNorm(5, device="cuda")

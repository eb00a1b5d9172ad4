"""minigrad.nn.layers and activation: the Linear formula, activations, Sequential and MLP,
and gradients of whole networks against finite differences."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


def test_linear_matches_the_numpy_formula():
    rng = np.random.default_rng(3)
    layer = nn.Linear(4, 3, rng=rng)
    assert layer.weight.shape == (3, 4) and layer.bias.shape == (3,)
    layer.bias.data[...] = rng.normal(size=3)
    x = rng.normal(size=(5, 4))
    y = layer(x)
    np.testing.assert_allclose(y.data, x @ layer.weight.data.T + layer.bias.data)
    # and for a single example (1-D input)
    np.testing.assert_allclose(layer(x[0]).data, layer.weight.data @ x[0] + layer.bias.data)
    assert nn.Linear(4, 3, bias=False, rng=0).bias is None
    assert nn.Linear(4, 3, bias=False, rng=0).num_parameters() == 12


def test_linear_gradients_match_the_formula():
    layer = nn.Linear(3, 2, rng=0)
    x = np.random.default_rng(1).normal(size=(4, 3))
    g = np.random.default_rng(2).normal(size=(4, 2))
    layer(x).backward(g)
    np.testing.assert_allclose(layer.weight.grad, g.T @ x)
    np.testing.assert_allclose(layer.bias.grad, g.sum(axis=0))


def test_linear_wrong_input_size_explains():
    with pytest.raises(mg.ShapeError, match="last axis must have 3 features"):
        nn.Linear(3, 2, rng=0)(np.ones((5, 4)))


def test_activations():
    x = mg.tensor([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.ReLU()(x).data, [0.0, 0.0, 3.0])
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).data, [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(nn.Tanh()(x).data, np.tanh(x.data))
    np.testing.assert_allclose(nn.Sigmoid()(x).data, 1 / (1 + np.exp(-x.data)))
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"


def test_leaky_relu_gradient_uses_the_slope_at_and_below_zero():
    x = mg.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    nn.LeakyReLU(0.1)(x).sum().backward()
    np.testing.assert_allclose(x.grad, [0.1, 0.1, 1.0])


def test_sequential_indexing_and_repr():
    net = nn.MLP([2, 4, 4, 3], activation="tanh", seed=0)
    assert len(net) == 5 and isinstance(net[1], nn.Tanh)
    assert net[0].init == "glorot"                   # tanh -> Glorot by default
    head = net[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    assert net[0].weight.name == "0.weight"          # slicing does not rename
    text = repr(net)
    assert text.splitlines()[0] == "MLP("
    assert "(4): Linear(in_features=4, out_features=3, bias=True, init='glorot')" in text
    with pytest.raises(TypeError, match="Modules"):
        nn.Sequential(mg.relu)


def test_mlp_rejects_bad_sizes_and_activation():
    with pytest.raises(ValueError, match="at least an input and an output"):
        nn.MLP([3])
    with pytest.raises(ValueError, match="unknown activation"):
        nn.MLP([2, 2], activation="swish")
    with pytest.raises(ValueError, match="unknown initialization"):
        nn.Linear(2, 2, init="orthogonal")


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_mlp_gradients_pass_gradcheck(activation):
    net = nn.MLP([3, 4, 4, 2], activation=activation, seed=1)
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 3))
    # Random biases: with zero biases a unit whose inputs are all cut to zero by
    # the ReLU below sits exactly on its kink, where finite differences disagree
    # with the convention relu'(0) = 0.
    for layer in net:
        if isinstance(layer, nn.Linear):
            layer.bias.data[...] = rng.normal(size=layer.bias.shape)
    params = tuple(net.parameters())
    assert mg.gradcheck(lambda *ps: nn.functional_call(net, ps, x), params)
    # the input too, through the same network
    assert mg.gradcheck(lambda xt: net(xt), (x,))


def test_smooth_mlp_second_derivatives_pass_gradgradcheck():
    net = nn.MLP([2, 3, 1], activation="tanh", seed=0)
    x = np.random.default_rng(0).normal(size=(4, 2))
    assert mg.gradgradcheck(lambda *ps: nn.functional_call(net, ps, x).sum(),
                            tuple(net.parameters()))


def test_linear_starts_as_torchs_by_default_from_the_package_generator():
    # PyTorch's nn.Linear: weight and bias uniform on +-1/sqrt(in_features).
    layer = nn.Linear(16, 300)
    assert layer.init is None and layer.weight.dtype == np.float64
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= 0.25 and np.abs(p.data).max() > 0.24
    assert abs(layer.weight.data.var() / (0.25 ** 2 / 3) - 1) < 0.05     # uniform's variance
    mg.manual_seed(4)
    a = nn.Linear(3, 2)
    mg.manual_seed(4)
    b = nn.Linear(3, 2)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    # rng= draws the same as the package generator restarted from that seed
    mg.manual_seed(9)
    np.testing.assert_array_equal(nn.Linear(3, 2, rng=9).weight.data, nn.Linear(3, 2).weight.data)
    assert repr(a) == "Linear(in_features=3, out_features=2, bias=True)"
    assert nn.Linear(3, 2, dtype=np.float32).bias.dtype == np.float32


def test_linear_dtype_follows_the_package_default(monkeypatch):
    # mg.get_default_dtype (PyTorch's), where the package has it.
    from minigrad import creation
    monkeypatch.setattr(creation, "get_default_dtype", lambda: np.float32, raising=False)
    assert nn.Linear(2, 2).weight.dtype == np.float32
    assert nn.LayerNorm(2).weight.dtype == np.float32
    assert nn.Linear(2, 2, dtype=np.float64).weight.dtype == np.float64


def test_book_initializations_stay_available_and_mlp_keeps_them():
    he = nn.Linear(200, 100, init="he", rng=0)
    np.testing.assert_array_equal(he.bias.data, np.zeros(100))           # the book's zeros
    np.testing.assert_array_equal(he.weight.data, nn.init.he_normal((100, 200), rng=0))
    assert repr(he).endswith("init='he')")
    glorot = nn.Linear(3, 2, init="glorot", rng=1)
    np.testing.assert_array_equal(glorot.weight.data, nn.init.glorot_normal((2, 3), rng=1))
    # MLP: He for ReLU, Glorot for tanh, zero biases, drawn from its seed in order
    for activation, book in [("relu", nn.init.he_normal), ("tanh", nn.init.glorot_normal)]:
        net = nn.MLP([2, 3, 1], activation=activation, seed=5)
        rng = np.random.default_rng(5)
        np.testing.assert_array_equal(net[0].weight.data, book((3, 2), rng))
        np.testing.assert_array_equal(net[2].weight.data, book((1, 3), rng))
        assert not net[0].bias.data.any() and not net[2].bias.data.any()
    with pytest.raises(mg.ShapeError, match="returned an array of shape \\(\\)"):
        nn.Linear(2, 2, init=lambda shape, rng: 0.5)

"""mg.nn and mg.init: registration, state, modes, the Linear formula, initial variances,
and gradients of whole networks against finite differences."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import init, nn


class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(np.array([2.0]), name="a")
        self.inner = nn.Linear(1, 1, rng=0)
        self.b = nn.Parameter(np.array([1.0]), name="b")

    def forward(self, x):
        return self.inner(x) * self.a + self.b


# ------------------------------------------------------------ parameters
def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter([1.0, 2.0], name="w")
    assert isinstance(p, mg.Tensor)
    assert p.requires_grad and p.is_leaf and p.name == "w"
    (p * p).sum().backward()
    np.testing.assert_array_equal(p.grad, [2.0, 4.0])
    assert "Parameter(" in repr(p) and "name='w'" in repr(p)


def test_parameter_rejects_integer_data_only_if_not_converted():
    # integers become float64, as for mg.tensor
    assert nn.Parameter([1, 2]).dtype == np.float64


def test_named_parameters_are_dotted_and_in_assignment_order():
    model = Affine()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["a", "b", "inner.weight", "inner.bias"]
    assert [p.shape for p in model.parameters()] == [(1,), (1,), (1, 1), (1,)]
    mlp = nn.MLP([2, 3, 4, 1], seed=0)
    assert [n for n, _ in mlp.named_parameters()] == [
        "0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    # parameters of an MLP carry their dotted names (for draw and gradcheck reports)
    assert mlp[2].weight.name == "2.weight"


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(2, 2, rng=0)
    net = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(net.parameters()) == 2


def test_reassigning_an_attribute_unregisters_it():
    model = Affine()
    model.a = 3.0
    assert "a" not in dict(model.named_parameters())
    del model.b
    assert "b" not in dict(model.named_parameters())


def test_forgetting_super_init_explains():
    class Broken(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(1.0)

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_zero_grad_clears_every_gradient():
    model = nn.MLP([2, 3, 1], seed=0)
    model(np.ones((4, 2))).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_optimizer_accepts_a_module():
    model = nn.MLP([2, 3, 1], seed=0)
    opt = mg.optim.GD(model, lr=0.1)
    before = model[0].weight.data.copy()
    model(np.ones((4, 2))).sum().backward()
    opt.step()
    assert not np.allclose(before, model[0].weight.data)


# --------------------------------------------------------------- state
def test_state_dict_round_trip_through_npz(tmp_path):
    a = nn.MLP([2, 5, 3], seed=1)
    b = nn.MLP([2, 5, 3], seed=2)
    x = np.random.default_rng(0).normal(size=(6, 2))
    assert not np.allclose(a(x).data, b(x).data)
    weight_array = b[0].weight.data
    path = a.save(tmp_path / "sub" / "model")
    assert path.endswith("model.npz")
    b.load(path)
    np.testing.assert_array_equal(a(x).data, b(x).data)
    assert b[0].weight.data is weight_array          # loaded in place
    state = a.state_dict()
    state["0.weight"][...] = 0.0                      # a copy: the model is unchanged
    assert np.any(a[0].weight.data != 0)


def test_load_state_dict_names_missing_unexpected_and_bad_shapes():
    model = nn.MLP([2, 3, 1], seed=0)
    state = model.state_dict()
    del state["2.bias"]
    state["extra"] = np.zeros(2)
    with pytest.raises(KeyError, match="missing \\['2.bias'\\].*unexpected \\['extra'\\]"):
        model.load_state_dict(state)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert missing == ["2.bias"] and unexpected == ["extra"]
    wrong = nn.MLP([2, 4, 1], seed=0).state_dict()
    with pytest.raises(mg.ShapeError, match="'0.weight' has shape \\(3, 2\\)"):
        model.load_state_dict(wrong)


def test_train_and_eval_set_the_flag_on_every_submodule():
    model = Affine()
    assert model.training and model.inner.training
    assert model.eval() is model
    assert not model.training and not model.inner.training
    model.train()
    assert model.training and model.inner.training


# --------------------------------------------------------------- layers
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


def test_linear_seeding_is_reproducible():
    a = nn.Linear(3, 4, rng=7).weight.data
    b = nn.Linear(3, 4, rng=np.random.default_rng(7)).weight.data
    np.testing.assert_array_equal(a, b)
    nn.manual_seed(5)
    c = nn.Linear(3, 4).weight.data.copy()
    d = nn.Linear(3, 4).weight.data.copy()
    nn.manual_seed(5)
    np.testing.assert_array_equal(c, nn.Linear(3, 4).weight.data)
    assert not np.allclose(c, d)          # consecutive layers differ


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


def test_module_call_opens_a_scope_per_layer():
    net = nn.MLP([2, 3, 1], seed=0)
    loss = net(np.ones((2, 2))).sum()
    source = mg.draw(loss, collapse=True).source
    assert "Linear 0" in source and "Linear 2" in source


# ----------------------------------------------------------- initialization
@pytest.mark.parametrize("name, variance", [
    ("he_normal", lambda fi, fo: 2.0 / fi),
    ("he_uniform", lambda fi, fo: 2.0 / fi),
    ("glorot_normal", lambda fi, fo: 2.0 / (fi + fo)),
    ("glorot_uniform", lambda fi, fo: 2.0 / (fi + fo)),
])
def test_init_variances(name, variance):
    fan_out, fan_in = 300, 200
    W = getattr(init, name)((fan_out, fan_in), rng=np.random.default_rng(0))
    n = W.size
    expected = variance(fan_in, fan_out)
    # The sample variance of n iid draws has relative standard error about
    # sqrt(2 / n) (normal) or less (uniform): 6 standard errors is a safe bound.
    assert abs(W.var() / expected - 1) < 6 * np.sqrt(2.0 / n)
    assert abs(W.mean()) < 6 * np.sqrt(expected / n)
    if "uniform" in name:
        assert np.abs(W).max() <= np.sqrt(3 * expected) + 1e-12
    np.testing.assert_array_equal(W, getattr(init, name)((fan_out, fan_in), rng=0))


def test_he_keeps_the_second_moment_of_relu_activations_through_depth():
    rng = np.random.default_rng(0)
    width, depth = 256, 20
    x = rng.normal(size=(512, width))
    h = x
    for _ in range(depth):
        h = np.maximum(h @ init.he_normal((width, width), rng).T, 0.0)
    ratio = np.mean(h ** 2) / np.mean(x ** 2)
    assert 0.3 < ratio < 3.0          # a factor 1 per layer, up to sampling noise
    h = x
    for _ in range(depth):
        h = np.maximum(h @ init.glorot_normal((width, width), rng).T, 0.0)
    assert np.mean(h ** 2) / np.mean(x ** 2) < 1e-4   # a factor 1/2 per layer


def test_custom_init_callable():
    layer = nn.Linear(3, 2, init=lambda shape, rng: np.full(shape, 0.5))
    np.testing.assert_array_equal(layer.weight.data, np.full((2, 3), 0.5))


# --------------------------------------------------------------- gradients
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


def test_functional_call_restores_the_module_and_checks_names():
    net = nn.Linear(2, 1, rng=0)
    W = net.weight
    out = nn.functional_call(net, {"weight": np.zeros((1, 2))}, np.ones((3, 2)))
    np.testing.assert_array_equal(out.data, np.zeros((3, 1)))
    assert net.weight is W
    with pytest.raises(KeyError, match="not parameters"):
        nn.functional_call(net, {"wieght": np.zeros((1, 2))}, np.ones((3, 2)))
    with pytest.raises(ValueError, match="1 values for the 2 parameters"):
        nn.functional_call(net, [np.zeros((1, 2))], np.ones((3, 2)))

"""minigrad.nn.modules: Parameter and Module (registration, state, modes, the scope a
call opens) and functional_call."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.errors import StateDictError


class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(np.array([2.0]), name="a")
        self.inner = nn.Linear(1, 1, rng=0)
        self.b = nn.Parameter(np.array([1.0]), name="b")

    def forward(self, x):
        return self.inner(x) * self.a + self.b


def test_parameter_is_a_leaf_that_requires_grad():
    p = nn.Parameter([1.0, 2.0], name="w")
    assert isinstance(p, mg.Tensor)
    assert p.requires_grad and p.is_leaf and p.name == "w"
    (p * p).sum().backward()
    np.testing.assert_array_equal(p.grad, [2.0, 4.0])
    assert "Parameter(" in repr(p) and "name='w'" in repr(p)


def test_parameter_refuses_integer_data_as_torch_does():
    with pytest.raises(mg.DTypeError, match="floating-point"):
        nn.Parameter([1, 2])
    assert nn.Parameter([1.0, 2.0]).dtype == np.float64


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


def test_deleting_an_attribute_unregisters_it():
    model = Affine()
    del model.b
    assert "b" not in dict(model.named_parameters())
    model.b = 3.0                                      # a plain attribute now
    assert "b" not in dict(model.named_parameters()) and model.b == 3.0
    del model.inner
    model.inner = mg.tensor(1.0)
    assert list(dict(model.named_parameters())) == ["a"]


@pytest.mark.parametrize("value", [mg.tensor([[0.5]]), np.array([[0.5]]), 0.5],
                         ids=["tensor", "ndarray", "float"])
def test_assigning_a_non_parameter_over_a_parameter_is_refused(value):
    # It used to unregister the parameter silently: the optimizer, state_dict()
    # and save() no longer saw it.  PyTorch raises TypeError.
    lin = nn.Linear(1, 1, rng=0)
    weight = lin.weight
    with pytest.raises(TypeError) as info:
        lin.weight = value
    message = str(info.value)
    kind = {"Tensor": "minigrad.Tensor", "ndarray": "numpy.ndarray", "float": "float"}[
        type(value).__name__]
    assert message.startswith(f"cannot assign '{kind}' as parameter 'weight' "
                              f"(minigrad.nn.Parameter or None expected)"), message
    assert lin.weight is weight and lin.parameters()[0] is weight


def test_assigning_a_parameter_replaces_it_in_place_of_the_order():
    lin = nn.Linear(2, 1, rng=0)
    new = nn.Parameter(np.ones((1, 2)), name="weight")
    lin.weight = new
    assert [(n, p) for n, p in lin.named_parameters()][0] == ("weight", new)
    assert list(lin.state_dict()) == ["weight", "bias"]          # same order as before
    np.testing.assert_array_equal(lin(np.ones((1, 2))).data, [[2.0 + lin.bias.item()]])


def test_assigning_none_empties_the_slot_and_a_parameter_fills_it_again():
    lin = nn.Linear(2, 1, rng=0)
    lin.bias = None
    assert lin.bias is None
    assert list(lin.state_dict()) == ["weight"] and len(lin.parameters()) == 1
    np.testing.assert_array_equal(lin(np.zeros((1, 2))).data, [[0.0]])
    assert "bias=False" in repr(lin)
    net = nn.functional_call(lin, {"weight": np.ones((1, 2))}, np.ones((1, 2)))
    np.testing.assert_array_equal(net.data, [[2.0]])
    with pytest.raises(TypeError, match="as parameter 'bias'"):
        lin.bias = mg.tensor([1.0])                     # still a parameter slot
    lin.bias = nn.Parameter([1.0])
    assert list(lin.state_dict()) == ["weight", "bias"]


def test_assigning_a_non_module_over_a_submodule_is_refused():
    model = Affine()
    with pytest.raises(TypeError, match="cannot assign 'minigrad.Tensor' as child module "
                                        "'inner'"):
        model.inner = mg.tensor(1.0)
    assert "inner.weight" in dict(model.named_parameters())
    model.inner = None
    assert list(dict(model.named_parameters())) == ["a", "b"]
    assert list(model.children()) == []


def test_register_parameter_checks_its_argument():
    model = Affine()
    with pytest.raises(TypeError, match="as parameter 'c'"):
        model.register_parameter("c", mg.tensor(1.0))
    model.register_parameter("c", None)
    assert "c" not in dict(model.named_parameters())
    model.c = nn.Parameter(2.0)
    assert list(dict(model.named_parameters()))[:3] == ["a", "b", "c"]


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
    before = model.state_dict()
    # PyTorch raises RuntimeError; KeyError is kept for code that caught it before.
    for kind in (RuntimeError, KeyError, StateDictError):
        with pytest.raises(kind, match="missing key\\(s\\) in state_dict: \\['2.bias'\\]\n"
                                       "\tunexpected key\\(s\\) in state_dict: \\['extra'\\]"):
            model.load_state_dict(state)
    missing, unexpected = result = model.load_state_dict(state, strict=False)
    assert missing == ["2.bias"] and unexpected == ["extra"]
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["extra"]
    wrong = nn.MLP([2, 4, 1], seed=1).state_dict()
    for strict in (True, False):        # a size mismatch is an error either way, as in PyTorch
        with pytest.raises(StateDictError, match="size mismatch for 0.weight: copying a "
                                                 "value of shape \\(4, 2\\) from the state, "
                                                 "the shape in the current model is \\(3, 2\\)"):
            model.load_state_dict(wrong, strict=strict)
    for name, value in model.state_dict().items():          # nothing was half loaded
        np.testing.assert_array_equal(value, before[name])


def test_train_and_eval_set_the_flag_on_every_submodule():
    model = Affine()
    assert model.training and model.inner.training
    assert model.eval() is model
    assert not model.training and not model.inner.training
    model.train()
    assert model.training and model.inner.training


def test_module_call_opens_a_scope_per_layer():
    net = nn.MLP([2, 3, 1], seed=0)
    loss = net(np.ones((2, 2))).sum()
    source = mg.draw(loss, collapse=True).source
    assert "Linear 0" in source and "Linear 2" in source


def test_functional_call_restores_the_module_and_checks_names():
    net = nn.Linear(2, 1, rng=0)
    W = net.weight
    out = nn.functional_call(net, {"weight": np.zeros((1, 2))}, np.ones((3, 2)))
    np.testing.assert_array_equal(out.data, np.full((3, 1), net.bias.item()))
    assert net.weight is W
    with pytest.raises(KeyError, match="not parameters"):
        nn.functional_call(net, {"wieght": np.zeros((1, 2))}, np.ones((3, 2)))
    with pytest.raises(ValueError, match="1 values for the 2 parameters"):
        nn.functional_call(net, [np.zeros((1, 2))], np.ones((3, 2)))

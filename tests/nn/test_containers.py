"""ModuleList, ModuleDict, Dropout, Flatten, Softmax/LogSoftmax modules and
nn.utils.clip_grad_norm_/clip_grad_value_, by hand (torch: test_nn_torch.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ShapeError


# ------------------------------------------------------------- ModuleList
def test_module_list_registers_and_indexes():
    layers = mg.nn.ModuleList([mg.nn.Linear(2, 3, rng=0), mg.nn.ReLU()])
    layers.append(mg.nn.Linear(3, 1, rng=1))
    assert len(layers) == 3
    assert isinstance(layers[-1], mg.nn.Linear) and layers[-1] is layers[2]
    assert [n for n, _ in layers.named_parameters()] == ["0.weight", "0.bias", "2.weight",
                                                         "2.bias"]
    assert isinstance(layers[1:], mg.nn.ModuleList) and len(layers[1:]) == 2
    layers.insert(0, mg.nn.Tanh())
    assert [type(m).__name__ for m in layers] == ["Tanh", "Linear", "ReLU", "Linear"]
    del layers[0]
    assert list(layers._modules) == ["0", "1", "2"]
    layers[1] = mg.nn.Sigmoid()
    assert type(layers[1]).__name__ == "Sigmoid"
    layers += [mg.nn.Identity()]
    assert len(layers) == 4
    with pytest.raises(IndexError):
        layers[4]
    with pytest.raises(TypeError, match="holds Modules"):
        layers.append(mg.relu)
    with pytest.raises(NotImplementedError, match="not callable"):
        layers(np.ones(2))


def test_module_list_in_a_model_trains():
    class Net(mg.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = mg.nn.ModuleList([mg.nn.Linear(2, 4, rng=0), mg.nn.Linear(4, 1, rng=1)])

        def forward(self, x):
            return self.layers[1](mg.nn.functional.relu(self.layers[0](x)))

    net = Net()
    assert len(net.parameters()) == 4
    assert sorted(net.state_dict()) == ["layers.0.bias", "layers.0.weight", "layers.1.bias",
                                        "layers.1.weight"]
    mg.nn.MSELoss()(net(np.ones((3, 2))), np.zeros((3, 1))).backward()
    assert all(p.grad is not None for p in net.parameters())
    net.eval()
    assert not net.layers[0].training


# ------------------------------------------------------------- ModuleDict
def test_module_dict():
    d = mg.nn.ModuleDict({"a": mg.nn.Linear(2, 2, rng=0)})
    d["b"] = mg.nn.ReLU()
    d.update([("c", mg.nn.Tanh())])
    assert list(d) == ["a", "b", "c"] and list(d.keys()) == ["a", "b", "c"]
    assert "b" in d and len(d) == 3
    assert [n for n, _ in d.named_parameters()] == ["a.weight", "a.bias"]
    assert type(d.pop("b")).__name__ == "ReLU" and "b" not in d
    assert [k for k, _ in d.items()] == ["a", "c"]
    for bad in ("keys", "x.y"):
        with pytest.raises(KeyError):
            d[bad] = mg.nn.ReLU()
    d.clear()
    assert len(d) == 0 and d.parameters() == []


# ---------------------------------------------------------------- Dropout
def test_dropout_module_respects_train_and_eval():
    drop = mg.nn.Dropout(p=0.25, generator=np.random.default_rng(0))
    x = mg.tensor(np.ones((100, 400)))
    y = drop(x).data
    kept = y != 0
    assert abs(kept.mean() - 0.75) < 4 * np.sqrt(0.75 * 0.25 / kept.size)
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert not np.array_equal(drop(x).data, y)      # the generator continues its stream
    model = mg.nn.Sequential(mg.nn.Linear(400, 2, rng=0), drop)
    model.eval()
    assert not drop.training and drop(x) is x
    model.train()
    assert drop.training and (drop(x).data == 0).any()
    assert repr(drop) == "Dropout(p=0.25, inplace=False)"
    with pytest.raises(ValueError, match="between 0 and 1"):
        mg.nn.Dropout(1.5)


# -------------------------------------------------- Flatten and softmaxes
def test_flatten_default_keeps_the_batch_axis():
    x = mg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    y = mg.nn.Flatten()(x)
    assert y.shape == (2, 12)
    np.testing.assert_array_equal(y.data, np.arange(24.0).reshape(2, 12))
    assert mg.nn.Flatten(0, 1)(x).shape == (6, 4)
    assert mg.nn.Flatten(-2, -1)(x).shape == (2, 12)
    assert mg.nn.Flatten(0)(x).shape == (24,)
    y.sum().backward()
    assert x.grad.shape == (2, 3, 4)
    with pytest.raises(ShapeError, match="start_dim"):
        mg.nn.Flatten(2, 1)(x)


def test_softmax_modules():
    z = mg.tensor([[1.0, 2.0], [0.0, 0.0]])
    p = mg.nn.Softmax(dim=1)(z).data
    np.testing.assert_allclose(p.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(mg.nn.LogSoftmax(dim=1)(z).data, np.log(p))
    np.testing.assert_allclose(mg.nn.Softmax(dim=0)(z).data.sum(axis=0), [1.0, 1.0])
    assert repr(mg.nn.Softmax(dim=-1)) == "Softmax(dim=-1)"
    with pytest.raises(TypeError, match="pass dim="):
        mg.nn.Softmax()(z)


# ---------------------------------------------------------------- clipping
def test_clip_grad_norm_scales_all_gradients_together():
    a, b = mg.nn.Parameter([0.0, 0.0]), mg.nn.Parameter([0.0])
    a.grad, b.grad = np.array([3.0, 0.0]), np.array([4.0])
    grad_a = a.grad
    total = mg.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert isinstance(total, mg.Tensor) and total.item() == 5.0
    assert a.grad is grad_a                                      # in place
    np.testing.assert_allclose(a.grad, [3.0 / (5.0 + 1e-6), 0.0])
    np.testing.assert_allclose(b.grad, [4.0 / (5.0 + 1e-6)])
    a.grad, b.grad = np.array([3.0, 0.0]), np.array([4.0])
    assert mg.nn.utils.clip_grad_norm_([a, b], 100.0, norm_type=1).item() == 7.0
    assert a.grad.tolist() == [3.0, 0.0]                         # under max_norm
    assert mg.nn.utils.clip_grad_norm_(a, 1.0, norm_type=float("inf")).item() == 3.0
    assert mg.nn.utils.clip_grad_norm_([mg.nn.Parameter([1.0])], 1.0).item() == 0.0
    a.grad = np.array([np.inf, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        mg.nn.utils.clip_grad_norm_([a], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_():
    w = mg.nn.Parameter([0.0, 0.0, 0.0])
    w.grad = np.array([-3.0, 0.25, 7.0])
    assert mg.nn.utils.clip_grad_value_([w], 0.5) is None
    assert w.grad.tolist() == [-0.5, 0.25, 0.5]

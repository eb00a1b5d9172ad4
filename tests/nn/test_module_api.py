"""Module's PyTorch API by hand: apply, children, named_modules, named_parameters
(recurse, dedup), buffers, to/double/float, requires_grad_, zero_grad(set_to_none),
train(mode), state_dict keys and load_state_dict's result, repr (the comparison with
torch itself is in test_module_api_torch.py)."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(2))
        self.body = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
        self.register_buffer("count", mg.tensor(0.0))

    def forward(self, x):
        return self.body(x) * self.scale


def shared():
    """A model with one layer reachable by two paths: Sequential(a, ReLU, a)."""
    a = nn.Linear(2, 2)
    return nn.Sequential(a, nn.ReLU(), a), a


def test_apply_visits_children_first_then_self_and_returns_self():
    outer = nn.Sequential(Block(), nn.ReLU())
    seen = []
    assert outer.apply(lambda m: seen.append(type(m).__name__)) is outer
    assert seen == ["Linear", "Tanh", "Sequential", "Block", "ReLU", "Sequential"]


def test_children_and_named_modules_in_order_with_duplicates_once():
    model, a = shared()
    assert [name for name, _ in model.named_children()] == ["0", "1"]
    assert list(model.children()) == [a, model[1]]
    assert [name for name, _ in model.named_modules()] == ["", "0", "1"]
    assert [name for name, _ in model.named_modules(remove_duplicate=False)] == [
        "", "0", "1", "2"]
    assert [name for name, _ in model.named_modules(prefix="net")] == ["net", "net.0", "net.1"]
    assert list(model.modules()) == [model, a, model[1]]
    assert [n for n, _ in Block().named_modules()] == ["", "body", "body.0", "body.1"]


def test_named_parameters_order_recurse_and_shared_parameters():
    block = Block()
    assert [n for n, _ in block.named_parameters()] == ["scale", "body.0.weight",
                                                        "body.0.bias"]
    assert [n for n, _ in block.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in block.named_parameters(prefix="m")] == [
        "m.scale", "m.body.0.weight", "m.body.0.bias"]
    assert len(block.parameters(recurse=False)) == 1
    model, a = shared()
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.parameters() == [a.weight, a.bias]
    # A parameter tied into two modules is listed once too.
    b = nn.Linear(2, 2)
    b.weight = a.weight
    tied = nn.Sequential(a, b)
    assert [n for n, _ in tied.named_parameters()] == ["0.weight", "0.bias", "1.bias"]


def test_state_dict_keys_are_dotted_and_keep_every_path():
    block = Block()
    assert list(block.state_dict()) == ["scale", "count", "body.0.weight", "body.0.bias"]
    model, _ = shared()
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    kept = model.state_dict(keep_vars=True)
    assert kept["0.weight"] is model[0].weight and kept["2.weight"] is model[0].weight
    assert list(block.state_dict(prefix="x.")) == ["x.scale", "x.count", "x.body.0.weight",
                                                   "x.body.0.bias"]


def test_load_state_dict_returns_the_named_tuple_and_loads_in_place():
    a, b = Block(), Block()
    a.count.data = np.array(3.0)
    weight = b.body[0].weight
    version = weight._version
    result = b.load_state_dict(a.state_dict())
    assert result == ([], []) and result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"      # as torch prints it
    assert b.body[0].weight is weight and weight._version == version + 1
    np.testing.assert_array_equal(weight.data, a.body[0].weight.data)
    assert b.count.item() == 3.0                                   # buffers load too
    result = b.load_state_dict({"scale": np.zeros(2), "extra": 1.0}, strict=False)
    assert result.missing_keys == ["count", "body.0.weight", "body.0.bias"]
    assert result.unexpected_keys == ["extra"]
    assert repr(result) == ("IncompatibleKeys(missing_keys=['count', 'body.0.weight', "
                            "'body.0.bias'], unexpected_keys=['extra'])")
    b.load_state_dict({k: mg.tensor(v) for k, v in a.state_dict().items()})   # tensors too


def test_buffers_are_kept_but_not_learned():
    block = Block()
    assert [n for n, _ in block.named_buffers()] == ["count"]
    assert block.buffers() == [block.count]
    assert all(p is not block.count for p in block.parameters())
    block.count = mg.tensor(5.0)                     # a tensor replaces the buffer
    assert block.buffers()[0].item() == 5.0
    with pytest.raises(TypeError, match="as buffer 'count'"):
        block.count = 5.0
    block.register_buffer("mask", mg.tensor([1.0, 0.0]), persistent=False)
    assert "mask" not in block.state_dict() and len(block.buffers()) == 2
    with pytest.raises(TypeError, match="minigrad.Tensor or None expected"):
        block.register_buffer("other", np.zeros(2))
    with pytest.raises(KeyError, match="already a parameter"):
        block.register_buffer("scale", mg.tensor(1.0))
    del block.count
    assert [n for n, _ in block.named_buffers()] == ["mask"]


def test_to_double_float_cast_in_place_and_keep_parameters():
    block = Block()
    params = block.parameters()
    versions = [p._version for p in params]
    block(np.ones((1, 2))).sum().backward()
    opt = mg.optim.SGD(block.parameters(), lr=0.1)
    assert block.float() is block
    assert block.parameters() == params                       # the same objects
    for p, version in zip(params, versions):
        assert type(p) is nn.Parameter and p.requires_grad and p.is_leaf
        assert p.dtype == np.float32 and p.grad.dtype == np.float32
        assert p._version == version + 1                      # the cast is an in-place change
    assert block.count.dtype == np.float32
    assert block.to(np.float64).body[0].weight.dtype == np.float64
    assert block.to(dtype=np.float32, device="cpu").scale.dtype == np.float32
    assert block.to(mg.tensor([1.0])).scale.dtype == np.float64     # like that tensor
    assert block.double().to("cpu") is block and block.cpu() is block
    opt.step()                                                # the optimizer still works
    ints = nn.Module()
    ints.register_buffer("k", mg.tensor(np.arange(3).astype(np.int64), dtype=np.int64))
    assert ints.float().k.dtype == np.int64                   # only floating tensors cast


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.to("cuda"), RuntimeError, "no other device"),
    (lambda m: m.to(device="mps"), RuntimeError, "no other device"),
    (lambda m: m.to("float32"), RuntimeError, "not a string"),
    (lambda m: m.to(np.int64), TypeError, "only accepts floating-point dtypes"),
    (lambda m: m.to(copy=True), TypeError, "unexpected keyword"),
    (lambda m: nn.Linear(2, 2, device="cuda"), RuntimeError, "Linear.*no other device"),
])
def test_to_refuses_other_devices_and_non_float_dtypes(call, error, message):
    with pytest.raises(error, match=message):
        call(Block())


def test_requires_grad_freezes_and_unfreezes_every_parameter():
    block = Block()
    assert block.requires_grad_(False) is block
    assert not any(p.requires_grad for p in block.parameters())
    assert all(p.requires_grad for p in block.requires_grad_().parameters())


def test_zero_grad_set_to_none_false_zeroes_and_leaves_none_alone():
    block = Block()
    block(np.ones((3, 2))).sum().backward()
    block.scale.grad = None
    block.zero_grad(set_to_none=False)
    assert block.scale.grad is None
    np.testing.assert_array_equal(block.body[0].weight.grad, np.zeros((2, 2)))
    block.zero_grad()
    assert all(p.grad is None for p in block.parameters())


def test_train_recurses_and_insists_on_a_boolean():
    block = Block()
    assert block.train(False) is block
    assert [m.training for m in block.modules()] == [False] * 4
    block.train(np.bool_(True))
    assert all(m.training for m in block.modules())
    with pytest.raises(ValueError, match="expected to be a boolean"):
        block.train("eval")


def test_repr_has_pytorchs_layout():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self):
            return "k=1"

    assert repr(WithExtra()) == "WithExtra(\n  k=1\n  (inner): ReLU()\n)"
    assert repr(Block()) == (
        "Block(\n"
        "  (body): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=2, bias=True)\n"
        "    (1): Tanh()\n"
        "  )\n"
        ")")
    assert repr(nn.Linear(2, 3, init="glorot")) == (
        "Linear(in_features=2, out_features=3, bias=True, init='glorot')")

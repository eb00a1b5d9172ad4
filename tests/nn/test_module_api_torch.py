"""Module's PyTorch API against PyTorch itself: the same model built both ways gives
the same names from named_modules/named_children/named_parameters/state_dict (shared
layers, buffers, recurse=False, remove_duplicate=False), the same apply order, the
same repr, and load_state_dict's result (skipped without torch)."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")


def build(nn):
    """One architecture, written once for either library's ``nn``."""

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(2) if nn is torch.nn else np.ones(2))
            self.body = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 2))
            self.register_buffer("count", torch.zeros(()) if nn is torch.nn
                                 else mg.tensor(0.0))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            shared = nn.Linear(2, 2)
            self.first = Block()
            self.layers = nn.ModuleList([shared, nn.ReLU(), shared])
            self.heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.LayerNorm(2)})
            self.empty = None

    return Net()


MG, TORCH = build(mg.nn), build(torch.nn)


@pytest.mark.parametrize("listing", [
    lambda m: [n for n, _ in m.named_modules()],
    lambda m: [n for n, _ in m.named_modules(remove_duplicate=False)],
    lambda m: [n for n, _ in m.named_modules(prefix="model")],
    lambda m: [n for n, _ in m.named_children()],
    lambda m: [type(c).__name__ for c in m.children()],
    lambda m: [type(c).__name__ for c in m.modules()],
    lambda m: [n for n, _ in m.named_parameters()],
    lambda m: [n for n, _ in m.named_parameters(remove_duplicate=False)],
    lambda m: [n for n, _ in m.named_parameters(prefix="p")],
    lambda m: [n for n, _ in m.first.named_parameters(recurse=False)],
    lambda m: [tuple(p.shape) for p in m.parameters()],
    lambda m: [n for n, _ in m.named_buffers()],
    lambda m: list(m.state_dict()),
    lambda m: list(m.state_dict(prefix="s.")),
    lambda m: [n for n, _ in m.heads.named_parameters()],
])
def test_names_and_order_match_torch(listing):
    assert listing(MG) == listing(TORCH)


def test_apply_order_and_repr_match_torch():
    seen_m, seen_t = [], []
    MG.apply(lambda m: seen_m.append(type(m).__name__))
    TORCH.apply(lambda m: seen_t.append(type(m).__name__))
    assert seen_m == seen_t
    assert repr(MG) == repr(TORCH)
    for name, args in [("Linear", (3, 4)), ("Linear", (3, 4, False)), ("Dropout", (0.3,)),
                       ("LayerNorm", ((2, 3),)), ("ReLU", ()), ("LeakyReLU", (0.2,)),
                       ("Tanh", ()), ("Sigmoid", ()), ("Identity", ()), ("Softmax", (1,)),
                       ("LogSoftmax", (-1,)), ("Flatten", ()), ("MSELoss", ()),
                       ("CrossEntropyLoss", ()), ("BCEWithLogitsLoss", ())]:
        assert repr(getattr(mg.nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))


def test_state_dict_copies_across_and_load_reports_like_torch():
    t = build(torch.nn).double()
    m = build(mg.nn)
    assert m.load_state_dict(t.state_dict()) == ([], [])
    for name, value in t.state_dict().items():
        np.testing.assert_array_equal(m.state_dict()[name], value.numpy())
    partial = {k: v for k, v in t.state_dict().items() if not k.startswith("heads")}
    partial["stray"] = torch.zeros(1)
    got_m = m.load_state_dict(partial, strict=False)
    got_t = t.load_state_dict(partial, strict=False)
    assert got_m.missing_keys == got_t.missing_keys
    assert got_m.unexpected_keys == got_t.unexpected_keys
    assert type(got_m)._fields == type(got_t)._fields
    for model in (m, t):
        with pytest.raises(RuntimeError, match="(?i)missing key"):
            model.load_state_dict(partial)


def test_train_eval_to_and_requires_grad_match_torch():
    for model in (build(mg.nn), build(torch.nn)):
        model.eval()
        assert not any(sub.training for sub in model.modules())
        model.train()
        assert all(sub.training for sub in model.modules())
        assert model.requires_grad_(False) is model
        assert not any(p.requires_grad for p in model.parameters())
        model.requires_grad_(True)
    m, t = build(mg.nn).float(), build(torch.nn).float()
    assert [str(p.dtype) for p in m.parameters()] == [
        str(p.dtype).removeprefix("torch.") for p in t.parameters()]
    m, t = m.double(), t.double()
    assert [str(p.dtype) for p in m.parameters()] == [
        str(p.dtype).removeprefix("torch.") for p in t.parameters()]

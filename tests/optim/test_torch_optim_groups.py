"""PyTorch's optimizers against ours with two parameter groups and every option
that changes the numbers; signatures and state dicts (skipped without torch)."""

import inspect

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad import optim

torch = require_module("torch")

X0 = np.array([-1.2, 0.5, 0.3])
Y0 = np.array([[1.0, -0.4], [0.8, 0.1]])
STEPS = 15
NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "NAdam", "RAdam"]


def loss_of(x, y):
    """Coupled and non-quadratic, over a (3,) and a (2, 2) parameter."""
    r = y.sum() * 0.25
    return ((1 - x) ** 2 + 10.0 * (r - x ** 2) ** 2).sum() + (y * y).sum()


def run(lib, name, options, steps=STEPS):
    """Two groups: x with the options' lr, y with a tenth of it and, where the
    class has one, a group-specific weight_decay."""
    if lib is torch:
        x = torch.tensor(X0, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(Y0, dtype=torch.float64, requires_grad=True)
        options = dict(options, foreach=False)
    else:
        x = mg.tensor(X0.copy(), requires_grad=True)
        y = mg.tensor(Y0.copy(), requires_grad=True)
    second = {"params": [y], "lr": options.get("lr", 1e-3) / 10}
    if "weight_decay" in options:
        second["weight_decay"] = 0.05
    opt = getattr(lib.optim, name)([{"params": [x]}, second], **options)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        loss_of(x, y).backward()
        opt.step()
        values = (x.detach().numpy(), y.detach().numpy()) if lib is torch else (x.data, y.data)
        path.append(np.concatenate([v.ravel() for v in values]))
    return np.array(path), opt


def run_torch(name, options, steps=STEPS):
    # torch keeps scalar state (step, NAdam's mu_product) in the default dtype
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return run(torch, name, options, steps)
    finally:
        torch.set_default_dtype(previous)


CASES = [
    ("SGD", dict(lr=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01, momentum=0.9, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.001, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.01, maximize=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, maximize=True)),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Adagrad", dict(lr=0.3)),
    ("Adagrad", dict(lr=0.3, lr_decay=0.05, weight_decay=0.01,
                     initial_accumulator_value=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, maximize=True)),
    ("Adadelta", dict(lr=0.5)),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True)),
]


@pytest.mark.parametrize("name, options", CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_two_groups_match_torch(name, options):
    ours, opt = run(mg, name, options)
    theirs, _ = run_torch(name, options)
    assert np.isfinite(theirs).all()
    assert not np.allclose(ours[:, :3], ours[:, 3:4])     # the groups did differ
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)
    assert len(opt.param_groups) == 2


@pytest.mark.parametrize("name", NAMES)
def test_signatures_match_torch(name):
    """Same parameter names, order, kinds and defaults (ours may add keyword-only
    options after PyTorch's, like Adam's eps_inside_sqrt)."""
    theirs = list(inspect.signature(getattr(torch.optim, name).__init__).parameters.values())
    ours = list(inspect.signature(getattr(optim, name).__init__).parameters.values())
    assert [(p.name, p.kind) for p in ours[:len(theirs)]] == \
        [(p.name, p.kind) for p in theirs]
    for mine, their in zip(ours, theirs):
        assert mine.default == their.default, (name, mine.name)
    assert all(p.kind is p.KEYWORD_ONLY for p in ours[len(theirs):])


@pytest.mark.parametrize("name", NAMES)
def test_group_keys_are_torchs_without_the_kernel_options(name):
    ours = getattr(optim, name)([mg.tensor([1.0], requires_grad=True)]).param_groups[0]
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).param_groups[0]
    kernel = {"foreach", "fused", "capturable", "differentiable"}
    assert set(ours) - {"eps_inside_sqrt"} == set(theirs) - kernel
    for key in set(ours) & set(theirs) - {"params"}:
        assert ours[key] == theirs[key], (name, key)


def as_numbers(state):
    return {k: (float(v) if np.ndim(v) == 0 else np.asarray(v)) for k, v in state.items()}


@pytest.mark.parametrize("name, options", [
    ("SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", dict(lr=0.01)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.3)),
    ("Adadelta", dict(lr=0.5)),
    ("NAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05)),
])
def test_state_dict_matches_torchs_after_a_few_steps(name, options):
    _, ours = run(mg, name, options, steps=4)
    _, theirs = run_torch(name, options, steps=4)
    a, b = ours.state_dict(), theirs.state_dict()
    assert set(a["state"]) == set(b["state"])
    for k in a["state"]:
        mine, their = as_numbers(a["state"][k]), as_numbers(
            {key: v.detach().numpy() for key, v in b["state"][k].items()})
        assert set(mine) == set(their) - {"step"} if name == "SGD" else set(mine) == set(their)
        for key in mine:
            np.testing.assert_allclose(mine[key], their[key], rtol=1e-12, atol=1e-15)
    for g, h in zip(a["param_groups"], b["param_groups"]):
        assert g["params"] == h["params"]
        assert {k: v for k, v in h.items() if k in g} == \
            {k: v for k, v in g.items() if k != "eps_inside_sqrt"}

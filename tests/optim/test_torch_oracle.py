"""The PyTorch-named optimizers against torch.optim, step for step (skipped without torch)."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
from minigrad import optim

torch = require_module("torch")

X0 = np.array([-1.2, 0.5, 0.3])
Y0 = np.array([1.0, -0.4, 0.8])
STEPS = 25


def rosenbrock(x, y):
    return ((1 - x) ** 2 + 10.0 * (y - x ** 2) ** 2).sum()


def run_minigrad(cls, **kw):
    x = mg.tensor(X0.copy(), requires_grad=True)
    y = mg.tensor(Y0.copy(), requires_grad=True)
    opt = cls([x, y], **kw)
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        rosenbrock(x, y).backward()
        opt.step()
        path.append(np.concatenate([x.data, y.data]))
    return np.array(path)


def run_torch(cls, **kw):
    # torch keeps scalar state (step, NAdam's mu_product) in the default dtype:
    # float64 so that it is compared with our float64 arithmetic.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return _run_torch(cls, **kw)
    finally:
        torch.set_default_dtype(previous)


def _run_torch(cls, **kw):
    x = torch.tensor(X0.copy(), dtype=torch.float64, requires_grad=True)
    y = torch.tensor(Y0.copy(), dtype=torch.float64, requires_grad=True)
    opt = cls([x, y], **kw)
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        rosenbrock(x, y).backward()
        opt.step()
        path.append(np.concatenate([x.detach().numpy(), y.detach().numpy()]))
    return np.array(path)


CASES = [
    ("SGD", "SGD", dict(lr=0.01)),
    ("SGD", "SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", "SGD", dict(lr=0.01, momentum=0.9, dampening=0.5, weight_decay=0.1)),
    ("SGD", "SGD", dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("Adam", "Adam", dict()),
    ("Adam", "Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1)),
    ("AMSGrad", "Adam", dict(lr=0.05)),
    ("Adam", "Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    ("AdamW", "AdamW", dict()),
    ("AdamW", "AdamW", dict(lr=0.05, weight_decay=0.3)),
    ("NAdam", "NAdam", dict()),
    ("NAdam", "NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("RAdam", "RAdam", dict()),
    ("RAdam", "RAdam", dict(lr=0.05, weight_decay=0.1)),
    ("Adagrad", "Adagrad", dict()),
    ("Adagrad", "Adagrad", dict(lr=0.3, lr_decay=0.05, weight_decay=0.01,
                                initial_accumulator_value=0.1)),
    ("RMSprop", "RMSprop", dict()),
    ("RMSprop", "RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True,
                                weight_decay=0.01)),
    ("RMSprop", "RMSprop", dict(lr=0.01, momentum=0.5)),
    ("Adadelta", "Adadelta", dict()),
    ("Adadelta", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
]


@pytest.mark.parametrize("ours,theirs,kw", CASES,
                         ids=[f"{o}-{i}" for i, (o, _, _) in enumerate(CASES)])
def test_matches_torch_optim(ours, theirs, kw):
    torch_kw = dict(kw, amsgrad=True) if ours == "AMSGrad" else kw
    if theirs in ("Adam", "AdamW", "SGD", "Adagrad", "NAdam", "RAdam", "RMSprop", "Adadelta"):
        torch_kw = dict(torch_kw, foreach=False)
    a = run_minigrad(getattr(optim, ours), **kw)
    b = run_torch(getattr(torch.optim, theirs), **torch_kw)
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adagrad",
                                  "RMSprop", "Adadelta"])
def test_defaults_match_torch(name):
    ours = getattr(optim, name)([mg.tensor([1.0], requires_grad=True)])
    theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
    shared = [k for k in ours.defaults if k in theirs]
    assert len(shared) >= len(ours.defaults) - 1       # Adam's eps_inside_sqrt is ours
    for key in shared:
        assert theirs[key] == ours.defaults[key], (name, key)

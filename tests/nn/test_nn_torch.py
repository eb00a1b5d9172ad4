"""nn.functional, the loss modules, Softmax/LogSoftmax/Flatten/Dropout(eval) and gradient
clipping against PyTorch in float64: values and gradients (skipped without torch)."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
import minigrad.nn.functional as F

torch = require_module("torch")
TF = torch.nn.functional

RNG = np.random.default_rng(0)
X = RNG.normal(scale=2.0, size=(5, 4))
LABELS = np.array([0, 3, 1, 1, 2])
TARGET = RNG.normal(size=(5, 4))
PROBS = 1 / (1 + np.exp(-X))
BITS = (RNG.random(size=(5, 4)) < 0.5).astype(float)


def both(fn_mg, fn_torch, x, *rest):
    """Value and gradient with respect to ``x`` of a scalar-summed output, both ways."""
    xm = mg.tensor(x, requires_grad=True)
    out_m = fn_mg(xm, *rest)
    out_m.sum().backward()
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    rest_t = [torch.from_numpy(np.asarray(r)) for r in rest]
    out_t = fn_torch(xt, *rest_t)
    out_t.sum().backward()
    np.testing.assert_allclose(out_m.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, kwargs", [
    ("relu", {}), ("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("tanh", {}),
    ("sigmoid", {}), ("softmax", {"dim": 1}), ("softmax", {"dim": 0}),
    ("log_softmax", {"dim": 1}), ("log_softmax", {"dim": -1}),
])
def test_activations(name, kwargs):
    both(lambda x: getattr(F, name)(x, **kwargs), lambda x: getattr(TF, name)(x, **kwargs), X)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, x, target", [
    ("mse_loss", X, TARGET), ("l1_loss", X, TARGET), ("cross_entropy", X, LABELS),
    ("nll_loss", X - np.log(np.exp(X).sum(axis=1, keepdims=True)), LABELS),
    ("binary_cross_entropy", PROBS, BITS), ("binary_cross_entropy_with_logits", X, BITS),
])
def test_losses_functional_and_modules(name, x, target, reduction):
    both(lambda a, t: getattr(F, name)(a, t, reduction=reduction),
         lambda a, t: getattr(TF, name)(a, t, reduction=reduction), x, target)
    module = {"mse_loss": "MSELoss", "l1_loss": "L1Loss", "cross_entropy": "CrossEntropyLoss",
              "nll_loss": "NLLLoss", "binary_cross_entropy": "BCELoss",
              "binary_cross_entropy_with_logits": "BCEWithLogitsLoss"}[name]
    both(getattr(mg.nn, module)(reduction=reduction),
         getattr(torch.nn, module)(reduction=reduction), x, target)
    if reduction == "mean":       # the default, both ways
        both(getattr(mg.nn, module)(), getattr(torch.nn, module)(), x, target)


def test_linear_values_and_gradients():
    w, b = RNG.normal(size=(3, 4)), RNG.normal(size=3)
    wm, bm = mg.tensor(w, requires_grad=True), mg.tensor(b, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    both(lambda x: F.linear(x, wm, bm), lambda x: TF.linear(x, wt, bt), X)
    np.testing.assert_allclose(wm.grad, wt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bm.grad, bt.grad.numpy(), rtol=1e-12)
    both(lambda x: F.linear(x, wm), lambda x: TF.linear(x, wt), X)


@pytest.mark.parametrize("args", [(), (0, 1), (0, -1), (-2, -1), (1, 1)])
def test_flatten_and_softmax_modules(args):
    x = RNG.normal(size=(2, 3, 4))
    both(mg.nn.Flatten(*args), torch.nn.Flatten(*args), x)
    both(mg.nn.Softmax(dim=1), torch.nn.Softmax(dim=1), x)
    both(mg.nn.LogSoftmax(dim=-1), torch.nn.LogSoftmax(dim=-1), x)


def test_dropout_in_eval_is_the_identity_both_ways():
    both(mg.nn.Dropout(0.4).eval(), torch.nn.Dropout(0.4).eval(), X)
    both(lambda x: F.dropout(x, 0.4, training=False),
         lambda x: TF.dropout(x, 0.4, training=False), X)


def test_dropout_training_has_torchs_scaling():
    # the masks differ (different generators); the kept values and their gradient do not
    y = F.dropout(mg.tensor(np.ones(1000)), 0.4, generator=0).data
    t = TF.dropout(torch.ones(1000, dtype=torch.float64), 0.4).numpy()
    assert set(np.unique(y)) == set(np.unique(t)) == {0.0, 1 / 0.6}


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_(norm_type, max_norm):
    grads = [RNG.normal(size=(3, 2)), RNG.normal(size=4)]
    ps = [mg.nn.Parameter(np.zeros_like(g)) for g in grads]
    ts = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for p, t, g in zip(ps, ts, grads):
        p.grad, t.grad = g.copy(), torch.from_numpy(g.copy())
    total_m = mg.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=norm_type)
    assert total_m.item() == pytest.approx(total_t.item(), rel=1e-13)
    for p, t in zip(ps, ts):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-13)


def test_clip_grad_value_():
    g = RNG.normal(size=(4, 3))
    p = mg.nn.Parameter(np.zeros_like(g))
    t = torch.zeros(g.shape, dtype=torch.float64, requires_grad=True)
    p.grad, t.grad = g.copy(), torch.from_numpy(g.copy())
    mg.nn.utils.clip_grad_value_([p], 0.3)
    torch.nn.utils.clip_grad_value_([t], 0.3)
    np.testing.assert_array_equal(p.grad, t.grad.numpy())


def test_module_list_and_dict_parameter_names_match_torch():
    m = mg.nn.ModuleDict({"body": mg.nn.ModuleList([mg.nn.Linear(2, 3), mg.nn.ReLU(),
                                                     mg.nn.Linear(3, 1)])})
    t = torch.nn.ModuleDict({"body": torch.nn.ModuleList([torch.nn.Linear(2, 3),
                                                          torch.nn.ReLU(),
                                                          torch.nn.Linear(3, 1)])})
    assert list(m.state_dict()) == list(t.state_dict())

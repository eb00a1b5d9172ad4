"""Nested transforms against torch.func in float64 (skipped without torch).

Each case is written once against a small namespace (``grad``, ``jacobian``,
``sin``, ...) and run twice: with minigrad's transforms and with torch.func's,
which keeps every level's variables apart as JAX does.
"""

import types

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")
tf = torch.func


def _torch_hvp(f, argnums=0):
    def wrapped(x, v):
        return tf.jvp(tf.grad(f, argnums), (x,), (v,))[1]
    return wrapped


def _torch_value_and_grad(f, argnums=0):
    def wrapped(*args):
        g, value = tf.grad_and_value(f, argnums)(*args)
        return value, g
    return wrapped


MG = types.SimpleNamespace(
    grad=mg.grad, value_and_grad=mg.value_and_grad, jacobian=mg.jacobian,
    hessian=mg.hessian, hvp=mg.hvp, sin=mg.sin, cos=mg.cos, tanh=mg.tanh, exp=mg.exp,
    as_tensor=mg.as_tensor, array=lambda a: a)
TORCH = types.SimpleNamespace(
    grad=tf.grad, value_and_grad=_torch_value_and_grad, jacobian=tf.jacrev,
    hessian=tf.hessian, hvp=_torch_hvp, sin=torch.sin, cos=torch.cos, tanh=torch.tanh,
    exp=torch.exp, as_tensor=lambda t: t,
    array=lambda a: torch.tensor(a, dtype=torch.float64))


def issue_grad_of_grad(ns, x0, w0):
    x0 = ns.array(x0)
    return ns.grad(lambda y: ns.grad(lambda x: ns.sin(x * y).sum())(x0).sum())(ns.array(w0))


def issue_grad_of_jacobian(ns, x0, w0):
    x0 = ns.array(x0)
    return ns.grad(
        lambda w: (ns.as_tensor(ns.jacobian(lambda x: ns.tanh(x * w))(x0)) ** 2).sum()
    )(ns.array(w0))


def perturbation_confusion(ns, x0, w0):
    x = ns.array(float(x0[0]))
    return ns.grad(lambda x: x * ns.grad(lambda y: x + y)(x))(x)


def perturbation_confusion_product(ns, x0, w0):
    # d/dx [x² * d/dy (x y²) at y = x]
    return ns.grad(lambda x: x ** 2 * ns.grad(lambda y: x * y ** 2)(x))(ns.array(float(x0[1])))


def grad_grad_grad_closures(ns, x0, w0):
    a, b, c = (ns.array(float(v)) for v in x0)

    def third(z):
        return ns.grad(lambda y: ns.grad(lambda x: ns.sin(x * y * z) * ns.exp(x * z))(a))(b)
    return ns.grad(third)(c)


def hessian_of_jacobian(ns, x0, w0):
    c = ns.array(x0)

    def f(w):
        return (ns.as_tensor(ns.jacobian(lambda u: ns.sin(u * w) * u)(c)) ** 2).sum()
    return ns.hessian(f)(ns.array(w0))


def hvp_inside_grad_wrt_x(ns, x0, w0):
    v = ns.array(w0)

    def f(t):
        return (ns.sin(t) * ns.exp(0.5 * t)).sum() + (t[0] * t[1] * t[2])
    return ns.grad(lambda x: (ns.hvp(f)(x, v) ** 2).sum())(ns.array(x0))


def hvp_inside_grad_wrt_v(ns, x0, w0):
    x = ns.array(x0)

    def f(t):
        return (ns.tanh(t) ** 3).sum() + t[0] * t[2] ** 2
    return ns.grad(lambda v: (v * ns.hvp(f)(x, v)).sum())(ns.array(w0))


def jacobian_of_grad(ns, x0, w0):
    x = ns.array(x0)
    return ns.jacobian(lambda w: ns.grad(lambda t: (ns.sin(t * w) * w).sum())(x))(ns.array(w0))


def value_and_grad_nested(ns, x0, w0):
    x = ns.array(x0)

    def f(y):
        value, g = ns.value_and_grad(lambda t: (ns.tanh(t * y) ** 2).sum())(x)
        return value * (g ** 2).sum()
    return ns.value_and_grad(f)(ns.array(w0))


def argnums_tuple_nested(ns, x0, w0):
    x, y = ns.array(x0), ns.array(w0)

    def f(a, b):
        gx, gy = ns.grad(lambda s, t: (ns.sin(a * s * t) + b * s ** 2).sum(),
                         argnums=(0, 1))(x, y)
        return (gx * gy).sum() + (b * gx).sum()
    return ns.grad(f, argnums=(0, 1))(ns.array(0.7), ns.array(-1.3))


def hessian_closing_over_outer(ns, x0, w0):
    x = ns.array(x0)
    return ns.grad(lambda w: (ns.hessian(lambda t: (ns.tanh(t * w) * t).sum())(x) ** 2).sum())(
        ns.array(w0))


CASES = [issue_grad_of_grad, issue_grad_of_jacobian, perturbation_confusion,
         perturbation_confusion_product, grad_grad_grad_closures, hessian_of_jacobian,
         hvp_inside_grad_wrt_x, hvp_inside_grad_wrt_v, jacobian_of_grad, value_and_grad_nested,
         argnums_tuple_nested, hessian_closing_over_outer]


def _arrays(result):
    """The arrays of a result, a tuple of results flattened in order."""
    if isinstance(result, (tuple, list)):
        return [a for r in result for a in _arrays(r)]
    if isinstance(result, torch.Tensor):
        return [result.detach().numpy()]
    if isinstance(result, mg.Tensor):
        return [result.data]
    return [np.asarray(result)]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_nested_transforms_match_torch_func(case, seed):
    rng = np.random.default_rng(seed)
    x0, w0 = rng.uniform(-1.5, 1.5, size=(2, 3))
    if seed == 0:     # the values of issue 9
        x0, w0 = np.array([0.2, -0.4, 0.9]), np.array([0.5, 1.5, -1.0])
    ours, theirs = _arrays(case(MG, x0, w0)), _arrays(case(TORCH, x0, w0))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_issue_values():
    np.testing.assert_allclose(
        issue_grad_of_jacobian(MG, np.array([0.2, -0.4, 0.9]), np.array([0.5, 1.5, -1.0])),
        [0.961, 0.540, 0.137], atol=1e-3)

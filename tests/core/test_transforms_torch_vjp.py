"""mg.vjp, has_aux, elementwise_grad and ggnvp against torch.func in float64
(skipped without torch).

Each case is written once against a small namespace and run with minigrad's
transforms and with torch.func's (``vjp``, ``grad(has_aux=True)``,
``grad_and_value(has_aux=True)``, ``jvp``), then the results are compared.
"""

import types

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

torch = require_module("torch")
tf = torch.func

RNG = np.random.default_rng(1414)
X0 = RNG.standard_normal(4)
W0 = RNG.standard_normal((3, 4))
CT = RNG.standard_normal(3)
V0 = RNG.standard_normal((3, 4))


def _torch_value_and_grad(f, argnums=0, has_aux=False):
    def wrapped(*args):
        g, value = tf.grad_and_value(f, argnums, has_aux=has_aux)(*args)
        return value, g
    return wrapped


def _torch_elementwise_grad(f):
    def wrapped(x):
        out, vjp_fn = tf.vjp(f, x)
        return vjp_fn(torch.ones_like(out))[0]
    return wrapped


def _torch_ggnvp(f, loss):
    # The JAX-literature form, with forward mode: J v by jvp, H by hvp, Jᵀ by vjp.
    def wrapped(x, v):
        z, jv = tf.jvp(f, (x,), (v,))
        hjv = tf.jvp(tf.grad(loss), (z,), (jv,))[1]
        return tf.vjp(f, x)[1](hjv)[0]
    return wrapped


MG = types.SimpleNamespace(
    vjp=mg.vjp, grad=mg.grad, value_and_grad=mg.value_and_grad,
    elementwise_grad=mg.elementwise_grad, ggnvp=mg.ggnvp,
    sin=mg.sin, tanh=mg.tanh, exp=mg.exp, matmul=mg.matmul, logsumexp=mg.logsumexp,
    array=lambda a: a)
TORCH = types.SimpleNamespace(
    vjp=tf.vjp, grad=tf.grad, value_and_grad=_torch_value_and_grad,
    elementwise_grad=_torch_elementwise_grad, ggnvp=_torch_ggnvp,
    sin=torch.sin, tanh=torch.tanh, exp=torch.exp, matmul=torch.matmul,
    logsumexp=lambda z, axis: torch.logsumexp(z, dim=axis),
    array=lambda a: torch.tensor(a, dtype=torch.float64))


def vjp_of_two_primals(ns):
    out, vjp_fn = ns.vjp(lambda x, w: ns.tanh(ns.matmul(w, x)), ns.array(X0), ns.array(W0))
    return (out,) + tuple(vjp_fn(ns.array(CT)))


def vjp_of_a_tuple_output_called_twice(ns):
    def f(x, w):
        return ns.sin(x) * 2.0, ns.matmul(w, ns.exp(x))
    _, vjp_fn = ns.vjp(f, ns.array(X0), ns.array(W0))
    first = vjp_fn((ns.array(X0 ** 2), ns.array(CT)))
    second = vjp_fn((ns.array(np.ones(4)), ns.array(-CT)))
    return tuple(first) + tuple(second)


def vjp_of_a_dict_output(ns):
    _, vjp_fn = ns.vjp(lambda x: {"s": ns.sin(x), "t": (x * x).sum()}, ns.array(X0))
    return vjp_fn({"s": ns.array(X0), "t": ns.array(1.5)})    # torch wants the order


def vjp_of_grad(ns):
    f = ns.grad(lambda x: (ns.sin(x) * x).sum())
    out, vjp_fn = ns.vjp(f, ns.array(X0))
    return (out,) + tuple(vjp_fn(ns.array(X0[::-1].copy())))


def grad_of_vjp_closing_over_the_outer_variable(ns):
    x0 = ns.array(X0)
    return ns.grad(lambda w: ns.vjp(lambda x: ns.sin(x * w), x0)[1](x0)[0].sum())(
        ns.array(X0[::-1].copy()))


def grad_of_vjp_fn_in_its_cotangent(ns):
    _, vjp_fn = ns.vjp(lambda w: ns.tanh(ns.matmul(w, ns.array(X0))), ns.array(W0))
    v = ns.array(V0)
    return ns.grad(lambda u: (vjp_fn(u)[0] * v).sum())(ns.array(np.zeros(3)))


def grad_with_aux(ns):
    def f(x, w):
        pred = ns.matmul(w, x)
        return (pred ** 2).sum(), (pred, ns.exp(x))
    g, (pred, ex) = ns.grad(f, argnums=(0, 1), has_aux=True)(ns.array(X0), ns.array(W0))
    return tuple(g) + (pred, ex)


def value_and_grad_with_aux(ns):
    f = lambda x: ((ns.sin(x) ** 2).sum(), x * 3.0)     # noqa: E731
    (value, aux), g = ns.value_and_grad(f, has_aux=True)(ns.array(X0))
    return value, aux, g


def aux_through_an_enclosing_grad(ns):
    x0 = ns.array(X0)

    def outer(w):
        _, aux = ns.grad(lambda x: ((x * w).sum(), ns.sin(x * w)), has_aux=True)(x0)
        return aux.sum()
    return ns.grad(outer)(ns.array(X0[::-1].copy()))


def elementwise_grads(ns):
    x = ns.array(RNG.standard_normal((2, 3)))
    return (ns.elementwise_grad(ns.tanh)(x),
            ns.elementwise_grad(lambda x: ns.sin(x) * ns.exp(x))(x),
            ns.elementwise_grad(lambda x: ns.logsumexp(x, 1))(x))


def ggnvp_of_a_classifier(ns):
    xs, one_hot = ns.array(RNG.standard_normal((5, 3))), ns.array(np.eye(2)[[0, 1, 1, 0, 1]])

    def model(w):
        return ns.tanh(ns.matmul(xs, w))

    def loss(z):
        return (ns.logsumexp(z, 1) - (z * one_hot).sum(1)).sum()
    return ns.ggnvp(model, loss)(ns.array(RNG.standard_normal((3, 2))),
                                 ns.array(RNG.standard_normal((3, 2))))


CASES = [vjp_of_two_primals, vjp_of_a_tuple_output_called_twice, vjp_of_a_dict_output,
         vjp_of_grad, grad_of_vjp_closing_over_the_outer_variable,
         grad_of_vjp_fn_in_its_cotangent, grad_with_aux, value_and_grad_with_aux,
         aux_through_an_enclosing_grad, elementwise_grads, ggnvp_of_a_classifier]


def _arrays(result):
    if isinstance(result, (tuple, list)):
        return [a for r in result for a in _arrays(r)]
    if isinstance(result, torch.Tensor):
        return [result.detach().numpy()]
    return [np.asarray(result.data if isinstance(result, mg.Tensor) else result)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_against_torch_func(case):
    state = RNG.bit_generator.state                  # the same random draws for both
    ours = _arrays(case(MG))
    RNG.bit_generator.state = state
    theirs = _arrays(case(TORCH))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)

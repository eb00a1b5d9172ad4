"""mg.vjp, has_aux on grad / value_and_grad, mg.elementwise_grad and mg.ggnvp.

The expected values are explicit matrices built with mg.jacobian and
mg.hessian (themselves checked against finite differences and PyTorch in
test_transforms*.py), closed forms, or central differences.
tests/core/test_transforms_torch_vjp.py checks the same against torch.func.
"""

import collections
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import BackwardError, ShapeError

RNG = np.random.default_rng(14)
X0 = np.array([0.3, -0.7, 1.1])
W0 = RNG.standard_normal((2, 3))


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def central_difference(f, x, eps=1e-6):
    x = np.array(x, dtype=np.float64)
    jac = np.zeros(np.shape(f(x)) + x.shape)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        jac[(...,) + i] = (np.asarray(f(x + step)) - np.asarray(f(x - step))) / (2 * eps)
    return jac


def layer(x, w):
    return mg.tanh(mg.matmul(w, x))


# ------------------------------------------------------------------------ vjp
def test_vjp_of_several_primals_is_the_cotangent_times_each_jacobian(no_warnings):
    ct = RNG.standard_normal(2)
    out, vjp_fn = mg.vjp(layer, X0, W0)
    np.testing.assert_allclose(out, np.tanh(W0 @ X0))
    grads = vjp_fn(ct)
    assert isinstance(grads, tuple) and len(grads) == 2
    jx, jw = mg.jacobian(layer, argnums=(0, 1))(X0, W0)
    np.testing.assert_allclose(grads[0], ct @ jx)
    np.testing.assert_allclose(grads[1], np.tensordot(ct, jw, 1))
    assert grads[1].shape == W0.shape


def test_vjp_of_one_primal_is_still_a_tuple_and_of_a_scalar_is_grad():
    out, vjp_fn = mg.vjp(lambda x: (x ** 3).sum(), X0)
    assert np.shape(out) == ()
    (g,) = vjp_fn(2.0)
    np.testing.assert_allclose(g, 2.0 * mg.grad(lambda x: (x ** 3).sum())(X0))


def test_vjp_with_a_matrix_output_takes_a_matrix_cotangent():
    def f(x):
        return mg.sin(x.reshape(3, 1) * x.reshape(1, 3))
    ct = RNG.standard_normal((3, 3))
    (g,) = mg.vjp(f, X0)[1](ct)
    np.testing.assert_allclose(g, np.tensordot(ct, mg.jacobian(f)(X0), 2))


def test_vjp_of_outputs_in_tuples_lists_and_dicts():
    def f(x, w):
        y = mg.matmul(w, x)
        return (mg.sin(x), {"y": y, "pair": [x.sum(), w * 2.0]})
    out, vjp_fn = mg.vjp(f, X0, W0)
    assert isinstance(out, tuple) and set(out[1]) == {"y", "pair"}
    np.testing.assert_allclose(out[1]["y"], W0 @ X0)
    cts = (RNG.standard_normal(3), {"pair": [1.5, RNG.standard_normal((2, 3))],
                                    "y": RNG.standard_normal(2)})     # keys in any order
    gx, gw = vjp_fn(cts)
    want_x = cts[0] * np.cos(X0) + W0.T @ cts[1]["y"] + 1.5
    want_w = np.outer(cts[1]["y"], X0) + 2.0 * cts[1]["pair"][1]
    np.testing.assert_allclose(gx, want_x)
    np.testing.assert_allclose(gw, want_w)


def test_an_output_that_is_a_constant_gets_no_gradient():
    out, vjp_fn = mg.vjp(lambda x: (x * 2.0, 7.0), X0)
    assert out[1] == 7.0
    np.testing.assert_allclose(vjp_fn((np.ones(3), 1.0))[0], 2.0 * np.ones(3))


def test_vjp_fn_can_be_called_again_and_is_linear():
    _, vjp_fn = mg.vjp(layer, X0, W0)
    a, b = RNG.standard_normal(2), RNG.standard_normal(2)
    first, again = vjp_fn(a), vjp_fn(a)
    both = vjp_fn(2.0 * a - b)
    for k in range(2):
        np.testing.assert_allclose(first[k], again[k])
        np.testing.assert_allclose(both[k], 2.0 * first[k] - vjp_fn(b)[k])


def test_vjp_of_a_function_that_uses_grad():
    f = mg.grad(lambda x: (x ** 3).sum())            # 3 x²
    out, vjp_fn = mg.vjp(f, X0)
    np.testing.assert_allclose(out, 3 * X0 ** 2)
    ct = RNG.standard_normal(3)
    np.testing.assert_allclose(vjp_fn(ct)[0], ct * 6 * X0)
    assert isinstance(vjp_fn(ct)[0], np.ndarray)


def test_grad_through_a_vjp_closing_over_the_outer_variable(no_warnings):
    ct = np.array([0.5, -1.0, 2.0])

    def h(w):           # sum_i ct_i w_i cos(x_i w_i)
        return mg.vjp(lambda x: mg.sin(x * w), X0)[1](ct)[0].sum()
    w0 = np.array([0.4, 1.3, -0.2])
    got = mg.grad(h)(w0)
    np.testing.assert_allclose(got, ct * (np.cos(X0 * w0) - X0 * w0 * np.sin(X0 * w0)))
    np.testing.assert_allclose(got, central_difference(lambda w: float(h(w)), w0), rtol=1e-7)


def test_the_gradient_of_vjp_fn_with_respect_to_the_cotangent_is_the_jvp(no_warnings):
    _, vjp_fn = mg.vjp(lambda w: layer(X0, w), W0)
    v = RNG.standard_normal(W0.shape)
    jv = mg.grad(lambda u: (vjp_fn(u)[0] * v).sum())(np.zeros(2))      # J v
    np.testing.assert_allclose(jv, np.tensordot(mg.jacobian(lambda w: layer(X0, w))(W0), v, 2))


def test_tensors_in_tensors_out_and_no_graph_left_at_the_top():
    x = mg.tensor(X0)
    out, vjp_fn = mg.vjp(mg.sin, x)
    (g,) = vjp_fn(mg.ones(3))
    assert isinstance(out, mg.Tensor) and isinstance(g, mg.Tensor)
    assert not out.requires_grad and not g.requires_grad
    np.testing.assert_allclose(g.data, np.cos(X0))


def test_a_closure_over_a_parameter_stays_in_its_graph():
    w = mg.tensor(X0.copy(), requires_grad=True)
    out, vjp_fn = mg.vjp(lambda x: x * x * w, np.ones(3))
    assert isinstance(out, mg.Tensor) and out.requires_grad
    ct = np.array([1.0, 2.0, 3.0])
    (g,) = vjp_fn(ct)                         # 2 x w ct at x = 1
    np.testing.assert_allclose(g.data, 2 * X0 * ct)
    g.sum().backward()
    np.testing.assert_allclose(w.grad, 2 * ct)


def test_vjp_under_no_grad_still_differentiates_and_connects_nothing():
    w = mg.tensor(X0.copy(), requires_grad=True)
    with mg.no_grad():
        out, vjp_fn = mg.vjp(lambda x: x * w, np.ones(3))
        (g,) = vjp_fn(np.ones(3))
    assert isinstance(g, np.ndarray)
    np.testing.assert_allclose(g, X0)


def test_vjp_with_aux():
    out, vjp_fn, aux = mg.vjp(lambda x: (mg.exp(x), {"n": 3, "x2": x * x}), X0, has_aux=True)
    assert aux["n"] == 3 and isinstance(aux["x2"], np.ndarray)
    np.testing.assert_allclose(aux["x2"], X0 ** 2)
    np.testing.assert_allclose(vjp_fn(np.ones(3))[0], np.exp(X0))


def test_a_cotangent_of_the_wrong_shape_or_structure_is_an_error():
    _, vjp_fn = mg.vjp(layer, X0, W0)
    with pytest.raises(ShapeError, match=r"has shape \(3,\), but that output has shape \(2,\)"):
        vjp_fn(np.ones(3))
    _, vjp_fn = mg.vjp(lambda x: (x, x.sum()), X0)
    with pytest.raises(ShapeError, match="must be a tuple or list like the output"):
        vjp_fn(np.ones(3))
    with pytest.raises(ShapeError, match=r"cotangent for the output\[1\] has shape \(3,\)"):
        vjp_fn((np.ones(3), np.ones(3)))
    _, vjp_fn = mg.vjp(lambda x: {"a": x}, X0)
    with pytest.raises(ShapeError, match=r"a dict with keys \['b'\]"):
        vjp_fn({"b": np.ones(3)})


def test_vjp_needs_a_primal_and_warns_on_a_constant_output():
    with pytest.raises(TypeError, match="at least one primal"):
        mg.vjp(mg.sin)
    with pytest.warns(UserWarning, match="does not depend on its argument 0"):
        _, vjp_fn = mg.vjp(lambda x: np.ones(2), X0)
    np.testing.assert_array_equal(vjp_fn(np.ones(2))[0], np.zeros(3))


# -------------------------------------------------------------------- has_aux
def loss_with_aux(x, w):
    pred = mg.matmul(w, x)
    return (pred ** 2).sum(), {"pred": pred, "label": "squares", "count": 2}


def test_grad_with_aux_returns_the_gradient_and_the_aux_as_given(no_warnings):
    g, aux = mg.grad(loss_with_aux, has_aux=True)(X0, W0)
    np.testing.assert_allclose(g, 2 * W0.T @ (W0 @ X0))
    assert aux["label"] == "squares" and aux["count"] == 2
    assert isinstance(aux["pred"], np.ndarray)            # concrete, as in JAX
    np.testing.assert_allclose(aux["pred"], W0 @ X0)


def test_value_and_grad_with_aux_nests_value_and_aux_as_jax(no_warnings):
    (value, aux), (gx, gw) = mg.value_and_grad(loss_with_aux, argnums=(0, 1),
                                               has_aux=True)(X0, W0)
    pred = W0 @ X0
    assert float(value) == pytest.approx(pred @ pred)
    np.testing.assert_allclose(aux["pred"], pred)
    np.testing.assert_allclose(gx, 2 * W0.T @ pred)
    np.testing.assert_allclose(gw, 2 * np.outer(pred, X0))


def test_aux_of_tensor_arguments_is_a_tensor_without_graph():
    g, aux = mg.grad(loss_with_aux, argnums=1, has_aux=True)(mg.tensor(X0), mg.tensor(W0))
    assert isinstance(g, mg.Tensor) and isinstance(aux["pred"], mg.Tensor)
    assert not aux["pred"].requires_grad


def test_aux_keeps_its_structure():
    Pair = collections.namedtuple("Pair", "a b")
    _, aux = mg.grad(lambda x: (x.sum(), Pair(x * 2.0, [x, 1])), has_aux=True)(X0)
    assert isinstance(aux, Pair) and isinstance(aux.b, list) and aux.b[1] == 1
    np.testing.assert_allclose(aux.a, 2 * X0)


def test_aux_stays_differentiable_for_an_enclosing_transform(no_warnings):
    # JAX: aux is cut from the inner variable only; here d/dw sum(x * w) = x.
    def outer(w):
        _, aux = mg.grad(lambda x: ((x * w).sum(), x * w), has_aux=True)(X0)
        return aux.sum()
    np.testing.assert_allclose(mg.grad(outer)(np.ones(3)), X0)


def test_aux_does_not_count_in_the_gradient():
    g = mg.grad(lambda x: (x.sum(), (x ** 5).sum()), has_aux=True)(X0)[0]
    np.testing.assert_allclose(g, np.ones(3))


@pytest.mark.parametrize("who", ["grad", "value_and_grad"])
@pytest.mark.parametrize("returned, got", [
    (lambda x: x.sum(), "got a Tensor"),
    (lambda x: (x.sum(), 1, 2), "got a tuple of length 3"),
    (lambda x: [x.sum()], "got a list of length 1"),
])
def test_has_aux_needs_a_pair(who, returned, got):
    with pytest.raises(BackwardError, match=rf"{who}\(f, has_aux=True\) needs f to return "
                                            rf"a pair \(output, aux\), {got}"):
        getattr(mg, who)(returned, has_aux=True)(X0)


# ------------------------------------------------------------ elementwise_grad
@pytest.mark.parametrize("f", [
    mg.tanh,
    lambda x: mg.sin(x) * mg.exp(x),
    lambda x: x ** 3 - 2.0 * x,
    lambda x: mg.log(1.0 + mg.exp(x)),
], ids=["tanh", "sin_exp", "cubic", "softplus"])
def test_elementwise_grad_of_elementwise_functions_is_the_jacobian_diagonal(f, no_warnings):
    x = RNG.standard_normal((2, 3))
    got = mg.elementwise_grad(f)(x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, np.diagonal(mg.jacobian(f)(x).reshape(6, 6)).reshape(2, 3))


def test_elementwise_grad_is_the_gradient_of_the_sum_for_any_function():
    x = RNG.standard_normal(4)
    got = mg.elementwise_grad(mg.softmax)(x)          # sum(softmax) = 1: zero gradient
    np.testing.assert_allclose(got, np.zeros(4), atol=1e-15)
    assert np.all(np.abs(np.diagonal(mg.jacobian(mg.softmax)(x))) > 1e-3)   # not the diagonal


def test_elementwise_grad_of_several_arguments():
    gx, gy = mg.elementwise_grad(lambda x, y: x * mg.sin(y), argnums=(0, 1))(X0, X0 + 1)
    np.testing.assert_allclose(gx, np.sin(X0 + 1))
    np.testing.assert_allclose(gy, X0 * np.cos(X0 + 1))


def test_elementwise_grad_nests_for_the_second_derivative():
    d2 = mg.elementwise_grad(mg.elementwise_grad(mg.tanh))(X0)
    t = np.tanh(X0)
    np.testing.assert_allclose(d2, -2 * t * (1 - t ** 2))


# ---------------------------------------------------------------------- ggnvp
XS = RNG.standard_normal((5, 3))                  # inputs of a small classifier
LABELS = np.array([0, 1, 1, 0, 1])
ONE_HOT = np.eye(2)[LABELS]


def classifier(w):                                 # (3, 2) weights -> (5, 2) logits
    return mg.tanh(mg.matmul(XS, w))


def cross_entropy(z):                              # convex in the logits
    return (mg.logsumexp(z, axis=1) - (z * ONE_HOT).sum(axis=1)).sum()


def explicit_ggn(f, loss, w):
    z = f(w)
    n, d = np.size(z), np.size(w)
    jac = np.asarray(mg.jacobian(f)(w)).reshape(n, d)
    hess = np.asarray(mg.hessian(loss)(z)).reshape(n, n)
    return jac.T @ hess @ jac, jac, hess


def test_ggnvp_is_jt_h_j_v_with_explicit_matrices(no_warnings):
    w0 = RNG.standard_normal((3, 2))
    G, _, _ = explicit_ggn(classifier, cross_entropy, w0)
    for _ in range(3):
        v = RNG.standard_normal(w0.shape)
        got = mg.ggnvp(classifier, cross_entropy)(w0, v)
        assert got.shape == w0.shape
        np.testing.assert_allclose(got.ravel(), G @ v.ravel(), rtol=1e-10, atol=1e-12)


def test_ggn_is_symmetric_psd_for_a_convex_loss_and_the_hessian_is_not():
    w0 = 2.0 * RNG.standard_normal((3, 2))
    G = np.stack([mg.ggnvp(classifier, cross_entropy)(w0, e.reshape(3, 2)).ravel()
                  for e in np.eye(6)], axis=1)
    np.testing.assert_allclose(G, G.T, atol=1e-12)
    assert np.linalg.eigvalsh(G).min() > -1e-12
    H = np.asarray(mg.hessian(lambda w: cross_entropy(classifier(w)))(w0)).reshape(6, 6)
    assert np.linalg.eigvalsh(H).min() < -1e-3         # tanh's curvature: indefinite


def test_hessian_is_the_ggn_plus_the_models_curvature_weighted_by_the_loss_gradient():
    w0 = RNG.standard_normal(3)
    f = lambda w: mg.tanh(mg.matmul(XS, w))            # noqa: E731
    loss = lambda z: ((z - 0.5) ** 4).sum()            # noqa: E731
    G, _, _ = explicit_ggn(f, loss, w0)
    dl = mg.grad(loss)(np.tanh(XS @ w0))
    curvature = sum(dl[k] * mg.hessian(lambda w, k=k: f(w)[k])(w0) for k in range(5))
    H = mg.hessian(lambda w: loss(f(w)))(w0)
    np.testing.assert_allclose(G + curvature, H, rtol=1e-9, atol=1e-12)
    v = RNG.standard_normal(3)
    np.testing.assert_allclose(mg.ggnvp(f, loss)(w0, v), G @ v, rtol=1e-10)


def test_ggnvp_of_a_linear_model_with_squared_loss_is_the_hessian(no_warnings):
    y = RNG.standard_normal(5)

    def model(inputs, w):
        return mg.matmul(inputs, w)

    def squared(z):
        return 0.5 * ((z - y) ** 2).sum()
    w0, v = RNG.standard_normal(3), RNG.standard_normal(3)
    got = mg.ggnvp(model, squared, argnums=1)(XS, w0, v)
    np.testing.assert_allclose(got, XS.T @ XS @ v, rtol=1e-12)
    hv = mg.hvp(lambda w: squared(model(XS, w)))(w0, v)
    np.testing.assert_allclose(got, hv, rtol=1e-12)


def test_ggnvp_of_tensors_is_a_tensor_differentiable_in_v():
    w0 = mg.tensor(RNG.standard_normal((3, 2)))
    v = mg.tensor(RNG.standard_normal((3, 2)), requires_grad=True)
    gv = mg.ggnvp(classifier, cross_entropy)(w0, v)
    assert isinstance(gv, mg.Tensor) and gv.requires_grad
    u = RNG.standard_normal((3, 2))
    (gv * u).sum().backward()                          # d/dv uᵀ G v = G u (G symmetric)
    np.testing.assert_allclose(v.grad, mg.ggnvp(classifier, cross_entropy)(w0.data, u),
                               rtol=1e-10)


def test_ggnvp_errors():
    with pytest.raises(TypeError, match="single argument index"):
        mg.ggnvp(classifier, cross_entropy, argnums=(0,))
    with pytest.raises(BackwardError, match="needs f to return one tensor, got tuple"):
        mg.ggnvp(lambda w: (w, w), cross_entropy)(np.ones((3, 2)), np.ones((3, 2)))

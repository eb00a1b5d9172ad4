"""Forward mode (``mg.jvp``, ``mg.jacfwd``) for every declared op, nesting, errors.

The op tests are registry-driven: every primitive in ``mg.REGISTRY`` and every
declared composite, with the arguments the property tests draw from its
declaration (``case_strategy`` in ``test_op_properties.py``), is checked in
forward mode against central differences and against reverse mode (``<w, J t>``
from ``jvp`` equals ``<Jᵀ w, t>`` from ``vjp``).  An op merged later is covered
with no edit here.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad as mg
from minigrad.errors import BackwardError, DTypeError, ShapeError
from minigrad.primitive import PLAIN_CALL, Primitive

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_op_properties import ALL_OPS, DECLARED, case_strategy  # noqa: E402


def _float_inputs(args):
    return [i for i, a in enumerate(args)
            if isinstance(a, np.ndarray) and a.dtype.kind == "f"]


def _directional_difference(f, args, nums, tangents, eps=1e-6):
    def at(s):
        xs = list(args)
        for i, t in zip(nums, tangents):
            xs[i] = args[i] + s * t
        return np.asarray(f(*xs), dtype=np.float64)
    return (at(eps) - at(-eps)) / (2 * eps)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_forward_mode_of_every_op_matches_finite_differences_and_reverse_mode(name, data):
    case = data.draw(case_strategy(name))
    f = case.call(DECLARED[name])
    nums = _float_inputs(case.args)
    if not nums:
        return
    rng = np.random.default_rng(len(name))
    tangents = [rng.standard_normal(case.args[i].shape) for i in nums]

    def g(*xs):                        # f of the differentiated inputs only
        call = list(case.args)
        for i, x in zip(nums, xs):
            call[i] = x
        return f(*call)
    out, tangent = mg.jvp(g, tuple(case.args[i] for i in nums), tuple(tangents))
    np.testing.assert_allclose(out, np.asarray(f(*case.args)), rtol=1e-12, atol=1e-12)
    assert np.shape(tangent) == np.shape(out) and np.asarray(tangent).dtype == np.float64
    expected = _directional_difference(f, case.args, nums, tangents)
    np.testing.assert_allclose(tangent, expected, rtol=1e-4, atol=1e-5,
                               err_msg=f"{name}: jvp vs central differences")
    # <w, J t> (forward) = <Jᵀ w, t> (reverse), to rounding.
    w = rng.standard_normal(np.shape(out))
    _, vjp_fn = mg.vjp(g, *(case.args[i] for i in nums))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")    # an op whose output ignores an input
        cotangents = vjp_fn(w)
    reverse = sum(float(np.sum(c * t)) for c, t in zip(cotangents, tangents))
    np.testing.assert_allclose(float(np.sum(w * tangent)), reverse, rtol=1e-9, atol=1e-9,
                               err_msg=f"{name}: <w, Jt> vs <Jᵀw, t>")


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_forward_mode_keeps_float32(name, data):
    case = data.draw(case_strategy(name))
    nums = _float_inputs(case.args)
    if not nums or case.kwargs.get("dtype") is not None:
        return
    args = [a.astype(np.float32) if i in nums else a for i, a in enumerate(case.args)]
    f = case.call(DECLARED[name])

    def g(*xs):
        call = list(args)
        for i, x in zip(nums, xs):
            call[i] = x
        return f(*call)
    out, tangent = mg.jvp(g, tuple(args[i] for i in nums),
                          tuple(np.ones_like(args[i]) for i in nums))
    assert np.asarray(out).dtype == np.float32
    assert np.asarray(tangent).dtype == np.float32, name


# ------------------------------------------------------------------ nesting
def cubic(x):
    return (x ** 3).sum() + (mg.sin(x) * x[::-1]).sum()


X = np.array([0.5, -1.0, 2.0])
V = np.array([1.0, 0.5, -2.0])


def test_forward_over_reverse_is_the_hessian():
    expected = mg.hessian(cubic)(X)
    np.testing.assert_allclose(mg.jacfwd(mg.jacrev(cubic))(X), expected, rtol=1e-12)
    np.testing.assert_allclose(mg.hessian(cubic, mode="forward")(X), expected, rtol=1e-12)
    # jvp of a gradient is a Hessian-vector product.
    _, hv = mg.jvp(mg.grad(cubic), (X,), (V,))
    np.testing.assert_allclose(hv, mg.hvp(cubic)(X, V), rtol=1e-12)


def test_reverse_over_forward_is_the_hessian():
    def directional(x):
        return mg.jvp(cubic, (x,), (V,))[1]
    np.testing.assert_allclose(mg.grad(directional)(X), mg.hvp(cubic)(X, V), rtol=1e-12)
    np.testing.assert_allclose(mg.jacrev(mg.jacfwd(cubic))(X), mg.hessian(cubic)(X),
                               rtol=1e-12)
    # The gradient with respect to the tangent is the gradient of f (J is linear in t).
    grad_t = mg.grad(lambda v: mg.jvp(cubic, (X,), (v,))[1])(V)
    np.testing.assert_allclose(grad_t, mg.grad(cubic)(X), rtol=1e-12)


def test_forward_over_forward_and_third_order():
    def second(x):                     # vᵀ H(x) v by jvp of jvp
        return mg.jvp(lambda y: mg.jvp(cubic, (y,), (V,))[1], (x,), (V,))[1]
    np.testing.assert_allclose(second(X), V @ mg.hessian(cubic)(X) @ V, rtol=1e-12)
    # d/dx of vᵀH(x)v through reverse over forward over forward
    third = mg.grad(second)(X)
    eps = 1e-5
    fd = np.array([(second(X + eps * e) - second(X - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(third, fd, rtol=1e-6, atol=1e-6)


def test_nested_jvps_keep_their_perturbations_apart():
    # d/dx [x · (d/dy (x + y))] at y = x is 1: the inner derivative must not see x's tangent.
    def f(x):
        return x * mg.jvp(lambda y: x + y, (x,), (np.ones(()),))[1]
    _, t = mg.jvp(f, (np.array(2.0),), (np.array(1.0),))
    assert float(t) == 1.0


def test_jacfwd_matches_jacrev_with_several_arguments_and_structure():
    def f(a, b):
        return mg.tanh(a @ b) * mg.exp(b).sum()
    a, b = np.random.default_rng(0).standard_normal((2, 3, 3))
    forward = mg.jacfwd(f, argnums=(0, 1))(a, b)
    reverse = mg.jacrev(f, argnums=(0, 1))(a, b)
    assert mg.jacrev is mg.jacobian
    for fw, rv in zip(forward, reverse):
        np.testing.assert_allclose(fw, rv, rtol=1e-12, atol=1e-14)
    out, (t1, t2) = mg.jvp(lambda x: (mg.sin(x), {"sq": x * x}), (X,), (V,))
    np.testing.assert_allclose(t1, np.cos(X) * V)
    np.testing.assert_allclose(t2["sq"], 2 * X * V)


def test_tensors_in_give_tensors_out_and_closures_are_constants():
    w = mg.tensor([2.0, 3.0], requires_grad=True)
    out, t = mg.jvp(lambda x: x * w, (mg.tensor([1.0, 1.0]),), (np.array([1.0, 0.0]),))
    assert isinstance(out, mg.Tensor) and isinstance(t, mg.Tensor)
    np.testing.assert_allclose(t.data, [2.0, 0.0])
    # The tangent stays in w's graph: d/dw of sum(J t) = t.
    t.sum().backward()
    np.testing.assert_allclose(w.grad, [1.0, 0.0])


def test_a_tangent_that_depends_on_a_closed_over_parameter_stays_in_its_graph():
    # h = x + w carries w's graph into the tangent of h * h = 2 h t: d/dw sum(2 (x + w) t) = 2t.
    w = mg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    _, t = mg.jvp(lambda x: ((x + w) * (x + w)).sum(), (X,), (V,))
    t.backward()
    np.testing.assert_allclose(w.grad, 2 * V)


def test_an_output_that_ignores_the_input_has_a_zero_tangent():
    out, t = mg.jvp(lambda x: mg.tensor([1.0, 2.0]) * 2.0, (X,), (V,))
    np.testing.assert_array_equal(t, np.zeros(2))


# ---------------------------------------------------- user ops, modes, layers
def test_a_user_op_with_a_numpy_vjp_works_in_forward_mode_and_refuses_nesting():
    cube = mg.primitive(lambda x: x ** 3, name="cube_numpy_vjp_fwd", register=False)
    cube.defvjp(lambda g, out, x: g * 3 * x ** 2)        # NumPy only
    matrix = mg.primitive(lambda x: np.outer(x, x), name="outer_numpy_vjp_fwd",
                          register=False)
    matrix.defvjp(lambda g, out, x: (g + g.T) @ x)
    _, t = mg.jvp(cube, (X,), (V,))
    np.testing.assert_allclose(t, 3 * X ** 2 * V)
    _, t = mg.jvp(matrix, (X,), (V,))
    np.testing.assert_allclose(t, np.outer(V, X) + np.outer(X, V))
    with pytest.raises(BackwardError, match="outer_numpy_vjp_fwd.*written with NumPy"):
        mg.grad(lambda x: mg.jvp(matrix, (x,), (V,))[1].sum())(X)
    # Forward over reverse through it: refused too, never a zero tangent.
    with pytest.raises(BackwardError, match="over reverse mode.*cube_numpy_vjp_fwd"):
        mg.jacfwd(mg.grad(lambda x: (cube(x) * x).sum()))(X)


def test_the_transpose_trick_holds_for_a_vjp_that_skips_a_zero_part_of_g():
    # Like eigh's VJP, which skips the eigenvector term when that part of g is zero.
    def both_vjp(g, out, x):
        result = g[0]
        if np.any(getattr(g, "data", g)[1]):
            result = result + g[1] * 2.0 * x
        return result
    both = mg.primitive(lambda x: np.stack([x, x * x]), name="stack_square_fwd",
                        register=False, differentiable_vjp=True)
    both.defvjp(both_vjp)
    _, t = mg.jvp(both, (X,), (V,))
    np.testing.assert_allclose(t, np.stack([V, 2.0 * X * V]))


def test_a_declared_jvp_is_used():
    calls = []
    double = mg.primitive(lambda x: 2 * x, name="double_declared_jvp", register=False,
                          differentiable_vjp=True)
    double.defvjp(lambda g, out, x: 2 * g)
    double.defjvp(lambda t, out, x: calls.append(1) or 2 * t)
    _, t = mg.jvp(double, (X,), (V,))
    np.testing.assert_allclose(t, 2 * V)
    assert calls == [1]


def test_the_layer_is_on_only_while_a_jvp_runs_and_composes_with_anomaly_mode():
    assert Primitive.__call__ is PLAIN_CALL
    seen = []
    with mg.detect_anomaly():
        _, t = mg.jvp(lambda x: (seen.append(Primitive.__call__) or mg.exp(x)).sum(), (X,),
                      (V,))
        with pytest.raises(mg.AnomalyError):
            mg.jvp(lambda x: mg.log(x - 10.0), (X,), (V,))
    assert seen[0] is not PLAIN_CALL
    np.testing.assert_allclose(t, np.exp(X) @ V)
    assert Primitive.__call__ is PLAIN_CALL
    # Anomaly mode switched on inside a jvp keeps the tangents flowing.

    def f(x):
        with mg.detect_anomaly():
            return mg.sin(x)
    np.testing.assert_allclose(mg.jvp(f, (X,), (V,))[1], np.cos(X) * V)
    assert Primitive.__call__ is PLAIN_CALL


def test_jvps_in_several_threads_and_under_no_grad():
    import threading
    results = {}

    def run(i):
        x = np.full(3, float(i))
        for _ in range(50):
            _, t = mg.jvp(lambda x: (mg.sin(x) * x).sum(), (x,), (np.ones(3),))
        results[i] = float(t)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == pytest.approx({i: 3 * (np.cos(i) * i + np.sin(i)) for i in range(4)})
    assert Primitive.__call__ is PLAIN_CALL
    with mg.no_grad():
        np.testing.assert_allclose(mg.jacfwd(mg.jacrev(cubic))(X), mg.hessian(cubic)(X))


def test_a_call_swapped_in_by_other_code_stays_beneath_the_layers():
    seen = []

    def counting(self, *args, **kwargs):
        seen.append(self.name)
        return PLAIN_CALL(self, *args, **kwargs)
    Primitive.__call__ = counting
    try:
        _, t = mg.jvp(mg.exp, (X,), (V,))
        assert Primitive.__call__ is counting and "exp" in seen
    finally:
        Primitive.__call__ = PLAIN_CALL
    np.testing.assert_allclose(t, np.exp(X) * V)
    _, t = mg.jvp(mg.exp, (X,), (V,))          # and the plain call is the base again
    assert Primitive.__call__ is PLAIN_CALL


# ------------------------------------------------------------------ errors
def test_jvp_names_the_argument_whose_tangent_does_not_fit():
    with pytest.raises(ShapeError, match=r"tangent 1 has shape \(2,\), but primal 1 has "
                                         r"shape \(3,\)"):
        mg.jvp(lambda a, b: a * b, (X, X), (V, np.ones(2)))
    with pytest.raises(DTypeError, match="tangent 0 has dtype float32, but primal 0 has "
                                         "dtype float64"):
        mg.jvp(mg.sin, (X,), (V.astype(np.float32),))
    with pytest.raises(DTypeError, match="tangent 0 has dtype int64"):
        mg.jvp(mg.sin, (X,), (np.array([1, 2, 3]),))
    with pytest.raises(ShapeError, match="2 primal.*1 tangent"):
        mg.jvp(lambda a, b: a * b, (X, X), (V,))
    with pytest.raises(TypeError, match=r"jvp\(f, \(x,\), \(v,\)\)"):
        mg.jvp(mg.sin, X, V)
    with pytest.raises(ValueError, match="mode must be"):
        mg.hessian(cubic, mode="sideways")
    with pytest.raises(BackwardError, match="jacfwd.*one tensor, got a tuple"):
        mg.jacfwd(lambda x: (x, x * 2))(X)

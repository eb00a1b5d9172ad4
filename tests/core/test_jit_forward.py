"""Forward mode under traces and jit: ``make_trace`` lists each tangent
computation (one JVP step per argument of each op), and ``mg.jit`` replays
``jvp``-based functions bit for bit; anomaly mode, forward mode and the trace
recorder are call layers that compose in any order."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg
from minigrad.primitive import PLAIN_CALL, Primitive, call_layers


def same(a, b):
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(
            same(x, y) for x, y in zip(a, b))
    a = a.data if isinstance(a, mg.Tensor) else np.asarray(a)
    b = b.data if isinstance(b, mg.Tensor) else np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


def f(x):
    return mg.sum(mg.tanh(x) * x)


def g(x):
    """Ops whose JVPs come three ways: declared (mul), elementwise VJP (sqrt),
    the transpose trick (cumsum); and a sort, whose order changes with x."""
    return mg.sum(mg.cumsum(mg.sqrt(x * x + 1.0), 0) * mg.sort(x)[0])


RNG = np.random.default_rng(13)
X = RNG.normal(size=4)
V = RNG.normal(size=4)

CASES = {
    "jvp": lambda x, v: mg.jvp(g, (x,), (v,)),
    "jacfwd": lambda x, v: mg.jacfwd(lambda x: mg.cumsum(mg.tanh(x), 0) * v.sum())(x),
    "hessian_forward": lambda x, v: mg.hessian(g, mode="forward")(x) @ v,
    "jvp_of_grad": lambda x, v: mg.jvp(mg.grad(g), (x,), (v,)),
    "grad_of_jvp": lambda x, v: mg.grad(lambda x: mg.jvp(g, (x,), (v,))[1])(x),
    "value_and_grad_of_jvp": lambda x, v: mg.value_and_grad(
        lambda x, v: mg.jvp(f, (x,), (v,))[1], argnums=(0, 1))(x, v),
    "jvp_of_jvp": lambda x, v: mg.jvp(lambda x: mg.jvp(g, (x,), (v,))[1], (x,), (v,)),
    "jacfwd_of_jacrev": lambda x, v: mg.jacfwd(mg.jacrev(f))(x * v),
}


# --------------------------------------------------------------- the listing
def test_the_trace_of_a_jvp_lists_each_tangent_computation():
    program = mg.make_trace(lambda x, v: mg.jvp(f, (x,), (v,)))(X, V)
    text = str(program)
    assert program.primitives("tangent") == [
        "tanh.jvp[0]", "mul.jvp[0]", "mul.jvp[1]", "add", "sum.jvp[0]"]
    assert program.primitives("forward")[1:4] == ["tanh", "mul", "sum"]
    # Each tangent group is under its primal's line, named after it.
    lines = text.splitlines()
    k = next(n for n, line in enumerate(lines) if " = tanh " in line)
    primal = lines[k].split(":")[0].strip()
    assert lines[k + 1].strip() == f"-- tangent of {primal}"
    assert "tanh.jvp[0]" in lines[k + 2] and "1 - tanh(x)²" in lines[k + 2]


def test_the_listing_says_where_each_jvp_comes_from():
    text = str(mg.make_trace(lambda x, v: mg.jvp(g, (x,), (v,)))(X, V))
    assert "sqrt.jvp[0]" in text and "its VJP applied to the tangent" in text
    assert "cumsum.jvp[0]" in text and "the transpose trick" in text
    assert "mul.jvp[1]" in text and "the op's JVP" in text
    assert "sort_order" in text      # the permutation is a step, computed from x


def test_a_numpy_vjp_op_in_forward_mode_is_one_step():
    @mg.primitive(register=False)
    def cube(x):
        return x ** 3
    cube.defvjp(lambda g, out, x: g * 3 * x ** 2)

    def h(x, v):
        return mg.jvp(lambda x: cube(mg.cumsum(x, 0)), (x,), (v,))
    program = mg.make_trace(h)(X, V)
    assert "cube.jvp[0]" in program.primitives("tangent")
    assert "the rows of its Jacobian" in str(program)
    j = mg.jit(h)
    j(X, V)
    assert same(j(X * 2, V), h(X * 2, V))


def test_a_jvp_of_a_grad_lists_the_backward_graph_and_its_tangents():
    program = mg.make_trace(lambda x, v: mg.jvp(mg.grad(f), (x,), (v,)))(X, V)
    tangent = program.primitives("tangent")
    assert "tanh.jvp[0]" in tangent and "sub.jvp[1]" in tangent   # d/dx of 1 - tanh²


def test_a_grad_of_a_jvp_differentiates_the_recorded_tangents():
    program = mg.make_trace(mg.grad(lambda x, v: mg.jvp(f, (x,), (v,))[1]))(X, V)
    backward = program.primitives("backward")
    assert "tanh.vjp[0]" in backward and "sub.vjp[1]" in backward
    assert program.primitives("tangent")             # tangents as primitive calls


# ------------------------------------------------------------------ jit
@pytest.mark.parametrize("name", sorted(CASES))
def test_jit_replays_forward_mode_bit_for_bit_on_new_values(name):
    fn = CASES[name]
    compiled = mg.jit(fn)
    assert same(compiled(X, V), fn(X, V))
    for seed in range(3):                 # new values, new orders for the sort
        rng = np.random.default_rng(seed)
        x, v = rng.normal(size=4), rng.normal(size=4)
        assert same(compiled(x, v), fn(x, v)), seed
    assert compiled.trace_count == 1


@pytest.mark.parametrize("name", ["jvp", "jacfwd", "hessian_forward", "grad_of_jvp"])
def test_jit_of_forward_mode_traces_again_for_a_new_shape(name):
    fn = CASES[name]
    compiled = mg.jit(fn)
    compiled(X, V)
    x, v = RNG.normal(size=6), RNG.normal(size=6)
    assert same(compiled(x, v), fn(x, v))
    assert compiled.trace_count == 2
    assert same(compiled(x + 1.0, v), fn(x + 1.0, v))
    assert compiled.trace_count == 2


def test_jit_of_a_jvp_in_float32_keeps_the_dtype_and_the_bits():
    fn = CASES["jvp"]
    x, v = X.astype(np.float32), V.astype(np.float32)
    compiled = mg.jit(fn)
    compiled(x, v)
    out = compiled(x * 3, v)
    assert out[1].dtype == np.float32 and same(out, fn(x * 3, v))


def test_sort_under_jit_sorts_each_calls_values():
    compiled = mg.jit(lambda x: mg.sort(x, descending=True)[0] * mg.argsort(x).astype(x.dtype))
    fn = compiled.f
    compiled(X)
    assert same(compiled(X[::-1].copy()), fn(X[::-1].copy()))
    assert same(compiled(-X), fn(-X))


def test_jvp_and_grad_of_a_jitted_function_see_through_it():
    compiled = mg.jit(f)
    assert same(mg.jvp(compiled, (X,), (V,)), mg.jvp(f, (X,), (V,)))
    assert same(mg.grad(compiled)(X), mg.grad(f)(X))


# --------------------------------------------------- modes in any order
def test_anomaly_mode_inside_a_traced_function():
    def h(x, v):
        with mg.detect_anomaly():
            return mg.jvp(g, (x,), (v,))
    compiled = mg.jit(h)
    compiled(X, V)
    assert same(compiled(X + 1.0, V), h(X + 1.0, V))
    assert Primitive.__call__ is PLAIN_CALL and call_layers() == []


def test_a_trace_inside_anomaly_mode_and_a_jvp_inside_both():
    fn = CASES["grad_of_jvp"]
    with mg.detect_anomaly():
        compiled = mg.jit(fn)
        compiled(X, V)
        assert same(compiled(X * 2, V), fn(X * 2, V))
        with pytest.raises(mg.AnomalyError, match="log"):     # still checked at the trace
            mg.jit(lambda x, v: mg.jvp(lambda x: mg.log(x - 10.0), (x,), (v,)))(X, V)
    assert Primitive.__call__ is PLAIN_CALL and call_layers() == []


def test_the_layers_stack_in_one_order_whatever_order_the_modes_began_in():
    seen = []

    def h(x, v):
        seen.append(call_layers())
        return mg.jvp(lambda x: (seen.append(call_layers()), mg.tanh(x))[1], (x,), (v,))
    with mg.detect_anomaly():
        mg.make_trace(h)(X, V)
    assert seen == [["trace", "anomaly"], ["trace", "anomaly", "forward"]]
    seen.clear()

    def inner(y):
        seen.append(call_layers())
        return mg.exp(y)

    def k(x):                         # forward mode began first, then anomaly, then a trace
        with mg.detect_anomaly():
            mg.make_trace(inner)(np.ones(2))
        return mg.tanh(x)
    assert same(mg.jvp(k, (X,), (V,)), mg.jvp(mg.tanh, (X,), (V,)))
    assert seen == [["trace", "anomaly", "forward"]]
    assert Primitive.__call__ is PLAIN_CALL and call_layers() == []

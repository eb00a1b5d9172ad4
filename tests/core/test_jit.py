"""mg.jit and mg.make_trace: a replayed program equals eager execution bit for bit.

Each comparison calls the compiled function on NEW values after the trace, so
what is checked is the replay (the first call is the eager run itself), and
every array comparison is ``np.array_equal``: the same bits, not "close".
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import minigrad as mg
from minigrad.primitive import COMPOSITES, REGISTRY, Primitive


def same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(
        a, b, equal_nan=a.dtype.kind == "f")


def same_tree(a, b):
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same_tree(x, y) for x, y in zip(a, b))
    return same(mg.tensor(a).data if isinstance(a, mg.Tensor) else a,
                b.data if isinstance(b, mg.Tensor) else b)


# ---------------------------------------------- random expression graphs
#: Every declared elementwise op of one or two operands, built-in or composite,
#: from the registry (ops merged later join without an edit here).
DECLARED = {**{n: op for n, op in REGISTRY.items()},
            **{n: c for n, c in COMPOSITES.items()}}
ELEMENTWISE = sorted(n for n, op in DECLARED.items()
                     if op.kind == "elementwise" and op.nargs in (1, 2))
REDUCTIONS = sorted(n for n, op in DECLARED.items() if op.kind == "reduction")
SHAPES = [(2, 3), (3,), (1, 3), (2, 1), ()]


@st.composite
def expression_graphs(draw):
    n_inputs = draw(st.integers(1, 3))
    shapes = [(2, 3)] + [draw(st.sampled_from(SHAPES)) for _ in range(n_inputs - 1)]
    steps = draw(st.lists(st.tuples(st.sampled_from(ELEMENTWISE), st.integers(0, 50),
                                    st.integers(0, 50)), min_size=2, max_size=6))
    reduction = draw(st.sampled_from(REDUCTIONS))
    axis = draw(st.sampled_from([None, 0, -1]))
    return shapes, steps, reduction, axis


def graph_function(steps, reduction, axis):
    def f(*xs):
        pool = list(xs)
        for name, i, j in steps:
            op = DECLARED[name]
            operands = [pool[i % len(pool)], pool[j % len(pool)]][:op.nargs]
            pool.append(op(*operands))
        floats = [v for v in pool[len(xs):] if np.asarray(mg.tensor(v).data).dtype.kind == "f"]
        out = DECLARED[reduction](floats[-1] * xs[0], axis=axis)
        return mg.sum(out * out) + sum(mg.sum(v) for v in floats[:-1])
    return f


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression_graphs(), st.integers(0, 2 ** 31))
def test_jit_equals_eager_on_random_graphs(graph, seed):
    shapes, steps, reduction, axis = graph
    f = graph_function(steps, reduction, axis)
    rng = np.random.default_rng(seed)
    first = [rng.uniform(-2, 2, s) for s in shapes]
    later = [rng.uniform(-2, 2, s) for s in shapes]
    argnums = tuple(range(len(shapes)))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            mg.value_and_grad(f, argnums)(*first)
        except (mg.MinigradError, ValueError, TypeError):
            assume(False)     # an op refusing these operands is not what is tested here
        step = mg.jit(mg.value_and_grad(f, argnums))
        forward = mg.jit(f)
        assert same_tree(step(*first), mg.value_and_grad(f, argnums)(*first))
        assert same_tree(step(*later), mg.value_and_grad(f, argnums)(*later))
        forward(*first)
        assert same_tree(forward(*later), f(*[mg.tensor(x) for x in later]))
    assert step.trace_count == 1 and forward.trace_count == 1


# ---------------------------------------------------- the benchmark steps
def mlp_loss(*args):
    *params, X, onehot = args
    h = X
    for i in range(len(params) // 2):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < len(params) // 2 - 1:
            h = mg.relu(h)
    return -(mg.log_softmax(h, axis=-1) * onehot).sum() / X.shape[0]


def mlp_data(batch=32, sizes=(784, 256, 256, 10), seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    onehot = np.eye(sizes[-1], dtype=np.float32)[rng.integers(0, sizes[-1], batch)]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params += [(rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32),
                   np.zeros(b, dtype=np.float32)]
    return params, X, onehot


def test_mlp_training_steps_equal_eager_bit_for_bit():
    params, X, onehot = mlp_data()
    step = mg.jit(mg.value_and_grad(mlp_loss, argnums=tuple(range(6))))
    compiled = [p.copy() for p in params]
    eager = [mg.tensor(p.copy(), requires_grad=True) for p in params]
    for _ in range(3):
        value, grads = step(*compiled, X, onehot)
        loss = mlp_loss(*eager, mg.tensor(X), onehot)
        loss.backward()
        assert same(value, loss.data)
        for p, g, t in zip(compiled, grads, eager):
            assert same(g, t.grad)
            p -= 0.01 * g                          # the optimizer runs eagerly on arrays
            t.data -= 0.01 * t.grad
            t.grad = None
    assert step.trace_count == 1


def test_gabor_sgd_equals_eager_bit_for_bit():
    x, y = mg.lab.datasets.gabor()
    batches = [(x[i:i + 5], y[i:i + 5]) for i in range(0, 25, 5)] * 4 + [(x[25:], y[25:])]

    def loss(phi, xb, yb):
        return mg.losses.mse_loss(mg.lab.models.gabor(xb, phi), yb, reduction="sum")
    step = mg.jit(mg.value_and_grad(loss))
    phi = np.array([2.5, 8.0])
    t = mg.tensor(phi.copy(), requires_grad=True)
    opt = mg.optim.SGD([t], lr=0.05)
    for xb, yb in batches:
        phi = phi - 0.05 * step(phi, xb, yb)[1]
        opt.zero_grad()
        loss(t, xb, yb).backward()
        opt.step()
        assert same(phi, t.data)
    assert step.trace_count == 2                  # batches of 5 and of 3


def test_a_whole_training_step_through_functional_call():
    net = mg.nn.MLP([3, 8, 8, 2], activation="relu", seed=0)
    names = [n for n, _ in net.named_parameters()]
    rng = np.random.default_rng(1)
    X, target = rng.standard_normal((16, 3)), rng.standard_normal((16, 2))

    def loss(params, X, target):
        return mg.losses.mse_loss(mg.nn.functional_call(net, params, X), target)

    def step(*args):
        *params, X, target = args
        return mg.value_and_grad(lambda *ps: loss(dict(zip(names, ps)), X, target),
                                 argnums=tuple(range(len(params))))(*params)
    compiled = mg.jit(step)
    arrays = [p.data.copy() for p in net.parameters()]
    opt = mg.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(3):
        value, grads = compiled(*arrays, X, target)
        opt.zero_grad()
        eager = mg.losses.mse_loss(net(mg.tensor(X)), target)
        eager.backward()
        assert same(value, eager.data)
        assert all(same(g, p.grad) for g, p in zip(grads, net.parameters()))
        opt.step()
        arrays = [a - 0.1 * g for a, g in zip(arrays, grads)]
        assert all(same(a, p.data) for a, p in zip(arrays, net.parameters()))
    assert compiled.trace_count == 1


# ------------------------------------------------------ masks and control flow
def test_masks_are_recomputed_not_frozen():
    g = mg.jit(mg.grad(lambda x: (mg.relu(x) + mg.abs(x) * mg.where(x > 0, x, 2.0)).sum()))
    x = np.array([-1.0, 2.0, -3.0])
    for v in (x, -x, x * 0.5):
        assert same(g(v), mg.grad(lambda x: (mg.relu(x) + mg.abs(x) * mg.where(
            x > 0, x, 2.0)).sum())(v))
    assert g.trace_count == 1


@pytest.mark.parametrize("branch", [
    lambda x: x if x.sum() > 0 else -x,
    lambda x: x * float(x.sum()),
    lambda x: x * x.sum().item(),
    lambda x: x * int(x.sum()),
    lambda x: x if bool(x.sum() > 0) else -x,
])
def test_value_dependent_control_flow_raises_and_says_what_to_do(branch):
    with pytest.raises(mg.TraceError) as info:
        mg.jit(branch)(np.array([1.0, 2.0]))
    message = str(info.value)
    assert "mg.where" in message and "static_argnums" in message and "uncompiled" in message
    with pytest.raises(mg.TraceError):
        mg.make_trace(mg.grad(lambda x: branch(x).sum()))(np.array([1.0, 2.0]))


def test_backward_inside_a_traced_function_is_refused():
    def f(x):
        t = mg.tensor(x, requires_grad=True)
        (t * t).sum().backward()
        return t.grad
    with pytest.raises(mg.TraceError, match="value_and_grad"):
        mg.jit(f)(np.ones(2))


def test_a_value_frozen_outside_the_recorded_steps_is_caught_on_the_first_replay():
    rng = np.random.default_rng(0)

    def f(x):
        noise = rng.standard_normal(x.shape)      # drawn inside: frozen by the trace
        return x * noise + np.exp(x.data)          # NumPy on .data: frozen too
    compiled = mg.jit(f)
    compiled(np.ones(3))
    with pytest.raises(mg.TraceError, match="frozen at the trace"):
        compiled(np.full(3, 2.0))


def test_one_array_passed_twice_is_two_inputs():
    f = mg.jit(mg.grad(lambda x, y: (x * y * y).sum(), argnums=(0, 1)))
    x = np.array([1.0, 2.0])
    f(x, x)
    gx, gy = f(x, 3 * x)
    assert same(gx, 9 * x * x) and same(gy, 2 * x * 3 * x)


def test_a_closed_over_array_is_a_constant_even_when_also_passed():
    w = np.array([1.0, 2.0])
    f = mg.jit(lambda x: x * w)
    f(w)
    assert same(f(np.array([3.0, 3.0])), np.array([3.0, 6.0]))


def test_a_new_shape_or_dtype_traces_again():
    f = mg.jit(mg.grad(lambda x: (x ** 3).sum()))
    assert same(f(np.ones(2)), np.full(2, 3.0))
    assert same(f(np.full(2, 2.0)), np.full(2, 12.0))
    assert f.trace_count == 1
    assert same(f(np.ones(3)), np.full(3, 3.0))
    assert same(f(np.ones(3, dtype=np.float32)), np.full(3, 3.0, dtype=np.float32))
    assert f.trace_count == 3


def test_static_arguments_key_the_cache():
    f = mg.jit(lambda x, n, sign: mg.tanh(x) * n if sign > 0 else -x, static_argnums=(1, 2))
    x = np.array([0.5, 1.0])
    assert same(f(x, 2.0, 1), mg.tanh(mg.tensor(x)).data * 2.0)
    assert same(f(x, 2.0, -1), -x)
    assert same(f(x * 2, 2.0, 1), mg.tanh(mg.tensor(x * 2)).data * 2.0)
    assert f.trace_count == 2
    with pytest.raises(mg.TraceError, match="hashable"):
        f(x, [1.0], 1)


def test_recording_is_off_outside_a_trace_and_stacks_on_anomaly_mode():
    call = Primitive.__call__
    with mg.detect_anomaly():
        inside = Primitive.__call__
        f = mg.jit(mg.grad(lambda x: mg.sin(x).sum()))
        assert same(f(np.array([0.0, 1.0])), np.cos([0.0, 1.0]))
        assert Primitive.__call__ is inside
    assert Primitive.__call__ is call
    assert mg.autograd.run_backward.__module__ == "minigrad.autograd"


def test_jit_inside_a_trace_is_recorded_inline():
    inner = mg.jit(lambda x: mg.exp(x) * 2.0)
    program = mg.make_trace(mg.grad(lambda x: inner(x).sum()))(np.ones(2))
    assert program.primitives("forward")[1:] == ["exp", "mul", "sum"]
    assert "exp.vjp[0]" in program.primitives("backward")


# ------------------------------------------------------------- make_trace
def toy_loss(*args):
    b0, b1, b2, b3, w0, w1, w2, w3, x, y = args
    f3 = b3 + w3 * mg.cos(b2 + w2 * mg.exp(b1 + w1 * mg.sin(b0 + w0 * x)))
    return (f3 - y) ** 2


TOY = [1.0, 2.0, -3.0, 0.4, 0.1, -0.4, 2.0, 3.0]


def test_the_toy_model_trace_lists_the_ledger_steps_in_order():
    params = [np.array(v) for v in TOY]
    program = mg.make_trace(mg.grad(toy_loss, argnums=tuple(range(8))))(
        *params, np.array(2.3), np.array(2.0))
    tensors = [mg.tensor(v, requires_grad=True) for v in TOY]
    loss = toy_loss(*tensors, mg.tensor(2.3), mg.tensor(2.0))
    ledger = mg.explain(loss)
    backward = [eq for eq in program.equations if eq.kind == "vjp"]
    assert [eq.op.name for eq in backward] == [e.op for e in ledger]
    assert all(same(program.values[eq.out], e.product) for eq, e in zip(backward, ledger))
    forward = [eq.name for eq in program.equations if eq.kind == "primitive"]
    nodes = mg.graph.trace.collect(loss)[0]          # oldest first
    assert forward == [t.op_name for t in nodes if t.op_name is not None]
    text = str(program)
    assert text.startswith("{ lambda ; a:f64[] b:f64[]") and "-- backward pass" in text
    assert "sin.vjp[0]" in text and "cos(x)" in text


def test_trace_of_a_two_layer_mlp_shows_shapes_and_the_unbroadcast():
    rng = np.random.default_rng(0)
    W1, b1, W2, b2 = (rng.standard_normal(s) for s in [(4, 5), (5,), (5, 2), (2,)])
    X = rng.standard_normal((3, 4))
    program = mg.make_trace(mg.value_and_grad(
        lambda *p: mlp_loss(*p, X, np.eye(2)[[0, 1, 0]]), argnums=(0, 1, 2, 3)))(
            W1, b1, W2, b2)
    text = str(program)
    assert "matmul" in text and "f64[3,5]" in text and "relu.vjp[0]" in text
    assert "summed back to shape (5,)" in text
    assert same_tree(program.replay(W1, b1, W2, b2), mg.value_and_grad(
        lambda *p: mlp_loss(*p, X, np.eye(2)[[0, 1, 0]]), argnums=(0, 1, 2, 3))(
            W1, b1, W2, b2))


# ------------------------------------------------ every declared op, compiled
def draw(domain, shape, rng):
    """Values from an op's declared domain (as the property tests sample it)."""
    if domain == "positive":
        return rng.uniform(0.5, 2.0, shape)
    if domain == "nonzero":
        return rng.choice([-1, 1], shape) * rng.uniform(0.5, 2.0, shape)
    if domain == "unit":
        return rng.uniform(-0.8, 0.8, shape)
    if domain == "above_one":
        return rng.uniform(1.2, 3.0, shape)
    if domain == "distinct":
        n = int(np.prod(shape))
        return (rng.permutation(n) * 0.3 + rng.uniform(0, 0.01, n)).reshape(shape)
    if domain == "divisor":
        return rng.choice([-2.0, -1.0, -0.5, 0.5, 1.0, 2.0], shape)
    if domain == "invertible":
        return rng.standard_normal(shape) * 0.1 + np.eye(shape[-1]) * 3.0
    if domain == "spd":
        a = rng.standard_normal(shape)
        return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
    return rng.standard_normal(shape)


def declared_calls():
    for name, op in sorted(DECLARED.items()):
        if op.samples:
            calls = op.samples
        elif op.kind == "elementwise":
            calls = [(((2, 3),) * op.nargs, {})]
        elif op.kind == "reduction":
            calls = [(((2, 3),), {"axis": 1, "keepdims": False})]
        elif op.kind == "scan":
            calls = [(((2, 3),), {"axis": 1})]
        else:
            calls = []
        for k, (shapes, kwargs) in enumerate(calls):
            yield pytest.param(name, shapes, kwargs, id=f"{name}-{k}")


@pytest.mark.parametrize("name, shapes, kwargs", list(declared_calls()))
def test_every_declared_op_compiles_to_eager_bits_or_says_why_not(name, shapes, kwargs):
    """jit(value_and_grad) of a loss through each op, replayed on new values,
    equals eager bit for bit, or the first-replay check raises a TraceError
    (an op that computes something outside recorded steps): never a silent
    wrong answer."""
    op = DECLARED[name]
    fn = getattr(op, "function", op)
    domains = op.domain or ("real",)

    def loss(*xs):
        out = fn(*xs, **kwargs)
        outs = out if isinstance(out, (tuple, list)) else [out]
        return sum((o * o).sum() for o in outs
                   if np.asarray(o.data if isinstance(o, mg.Tensor) else o).dtype.kind == "f")
    first, later = ([draw(domains[min(i, len(domains) - 1)], s, np.random.default_rng(seed))
                     for i, s in enumerate(shapes)] for seed in (1, 2))
    argnums = tuple(range(len(shapes)))
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        step = mg.jit(mg.value_and_grad(loss, argnums))
        assert same_tree(step(*first), mg.value_and_grad(loss, argnums)(*first))
        try:
            got = step(*later)
        except mg.TraceError as error:
            assert "frozen at the trace" in str(error)
            return
        assert same_tree(got, mg.value_and_grad(loss, argnums)(*later))

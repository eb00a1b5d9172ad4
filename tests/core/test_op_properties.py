"""Property tests for every primitive in ``mg.REGISTRY`` and for the composites.

The primitives are discovered from the registry, and their arguments are drawn
from what the op declares: an ``elementwise`` op gets broadcast operands from
its ``domain`` (``real``, ``positive``, ``nonzero``; ops that are not smooth get
values away from kinks and ties), a ``reduction`` op an array, an ``axis`` and
``keepdims``.  Declaring such an op is all it takes to be tested here.  Shape
and index ops (no ``kind``) draw their arguments from a hand-written strategy
in ``CASES``.  An op that is neither fails ``test_every_registered_op_is_covered``.
For each op we check

* the forward pass against NumPy,
* the gradient against central differences (``mg.gradcheck``, float64),
* the second derivative (``mg.gradgradcheck``) for every smooth op, and for the
  piecewise-linear ones away from their kinks, where it must be zero.

Shapes run from 0-d to 4-d with sides 1 to 4; binary ops get broadcast pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.primitive import COMPOSITES, DOMAINS, composite

# ------------------------------------------------------------------ helpers
#: Largest side per number of dimensions: small so that full Jacobians stay cheap.
MAX_SIDE = {0: 1, 1: 4, 2: 4, 3: 3, 4: 2}




def joined(out):
    """An op's result as one array or tensor: several results (``slogdet``'s
    sign and log, ``eigh``'s values and vectors) are flattened and joined; the
    integer ones (indices) are left out, as they have no gradient."""
    if not isinstance(out, (tuple, list)):
        return out
    parts = [o for o in out if np.asarray(mg.tensor(o).data if isinstance(o, mg.Tensor)
                                          else o).dtype.kind == "f"]
    if any(isinstance(o, mg.Tensor) for o in parts):
        return mg.concatenate([mg.reshape(o, (-1,)) for o in parts])
    return np.concatenate([np.ravel(o) for o in parts])


def symmetrized(x):
    """(x + xᵀ)/2 over the last two axes: an ``spd`` argument is differentiated
    through this, so that finite differences stay among symmetric matrices."""
    return (x + mg.swapaxes(x, -1, -2)) / 2.0


@dataclass
class Case:
    """Arguments of one call of an op, the result NumPy gives, and which
    arguments are symmetric matrices (domain ``spd``)."""

    args: tuple
    expected: np.ndarray
    kwargs: dict = field(default_factory=dict)
    symmetric: tuple = ()

    def call(self, op):
        kwargs, symmetric = self.kwargs, self.symmetric
        if not symmetric:
            return lambda *xs: joined(op(*xs, **kwargs))

        def f(*xs):
            xs = [symmetrized(x) if i in symmetric else x for i, x in enumerate(xs)]
            return joined(op(*xs, **kwargs))
        return f


@st.composite
def shapes(draw, min_dims=0, max_dims=4):
    ndim = draw(st.integers(min_dims, max_dims))
    return tuple(draw(st.integers(1, MAX_SIDE[ndim])) for _ in range(ndim))


def broadcast_shapes(num_shapes=2, max_dims=4):
    """Shapes that broadcast together, with a result of at most 4 * 4 * 3 elements."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=max_dims, min_side=1, max_side=3,
    ).filter(lambda b: math.prod(b.result_shape) <= 48).map(lambda b: b.input_shapes)


def floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def real_arrays(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi))


def positive_arrays(shape, lo=0.3, hi=3.0):
    return real_arrays(shape, lo, hi)


@st.composite
def away_from_zero(draw, shape, lo=0.2, hi=3.0):
    """|x| in [lo, hi] with either sign: safe for denominators and kinks at 0."""
    magnitude = draw(real_arrays(shape, lo, hi))
    sign = draw(hnp.arrays(np.bool_, shape))
    return np.where(sign, magnitude, -magnitude)


@st.composite
def lattice(draw, shape, offset):
    """Values k/2 + offset + [0, 0.1]: two lattices with different offsets never
    come closer than 0.1 to each other, so there are no ties or kinks between them."""
    k = draw(hnp.arrays(np.int64, shape, elements=st.integers(-6, 6)))
    jitter = draw(real_arrays(shape, 0.0, 0.1))
    return np.asarray(k / 2.0 + offset + jitter)


@st.composite
def distinct(draw, shape):
    """Values that are pairwise at least 0.27 apart: no ties in max/min."""
    size = math.prod(shape)
    order = np.array(draw(st.permutations(range(size))), dtype=np.float64)
    jitter = draw(real_arrays((size,), 0.0, 0.1))
    return ((order - size / 2.0) * 0.37 + jitter).reshape(shape)


@st.composite
def axes_for(draw, ndim):
    """None, an int (possibly negative) or a tuple of distinct axes, as ``sum`` takes."""
    if ndim == 0:
        return draw(st.sampled_from([None, ()]))
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    return tuple(a - ndim if draw(st.booleans()) else a for a in chosen)


# ------------------------------------------------------- strategies per op
@st.composite
def where_case(draw):
    sc, sx, sy = draw(broadcast_shapes(num_shapes=3))
    c = draw(hnp.arrays(np.bool_, sc))
    x, y = draw(real_arrays(sx)), draw(real_arrays(sy))
    return Case((c, x, y), np.where(c, x, y))


@st.composite
def clip_case(draw):
    # x stays 0.1 away from every multiple of 1/2, and lo, hi are such multiples.
    x = draw(lattice(draw(shapes()), 0.1))
    lo = draw(st.one_of(st.none(), st.integers(-6, 2).map(lambda k: k / 2.0)))
    hi = draw(st.integers(-2, 6).map(lambda k: k / 2.0))
    if lo is not None and draw(st.booleans()):
        hi = None
    if lo is not None and hi is not None and hi < lo:
        lo, hi = hi, lo
    expected = x.copy()
    if lo is not None:
        expected = np.where(expected < lo, lo, expected)
    if hi is not None:
        expected = np.where(expected > hi, hi, expected)
    return Case((x,), expected, {"lo": lo, "hi": hi})


@st.composite
def reshape_case(draw):
    shape = draw(shapes())
    x = draw(real_arrays(shape))
    n = x.size
    targets = [(n,), (-1,), tuple(reversed(shape)), (1,) + shape, shape + (1,), (1, -1)]
    if n == 1:
        targets.append(())
    if n % 2 == 0:
        targets += [(2, n // 2), (n // 2, -1, 1)]
    target = draw(st.sampled_from(targets))
    return Case((x,), x.ravel().reshape(target), {"shape": target})


@st.composite
def transpose_case(draw):
    x = draw(real_arrays(draw(shapes())))
    axes = draw(st.one_of(st.none(), st.permutations(range(x.ndim)).map(tuple)))
    order = tuple(reversed(range(x.ndim))) if axes is None else axes
    if axes is not None:   # negative axes count from the end
        axes = tuple(a - x.ndim if draw(st.booleans()) else a for a in axes)
    expected = np.moveaxis(x, order, range(x.ndim)) if x.ndim else x.copy()
    return Case((x,), expected, {"axes": axes})


@st.composite
def broadcast_to_case(draw):
    shape = draw(shapes(max_dims=3))
    x = draw(real_arrays(shape))
    stretched = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in shape)
    target = tuple(draw(st.lists(st.integers(1, 3), max_size=4 - len(shape)))) + stretched
    return Case((x,), x * np.ones(target), {"shape": target})


@st.composite
def index_for(draw, shape):
    """An index of every kind NumPy takes: basic slices with steps, integers, None,
    Ellipsis, integer arrays with repeated (and negative) indices, boolean masks."""
    ndim = len(shape)
    if ndim == 0:
        return draw(st.sampled_from([(), Ellipsis, None, (None, Ellipsis)]))
    kind = draw(st.sampled_from(["basic", "int_array", "mask", "mask_axis0", "mixed"]))
    if kind == "int_array":
        n = shape[0]
        return np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=6)))
    if kind == "mask":
        return draw(hnp.arrays(np.bool_, shape))
    if kind == "mask_axis0":
        return (draw(hnp.arrays(np.bool_, shape[:1])),)
    if kind == "mixed":   # integer array on axis 0 (repeats), slice on axis 1
        n = shape[0]
        rows = np.array(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=5)))
        return (rows,) + ((slice(None, None, -1),) if ndim > 1 else ())
    items = []
    for n in shape:
        if draw(st.booleans()):
            items.append(draw(st.integers(-n, n - 1)))
        else:
            start = draw(st.one_of(st.none(), st.integers(-n, n)))
            stop = draw(st.one_of(st.none(), st.integers(-n, n)))
            step = draw(st.sampled_from([None, 1, 2, -1, -2]))
            items.append(slice(start, stop, step))
        if draw(st.integers(0, 3)) == 0:
            items.append(None)
    if draw(st.booleans()):
        items[draw(st.integers(0, len(items) - 1))] = Ellipsis
    return tuple(items)


def scatter_reference(g, index, shape):
    """Sum of ``g`` into zeros of ``shape`` at ``index``, from flat positions: each
    element of ``g`` lands at the position it was read from, repeats add up."""
    positions = np.arange(math.prod(shape)).reshape(shape)[index]
    total = np.bincount(np.ravel(positions), weights=np.ravel(g), minlength=math.prod(shape))
    return total.reshape(shape)


@st.composite
def getitem_case(draw):
    x = draw(real_arrays(draw(shapes())))
    index = draw(index_for(x.shape))
    return Case((x,), x[index], {"index": index})


@st.composite
def unindex_case(draw):
    shape = draw(shapes())
    index = draw(index_for(shape))
    g = draw(real_arrays(np.zeros(shape)[index].shape))
    return Case((g,), scatter_reference(g, index, shape), {"index": index, "shape": shape})


@st.composite
def concatenate_case(draw):
    shape = list(draw(shapes(min_dims=1)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        shape[axis] = draw(st.integers(1, 3))
        parts.append(draw(real_arrays(tuple(shape))))
    return Case(tuple(parts), np.concatenate(parts, axis=axis), {"axis": axis})


@st.composite
def astype_case(draw):
    # To float64: the float32 test below then checks that the gradient of a
    # float32 input comes back float32 through the cast.
    x = draw(real_arrays(draw(shapes())))
    return Case((x,), x.copy(), {"dtype": np.dtype(np.float64)})


def _matmul_reference(a, b):
    """Matrix product by explicit sums over k, with NumPy's 1-D promotion rules."""
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    out = (a2[..., :, :, None] * b2[..., None, :, :]).sum(axis=-2)
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return out


@st.composite
def matmul_case(draw):
    m, k, n = (draw(st.integers(1, 4)) for _ in range(3))
    batch_a, batch_b = draw(hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=0, max_dims=2, max_side=3)).input_shapes
    kind = draw(st.sampled_from(["vec-vec", "vec-mat", "mat-vec", "mat-mat"]))
    shape_a = (k,) if kind.startswith("vec") else batch_a + (m, k)
    shape_b = (k,) if kind.endswith("vec") else batch_b + (k, n)
    a, b = draw(real_arrays(shape_a)), draw(real_arrays(shape_b))
    return Case((a, b), _matmul_reference(a, b))


#: Hand-written strategies for the shape and index ops (no ``kind``): their
#: arguments (a target shape, an index, parts to join) are not elementwise.
CASES = {
    "where": where_case(),
    "clip": clip_case(),
    "reshape": reshape_case(),
    "transpose": transpose_case(),
    "broadcast_to": broadcast_to_case(),
    "getitem": getitem_case(),
    "unindex": unindex_case(),
    "concatenate": concatenate_case(),
    "matmul": matmul_case(),
    "astype": astype_case(),
}


# ------------------------------------------- strategies from the declaration
@st.composite
def matrices(draw, shape, spd):
    """Square matrices (the last two sides equal) that are well conditioned:
    B + n·I with |B| <= 1, or, for ``spd``, B·Bᵀ + n·I (symmetric positive definite)."""
    n = shape[-1]
    b = draw(real_arrays(shape, -1.0, 1.0))
    if spd:
        b = b @ np.swapaxes(b, -1, -2)
    return b + n * np.eye(n)


def operand(domain, shape, smooth, position):
    """An array from the op's declared domain for one argument.  For an op that
    is not smooth, "real" arguments come from lattices with a different offset
    per argument, so no two arguments tie and none sits on a kink at 0."""
    if domain == "positive":
        return positive_arrays(shape)
    if domain == "nonzero":
        return away_from_zero(shape)
    if domain == "unit":
        return real_arrays(shape, -0.9, 0.9)
    if domain == "above_one":
        return real_arrays(shape, 1.2, 3.0)
    if domain == "distinct":
        return distinct(shape)
    if domain in ("invertible", "spd"):
        return matrices(shape, domain == "spd")
    if not smooth:
        return lattice(shape, 0.1 + 0.25 * position)
    return real_arrays(shape)


def reference_of(op):
    """What an op's forward is checked against: its declared NumPy reference, else
    (for a primitive) its own NumPy forward."""
    return op.reference or op.forward


def scan_case(op):
    domain = (op.domain or ("real",))[0]

    @st.composite
    def case(draw):
        x = draw(operand(domain, draw(shapes(min_dims=1)), op.smooth, 0))
        kwargs = {"axis": draw(st.integers(-x.ndim, x.ndim - 1))}
        return Case((x,), np.asarray(reference_of(op)(x, **kwargs)), kwargs)
    return case()


def sample_case(op):
    """One of the op's declared example calls, with operand values drawn from its domain."""
    domains = op.domain or ("real",) * len(op.samples[0][0])

    @st.composite
    def case(draw):
        arg_shapes, kwargs = draw(st.sampled_from(op.samples))
        args = tuple(draw(operand(d, s, op.smooth, i))
                     for i, (d, s) in enumerate(zip(domains, arg_shapes)))
        expected = np.asarray(joined(reference_of(op)(*args, **kwargs)))
        symmetric = tuple(i for i, d in enumerate(domains) if d == "spd")
        return Case(args, expected, kwargs, symmetric)
    return case()


def elementwise_case(op):
    domains = op.domain or ("real",) * op.nargs

    @st.composite
    def case(draw):
        arg_shapes = draw(broadcast_shapes(op.nargs)) if op.nargs > 1 else [draw(shapes())]
        args = tuple(draw(operand(d, s, op.smooth, i))
                     for i, (d, s) in enumerate(zip(domains, arg_shapes)))
        return Case(args, reference_of(op)(*args))
    return case()


def reduction_case(op):
    domain = (op.domain or ("real",))[0]

    @st.composite
    def case(draw):
        shape = draw(shapes())
        x = draw(distinct(shape) if not op.smooth and domain == "real"
                 else operand(domain, shape, op.smooth, 0))
        axis, keepdims = draw(axes_for(x.ndim)), draw(st.booleans())
        kwargs = {"axis": axis, "keepdims": keepdims}
        return Case((x,), np.asarray(reference_of(op)(x, **kwargs)), kwargs)
    return case()


def case_strategy(name):
    op = DECLARED[name]
    if op.samples:
        return sample_case(op)
    if op.kind == "elementwise":
        return elementwise_case(op)
    if op.kind == "reduction":
        return reduction_case(op)
    if op.kind == "scan":
        return scan_case(op)
    if name not in CASES:
        pytest.fail(f"op '{name}' is declared with no kind, no samples and no test "
                    f"strategy: declare kind='elementwise', 'reduction' or 'scan' with its "
                    f"domain, or samples=[(shapes, kwargs), ...]")
    return CASES[name]


# A user's op, declared the way docs/how-to/custom-op.md shows, at import time:
# nothing else in this file names it, yet every test below covers it.
softsign = mg.primitive(lambda x: x / (1.0 + np.abs(x)), name="softsign_test_op",
                        kind="elementwise", domain=("nonzero",), differentiable_vjp=True,
                        rules=("1/(1+|x|)²",), reference=lambda x: x / (1 + np.abs(x)))
softsign.defvjp(lambda g, out, x: g / (1.0 + mg.abs(x)) ** 2)

# A composite and an op known only by example calls, declared the same way.
@composite(name="cube_test_composite", kind="elementwise", rules=("3x² (via mul)",),
           reference=lambda x: x ** 3)
def cube(x):
    return x * x * x


@composite(name="gram_test_composite", domain=("real",), rules=("Xᵀg + ... (via matmul)",),
           samples=[(((3, 2),), {}), (((2, 4, 3),), {})],
           reference=lambda x: np.swapaxes(x, -1, -2) @ x)
def gram(x):
    return mg.matmul(mg.swapaxes(x, -1, -2), x)


#: Every declaration the tests cover: the primitives and the declared composites.
DECLARED = {**mg.REGISTRY, **COMPOSITES}
ALL_OPS = sorted(DECLARED)
SMOOTH_OPS = sorted(name for name in ALL_OPS if DECLARED[name].smooth)


# ------------------------------------------------------------ registry
def test_every_registered_op_is_covered():
    uncovered = sorted(name for name, op in DECLARED.items()
                       if op.kind is None and not op.samples and name not in CASES)
    assert not uncovered, f"ops with no kind and no property-test strategy: {uncovered}"


def test_every_composite_declares_a_reference_and_its_rules():
    # A composite has no NumPy forward of its own: without a reference its
    # forward would be checked against itself.
    for name, declared in COMPOSITES.items():
        assert declared.reference is not None, f"composite {name} declares no reference"
        assert declared.rules, f"composite {name} declares no local-derivative text"


def test_an_op_declared_in_a_test_module_is_covered_with_no_other_edit():
    assert "softsign_test_op" in ALL_OPS and "softsign_test_op" not in CASES
    assert "softsign_test_op" in SMOOTH_OPS
    assert {"cube_test_composite", "gram_test_composite"} <= set(SMOOTH_OPS)


def test_registry_holds_the_design_primitives():
    core = {"add", "mul", "neg", "pow", "exp", "log", "sin", "cos", "tanh", "abs", "maximum",
            "where", "sum", "max", "reshape", "transpose", "broadcast_to", "matmul",
            "getitem", "concatenate"}
    assert core <= set(ALL_OPS)
    for name in sorted(mg.REGISTRY):
        op = mg.REGISTRY[name]
        assert op.vjps is not None, f"{name} has no VJPs"
        assert op.domain is None or all(d in DOMAINS for d in op.domain)
        assert op.rules is not None, f"{name} declares no local-derivative text"


def test_a_declaration_gives_function_method_and_operator():
    # mg.<name> is the primitive itself (mg.sum wraps it to take dim= too); methods
    # and operators call it.
    assert mg.exp is mg.REGISTRY["exp"] and mg.ops.sum is mg.REGISTRY["sum"]
    x = mg.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    for name in ("exp", "sum", "max", "relu", "abs", "matmul"):
        assert name in mg.REGISTRY[name].method_names
    assert "__add__" in mg.REGISTRY["add"].method_names
    np.testing.assert_array_equal(x.exp().data, mg.exp(x).data)
    np.testing.assert_array_equal(x.sum(0).data, mg.sum(x, axis=0).data)
    assert (x + 1.0).op_name == "add" and (1.0 - x).op_name == "sub"
    assert (-x).op_name == "neg" and abs(x).op_name == "abs"


# ------------------------------------------------------------ primitives
@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_forward_matches_numpy(name, data):
    case = data.draw(case_strategy(name))
    op = case.call(DECLARED[name])
    out = op(*[mg.tensor(a) if isinstance(a, np.ndarray) else a for a in case.args])
    assert isinstance(out, mg.Tensor)
    assert out.shape == np.shape(case.expected)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, case.expected, rtol=1e-12, atol=1e-12)
    # On plain arrays a primitive is a NumPy function: same values, no tensor.
    raw = op(*case.args)
    assert not isinstance(raw, mg.Tensor)
    np.testing.assert_allclose(raw, case.expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_gradient_matches_finite_differences(name, data):
    case = data.draw(case_strategy(name))
    assert mg.gradcheck(case.call(DECLARED[name]), case.args)


@pytest.mark.parametrize("name", SMOOTH_OPS)
@given(data=st.data())
def test_second_derivative_of_smooth_ops(name, data):
    case = data.draw(case_strategy(name))
    assert mg.gradgradcheck(case.call(DECLARED[name]), case.args)


@pytest.mark.parametrize("name", sorted(set(ALL_OPS) - set(SMOOTH_OPS)))
@given(data=st.data())
def test_second_derivative_of_piecewise_linear_ops_away_from_kinks(name, data):
    # Away from kinks and ties these ops are linear, so the derivative of
    # v·J is zero, and must be zero as computed through create_graph too.
    case = data.draw(case_strategy(name))
    assert mg.gradgradcheck(case.call(DECLARED[name]), case.args)


@pytest.mark.parametrize("name", ALL_OPS)
@given(data=st.data())
def test_float32_stays_float32_forward_and_backward(name, data):
    case = data.draw(case_strategy(name))
    args = [mg.tensor(a.astype(np.float32), requires_grad=True)
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a for a in case.args]
    out = case.call(DECLARED[name])(*args)
    assert out.dtype == case.kwargs.get("dtype", np.float32)   # astype says its dtype
    np.testing.assert_allclose(out.data, case.expected, rtol=1e-5, atol=1e-5)
    for create_graph in (False, True):
        for a in args:
            if isinstance(a, mg.Tensor):
                a.zero_grad()
        out.backward(gradient=np.ones(out.shape, dtype=np.float32), create_graph=create_graph)
        for a in args:
            if isinstance(a, mg.Tensor):
                assert a.grad.dtype == np.float32 and a.grad.shape == a.shape


@given(data=st.data())
def test_getitem_gradient_counts_repeated_indices(data):
    x = data.draw(real_arrays(data.draw(shapes(min_dims=1))))
    index = data.draw(index_for(x.shape))
    t = mg.tensor(x, requires_grad=True)
    t[index].sum().backward()
    # d/dx sum(x[index]) counts how often each element was read.
    np.testing.assert_array_equal(t.grad, scatter_reference(np.ones_like(x[index]),
                                                            index, x.shape))


@given(data=st.data())
def test_unindex_is_the_adjoint_of_getitem(data):
    shape = data.draw(shapes())
    index = data.draw(index_for(shape))
    x = data.draw(real_arrays(shape))
    g = data.draw(real_arrays(np.zeros(shape)[index].shape))
    scattered = mg.ops.unindex(g, index=index, shape=shape)
    # <unindex(g), x> = <g, x[index]> for every x and g.
    np.testing.assert_allclose(np.sum(scattered * x), np.sum(g * x[index]), atol=1e-12)


# ------------------------------------------------------------ composites
def _stable_logsumexp(x, axis=None, keepdims=False):
    if axis == ():
        return x.copy()
    return np.logaddexp.reduce(x, axis=axis, keepdims=keepdims)


@st.composite
def axis_case(draw, min_dims=0, lo=-3.0, hi=3.0):
    x = draw(real_arrays(draw(shapes(min_dims=min_dims)), lo, hi))
    return x, draw(axes_for(x.ndim)), draw(st.booleans())


@st.composite
def single_axis_case(draw):
    x = draw(real_arrays(draw(shapes(min_dims=1))))
    return x, draw(st.integers(-x.ndim, x.ndim - 1))


def check_composite(f, inputs, expected):
    out = f(*[mg.tensor(a) for a in inputs])
    assert isinstance(out, mg.Tensor)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)
    assert mg.gradcheck(f, inputs)
    assert mg.gradgradcheck(f, inputs)


@given(x=shapes().flatmap(real_arrays))
def test_sigmoid(x):
    check_composite(mg.sigmoid, (x,), 1.0 / (1.0 + np.exp(-x)))


@given(data=single_axis_case())
def test_softmax(data):
    x, axis = data
    e = np.exp(x)
    check_composite(lambda t: mg.softmax(t, axis=axis), (x,), e / e.sum(axis, keepdims=True))


@given(data=single_axis_case())
def test_log_softmax(data):
    x, axis = data
    expected = x - np.log(np.exp(x).sum(axis, keepdims=True))
    check_composite(lambda t: mg.log_softmax(t, axis=axis), (x,), expected)


@given(data=axis_case())
def test_logsumexp(data):
    x, axis, keepdims = data
    expected = np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))
    check_composite(lambda t: mg.logsumexp(t, axis=axis, keepdims=keepdims), (x,), expected)


@given(data=axis_case(lo=-1000.0, hi=1000.0), shift=st.sampled_from([1000.0, -1000.0, 700.0]))
def test_logsumexp_and_softmax_are_stable_for_large_inputs(data, shift):
    x, axis, keepdims = data
    big = x + shift
    out = mg.logsumexp(mg.tensor(big), axis=axis, keepdims=keepdims)
    assert np.all(np.isfinite(out.data))
    np.testing.assert_allclose(out.data, _stable_logsumexp(big, axis, keepdims),
                               rtol=1e-12, atol=1e-9)
    assert mg.gradcheck(lambda t: mg.logsumexp(t, axis=axis, keepdims=keepdims), (big,))
    if x.ndim:
        # softmax is invariant to the shift, and its rows sum to one.
        s = mg.softmax(mg.tensor(big), axis=-1).data
        e = np.exp(x - x.max(-1, keepdims=True))
        np.testing.assert_allclose(s, e / e.sum(-1, keepdims=True), atol=1e-10)
        ls = mg.log_softmax(mg.tensor(big), axis=-1).data
        assert np.all(np.isfinite(ls))
        np.testing.assert_allclose(np.exp(ls).sum(-1), 1.0, rtol=1e-12)


def test_logsumexp_of_1000():
    out = mg.logsumexp(mg.tensor([1000.0, 1000.0]))
    assert out.item() == pytest.approx(1000.0 + np.log(2.0), rel=1e-15)
    np.testing.assert_allclose(mg.softmax(mg.tensor([1000.0, 1000.0, 0.0])).data,
                               [0.5, 0.5, 0.0], atol=1e-300)
    assert mg.grad(lambda t: mg.logsumexp(t))(np.array([1000.0, 1000.0])) == \
        pytest.approx([0.5, 0.5])


@given(data=axis_case())
def test_mean(data):
    x, axis, keepdims = data
    expected = x.copy() if axis == () else np.mean(x, axis=axis, keepdims=keepdims)
    check_composite(lambda t: mg.mean(t, axis=axis, keepdims=keepdims), (x,), expected)


@given(data=shapes().flatmap(distinct), axis_keep=st.data())
def test_min(data, axis_keep):
    x = data
    axis = axis_keep.draw(axes_for(x.ndim))
    keepdims = axis_keep.draw(st.booleans())
    expected = x.copy() if axis == () else np.amin(x, axis=axis, keepdims=keepdims)
    check_composite(lambda t: mg.min(t, axis=axis, keepdims=keepdims), (x,), expected)


@given(data=st.data())
def test_minimum(data):
    sx, sy = data.draw(broadcast_shapes())
    x, y = data.draw(lattice(sx, 0.0)), data.draw(lattice(sy, 0.25))
    check_composite(mg.minimum, (x, y), np.where(x < y, x, y) + 0.0 * (x + y))


@given(data=st.data())
def test_stack(data):
    shape = data.draw(shapes(max_dims=3))
    parts = [data.draw(real_arrays(shape)) for _ in range(data.draw(st.integers(1, 3)))]
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    expected = np.stack(parts, axis=axis)
    check_composite(lambda *ts: mg.stack(list(ts), axis=axis), tuple(parts), expected)


@given(data=st.data())
def test_squeeze(data):
    shape = data.draw(shapes())
    x = data.draw(real_arrays(shape))
    ones = [i for i, n in enumerate(shape) if n == 1]
    axis = data.draw(st.one_of(st.none(), st.sampled_from(ones) if ones else st.none()))
    expected_shape = tuple(n for i, n in enumerate(shape)
                           if n != 1 or (axis is not None and i != axis))
    if axis is not None and data.draw(st.booleans()):
        axis -= len(shape)
    check_composite(lambda t: mg.squeeze(t, axis=axis), (x,), x.reshape(expected_shape))


@given(data=st.data())
def test_expand_dims(data):
    shape = data.draw(shapes(max_dims=3))
    x = data.draw(real_arrays(shape))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    position = axis % (len(shape) + 1)
    expected = x.reshape(shape[:position] + (1,) + shape[position:])
    check_composite(lambda t: mg.expand_dims(t, axis), (x,), expected)


@given(case=clip_case())
def test_clip_function_and_method(case):
    lo, hi = case.kwargs["lo"], case.kwargs["hi"]
    (x,) = case.args
    check_composite(lambda t: mg.clip(t, lo, hi), (x,), case.expected)
    np.testing.assert_array_equal(mg.tensor(x).clip(lo, hi).data, case.expected)

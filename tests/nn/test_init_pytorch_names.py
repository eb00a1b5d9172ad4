"""nn.init's PyTorch names by hand: in place on a tensor or Parameter (same object, same
array, version bumped so an older graph refuses to backpropagate), drawn from the
package generator unless generator= is given, PyTorch's fans (>2-D too), gains and
errors; and each book initializer equal to its PyTorch twin, draw for draw (the
comparison with torch itself is in test_init_torch.py)."""

import math

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.nn import init


def param(*shape, dtype=np.float64):
    return nn.Parameter(np.zeros(shape), dtype=dtype)


FILLERS = [
    (init.uniform_, {}), (init.uniform_, {"a": -3.0, "b": 2.0}), (init.normal_, {}),
    (init.normal_, {"mean": 1.0, "std": 0.1}), (init.trunc_normal_, {}),
    (init.xavier_uniform_, {}), (init.xavier_normal_, {"gain": 2.0}),
    (init.kaiming_uniform_, {}), (init.kaiming_normal_, {"mode": "fan_out"}),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}), (init.orthogonal_, {}),
    (init.constant_, {"val": 0.3}), (init.ones_, {}), (init.zeros_, {}), (init.eye_, {}),
]
RANDOM = {init.uniform_, init.normal_, init.trunc_normal_, init.xavier_uniform_,
          init.xavier_normal_, init.kaiming_uniform_, init.kaiming_normal_, init.orthogonal_}


@pytest.mark.parametrize("fn, kwargs", FILLERS, ids=lambda v: getattr(v, "__name__", ""))
def test_fills_in_place_returns_the_tensor_and_bumps_its_version(fn, kwargs):
    w = param(6, 4)
    array, version = w.data, w._version
    loss = (w * w).sum()                                # a graph that saved w's values
    assert fn(w, **kwargs) is w
    assert w.data is array and w._version == version + 1
    assert type(w) is nn.Parameter and w.requires_grad and w.is_leaf
    with pytest.raises(mg.BackwardError):
        loss.backward()
    assert fn(param(6, 4, dtype=np.float32), **kwargs).dtype == np.float32
    plain = np.zeros((6, 4))
    assert fn(plain, **kwargs) is plain                 # a NumPy array is filled too


@pytest.mark.parametrize("fn, kwargs", [f for f in FILLERS if f[0] in RANDOM],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_draws_from_the_package_generator_unless_given_one(fn, kwargs):
    mg.manual_seed(3)
    a = fn(param(5, 4), **kwargs).data.copy()
    b = fn(param(5, 4), **kwargs).data.copy()
    mg.manual_seed(3)
    np.testing.assert_array_equal(fn(param(5, 4), **kwargs).data, a)
    assert not np.array_equal(a, b)                     # the stream goes on
    mg.manual_seed(3)
    c = fn(param(5, 4), **kwargs, generator=7).data.copy()
    np.testing.assert_array_equal(fn(param(5, 4), **kwargs).data, a)  # package stream unused
    np.testing.assert_array_equal(
        fn(param(5, 4), **kwargs, generator=np.random.default_rng(7)).data, c)


# Book initializer, PyTorch twin: the same distribution, hence the same draws.
TWINS = [
    (lambda s, g: init.he_normal(s, g), lambda w, g: init.kaiming_normal_(
        w, nonlinearity="relu", generator=g)),
    (lambda s, g: init.he_normal(s, g), lambda w, g: init.kaiming_normal_(w, generator=g)),
    (lambda s, g: init.he_uniform(s, g), lambda w, g: init.kaiming_uniform_(
        w, nonlinearity="relu", generator=g)),
    (lambda s, g: init.he_uniform(s, g), lambda w, g: init.kaiming_uniform_(w, generator=g)),
    (lambda s, g: init.glorot_normal(s, g), lambda w, g: init.xavier_normal_(w, generator=g)),
    (lambda s, g: init.glorot_uniform(s, g),
     lambda w, g: init.xavier_uniform_(w, generator=g)),
    (lambda s, g: init.glorot_normal(s, g, gain=init.RELU_GAIN),
     lambda w, g: init.xavier_normal_(w, gain=init.calculate_gain("relu"), generator=g)),
    (lambda s, g: init.normal(s, 0.3, g), lambda w, g: init.normal_(w, 0.0, 0.3, generator=g)),
    (lambda s, g: init.uniform(s, 0.3, g), lambda w, g: init.uniform_(w, -0.3, 0.3,
                                                                      generator=g)),
    (lambda s, g: init.zeros(s, g), lambda w, g: init.zeros_(w)),
]


@pytest.mark.parametrize("book, pytorch", TWINS)
@pytest.mark.parametrize("shape", [(30, 20), (8, 3, 5), (4, 2, 3, 3)])
def test_each_book_initializer_equals_its_pytorch_twin(book, pytorch, shape):
    w = pytorch(param(*shape), np.random.default_rng(11))
    # Equal up to the rounding of the scale, computed in a different order.
    np.testing.assert_allclose(w.data, book(shape, np.random.default_rng(11)),
                               rtol=1e-14, atol=0)


@pytest.mark.parametrize("shape, fan_in, fan_out", [
    ((3, 5), 5, 3), ((4, 2, 3), 6, 12), ((8, 4, 3, 3), 36, 72), ((2, 2, 2, 2, 2), 16, 16)])
def test_fans_are_pytorchs_including_receptive_fields(shape, fan_in, fan_out):
    # The std tells the fan: kaiming (gain sqrt 2) / sqrt(fan); xavier sqrt(2 / (in + out)).
    class Recorder(np.random.Generator):
        def __init__(self):
            super().__init__(np.random.PCG64(0))
            self.stds = []

        def normal(self, loc=0.0, scale=1.0, size=None):
            self.stds.append(scale)
            return super().normal(loc, scale, size)

    g = Recorder()
    init.kaiming_normal_(param(*shape), generator=g)
    init.kaiming_normal_(param(*shape), mode="fan_out", generator=g)
    init.xavier_normal_(param(*shape), generator=g)
    assert g.stds == pytest.approx([math.sqrt(2 / fan_in), math.sqrt(2 / fan_out),
                                    math.sqrt(2 / (fan_in + fan_out))], rel=1e-15)
    assert init.fans(shape) == (fan_in, fan_out)        # the book's fans agree beyond 1-D


@pytest.mark.parametrize("name, param_, gain", [
    ("linear", None, 1), ("conv2d", None, 1), ("sigmoid", None, 1), ("tanh", None, 5 / 3),
    ("relu", None, math.sqrt(2)), ("leaky_relu", None, math.sqrt(2 / (1 + 0.01 ** 2))),
    ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
    ("selu", None, 0.75)])
def test_calculate_gain(name, param_, gain):
    assert init.calculate_gain(name, param_) == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize("call, error, message", [
    (lambda: init.calculate_gain("swish"), ValueError, "unsupported nonlinearity"),
    (lambda: init.calculate_gain("leaky_relu", "0.1"), ValueError, "not a number"),
    (lambda: init.xavier_uniform_(param(5)), ValueError, "fewer than 2 dimensions"),
    (lambda: init.kaiming_normal_(param(5)), ValueError, "fewer than 2 dimensions"),
    (lambda: init.kaiming_normal_(param(2, 2), mode="in"), ValueError, "mode 'in'"),
    (lambda: init.eye_(param(2, 2, 2)), ValueError, "2 dimensions"),
    (lambda: init.orthogonal_(param(3)), ValueError, "2 or more dimensions"),
    (lambda: init.normal_([0.0, 0.0]), TypeError, "tensor or Parameter"),
    (lambda: init.uniform_(mg.tensor(np.zeros(3, dtype=np.int64), dtype=np.int64)),
     mg.DTypeError, "floating-point"),
    (lambda: init.normal(param(2, 2), 0.0, 1.0), TypeError, r"init.normal_\(tensor"),
    (lambda: init.uniform(param(2, 2), 1.0), TypeError, r"init.uniform_\(tensor"),
])
def test_mistakes_are_loud(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_deterministic_fillers_and_the_kaiming_bound_of_linear():
    np.testing.assert_array_equal(init.eye_(param(2, 3)).data, np.eye(2, 3))
    np.testing.assert_array_equal(init.constant_(param(2), -1.5).data, [-1.5, -1.5])
    np.testing.assert_array_equal(init.ones_(param(2)).data, [1.0, 1.0])
    w = init.kaiming_uniform_(param(200, 16), a=math.sqrt(5), generator=0).data
    assert np.abs(w).max() <= 0.25 and np.abs(w).max() > 0.249   # bound 1 / sqrt(fan_in)
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(param(0, 3))


def phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def Phi(x):
    return (1 + math.erf(x / math.sqrt(2))) / 2


@pytest.mark.parametrize("a, b", [(-2.0, 2.0), (1.0, 3.0), (1.5, 2.0), (2.5, 3.0)])
def test_trunc_normal_stays_inside_and_has_the_truncated_moments(a, b):
    # wide and one-sided windows redraw normals; narrow ones draw uniformly and accept.
    if a > 2:
        with pytest.warns(UserWarning, match="more than 2 std"):
            w = init.trunc_normal_(param(20000), a=a, b=b, generator=0).data
    else:
        w = init.trunc_normal_(param(20000), a=a, b=b, generator=0).data
    assert w.min() >= a and w.max() <= b
    z = Phi(b) - Phi(a)
    mean = (phi(a) - phi(b)) / z
    var = 1 + (a * phi(a) - b * phi(b)) / z - mean ** 2
    assert abs(w.mean() - mean) < 6 * math.sqrt(var / w.size)
    assert abs(w.var() / var - 1) < 0.05


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 2, 3)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = init.orthogonal_(param(*shape), gain=2.0, generator=0).data.reshape(shape[0], -1)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-12)

"""Top-level creation functions by PyTorch's names (mg.zeros, mg.randn, mg.manual_seed, ...)."""

import numpy as np
import pytest

import minigrad as mg

NAMES = ["zeros", "ones", "full", "empty", "eye", "arange", "linspace", "zeros_like",
         "ones_like", "full_like", "rand", "randn", "randint", "rand_like", "randn_like",
         "float32", "float64", "manual_seed"]


@pytest.mark.parametrize("name", NAMES)
def test_name_is_top_level(name):
    assert hasattr(mg, name) and name in mg.__all__


def test_dtypes_are_numpys():
    assert mg.float32 is np.float32 and mg.float64 is np.float64


@pytest.mark.parametrize("make", [mg.zeros, mg.ones, mg.empty, mg.rand, mg.randn])
def test_size_as_varargs_or_tuple(make):
    for args in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = make(*args)
        assert isinstance(t, mg.Tensor) and t.shape == (2, 3) and t.dtype == np.float64
    assert make().shape == ()
    with pytest.raises(TypeError, match=r"sizes must be non-negative ints"):
        make(2.5)


def test_values_by_hand():
    np.testing.assert_array_equal(mg.zeros(2).data, [0.0, 0.0])
    np.testing.assert_array_equal(mg.ones(2, 1).data, [[1.0], [1.0]])
    np.testing.assert_array_equal(mg.full((2,), 1.5).data, [1.5, 1.5])
    np.testing.assert_array_equal(mg.eye(2, 3).data, [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(mg.arange(3).data, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(mg.arange(1, 7, 2).data, [1.0, 3.0, 5.0])
    np.testing.assert_array_equal(mg.linspace(-1, 1, 3).data, [-1.0, 0.0, 1.0])
    assert mg.arange(3).dtype == np.int64        # as torch.arange: integer arguments
    assert mg.arange(3.0).dtype == np.float64 and mg.full((2,), 7).dtype == np.int64


def test_dtype_and_requires_grad_keywords():
    t = mg.zeros(2, dtype=mg.float32, requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad
    w = mg.randn(3, requires_grad=True)
    (w * w).sum().backward()
    np.testing.assert_allclose(w.grad, 2 * w.data)
    assert mg.arange(3, dtype=np.int64).dtype == np.int64
    assert not mg.ones(1).requires_grad


def test_like_forms_keep_shape_and_dtype():
    base = mg.ones(2, 3, dtype=mg.float32)
    for make in (mg.zeros_like, mg.ones_like, mg.rand_like, mg.randn_like):
        t = make(base)
        assert t.shape == (2, 3) and t.dtype == np.float32
    assert mg.full_like(base, 4.0).tolist() == [[4.0] * 3] * 2
    assert mg.zeros_like(np.ones(2)).shape == (2,)
    assert mg.ones_like(base, dtype=mg.float64).dtype == np.float64


def test_randint_follows_torch_signatures():
    a = mg.randint(5, (200,), generator=0)
    assert a.dtype == np.int64 and a.shape == (200,)
    assert set(a.tolist()) == {0, 1, 2, 3, 4}
    b = mg.randint(2, 4, (3, 50), generator=0)
    assert b.shape == (3, 50) and set(b.data.ravel().tolist()) == {2, 3}
    assert mg.randint(3, size=(4,)).shape == (4,)
    with pytest.raises(TypeError, match="randint"):
        mg.randint(3)


def test_rand_ranges():
    u = mg.rand(2000, generator=1).data
    assert u.min() >= 0 and u.max() < 1
    n = mg.randn(20000, generator=1).data
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05


def test_manual_seed_makes_rand_randn_randint_repeat():
    def draw():
        return (mg.rand(3).tolist(), mg.randn(2, 2).tolist(), mg.randint(10, (4,)).tolist(),
                mg.randn_like(mg.zeros(2)).tolist())

    mg.manual_seed(5)
    first = draw()
    mg.manual_seed(5)
    assert draw() == first
    mg.manual_seed(6)
    assert draw() != first
    # the draws continue one stream: two calls in a row differ
    assert mg.rand(3).tolist() != mg.rand(3).tolist()


def test_manual_seed_matches_a_numpy_generator_and_refuses_non_ints():
    mg.manual_seed(9)
    np.testing.assert_array_equal(mg.randn(4).data,
                                  np.random.default_rng(9).standard_normal(4))
    with pytest.raises(TypeError, match="manual_seed"):
        mg.manual_seed(1.5)


def test_generator_keyword_takes_a_generator_or_a_seed():
    g = np.random.default_rng(2)
    np.testing.assert_array_equal(mg.rand(3, generator=g).data,
                                  np.random.default_rng(2).random(3))
    assert mg.rand(3, generator=7).tolist() == mg.rand(3, generator=7).tolist()
    with pytest.raises(TypeError, match="rand"):
        mg.rand(3, generator="7")

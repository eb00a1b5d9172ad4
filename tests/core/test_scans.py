"""Reductions and scans (issue 14) by hand: what the registry-driven property
tests cannot see.  Zeros in ``prod`` and ``cumprod`` (first and second
derivatives against the closed forms), ``sort``'s ties, order and named tuple,
PyTorch's meaning beside NumPy's (``np.sort``, ``np.cumsum``, ``np.prod``,
``np.diff`` on tensors), the function and method of ``var``/``std``, methods
and errors."""

import itertools
import math

import numpy as np
import pytest

import minigrad as mg


def leaf(data):
    return mg.tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


def others(x, skip):
    """The product of the elements of x whose positions are not in ``skip``."""
    return math.prod(v for i, v in enumerate(x) if i not in skip)


def prod_hessian(x):
    """d²(prod x)/dx_i dx_j: the product of all but i and j (0 on the diagonal)."""
    n = len(x)
    return np.array([[0.0 if i == j else others(x, {i, j}) for j in range(n)]
                     for i in range(n)])


def cumprod_jacobian(x):
    """J[i, k] = d cumprod(x)_i / dx_k = the product of x_0..x_i but x_k (k <= i)."""
    n = len(x)
    return np.array([[others(x[:i + 1], {k}) if k <= i else 0.0 for k in range(n)]
                     for i in range(n)])


def cumprod_weighted_hessian(x, w):
    """d²(w · cumprod x)/dx_k dx_l = Σ_{i >= max(k, l)} w_i · (x_0..x_i but x_k, x_l)."""
    n = len(x)
    return np.array([[0.0 if k == l else sum(w[i] * others(x[:i + 1], {k, l})
                                             for i in range(max(k, l), n))
                      for l in range(n)] for k in range(n)])


# ------------------------------------------------------------------ prod
@pytest.mark.parametrize("values", [
    [2.0, 3.0, 0.0, 5.0],          # one zero: its gradient is 30, the others 0
    [0.0, 3.0, 0.0, 5.0],          # two zeros: every gradient is 0
    [0.0, 0.0, 0.0, 5.0],
    [1.5, -2.0, 0.5, 4.0],
])
def test_prod_gradient_is_the_product_of_the_others_with_zeros(values):
    x = leaf(values)
    mg.prod(x).backward()
    expected = [others(values, {i}) for i in range(len(values))]
    np.testing.assert_array_equal(x.grad, expected)
    if values.count(0.0) == 1:
        zero = values.index(0.0)
        assert x.grad[zero] == others(values, {zero}) != 0
        assert np.count_nonzero(x.grad) == 1
    if values.count(0.0) >= 2:
        assert not x.grad.any()


@pytest.mark.parametrize("values", [
    [2.0, 3.0, 0.0, 5.0], [0.0, 3.0, 0.0, 5.0], [0.0, 0.0, 0.0, 5.0], [1.5, -2.0, 0.5, 4.0],
])
def test_prod_second_derivative_with_zeros(values):
    # One zero: the Hessian's row and column of the zero hold the products of the
    # rest; two zeros: only the entry pairing them; three: all zero.
    h = mg.hessian(lambda t: mg.prod(t))(np.array(values))
    np.testing.assert_allclose(h, prod_hessian(values), rtol=1e-14, atol=0)
    if values.count(0.0) == 2:
        i, j = [k for k, v in enumerate(values) if v == 0.0]
        assert np.count_nonzero(h) == 2 and h[i, j] == h[j, i] == others(values, {i, j})


def test_prod_along_a_dim_with_zeros_in_some_rows():
    data = np.array([[2.0, 0.0, 4.0], [0.0, 0.0, 3.0], [1.0, 2.0, 3.0]])
    x = leaf(data)
    w = np.array([1.0, 10.0, 100.0])
    (x.prod(dim=1) * w).sum().backward()
    expected = np.array([[0.0, 8.0, 0.0], [0.0, 0.0, 0.0], [600.0, 300.0, 200.0]])
    np.testing.assert_array_equal(x.grad, expected)
    # over a tuple of axes, and the same through keepdims
    y = leaf(data)
    mg.prod(y, axis=(0, 1), keepdims=True).sum().backward()
    np.testing.assert_array_equal(y.grad, np.zeros((3, 3)))   # three zeros


def test_prod_gradient_does_not_underflow():
    # The product underflows to 0 although no factor is 0: out / x would give 0.
    x = leaf([1e-200, 1e-200, 3.0])
    mg.prod(x).backward()
    assert mg.prod(x).item() == 0.0
    np.testing.assert_allclose(x.grad, [3e-200, 3e-200, 0.0], rtol=1e-15)


def test_prod_create_graph_gives_the_same_gradient_as_the_plain_pass():
    data = np.array([[2.0, 0.0, 4.0, -1.0], [0.5, 1.5, 3.0, 2.0]])
    x = leaf(data)
    (g,) = mg.autograd.grad(mg.prod(x, axis=1).sum(), [x], create_graph=True)
    x2 = leaf(data)
    mg.prod(x2, axis=1).sum().backward()
    np.testing.assert_array_equal(g.data, x2.grad)


# --------------------------------------------------------------- cumprod
@pytest.mark.parametrize("values", [
    [2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 3.0], [1.5, 2.0, -1.0, 0.0], [0.0, 0.0, 0.0, 2.0],
    [1.5, -2.0, 0.5, 4.0],
])
def test_cumprod_gradient_with_zeros(values):
    w = np.array([1.0, -2.0, 3.0, 0.5])
    jac = cumprod_jacobian(values)
    x = leaf(values)
    (mg.cumprod(x, dim=0) * w).sum().backward()          # the plain pass (arrays)
    np.testing.assert_allclose(x.grad, w @ jac, rtol=1e-15, atol=0)
    y = leaf(values)                                      # the differentiable form
    (g,) = mg.autograd.grad((mg.cumprod(y, dim=0) * w).sum(), [y], create_graph=True)
    np.testing.assert_allclose(g.data, w @ jac, rtol=1e-15, atol=0)


@pytest.mark.parametrize("values", [
    [2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 1.0, 2.0], [1.5, -2.0, 0.5, 4.0],
])
def test_cumprod_second_derivative_with_zeros(values):
    w = np.array([1.0, -2.0, 3.0, 0.5])
    h = mg.hessian(lambda t: (mg.cumprod(t, 0) * w).sum())(np.array(values))
    np.testing.assert_allclose(h, cumprod_weighted_hessian(values, w), rtol=1e-14, atol=0)


def test_cumprod_zeros_in_some_slices_along_a_middle_axis():
    rng = np.random.default_rng(3)
    data = rng.normal(size=(2, 4, 3))
    data[0, 1, 0] = data[1, 0, 2] = data[1, 2, 2] = data[0, 3, 1] = 0.0
    w = rng.normal(size=data.shape)
    x = leaf(data)
    (mg.cumprod(x, dim=1) * w).sum().backward()
    expected = np.zeros_like(data)
    for a, c in itertools.product(range(2), range(3)):
        expected[a, :, c] = w[a, :, c] @ cumprod_jacobian(list(data[a, :, c]))
    np.testing.assert_allclose(x.grad, expected, rtol=1e-13, atol=1e-15)


def test_cumsum_and_cumprod_forms():
    data = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    x = mg.tensor(data)
    np.testing.assert_array_equal(mg.cumsum(x, dim=1).data, np.cumsum(data, axis=1))
    np.testing.assert_array_equal(x.cumsum(0).data, np.cumsum(data, axis=0))
    np.testing.assert_array_equal(x.cumprod(dim=-1).data, np.cumprod(data, axis=-1))
    np.testing.assert_array_equal(mg.cumsum(x).data, np.cumsum(data))       # NumPy: flattened
    np.testing.assert_array_equal(x.cumprod().data, np.cumprod(data))
    assert mg.cumsum(x, 1, dtype=np.float32).dtype == np.float32
    zero_d = mg.cumsum(mg.tensor(2.0), dim=0)                               # PyTorch: 0-d
    assert zero_d.shape == () and zero_d.item() == 2.0
    assert isinstance(mg.cumsum(data, axis=0), np.ndarray)                  # arrays stay arrays


# ------------------------------------------------------------------ diff
def test_diff_forms_and_gradient():
    data = np.array([[1.0, 4.0, 9.0, 16.0], [2.0, 3.0, 5.0, 8.0]])
    x = leaf(data)
    np.testing.assert_array_equal(x.diff().data, np.diff(data))
    np.testing.assert_array_equal(mg.diff(x, 2, 1).data, np.diff(data, 2, axis=1))
    np.testing.assert_array_equal(mg.diff(x, axis=0).data, np.diff(data, axis=0))
    np.testing.assert_array_equal(mg.diff(x, n=0).data, data)
    p, a = leaf([[0.0], [1.0]]), leaf([[20.0], [10.0]])
    y = mg.diff(x, prepend=p, append=a)
    np.testing.assert_array_equal(y.data, np.diff(data, prepend=p.data, append=a.data))
    (y * np.arange(10.0).reshape(2, 5)).sum().backward()
    np.testing.assert_array_equal(p.grad, [[-0.0], [-5.0]])   # p enters out[0] with -1
    np.testing.assert_array_equal(a.grad, [[4.0], [9.0]])
    np.testing.assert_array_equal(x.grad, [[-1.0, -1.0, -1.0, -1.0]] * 2)
    np.testing.assert_array_equal(mg.diff(x, dim=0, prepend=0.5).data,
                                  np.diff(data, axis=0, prepend=0.5))
    assert mg.diff(x, n=5).shape == (2, 0)                     # as NumPy and PyTorch


# ------------------------------------------------------------------ sort
def test_sort_returns_a_named_tuple_and_routes_the_gradient():
    x = leaf([[3.0, 1.0, 2.0], [0.0, 5.0, -1.0]])
    result = mg.sort(x)
    assert type(result).__name__ == "sort" and result._fields == ("values", "indices")
    values, indices = result
    np.testing.assert_array_equal(values.data, [[1.0, 2.0, 3.0], [-1.0, 0.0, 5.0]])
    np.testing.assert_array_equal(indices.data, [[1, 2, 0], [2, 0, 1]])
    assert indices.dtype == np.int64 and not indices.requires_grad
    (values * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[100.0, 1.0, 10.0], [10.0, 100.0, 1.0]])
    assert x.sort(dim=0).values is not None and x.sort(0, True).indices.shape == (2, 3)


def test_sort_ties_keep_their_order_ascending_and_descending():
    data = np.tile([2.0, 1.0, 2.0, 1.0, 2.0], 8)        # long enough for quicksort to mix ties
    ones, twos = np.flatnonzero(data == 1.0), np.flatnonzero(data == 2.0)
    up = mg.sort(mg.tensor(data), stable=True)
    down = mg.sort(mg.tensor(data), descending=True, stable=True)
    np.testing.assert_array_equal(up.indices.data, np.concatenate([ones, twos]))
    np.testing.assert_array_equal(down.indices.data, np.concatenate([twos, ones]))
    np.testing.assert_array_equal(down.values.data, [2.0] * 24 + [1.0] * 16)
    np.testing.assert_array_equal(
        mg.argsort(mg.tensor(data), descending=True, stable=True).data, down.indices.data)
    # Without stable=True the ties come in some order (as in PyTorch): values still right,
    # indices a permutation that reads them.
    for descending in (False, True):
        values, indices = mg.sort(mg.tensor(data), descending=descending)
        np.testing.assert_array_equal(values.data, np.sort(data)[::-1] if descending
                                      else np.sort(data))
        np.testing.assert_array_equal(data[indices.data], values.data)
        assert sorted(indices.data.tolist()) == list(range(40))


def test_sort_descending_puts_nan_first_as_pytorch():
    values, indices = mg.sort(mg.tensor([1.0, np.nan, 3.0]), descending=True)
    np.testing.assert_array_equal(values.data, [np.nan, 3.0, 1.0])
    np.testing.assert_array_equal(indices.data, [1, 2, 0])
    np.testing.assert_array_equal(mg.sort(mg.tensor([1.0, np.nan, 3.0])).indices.data,
                                  [0, 2, 1])


def test_sort_of_a_0d_tensor_and_of_arrays():
    values, indices = mg.sort(mg.tensor(4.0))
    assert values.item() == 4.0 and indices.item() == 0
    values, indices = mg.sort(np.array([2.0, 1.0]))
    assert isinstance(values, np.ndarray) and isinstance(indices, np.ndarray)


def test_argsort_function_and_method():
    x = mg.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, -1.0]], requires_grad=True)
    np.testing.assert_array_equal(x.argsort().data, [[1, 2, 0], [2, 0, 1]])
    np.testing.assert_array_equal(mg.argsort(x, dim=0).data, [[1, 0, 1], [0, 1, 0]])
    assert mg.argsort(x).dtype == np.int64 and not mg.argsort(x).requires_grad


# ------------------------------------------- np.<name>: NumPy's meaning
def test_np_sort_and_argsort_have_numpys_meaning():
    data = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, -1.0]])
    x = leaf(data)
    y = np.sort(x)                                       # values only, in the graph
    assert isinstance(y, mg.Tensor) and y.requires_grad
    np.testing.assert_array_equal(y.data, np.sort(data))
    flat = np.sort(x, axis=None)
    np.testing.assert_array_equal(flat.data, np.sort(data, axis=None))
    (flat * np.arange(6.0)).sum().backward()
    np.testing.assert_array_equal(x.grad, [[4.0, 2.0, 3.0], [1.0, 5.0, 0.0]])
    np.testing.assert_array_equal(np.sort(x, axis=0).data, np.sort(data, axis=0))
    np.testing.assert_array_equal(np.argsort(x, axis=None).data,
                                  np.argsort(data, axis=None))
    np.testing.assert_array_equal(np.argsort(x, kind="stable").data, np.argsort(data))


def test_np_cumsum_prod_diff_stay_in_the_graph_with_numpys_meaning():
    data = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 5.0]])
    x = leaf(data)
    cases = [(np.cumsum(x), np.cumsum(data)), (np.cumsum(x, axis=0), np.cumsum(data, 0)),
             (np.cumprod(x, 1), np.cumprod(data, 1)), (np.prod(x), np.prod(data)),
             (np.prod(x, axis=1, keepdims=True), np.prod(data, axis=1, keepdims=True)),
             (np.diff(x), np.diff(data)), (np.diff(x, 1, 0), np.diff(data, 1, 0)),
             (np.diff(x, prepend=0.0), np.diff(data, prepend=0.0))]
    for ours, numpys in cases:
        assert isinstance(ours, mg.Tensor) and ours.requires_grad, ours
        np.testing.assert_array_equal(ours.data, numpys)
    np.prod(x, axis=0).sum().backward()
    np.testing.assert_array_equal(x.grad, [[3.0, 4.0, 5.0], [1.0, 2.0, 0.0]])


def test_np_argmax_and_argmin_dispatch_as_numpy():
    data = np.array([[1.0, 5.0, 2.0], [4.0, 0.0, 6.0]])
    x = leaf(data)
    for ours, numpys in [(np.argmax(x), np.argmax(data)), (np.argmin(x), np.argmin(data)),
                         (np.argmax(x, axis=0), np.argmax(data, axis=0)),
                         (np.argmin(x, 1), np.argmin(data, 1)),
                         (np.argmax(x, axis=1, keepdims=True),
                          np.argmax(data, axis=1, keepdims=True))]:
        np.testing.assert_array_equal(np.asarray(ours), numpys)
        assert np.asarray(ours).dtype == np.int64
    assert x.argmax(dim=1).tolist() == [1, 2]


# ------------------------------------------------------------- var, std
def test_var_and_std_function_has_numpys_ddof_and_method_pytorchs_correction():
    data = np.array([[1.0, 2.0, 4.0], [3.0, 3.0, 9.0]])
    x = mg.tensor(data)
    np.testing.assert_allclose(mg.var(x).data, np.var(data))                 # ddof=0
    np.testing.assert_allclose(x.var().data, np.var(data, ddof=1))           # correction=1
    np.testing.assert_allclose(mg.std(x, axis=1).data, np.std(data, axis=1))
    np.testing.assert_allclose(x.std(dim=1).data, np.std(data, axis=1, ddof=1))
    np.testing.assert_allclose(x.var(1, correction=0).data, np.var(data, axis=1))
    np.testing.assert_allclose(x.std(unbiased=False).data, np.std(data))
    np.testing.assert_allclose(mg.var(x, dim=0, correction=1).data, np.var(data, 0, ddof=1))
    np.testing.assert_allclose(np.var(x).data, np.var(data))                 # NumPy's meaning
    np.testing.assert_allclose(np.std(x, ddof=1).data, np.std(data, ddof=1))
    with pytest.raises(TypeError, match="correction="):
        mg.var(x, dim=1)
    with pytest.raises(TypeError, match="correction="):
        mg.std(x, dim=1)


# ------------------------------------------------------------ errors
@pytest.mark.parametrize("call, error, words", [
    (lambda x: mg.cumsum(x, dim=2), mg.ShapeError, r"cumsum: dim 2 is out of range.*2 dims"),
    (lambda x: x.cumprod(-3), mg.ShapeError, r"cumprod: dim -3 is out of range"),
    (lambda x: mg.prod(x, dim=5), mg.ShapeError, r"prod: dim 5 is out of range"),
    (lambda x: x.prod(dim=(0, 4)), mg.ShapeError, r"prod: dim 4"),
    (lambda x: mg.sort(x, dim=2), mg.ShapeError, r"sort: dim 2 is out of range"),
    (lambda x: mg.argsort(x, dim=-3), mg.ShapeError, r"argsort: dim -3"),
    (lambda x: mg.diff(x, dim=3), mg.ShapeError, r"diff: dim 3"),
    (lambda x: mg.diff(x, n=-1), mg.ShapeError, r"diff: n must be an int >= 0"),
    (lambda x: mg.diff(x.sum()), mg.ShapeError, r"diff: the tensor is 0-d"),
    (lambda x: mg.cumsum(x, dim=1.5), mg.DTypeError, r"cumsum: a dim must be an int"),
    (lambda x: mg.cumsum(x, axis=0, dim=0), TypeError, r"both axis=0.*dim=0"),
    (lambda x: mg.prod(x, axis=0, dim=0), TypeError, r"prod: got both"),
    (lambda x: mg.sort(x, 0, axis=1), TypeError, r"sort: got both"),
    (lambda x: mg.cumsum(x, 0, out=np.zeros((2, 3))), TypeError, r"out= is not supported"),
    (lambda x: mg.prod(x, dtype=np.int64), mg.DTypeError, r"prod: dtype=int64"),
    (lambda x: np.prod(x, 0, np.float32), mg.DTypeError, r"prod: keepdims must be a bool"),
])
def test_errors_name_the_op_and_the_dims(call, error, words):
    with pytest.raises(error, match=words):
        call(mg.tensor(np.ones((2, 3)), requires_grad=True))


def test_methods_are_installed():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.prod(dim=1, keepdim=True).shape == (2, 1)
    assert x.prod(1).tolist() == [2.0, 12.0] and x.prod().item() == 24.0
    assert x.prod(dim=()).item() == 24.0 and mg.prod(x, axis=()).shape == (2, 2)
    assert mg.prod(mg.tensor(3.0), dim=0).item() == 3.0
    assert x.diff(dim=0).tolist() == [[2.0, 2.0]]
    assert x.cumsum(dim=1).tolist() == [[1.0, 3.0], [3.0, 7.0]]

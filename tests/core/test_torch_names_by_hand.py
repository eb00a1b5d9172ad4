"""PyTorch's names on tensors and at the top level, against hand-computed values
(no torch needed; ``test_torch_names_tensor.py`` compares with PyTorch itself),
and the errors that replace a silent difference between PyTorch and NumPy."""

import numpy as np
import pytest

import minigrad as mg

A = np.arange(24.0).reshape(2, 3, 4)


def leaf(data=A):
    return mg.tensor(data, requires_grad=True)


# ------------------------------------------------------ dim= beside axis=
@pytest.mark.parametrize("torch_call, numpy_call", [
    (lambda x: x.sum(dim=1), lambda x: x.sum(axis=1)),
    (lambda x: mg.sum(x, dim=[0, 2], keepdim=True),
     lambda x: mg.sum(x, axis=(0, 2), keepdims=True)),
    (lambda x: x.mean(dim=(0, 1)), lambda x: x.mean(axis=(0, 1))),
    (lambda x: x.amax(dim=2, keepdim=True), lambda x: mg.max(x, axis=2, keepdims=True)),
    (lambda x: mg.amin(x, dim=0), lambda x: mg.min(x, axis=0)),
    (lambda x: x.logsumexp(dim=-1), lambda x: mg.logsumexp(x, axis=-1)),
    (lambda x: x.softmax(dim=0), lambda x: mg.softmax(x, axis=0)),
    (lambda x: x.log_softmax(dim=1), lambda x: mg.log_softmax(x, 1)),
    (lambda x: mg.expand_dims(x, dim=1), lambda x: mg.expand_dims(x, axis=1)),
    (lambda x: mg.cat([x, x], dim=2), lambda x: mg.concatenate([x, x], axis=2)),
    (lambda x: mg.stack([x, x], dim=-1), lambda x: mg.stack([x, x], axis=-1)),
    (lambda x: x.argmax(dim=1, keepdim=True), lambda x: mg.argmax(x, axis=1, keepdims=True)),
])
def test_dim_and_axis_spell_the_same_argument(torch_call, numpy_call):
    a, b = torch_call(leaf()), numpy_call(leaf())
    assert a.shape == b.shape
    np.testing.assert_array_equal(a.data, b.data)


def test_an_empty_dim_means_every_dim_an_empty_axis_none():
    x = leaf()
    assert x.sum(dim=()).item() == A.sum() and mg.amax(x, dim=[]).item() == A.max()
    assert mg.logsumexp(x, dim=()).shape == () and x.mean(dim=(), keepdim=True).shape == (1, 1, 1)
    np.testing.assert_array_equal(mg.sum(x, axis=()).data, A)        # NumPy: no axis


@pytest.mark.parametrize("call", [
    lambda x: x.sum(axis=0, dim=1),
    lambda x: mg.sum(x, keepdims=True, keepdim=True),
    lambda x: x.mean(axis=0, dim=0),
    lambda x: mg.max(x, 1, axis=1),
    lambda x: x.min(dim=0, keepdims=True, keepdim=True),
    lambda x: mg.logsumexp(x, axis=0, dim=0),
    lambda x: x.softmax(axis=0, dim=1),
    lambda x: x.squeeze(axis=0, dim=0),
    lambda x: mg.expand_dims(x, axis=0, dim=0),
    lambda x: mg.cat([x, x], axis=1, dim=1),
    lambda x: mg.stack([x, x], axis=0, dim=0),
    lambda x: x.argmax(axis=0, dim=0),
    lambda x: x.var(axis=0, dim=0),
    lambda x: mg.var(x, ddof=1, correction=1),
    lambda x: mg.clip(x, lo=0.0, min=0.0),
])
def test_both_spellings_of_one_argument_are_a_type_error(call):
    with pytest.raises(TypeError, match="pass only one|pass one of"):
        call(leaf())


# ---------------------------------------------------------------- reshaping
def test_view_unsqueeze_squeeze_flatten():
    x = leaf()
    assert x.view(6, 4).shape == x.view((6, 4)).shape == x.view(-1, 4).shape == (6, 4)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4) and mg.unsqueeze(x, -1).shape == (2, 3, 4, 1)
    s = mg.tensor(np.zeros((2, 1, 3, 1)))
    assert s.squeeze().shape == (2, 3)
    assert s.squeeze(0).shape == (2, 1, 3, 1)          # size 2: left alone (PyTorch)
    assert s.squeeze((1, 3)).shape == mg.squeeze(s, [1, -1]).shape == (2, 3)
    assert mg.tensor(5.0).squeeze(0).shape == ()
    assert x.flatten().shape == (24,) and x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4) and mg.tensor(5.0).flatten().shape == (1,)
    y = x.view(4, 6).unsqueeze(1).flatten(1) * 2.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.full(A.shape, 2.0))


@pytest.mark.parametrize("call, message", [
    (lambda x: x.unsqueeze(4), r"unsqueeze: dim 4 is out of range"),
    (lambda x: x.squeeze(3), r"squeeze: dim 3 is out of range .* 3 dims"),
    (lambda x: x.flatten(2, 1), r"flatten: start_dim 2 comes after end_dim 1"),
    (lambda x: x.permute(0, 1), r"permute: .* each of the 3 dims"),
    (lambda x: x.permute(0, 0, 1), r"permute: dims .* same axis twice"),
    (lambda x: x.t(), r"t\(\) expects a tensor with at most 2 dims, got shape \(2, 3, 4\)"),
    (lambda x: x[0, 0].mT, r"mT swaps the last two dims .* shape \(4,\)"),
    (lambda x: x.max(dim=1)[0].max(dim=5), r"max: dim 5 is out of range"),
])
def test_dims_that_do_not_fit_name_the_op_and_the_shape(call, message):
    with pytest.raises(mg.ShapeError, match=message):
        call(leaf())


def test_permute_t_mT_swapaxes():
    x = leaf()
    np.testing.assert_array_equal(x.permute(2, 0, 1).data, A.transpose(2, 0, 1))
    np.testing.assert_array_equal(mg.permute(x, (1, 2, 0)).data, A.transpose(1, 2, 0))
    np.testing.assert_array_equal(x.mT.data, A.swapaxes(1, 2))
    np.testing.assert_array_equal(x.swapaxes(0, 2).data, A.swapaxes(0, 2))
    np.testing.assert_array_equal(x.swapdims(0, 1).data, A.swapaxes(0, 1))
    m = mg.tensor(A[0])
    np.testing.assert_array_equal(m.t().data, A[0].T)
    np.testing.assert_array_equal(mg.t(m[0]).data, A[0, 0])      # 1-d: unchanged


# --------------------------------------------------------------- transpose
def test_transpose_method_swaps_two_dims_as_pytorch():
    x = leaf()
    out = x.transpose(0, 1)                       # NumPy's meaning would have failed
    assert out.shape == (3, 2, 4)
    np.testing.assert_array_equal(out.data, A.swapaxes(0, 1))
    np.testing.assert_array_equal(x.transpose(dim0=-1, dim1=0).data, A.swapaxes(-1, 0))
    w = np.arange(24.0).reshape(3, 2, 4)
    (out * w).sum().backward()
    np.testing.assert_array_equal(x.grad, w.swapaxes(0, 1))


@pytest.mark.parametrize("call", [
    lambda x: x.transpose(),
    lambda x: x.transpose((1, 0, 2)),
    lambda x: x.transpose(2, 0, 1),
    lambda x: x.transpose(0),
])
def test_numpy_style_transpose_method_is_refused_with_the_fix(call):
    with pytest.raises(mg.ShapeError, match=r"swaps two dims.*x\.permute\(\*axes\) or "
                                        r"mg\.transpose\(x, axes\); x\.T reverses"):
        call(leaf())


def test_numpy_transpose_function_on_a_tensor_is_numpys_and_stays_in_the_graph():
    # np.transpose goes through Tensor.__array_function__ to mg.transpose (NumPy's meaning)
    x = leaf()
    assert np.transpose(x).shape == x.shape[::-1] and np.transpose(x).op_name == "transpose"
    assert np.transpose(x, (1, 0, 2)).shape == (x.shape[1], x.shape[0], x.shape[2])


def test_the_function_transpose_keeps_numpy_meaning():
    x = leaf()
    np.testing.assert_array_equal(mg.transpose(x).data, A.T)
    np.testing.assert_array_equal(mg.transpose(x, (1, 0, 2)).data, A.transpose(1, 0, 2))
    np.testing.assert_array_equal(mg.transpose(x, 0, 2).data, A.swapaxes(0, 2))   # torch's
    np.testing.assert_array_equal(x.T.data, A.T)
    with pytest.raises(TypeError, match="mg.transpose takes"):
        mg.transpose(x, 0, 1, 2)


def test_numpy_functions_that_call_the_methods_stay_in_the_graph():
    # np.sum(x) calls x.sum(axis=None, out=None), np.var(x) x.var(..., ddof=0), ...
    x = leaf()
    for call, expected in [
            (lambda: np.sum(x, axis=0), A.sum(axis=0)), (lambda: np.mean(x), A.mean()),
            (lambda: np.max(x, axis=1), A.max(axis=1)), (lambda: np.min(x), A.min()),
            (lambda: np.var(x), A.var()), (lambda: np.std(x, axis=2, ddof=1), A.std(2, ddof=1)),
            (lambda: np.clip(x, 3.0, 9.0), np.clip(A, 3.0, 9.0)),
            (lambda: np.reshape(x, (4, 6)), A.reshape(4, 6)),
            (lambda: np.swapaxes(x, 0, 2), A.swapaxes(0, 2)),
            (lambda: np.sum(x, dtype=np.float32), A.sum())]:
        out = call()
        assert isinstance(out, mg.Tensor) and out.requires_grad
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)
    assert np.argmax(x).item() == 23
    with pytest.raises(TypeError, match="out= is not supported"):
        np.sum(x, out=np.zeros(()))


# ------------------------------------------------------------ max and min
def test_max_with_a_dim_returns_values_and_indices():
    x = leaf(np.array([[1.0, 7.0, 7.0], [4.0, 2.0, 0.0]]))
    out = x.max(dim=1)
    assert type(out).__name__ == "max" and out._fields == ("values", "indices")
    values, indices = out
    np.testing.assert_array_equal(values.data, [7.0, 4.0])
    np.testing.assert_array_equal(indices.data, [1, 0])          # the first of the tie
    assert indices.dtype == np.int64 and not indices.requires_grad
    values.sum().backward()                                     # the gradient to the index
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    x.grad = None
    x.max().backward()                                          # overall: ties share
    np.testing.assert_array_equal(x.grad, [[0.0, 0.5, 0.5], [0.0, 0.0, 0.0]])
    kept = mg.max(x, 0, keepdim=True)
    assert kept.values.shape == kept.indices.shape == (1, 3)
    low = x.min(1)
    assert type(low).__name__ == "min"
    np.testing.assert_array_equal(low.values.data, [1.0, 0.0])
    np.testing.assert_array_equal(low.indices.data, [0, 2])


def test_max_of_two_tensors_and_numpy_forms():
    x, y = leaf(np.array([1.0, 5.0])), mg.tensor([3.0, 2.0])
    np.testing.assert_array_equal(x.max(y).data, [3.0, 5.0])
    np.testing.assert_array_equal(mg.min(x, y).data, [1.0, 2.0])
    m = leaf()
    np.testing.assert_array_equal(mg.max(m, axis=(0, 2)).data, A.max(axis=(0, 2)))
    np.testing.assert_array_equal(m.max(axis=1).data, A.max(axis=1))
    np.testing.assert_array_equal(m.min(axis=1, keepdims=True).data, A.min(1, keepdims=True))
    with pytest.raises(TypeError, match=r"one int dim.*mg\.amax"):
        m.max(dim=(0, 1))


def test_argmax_and_argmin():
    x = mg.tensor([[1.0, 9.0, 3.0], [8.0, 2.0, 8.0]])
    assert x.argmax().item() == 1 and x.argmax().dtype == np.int64    # flattened index
    np.testing.assert_array_equal(x.argmax(dim=1).data, [1, 0])
    np.testing.assert_array_equal(mg.argmin(x, dim=0).data, [0, 1, 0])
    assert x.argmax(dim=1, keepdim=True).shape == (2, 1)
    np.testing.assert_array_equal(mg.argmax(np.array([3.0, 4.0])), 1)    # arrays in, array out
    assert not x.argmax().requires_grad


# ---------------------------------------------------------------- var, std
def test_var_std_method_has_pytorch_default_function_numpy_default():
    x = mg.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == pytest.approx(5.0 / 3.0)               # correction=1
    assert x.var(correction=0).item() == pytest.approx(1.25)
    assert x.var(unbiased=False).item() == pytest.approx(1.25)
    assert x.var(False).item() == pytest.approx(1.25)
    assert x.std().item() == pytest.approx(np.sqrt(5.0 / 3.0))
    assert mg.var(x).item() == pytest.approx(1.25)                   # ddof=0, as np.var
    assert mg.std(x, ddof=1).item() == pytest.approx(np.sqrt(5.0 / 3.0))
    assert mg.var(x, dim=0, correction=1).item() == pytest.approx(5.0 / 3.0)
    m = mg.tensor(A)
    np.testing.assert_allclose(m.var(dim=(0, 2), keepdim=True).data,
                               A.var(axis=(0, 2), ddof=1, keepdims=True))
    np.testing.assert_allclose(mg.std(m, axis=1).data, A.std(axis=1))
    with pytest.raises(TypeError, match=r"mg.var\(x, dim=...\).*correction="):
        mg.var(m, dim=1)


def test_var_gradient_by_hand():
    x = leaf(np.array([1.0, 2.0, 6.0]))
    x.var().backward()                   # d/dx_i sum((x - mean)^2) / (n - 1) = 2 (x_i - mean) / 2
    np.testing.assert_allclose(x.grad, [-2.0, -1.0, 3.0])


# -------------------------------------------------------- clamp, clip, clone
def test_clamp_and_clip():
    x = leaf(np.array([-2.0, 0.5, 3.0]))
    np.testing.assert_array_equal(x.clamp(min=0.0, max=1.0).data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(x.clamp(max=0.0).data, [-2.0, 0.0, 0.0])
    np.testing.assert_array_equal(mg.clip(x, -1.0, None).data, [-1.0, 0.5, 3.0])
    np.testing.assert_array_equal(x.clip(lo=0.0, hi=1.0).data, [0.0, 0.5, 1.0])
    lo = mg.tensor([0.0, 1.0, 0.0], requires_grad=True)
    out = x.clamp(min=lo, max=2.0)
    np.testing.assert_array_equal(out.data, [0.0, 1.0, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(lo.grad, [1.0, 1.0, 0.0])
    with pytest.raises(TypeError, match="give min= or max="):
        x.clamp()


def test_clone_stays_in_the_graph():
    x = leaf(np.array([1.0, 2.0]))
    y = x.clone()
    assert y.op_name == "clone" and y.data is not x.data
    (y * y).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])


# ------------------------------------------------------------------ casts
def test_float_double_to_are_differentiable_casts():
    x = leaf(np.array([1.5, -2.0]))
    y = x.float()
    assert y.dtype == np.float32 and y.op_name == "astype"
    (y * 3.0).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    assert y.double().dtype == np.float64 and x.double() is x
    assert x.to(np.float32).dtype == x.to("float32").dtype == np.float32
    assert x.to(dtype=np.dtype("float32")).dtype == np.float32
    assert x.to("cpu") is x and x.to(device="cpu") is x
    assert x.to("cpu", np.float32).dtype == np.float32
    assert x.to(y).dtype == np.float32 and y.type_as(x).dtype == np.float64
    assert x.to(np.float64, copy=True) is not x


def test_integer_casts_carry_no_gradient():
    x = leaf(np.array([1.7, -1.7]))
    n = x.long()
    assert n.dtype == np.int64 and not n.requires_grad and n.is_leaf
    np.testing.assert_array_equal(n.data, [1, -1])
    assert mg.astype(x, "bool").dtype == np.bool_


@pytest.mark.parametrize("call, error, message", [
    (lambda x: x.to("cuda"), ValueError, r"device 'cuda' is not available"),
    (lambda x: x.to("cuda:0", np.float32), ValueError, r"CPU"),
    (lambda x: x.to(device="mps"), ValueError, r"device 'mps'"),
    (lambda x: x.to("not a dtype"), mg.DTypeError, r"is not a dtype"),
])
def test_to_refuses_other_devices_and_unknown_dtypes(call, error, message):
    with pytest.raises(error, match=message):
        call(leaf())


# --------------------------------------------------------------- indexing
def test_an_integer_and_an_index_array_apart_follow_pytorch():
    x = leaf()
    out = x[0, :, [1, 1, 2]]           # NumPy: shape (3, 3) with the list's axis first
    assert out.shape == (3, 3)
    np.testing.assert_array_equal(out.data, A[0][:, [1, 1, 2]])
    out2 = x[0, :, [1, 2]]
    assert out2.shape == (3, 2)        # NumPy's order would give (2, 3)
    np.testing.assert_array_equal(out2.data, A[0][:, [1, 2]])
    out.sum().backward()
    expected = np.zeros(A.shape)
    expected[0, :, 1], expected[0, :, 2] = 2.0, 1.0     # a repeated index adds up
    np.testing.assert_array_equal(x.grad, expected)
    # Side by side, the two orders agree and NumPy's single index is used.
    assert x[:, 0, [1, 2]].op_name == "getitem" and x[:, 0, [1, 2]].shape == (2, 2)
    assert x[mg.tensor(1, dtype=np.int64), :, [0, 3]].shape == (3, 2)    # a 0-d tensor is an int

"""The shape functions of issue 14 where the property tests cannot look: PyTorch's
meaning against NumPy's for one name (``x.repeat`` tiles, ``np.repeat`` repeats
elements; ``mg.split`` takes a chunk size, ``np.split`` a number of sections),
``put_along_axis`` out of place, the pad modes and their gradients, methods,
``np.<name>`` dispatch, and the errors for bad shapes and dims."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad as mg

X = np.arange(6.0).reshape(2, 3)


def leaf(a=X):
    return mg.tensor(np.array(a, dtype=np.float64), requires_grad=True)


# --------------------------------------------------- one name, two meanings
def test_tensor_repeat_tiles_as_pytorch_and_np_repeat_repeats_elements():
    x = leaf([1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2).data, [1.0, 2.0, 1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2, 2).data, [[1, 2, 1, 2], [1, 2, 1, 2]])
    np.testing.assert_array_equal(np.repeat(x, 2).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.repeat_interleave(2).data, [1.0, 1.0, 2.0, 2.0])
    assert isinstance(np.repeat(x, 2), mg.Tensor)
    x.repeat(3).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])


def test_repeat_needs_a_size_per_dim_and_points_to_tile_and_repeat_interleave():
    with pytest.raises(mg.ShapeError, match="repeat_interleave") as info:
        leaf().repeat(2)
    assert "mg.tile" in str(info.value) and "(2, 3)" in str(info.value)


def test_repeat_interleave_with_counts_and_dims():
    x = leaf()
    out = mg.repeat_interleave(x, mg.tensor([2, 0, 1]), dim=1)
    np.testing.assert_array_equal(out.data, np.repeat(X, [2, 0, 1], axis=1))
    np.testing.assert_array_equal(np.repeat(x, [1, 2], axis=0).data,
                                  np.repeat(X, [1, 2], axis=0))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0, 1.0]] * 2)
    with pytest.raises(mg.ShapeError, match="one count per element"):
        mg.repeat_interleave(x, np.array([1, 2]), dim=1)
    with pytest.raises(mg.DTypeError, match="non-negative integers"):
        mg.repeat_interleave(x, -1)


def test_split_takes_a_chunk_size_as_pytorch_and_np_split_a_number_of_sections():
    x = leaf(np.arange(6.0))
    assert [p.shape for p in mg.split(x, 4)] == [(4,), (2,)]          # chunks of 4
    assert [p.shape for p in x.split([1, 5])] == [(1,), (5,)]         # sizes
    assert [p.shape for p in np.split(x, 3)] == [(2,), (2,), (2,)]    # 3 sections
    assert [p.shape for p in np.split(x, [1, 4])] == [(1,), (3,), (2,)]   # cut points
    assert isinstance(mg.split(x, 4), tuple) and isinstance(np.split(x, 3), list)
    with pytest.raises(mg.ShapeError, match="array_split"):
        np.split(x, 4)                                                # 6 is not 4 equal parts
    with pytest.raises(mg.ShapeError, match="add up to 6"):
        mg.split(x, [2, 2])
    with pytest.raises(mg.ShapeError, match="chunk size must be positive"):
        mg.split(x, 0)


def test_split_gradient_puts_each_piece_back_in_its_place():
    x = leaf()
    a, b = x.split([1, 2], dim=1)
    (a * 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad, [[2.0, 0.0, 0.0]] * 2)
    assert b.shape == (2, 2)


def test_chunk_tensor_split_and_array_split():
    x = leaf(np.arange(6.0))
    assert [p.shape[0] for p in x.chunk(4)] == [2, 2, 2]           # ceil(6/4) each
    assert [p.shape[0] for p in x.chunk(5)] == [2, 2, 2]
    assert [p.shape[0] for p in mg.array_split(x, 4)] == [2, 2, 1, 1]
    assert [p.shape[0] for p in x.tensor_split(4)] == [2, 2, 1, 1]
    assert [p.shape[0] for p in x.tensor_split([1, 4])] == [1, 3, 2]
    with pytest.raises(mg.ShapeError, match="0-d"):
        mg.chunk(mg.tensor(1.0), 2)


def test_take_reads_the_flattened_tensor_as_torch_take_or_an_axis_as_np_take():
    x = leaf()
    np.testing.assert_array_equal(mg.take(x, np.array([5, 0, -1])).data, [5.0, 0.0, 5.0])
    np.testing.assert_array_equal(x.take(np.array([[1, 1]])).data, [[1.0, 1.0]])
    np.testing.assert_array_equal(np.take(x, [2, 0], axis=1).data, X[:, [2, 0]])
    mg.take(x, np.array([4, 4, 0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 0, 0], [0, 2.0, 0]])
    with pytest.raises(mg.IndexingError, match="take: index 6 is out of range"):
        mg.take(x, np.array([6]))
    with pytest.raises(mg.IndexingError, match="-4 is out of range for dim 1"):
        mg.take_along_axis(x, np.array([[0], [-4]]), axis=1)
    with pytest.raises(mg.IndexingError, match="put_along_axis: index 3"):
        mg.put_along_axis(x, np.array([[0], [3]]), 1.0, axis=1)
    with pytest.raises(mg.DTypeError, match="integers"):
        mg.take(x, np.array([1.0]))


# ----------------------------------------------------------- out of place
def test_put_along_axis_returns_a_new_tensor_and_leaves_the_input_unchanged():
    x, values = leaf(), leaf([[10.0], [20.0]])
    out = mg.put_along_axis(x, np.array([[2], [0]]), values, axis=1)
    np.testing.assert_array_equal(x.data, X)
    np.testing.assert_array_equal(out.data, [[0, 1, 10], [20, 4, 5]])
    (out * np.arange(1.0, 7.0).reshape(2, 3)).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 2, 0], [0, 5, 6]])   # not where written
    np.testing.assert_array_equal(values.grad, [[3.0], [4.0]])      # g read there


def test_put_along_axis_repeated_index_keeps_the_last_value_and_its_gradient():
    x, values = leaf([0.0, 0.0]), leaf([1.0, 2.0])
    out = mg.put_along_axis(x, np.array([1, 1]), values, axis=0)
    np.testing.assert_array_equal(out.data, [0.0, 2.0])
    out.sum().backward()
    np.testing.assert_array_equal(values.grad, [0.0, 1.0])


def test_np_put_along_axis_on_a_tensor_says_it_cannot_write_in_place():
    with pytest.raises(mg.UfuncError, match="mg.put_along_axis"):
        np.put_along_axis(leaf(), np.array([[0], [0]]), 1.0, axis=1)


def test_put_along_axis_flat_and_errors():
    out = mg.put_along_axis(leaf(), np.array([5]), 9.0)
    assert out.shape == (2, 3) and out.data[1, 2] == 9.0
    with pytest.raises(mg.ShapeError, match="as many dims"):
        mg.put_along_axis(leaf(), np.array([0]), 1.0, axis=1)


# --------------------------------------------------------------------- pad
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_pad_matches_np_pad_and_adds_copied_gradients(mode):
    x = leaf()
    width = ((1, 2), (3, 1))
    out = mg.pad(x, width, mode=mode)
    np.testing.assert_array_equal(out.data, np.pad(X, width, mode=mode))
    out.sum().backward()
    # Each element's gradient counts how often it appears in the padded result.
    counts = np.pad(np.arange(6).reshape(2, 3), width, mode=mode)
    expected = np.bincount(counts.ravel(), minlength=6).reshape(2, 3)
    if mode == "constant":
        expected = np.ones((2, 3))
    np.testing.assert_array_equal(x.grad, expected)
    assert mg.gradcheck(lambda t: mg.pad(t, width, mode=mode) ** 2, (X,))


def test_pad_constant_values_and_np_pad_dispatch():
    x = leaf([1.0, 2.0])
    np.testing.assert_array_equal(mg.pad(x, (1, 2), constant_values=(-1, 5)).data,
                                  [-1, 1, 2, 5, 5])
    assert np.pad(x, 1, mode="edge").op_name == "getitem"
    x32 = mg.tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    assert mg.pad(x32, 1, constant_values=2.5).dtype == np.float32


def test_pad_errors_name_the_problem():
    with pytest.raises(ValueError, match="mode must be one of"):
        mg.pad(leaf(), 1, mode="circular")
    with pytest.raises(mg.ShapeError, match="does not fit a tensor of shape"):
        mg.pad(leaf(), ((1, 1), (1, 1), (1, 1)))
    with pytest.raises(mg.ShapeError, match="negative"):
        mg.pad(leaf(), -1)


# -------------------------------------------------- methods and dispatch
def test_methods_and_np_dispatch_stay_in_the_graph():
    x = leaf()
    for out, expected in [(x.ravel(), X.ravel()), (np.ravel(x), X.ravel()),
                          (x.flip(0, 1), X[::-1, ::-1]), (x.flip(), X[::-1, ::-1]),
                          (np.flip(x, axis=1), X[:, ::-1]), (x.fliplr(), np.fliplr(X)),
                          (x.flipud(), np.flipud(X)), (x.roll(1, 1), np.roll(X, 1, 1)),
                          (np.roll(x, -1), np.roll(X, -1)), (x.tile(2), np.tile(X, 2)),
                          (np.tile(x, (2, 1)), np.tile(X, (2, 1))),
                          (x.movedim(0, 1), X.T), (np.moveaxis(x, 1, 0), X.T),
                          (np.take_along_axis(x, np.array([[1], [0]]), 1), [[1.0], [3.0]]),
                          (np.vstack([x, x]), np.vstack([X, X])),
                          (np.hstack([x, x]), np.hstack([X, X])),
                          (np.atleast_3d(x), np.atleast_3d(X)),
                          (mg.row_stack([x, x]), np.vstack([X, X]))]:
        assert isinstance(out, mg.Tensor) and out.requires_grad
        np.testing.assert_array_equal(out.data, expected)


def test_astype_method():
    x = leaf()
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.requires_grad
    y.sum().backward()
    assert x.grad.dtype == np.float64
    assert x.astype("int64").dtype == np.int64 and not x.astype("int64").requires_grad
    assert x.astype(np.float64, copy=False) is x


def test_atleast_returns_one_tensor_for_one_and_a_tuple_for_several():
    a, b = mg.tensor(1.0), leaf()
    assert mg.atleast_2d(a).shape == (1, 1)
    assert mg.atleast_2d(b) is b                        # enough dims: the tensor itself
    assert [t.shape for t in mg.atleast_1d(a, b)] == [(1,), (2, 3)]
    assert [t.shape for t in mg.atleast_3d([a])] == [(1, 1, 1)]


def test_stacks_take_a_sequence():
    with pytest.raises(mg.ShapeError, match="list or tuple of tensors"):
        mg.vstack(leaf())
    assert mg.column_stack([mg.tensor([1.0, 2.0]), mg.tensor([3.0, 4.0])]).shape == (2, 2)
    assert mg.dstack([mg.tensor([1.0, 2.0])] * 3).shape == (1, 2, 3)


# ------------------------------------------------------------------ errors
def test_errors_for_bad_dims_and_shapes():
    x = leaf()
    with pytest.raises(mg.ShapeError, match="out of range"):
        x.flip(2)
    with pytest.raises(mg.ShapeError, match="fliplr"):
        mg.fliplr(mg.tensor([1.0]))
    with pytest.raises(mg.ShapeError, match="same length"):
        mg.roll(x, (1, 2), dims=(0,))
    with pytest.raises(mg.ShapeError, match="dims=None"):
        mg.roll(x, (1, 2))
    with pytest.raises(mg.ShapeError, match="as many axes"):
        mg.moveaxis(x, (0, 1), 0)
    with pytest.raises(mg.ShapeError, match="negative"):
        mg.tile(x, (-1, 2))
    with pytest.raises(mg.ShapeError, match="do not fit"):
        mg.take_along_axis(x, np.zeros((3, 1), dtype=int), axis=1)
    with pytest.raises(TypeError, match="both"):
        mg.flip(x, 0, axis=0)


def test_small_conventions():
    # A list of numbers is one operand (NumPy); a list of tensors several (PyTorch).
    assert mg.atleast_2d([1.0, 2.0]).shape == (1, 2)
    assert isinstance(mg.atleast_2d([mg.tensor(1.0)]), tuple)
    assert mg.repeat_interleave(mg.tensor([1.0, 2.0]), 2, output_size=4).shape == (4,)
    with pytest.raises(mg.ShapeError, match="output_size=3"):
        mg.repeat_interleave(mg.tensor([1.0, 2.0]), 2, output_size=3)
    # A pad value that requires grad would silently get none: refused.
    with pytest.raises(mg.DTypeError, match="constant_values"):
        mg.pad(leaf(), 1, constant_values=mg.tensor(2.0, requires_grad=True))

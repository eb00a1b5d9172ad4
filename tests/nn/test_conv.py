"""Convolution and pooling: what the registry-driven property tests cannot see.

Shapes for every combination of stride, padding and dilation against a naive
loop written here, PyTorch's 'same' and 'valid', the unbatched form, the tie
convention of max pooling, the adjoint pair im2col/col2im, the layers
(initialization, state_dict, repr, training) and the error messages.
"""

import itertools

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.ops.conv import col2im, im2col


def naive_conv2d(x, w, b, stride, padding, dilation):
    """out[n, o, i, j] = b[o] + sum_{c, p, q} xpad[n, c, i*s + p*d, j*s + q*d] w[o, c, p, q]."""
    (sh, sw), (dh, dw) = stride, dilation
    xp = np.pad(x, ((0, 0), (0, 0), padding[0], padding[1]))
    n, c, hp, wp = xp.shape
    o, _, kh, kw = w.shape
    oh = (hp - dh * (kh - 1) - 1) // sh + 1
    ow = (wp - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    for ni, oi, i, j in itertools.product(range(n), range(o), range(oh), range(ow)):
        total = b[oi]
        for ci, p, q in itertools.product(range(c), range(kh), range(kw)):
            total += xp[ni, ci, i * sh + p * dh, j * sw + q * dw] * w[oi, ci, p, q]
        out[ni, oi, i, j] = total
    return out


CONFIGS = [((1, 1), ((0, 0), (0, 0)), (1, 1)), ((2, 2), ((1, 1), (1, 1)), (1, 1)),
           ((1, 2), ((2, 2), (0, 0)), (2, 1)), ((3, 1), ((1, 1), (2, 2)), (1, 2))]


@pytest.mark.parametrize("stride, padding, dilation", CONFIGS)
def test_conv2d_matches_a_naive_loop(stride, padding, dilation):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 2)), rng.normal(size=4)
    out = mg.conv2d(mg.tensor(x), mg.tensor(w), mg.tensor(b), stride=stride,
                    padding=(padding[0][0], padding[1][0]), dilation=dilation)
    expected = naive_conv2d(x, w, b, stride, padding, dilation)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, atol=1e-12)


def test_same_padding_keeps_the_size_and_puts_the_odd_element_after():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(1, 2, 5, 6)), rng.normal(size=(3, 2, 4, 3)), np.zeros(3)
    out = mg.conv2d(x, w, b, padding="same", dilation=(1, 2))
    assert out.shape == (1, 3, 5, 6)
    # kernel height 4: 3 rows of padding, 1 before and 2 after; width 3 dilated 2: 2 and 2.
    np.testing.assert_allclose(out, naive_conv2d(x, w, b, (1, 1), ((1, 2), (2, 2)), (1, 2)),
                               atol=1e-12)
    valid = mg.conv2d(x, w, b, padding="valid")
    np.testing.assert_array_equal(valid, mg.conv2d(x, w, b, padding=0))
    assert valid.shape == (1, 3, 2, 4)


def test_conv1d_is_conv2d_with_a_height_of_one():
    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(2, 3, 9)), rng.normal(size=(4, 3, 3)), rng.normal(size=4)
    out = F.conv1d(x, w, b, stride=2, padding=1, dilation=2)
    as_2d = mg.conv2d(x[:, :, None], w[:, :, None], b, stride=(1, 2), padding=(0, 1),
                      dilation=(1, 2))
    np.testing.assert_allclose(out.data, as_2d[:, :, 0], atol=1e-12)


def test_an_unbatched_input_gives_an_unbatched_output():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 5, 5)), rng.normal(size=(3, 2, 3, 3))
    t = mg.tensor(x, requires_grad=True)
    out = F.conv2d(t, w, padding=1)
    assert out.shape == (3, 5, 5)
    np.testing.assert_allclose(out.data, mg.conv2d(x[None], w, padding=1)[0], atol=1e-12)
    out.sum().backward()
    assert t.grad.shape == (2, 5, 5)
    assert F.max_pool2d(mg.tensor(x), 2).shape == (2, 2, 2)
    assert F.avg_pool2d(mg.tensor(x), 2).shape == (2, 2, 2)


def test_conv2d_on_arrays_returns_an_array_and_on_tensors_a_tensor():
    x, w = np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
    assert type(mg.conv2d(x, w)) is np.ndarray
    assert isinstance(F.conv2d(x, w), mg.Tensor)        # nn.functional: always a tensor


def test_im2col_and_col2im_are_adjoint():
    rng = np.random.default_rng(4)
    geometry = dict(kernel_size=(3, 2), stride=(2, 1), padding=((1, 1), (0, 2)),
                    dilation=(1, 2))
    x = rng.normal(size=(2, 3, 7, 6))
    cols = im2col(x, **geometry)
    g = rng.normal(size=cols.shape)
    # <col2im(g), x> = <g, im2col(x)> for every x and g.
    np.testing.assert_allclose(np.sum(col2im(g, shape=x.shape, **geometry) * x),
                               np.sum(g * cols), rtol=1e-12)


def test_max_pool_gives_a_tie_to_the_first_maximum_as_torch():
    x = mg.tensor([[[[1.0, 1.0], [1.0, 0.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[1.0, 0.0], [0.0, 0.0]]]])
    x = mg.tensor([[[[0.0, 2.0, 2.0], [2.0, 1.0, 2.0]]]], requires_grad=True)
    F.max_pool2d(x, (2, 2), stride=1).sum().backward()     # overlapping windows
    np.testing.assert_array_equal(x.grad, [[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]])


def test_max_pool_gives_a_nan_window_its_nan_and_the_gradient_to_the_last_nan():
    x = mg.tensor([[[[0.0, np.nan], [1.0, np.nan]]]], requires_grad=True)
    out = F.max_pool2d(x, 2)
    assert np.isnan(out.item())
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, [[[[0.0, 0.0], [0.0, 1.0]]]])


def test_max_pool_pads_with_minus_infinity():
    x = -np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    out = F.max_pool2d(mg.tensor(x), 2, stride=1, padding=1)
    np.testing.assert_array_equal(out.data[0, 0], [[-1, -1, -2], [-1, -1, -2],
                                                   [-3, -3, -4]])


def test_avg_pool_divisors():
    x = mg.tensor(np.ones((1, 1, 3, 3)), requires_grad=True)
    with_pad = F.avg_pool2d(x, 2, stride=2, padding=1)
    np.testing.assert_allclose(with_pad.data[0, 0], [[0.25, 0.5], [0.5, 1.0]])
    without = F.avg_pool2d(x, 2, stride=2, padding=1, count_include_pad=False)
    np.testing.assert_allclose(without.data[0, 0], np.ones((2, 2)))
    override = F.avg_pool2d(x, 2, stride=1, divisor_override=1)
    np.testing.assert_allclose(override.data[0, 0], 4 * np.ones((2, 2)))
    without.sum().backward()
    np.testing.assert_allclose(x.grad[0, 0], [[1, 0.5, 0.5], [0.5, 0.25, 0.25],
                                              [0.5, 0.25, 0.25]])


def test_float32_stays_float32_through_the_layers():
    conv = mg.nn.Conv2d(2, 3, 3, padding=1, dtype=mg.float32, rng=0)
    x = mg.tensor(np.ones((2, 2, 6, 6), dtype=np.float32), requires_grad=True)
    out = F.avg_pool2d(F.max_pool2d(conv(x), 2, padding=1), 2, count_include_pad=False)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32 and conv.weight.grad.dtype == np.float32


# ------------------------------------------------------------- the layers
def test_conv2d_layer_parameters_initialization_and_state_dict():
    conv = mg.nn.Conv2d(3, 8, (3, 5), rng=0)
    assert conv.weight.shape == (8, 3, 3, 5) and conv.bias.shape == (8,)
    assert list(conv.state_dict()) == ["weight", "bias"]
    bound = 1 / np.sqrt(3 * 3 * 5)     # kaiming_uniform_(a=sqrt(5)) and the bias: 1/sqrt(fan_in)
    assert np.abs(conv.weight.data).max() <= bound
    assert np.abs(conv.weight.data).max() > 0.8 * bound
    assert np.abs(conv.bias.data).max() <= bound
    assert mg.nn.Conv2d(3, 8, 3, bias=False).bias is None
    assert list(mg.nn.Conv2d(3, 8, 3, bias=False).state_dict()) == ["weight"]
    np.testing.assert_array_equal(mg.nn.Conv2d(3, 8, 3, rng=5).weight.data,
                                  mg.nn.Conv2d(3, 8, 3, rng=5).weight.data)


def test_layer_reprs_are_pytorchs():
    assert repr(mg.nn.Conv2d(1, 8, 3, padding=1)) == \
        "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(mg.nn.Conv1d(2, 4, 3, padding="same", bias=False)) == \
        "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, bias=False)"
    assert repr(mg.nn.MaxPool2d(2)) == \
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(mg.nn.AvgPool2d(3, 1)) == "AvgPool2d(kernel_size=3, stride=1, padding=0)"


def test_a_small_cnn_learns_one_batch():
    mg.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 1, 8, 8)), rng.integers(0, 3, 16)
    net = mg.nn.Sequential(mg.nn.Conv2d(1, 4, 3, padding=1), mg.nn.ReLU(),
                           mg.nn.MaxPool2d(2), mg.nn.AvgPool2d(2), mg.nn.Flatten(),
                           mg.nn.Linear(16, 3))
    optimizer = mg.optim.Adam(net.parameters(), lr=0.05)
    losses = []
    for _ in range(60):
        optimizer.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_conv1d_layer_and_its_gradient():
    conv = mg.nn.Conv1d(2, 3, 3, stride=2, rng=1)
    x = mg.tensor(np.random.default_rng(0).normal(size=(2, 2, 9)))
    assert mg.gradcheck(lambda w: F.conv1d(x, w, conv.bias, stride=2),
                        (conv.weight.data.copy(),))
    assert conv(x).shape == (2, 3, 4)


# ------------------------------------------------------------- errors
@pytest.mark.parametrize("call, error, words", [
    (lambda: mg.conv2d(np.ones((1, 2, 5, 5)), np.ones((3, 4, 3, 3))), mg.ShapeError,
     ["C_in=2", "(3, 4, 3, 3)"]),
    (lambda: mg.conv2d(np.ones((1, 2, 2, 2)), np.ones((3, 2, 3, 3))), mg.ShapeError,
     ["smaller than the kernel", "(2, 2)"]),
    (lambda: mg.conv2d(np.ones((5, 5)), np.ones((3, 1, 3, 3))), mg.ShapeError,
     ["(N, C, H, W)", "(5, 5)"]),
    (lambda: mg.conv2d(np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(2)),
     mg.ShapeError, ["bias", "(3,)", "(2,)"]),
    (lambda: mg.conv2d(np.ones((1, 2, 5, 5)), np.ones((2, 1, 3, 3)), groups=2), ValueError,
     ["groups=1"]),
    (lambda: mg.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding="same",
                       stride=2), ValueError, ["'same'", "strided"]),
    (lambda: mg.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding="full"),
     ValueError, ["'full'"]),
    (lambda: mg.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), stride=0), ValueError,
     ["stride", "at least 1"]),
    (lambda: mg.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding=(1, 1, 1)),
     TypeError, ["padding", "2 ints"]),
    (lambda: F.max_pool2d(mg.ones(1, 1, 4, 4), 2, padding=2), ValueError, ["half"]),
    (lambda: F.max_pool2d(mg.ones(1, 1, 4, 4), 2, ceil_mode=True), ValueError, ["ceil_mode"]),
    (lambda: F.avg_pool2d(mg.ones(1, 1, 4, 4), 5), mg.ShapeError, ["smaller than the kernel"]),
    (lambda: mg.nn.Conv2d(2, 4, 3, groups=2), ValueError, ["groups=1"]),
    (lambda: mg.nn.Conv2d(2, 4, 3, padding_mode="reflect"), ValueError, ["'zeros'"]),
    (lambda: mg.nn.Conv2d(2, 4, 3, stride=2, padding="same"), ValueError, ["'same'"]),
    (lambda: mg.nn.Conv1d(2, 4, 3, padding="full"), ValueError, ["'full'"]),
])
def test_errors_say_what_is_wrong(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_the_layer_keeps_its_columns_only_while_its_output_lives():
    # The weight's VJP reuses the forward's im2col columns, kept beside the
    # output under a weak reference: they go when the output goes, and nothing
    # is kept when no graph is recorded.
    import gc

    from minigrad.ops.conv import _COLUMNS
    before = len(_COLUMNS)
    x = mg.tensor(np.ones((2, 1, 5, 5)), requires_grad=True)
    w = mg.tensor(np.ones((3, 1, 3, 3)), requires_grad=True)
    y = mg.conv2d(x, w, padding=1)
    assert len(_COLUMNS) == before + 1
    y.sum().backward()
    np.testing.assert_allclose(w.grad, _naive_weight_grad(x.data), rtol=1e-12)
    del y
    gc.collect()
    assert len(_COLUMNS) == before
    with mg.no_grad():
        mg.conv2d(x, w, padding=1)
    assert len(_COLUMNS) == before


def _naive_weight_grad(x):
    """d sum(conv2d(x, w, padding=1)) / dw for one input channel: each kernel
    entry sums the padded input over the window positions it meets."""
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    h, w = x.shape[2:]
    grad = np.array([[padded[:, :, i:i + h, j:j + w].sum() for j in range(3)]
                     for i in range(3)])
    return np.broadcast_to(grad, (3, 1, 3, 3))

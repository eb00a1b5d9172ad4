"""nn.LayerNorm and F.layer_norm against PyTorch in float64: values and the gradients
of the input, the weight and the bias (skipped without torch)."""

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg
import minigrad.nn.functional as F

torch = require_module("torch")

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape, normalized_shape", [
    ((6, 5), 5), ((6, 5), (5,)), ((2, 3, 4), (3, 4)), ((2, 3, 4), [2, 3, 4]), ((7,), 7),
])
@pytest.mark.parametrize("affine, eps", [(False, 1e-5), (True, 1e-5), (True, 0.5)])
def test_layer_norm_values_and_gradients(shape, normalized_shape, affine, eps):
    x = RNG.normal(1.0, 2.0, size=shape)
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    w = RNG.normal(size=shape[len(shape) - k:]) if affine else None
    b = RNG.normal(size=shape[len(shape) - k:]) if affine else None
    probe = RNG.normal(size=shape)          # a loss that weights every output differently

    leaves_m = [mg.tensor(a, requires_grad=True) if a is not None else None for a in (x, w, b)]
    out_m = F.layer_norm(leaves_m[0], normalized_shape, leaves_m[1], leaves_m[2], eps=eps)
    (out_m * probe).sum().backward()

    leaves_t = [torch.tensor(a, requires_grad=True) if a is not None else None
                for a in (x, w, b)]
    shape_t = [normalized_shape] if isinstance(normalized_shape, int) else normalized_shape
    out_t = torch.nn.functional.layer_norm(leaves_t[0], shape_t, leaves_t[1], leaves_t[2],
                                           eps=eps)
    (out_t * torch.from_numpy(probe)).sum().backward()

    np.testing.assert_allclose(out_m.data, out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
    for m, t in zip(leaves_m, leaves_t):
        if m is not None:
            np.testing.assert_allclose(m.grad, t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("args, kwargs", [((4,), {}), (((3, 4),), {"eps": 1e-3}),
                                          ((4,), {"elementwise_affine": False}),
                                          ((4,), {"bias": False})])
def test_layer_norm_module_matches_torch(args, kwargs):
    m, t = mg.nn.LayerNorm(*args, **kwargs), torch.nn.LayerNorm(*args, **kwargs).double()
    assert repr(m) == repr(t)
    assert list(m.state_dict()) == list(t.state_dict())
    for name, value in t.state_dict().items():
        np.testing.assert_array_equal(m.state_dict()[name], value.numpy())
    x = RNG.normal(size=(2, 3, 4))
    np.testing.assert_allclose(m(x).data, t(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-12)

"""Smoke test of benchmarks/conv.py in quick mode: the three columns compute the
same gradients of the same convolution (never anything about time)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

CONV_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "conv.py"


@pytest.fixture(scope="module")
def conv_bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmarks_conv", CONV_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conv_gradients_match_the_hand_written_numpy(conv_bench):
    result = conv_bench.bench_conv(("minigrad", "numpy"), quick=True)
    conv_bench.check_gradients(result)
    for (_, batch, c_in, c_out, side), (dx, dw, db) in zip(
            conv_bench.SIZES, result["grads"]["numpy"].values()):
        assert dx.shape == (batch, c_in, side, side) and dw.shape == (c_out, c_in, 3, 3)
        assert np.abs(dw).max() > 0 and db.shape == (c_out,)   # a real gradient
    assert set(result["times"]) == {"minigrad", "numpy"}
    assert list(result["times"]["minigrad"]) == result["sizes"]


def test_the_numpy_column_is_a_correct_convolution_gradient(conv_bench):
    import minigrad as mg
    x, w, b, g = conv_bench.conv_inputs(2, 3, 4, 5)
    dx, dw, db = conv_bench.conv_numpy(x, w, b, g)
    expected = mg.grad(lambda x, w, b: mg.sum(mg.conv2d(x, w, b, padding=1) * g),
                       argnums=(0, 1, 2))(x, w, b)
    for got, want in zip((dx, dw, db), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)

"""Smoke test of benchmarks/run.py in quick mode.

It checks that each benchmark compares like with like: the gradient minigrad
computes equals the hand-written NumPy gradient of the same work.  It never
asserts anything about time.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from optional_tools import require_module

RUN_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmarks_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_op_chain_gradient_matches_numpy(bench):
    result = bench.bench_op_chain(("minigrad", "numpy"), quick=True)
    grads = result["grads"]
    assert result["n_ops"] == 1000
    assert grads["minigrad"].shape == (4,)
    assert np.abs(grads["numpy"]).min() > 1e-5   # the gradient has not vanished
    np.testing.assert_allclose(grads["minigrad"], grads["numpy"], rtol=1e-10, atol=0)
    assert set(result["times"]) == {"minigrad", "minigrad_jit", "numpy"}
    assert np.array_equal(grads["minigrad_jit"], grads["minigrad"])   # compiled: bit for bit
    assert result["compile"]["seconds"] > 0


def test_mlp_gradients_match_numpy(bench):
    result = bench.bench_mlp(("minigrad", "numpy"), quick=True, loss_variants=True)
    grads = result["grads"]
    shapes = [(784, 256), (256,), (256, 256), (256,), (256, 10), (10,)]
    assert [g.shape for g in grads["numpy"]] == shapes
    for name in ("minigrad", "minigrad_index"):
        for g, ref in zip(grads[name], grads["numpy"]):
            assert g.dtype == np.float32
            np.testing.assert_allclose(g, ref, rtol=1e-4, atol=1e-6)
    assert set(result["times"]) == {"minigrad", "minigrad_index", "minigrad_jit", "numpy"}
    for g, ref in zip(grads["minigrad_jit"], grads["minigrad"]):
        assert np.array_equal(g, ref)                                  # compiled: bit for bit


def test_mlp_steps_compute_the_same_loss(bench):
    X, labels, onehot, params = bench.mlp_inputs(sizes=(12, 8, 8, 3), batch=5)
    ps = bench.mlp_minigrad_setup(params)
    np_params = [p.copy() for p in params]
    for _ in range(3):   # the updates agree too: the losses stay equal
        loss_mg = bench.mlp_minigrad_step(ps, bench.mg.tensor(X), labels, onehot, lr=0.1)
        loss_np = bench.mlp_numpy_step(np_params, X, labels, onehot, lr=0.1)
        assert loss_mg == pytest.approx(loss_np, rel=1e-5)
    for p, q in zip(ps, np_params):
        np.testing.assert_allclose(p.data, q, rtol=1e-5, atol=1e-6)


def test_scalar_chain_gradient_and_memory(bench):
    result = bench.bench_scalar_chain(("minigrad", "numpy"), quick=True)
    grads = result["grads"]
    n = result["n_nodes"]
    expected = bench.CHAIN_C ** (n // 2)
    np.testing.assert_allclose(grads["minigrad"], expected, rtol=1e-12)
    np.testing.assert_allclose(grads["numpy"], expected, rtol=1e-12)
    assert result["bytes_per_node"]["minigrad"] > 0
    assert set(result["us_per_node"]["minigrad"]) == set(result["sizes"])


def test_stack_gradients_match_numpy(bench):
    result = bench.bench_stack(("minigrad", "numpy"), quick=True)
    grads = result["grads"]
    values, weights = bench.stack_inputs(result["sizes"][0])
    np.testing.assert_array_equal(grads["numpy"], weights)     # d/dx_i sum(w * x) = w_i
    np.testing.assert_allclose(grads["minigrad"], weights, rtol=1e-15)
    assert set(result["ms"]["minigrad"]) == set(result["sizes"])
    assert bench.STACK_SIZES == (4_000, 16_000)


def test_stack_torch_matches_numpy(bench):
    torch = require_module("torch")
    values, weights = bench.stack_inputs(50)
    np.testing.assert_allclose(bench.stack_torch(values, torch.from_numpy(weights)), weights,
                               rtol=1e-15)


def test_main_quick_writes_json(bench, tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench.main(["--quick", "--no-torch", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "op chain" in out and "MLP train step" in out and "scalar chain" in out
    assert "stack of N=" in out
    payload = json.loads(path.read_text())
    assert payload["quick"] is True
    assert [r["name"] for r in payload["results"]] == ["op_chain", "mlp_step", "scalar_chain",
                                                      "stack_backward"]


# ------------------------------------------- benchmarks/optim.py (issue 3)
OPTIM_PY = RUN_PY.parent / "optim.py"


@pytest.fixture(scope="module")
def optim_bench():
    spec = importlib.util.spec_from_file_location("minigrad_benchmarks_optim", OPTIM_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gabor_sgd_final_phi_agree(optim_bench):
    result = optim_bench.bench_gabor(("minigrad", "numpy"), quick=True)
    finals = result["finals"]
    assert set(finals) == {"minigrad", "minigrad_jit", "numpy"} == set(result["times"])
    assert result["jit_bit_for_bit"] and result["compile"]["traces"] == 2
    assert not np.allclose(finals["numpy"], optim_bench.GABOR_PHI0)   # SGD moved phi
    optim_bench.check_gabor(result)
    np.testing.assert_allclose(finals["minigrad"], finals["numpy"], rtol=1e-9, atol=1e-9)


def test_gabor_batches_same_order_without_replacement(optim_bench):
    batches = optim_bench.gabor_batches(steps=12)
    again = optim_bench.gabor_batches(steps=12)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))
    assert [len(xb) for xb, _ in batches[:6]] == [5, 5, 5, 5, 5, 3]
    x, _ = optim_bench.mg.lab.datasets.gabor()
    np.testing.assert_array_equal(np.sort(np.concatenate([xb for xb, _ in batches[:6]])),
                                  np.sort(x))                      # one epoch: each once


def test_gabor_analytic_gradient_matches_minigrad(optim_bench):
    mg = optim_bench.mg
    xb, yb = optim_bench.gabor_batches(steps=1)[0]
    phi = np.array([0.7, 11.0])
    expected = mg.grad(lambda p: mg.losses.mse_loss(mg.lab.models.gabor(xb, p), yb,
                                                    reduction="sum"))(phi)
    np.testing.assert_allclose(optim_bench.gabor_numpy_grad(phi, xb, yb), expected,
                               rtol=1e-12, atol=1e-12)


def test_gabor_torch_matches_numpy(optim_bench):
    require_module("torch")
    batches = optim_bench.gabor_batches(steps=50)
    torch = optim_bench._torch()
    tb = [(torch.from_numpy(xb), torch.from_numpy(yb)) for xb, yb in batches]
    np.testing.assert_allclose(optim_bench.gabor_torch(tb), optim_bench.gabor_numpy(batches),
                               rtol=1e-9, atol=1e-9)


def test_mlp_adam_parameters_agree(optim_bench):
    result = optim_bench.bench_mlp_adam(("minigrad", "numpy"), quick=True)
    assert set(result["after"]) == {"minigrad", "numpy"} == set(result["times"])
    optim_bench.check_mlp_adam(result)
    mg_params = result["after"]["minigrad"][0]
    np_params, np_losses = result["after"]["numpy"]
    assert np_losses[-1] < np_losses[0]                      # Adam made progress
    for p, q in zip(mg_params, np_params):
        assert p.dtype == np.float32
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


def test_mlp_adam_small_net_matches_numpy(optim_bench):
    bench = optim_bench.engine
    X, labels, onehot, params = bench.mlp_inputs(sizes=(12, 8, 8, 3), batch=5)
    ps, opt = optim_bench.mlp_minigrad_adam_setup(params)
    state = optim_bench.numpy_adam_setup(params)
    for _ in range(4):
        loss_mg = optim_bench.mlp_minigrad_adam_step(ps, opt, bench.mg.tensor(X), labels, onehot)
        loss_np = optim_bench.mlp_numpy_adam_step(state, X, onehot)
        assert loss_mg == pytest.approx(loss_np, rel=1e-5)
    for p, q in zip(ps, state["params"]):
        np.testing.assert_allclose(p.data, q, rtol=1e-5, atol=1e-6)


def test_optim_main_quick_writes_json(optim_bench, tmp_path, capsys):
    path = tmp_path / "optim.json"
    assert optim_bench.main(["--quick", "--no-torch", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Gabor SGD" in out and "MLP train step, Adam" in out
    payload = json.loads(path.read_text())
    assert payload["quick"] is True
    assert [r["name"] for r in payload["results"]] == ["gabor_sgd", "mlp_adam_step"]
    assert set(payload["met_cpu"]) == set(optim_bench.TARGETS)

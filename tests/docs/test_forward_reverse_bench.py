"""Smoke test of benchmarks/forward_reverse.py: its functions run and compare
like with like (jacfwd and jacrev give the same Jacobian, jvp on the op chain
gives the gradient's projection); nothing about time is asserted."""

import importlib.util
from pathlib import Path

import numpy as np

import minigrad as mg

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "forward_reverse.py"


def _module():
    spec = importlib.util.spec_from_file_location("minigrad_forward_reverse", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_forward_reverse_benchmark_compares_equal_jacobians():
    bench = _module()
    rows = bench.jacobian_times((2, 6), repeats=1)    # checks jacfwd == jacrev itself
    assert [(r["n"], r["m"]) for r in rows] == [(4, 2), (4, 6), (2, 4), (6, 4)]
    f, x = bench.network(3, 5)
    np.testing.assert_allclose(mg.jacfwd(f)(x), mg.jacrev(f)(x), rtol=1e-12)
    assert set(bench.chain_times(repeats=1)) == {"jvp", "value_and_grad"}

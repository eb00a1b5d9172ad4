"""Convolution benchmark (issue 14): minigrad vs hand-written NumPy im2col vs PyTorch.

One 3x3 convolution layer with bias and padding 1, forward and backward
(the gradients of the input, the weight and the bias for a fixed upstream
gradient), float64, at two sizes:

1. batch 32, 1 -> 8 channels, 8x8 images (the first layer of examples/cnn_digits.py);
2. batch 32, 16 -> 32 channels, 16x16 images.

The NumPy column is the convolution as one would write it by hand: pad, copy
the windows into a ``(C_in*9, N*H*W)`` matrix with one strided copy per kernel
position, one matrix product; backward by two matrix products and the
scatter-add of col2im, again one strided add per kernel position (in place
with ``np.add(..., out=)``, as minigrad's col2im does it).  minigrad
runs ``mg.conv2d`` (im2col, matmul, bias) and ``backward``.  Timing as in
run.py (whose helpers this script reuses): warm-up first, then the best of k
repeats of wall-clock and process CPU time, minigrad and NumPy repeats
interleaved; PyTorch (``torch.nn.functional.conv2d``, as many threads as
NumPy's BLAS) is imported and run only in a second phase.

Usage::

    python benchmarks/conv.py              # the full run (a few seconds)
    python benchmarks/conv.py --quick      # smoke run: one repeat
    python benchmarks/conv.py --json results.json --no-torch

Every run first checks that the three columns computed the same gradients.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

# This script reuses run.py's helpers; run.py puts the repository root on the path.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import run as engine  # noqa: E402  (benchmarks/run.py)
from run import _fmt, _ratio, _torch, best_times, machine_info, torch_available  # noqa: E402

import minigrad as mg  # noqa: E402

TARGETS = {"conv_ratio_to_numpy": 1.5}
LOCAL = ("minigrad", "numpy")
#: (label, batch, in channels, out channels, image side); kernel 3x3, padding 1.
SIZES = (("32x1x8x8 -> 8", 32, 1, 8, 8), ("32x16x16x16 -> 32", 32, 16, 32, 16))
K = 3


def conv_inputs(batch, c_in, c_out, side, seed=0):
    """Input, weight, bias and the upstream gradient ``g`` of the output (float64)."""
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(batch, c_in, side, side)), rng.normal(size=(c_out, c_in, K, K)),
            rng.normal(size=c_out), rng.normal(size=(batch, c_out, side, side)))


def conv_minigrad(tx, tw, tb, g):
    """``mg.conv2d`` forward, then ``backward(g)``: the gradients (dx, dw, db).
    The tensors are made once, outside the timed calls (``mg.tensor`` copies
    its input; ``torch.from_numpy`` does not), as run.py does for the MLP."""
    for t in (tx, tw, tb):
        t.grad = None
    mg.conv2d(tx, tw, tb, padding=1).backward(g)
    return tx.grad, tw.grad, tb.grad


def conv_numpy(x, w, b, g):
    """The same by hand: im2col into ``(C*9, N*H*W)``, one GEMM, and back."""
    n, c, h, wd = x.shape
    c_out = w.shape[0]
    padded = np.zeros((c, n, h + 2, wd + 2))
    padded[:, :, 1:-1, 1:-1] = x.transpose(1, 0, 2, 3)
    cols = np.empty((c, K, K, n, h, wd))
    for i in range(K):
        for j in range(K):
            cols[:, i, j] = padded[:, :, i:i + h, j:j + wd]
    cols = cols.reshape(c * K * K, n * h * wd)
    w2 = w.reshape(c_out, -1)
    out = (w2 @ cols).reshape(c_out, n, h, wd).transpose(1, 0, 2, 3) + b[:, None, None]
    del out                                               # the forward result, as a user gets it
    g2 = g.transpose(1, 0, 2, 3).reshape(c_out, -1)       # (C_out, N*H*W)
    dw = (g2 @ cols.T).reshape(w.shape)
    db = g2.sum(axis=1)
    dcols = (w2.T @ g2).reshape(c, K, K, n, h, wd)
    dpadded = np.zeros((c, n, h + 2, wd + 2))
    for i in range(K):
        for j in range(K):
            part = dpadded[:, :, i:i + h, j:j + wd]
            np.add(part, dcols[:, i, j], out=part)       # in place, written once
    dx = dpadded[:, :, 1:-1, 1:-1].transpose(1, 0, 2, 3)
    return dx, dw, db


def conv_torch(x, w, b, g):
    """``torch.nn.functional.conv2d`` forward and backward (inputs already torch)."""
    torch = _torch()
    tx, tw, tb = (a.detach().requires_grad_() for a in (x, w, b))
    torch.nn.functional.conv2d(tx, tw, tb, padding=1).backward(g)
    return tx.grad, tw.grad, tb.grad


def bench_conv(frameworks=LOCAL, quick=False):
    """Milliseconds per forward + backward at each size, and each column's gradients."""
    repeats, warmup = (1, 0) if quick else (30, 3)
    result = {"name": "conv2d_layer", "unit": "ms", "sizes": [s[0] for s in SIZES],
              "times": {}, "cpu_times": {}, "grads": {}, "torch_threads": None}
    for label, *size in SIZES:
        x, w, b, g = conv_inputs(*size)
        impls = {}
        if "minigrad" in frameworks:
            tensors = [mg.tensor(a, requires_grad=True) for a in (x, w, b)]
            impls["minigrad"] = lambda: conv_minigrad(*tensors, g)
        if "numpy" in frameworks:
            impls["numpy"] = lambda: conv_numpy(x, w, b, g)
        if "torch" in frameworks:
            torch = _torch()
            result["torch_threads"] = engine.numpy_blas_threads()
            torch.set_num_threads(result["torch_threads"])
            tx, tw, tb, tg = (torch.from_numpy(a) for a in (x, w, b, g))
            impls["torch"] = lambda: tuple(t.numpy() for t in conv_torch(tx, tw, tb, tg))
        for name, fn in impls.items():
            result["grads"].setdefault(name, {})[label] = fn()
        cpu = {}
        seconds = best_times(impls, repeats, warmup, cpu_out=cpu)
        for name in impls:
            result["times"].setdefault(name, {})[label] = seconds[name] * 1e3
            result["cpu_times"].setdefault(name, {})[label] = cpu[name] * 1e3
    return result


def check_gradients(result, rtol=1e-10, atol=1e-9):
    """Every column's (dx, dw, db) equals the NumPy column's, at every size."""
    ref = result["grads"]["numpy"]
    for name, by_size in result["grads"].items():
        for label, grads in by_size.items():
            for what, got, want in zip(("dx", "dw", "db"), grads, ref[label]):
                np.testing.assert_allclose(got, want, rtol=rtol, atol=atol,
                                           err_msg=f"conv {label}: {what} of {name} vs numpy")


def run(quick=False, use_torch=True):
    result = bench_conv(LOCAL, quick)
    if use_torch and torch_available():
        theirs = bench_conv(("torch",), quick)
        for key in ("times", "cpu_times", "grads"):
            result[key].update(theirs[key])
        result["torch_threads"] = theirs["torch_threads"]
    check_gradients(result)
    return result


def format_table(result):
    rows = [("conv 3x3 pad 1, fwd+bwd", "minigrad", "numpy", "torch", "mg/numpy", "mg/torch",
             "target")]
    for key, unit in (("times", "ms"), ("cpu_times", "ms CPU")):
        for label in result["sizes"]:
            t = {name: v[label] for name, v in result[key].items()}
            m, n, th = t.get("minigrad"), t.get("numpy"), t.get("torch")
            ratio = m / n if n else None
            status = "" if ratio is None else (
                "met" if ratio <= TARGETS["conv_ratio_to_numpy"] else "MISSED")
            rows.append((f"{label} ({unit})", _fmt(m, 3), _fmt(n, 3), _fmt(th, 3),
                         _ratio(m, n), _ratio(m, th),
                         f"<= {TARGETS['conv_ratio_to_numpy']}x numpy {status}"))
    return engine.table_text(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one repeat (timings meaningless)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    args = parser.parse_args(argv)
    info = machine_info()
    use_torch = not args.no_torch and info["torch"] is not None
    engine.print_header("minigrad convolution benchmark", info, use_torch)
    if args.quick:
        print("QUICK MODE: one repeat; the numbers are not measurements.")
    result = run(quick=args.quick, use_torch=use_torch)
    print()
    print(format_table(result))
    print("\nGradients (input, weight, bias) agree between the columns (checked on this run).")
    if args.json:
        payload = {"machine": info, "quick": args.quick, "targets": TARGETS,
                   "results": {k: v for k, v in result.items() if k != "grads"}}
        Path(args.json).write_text(json.dumps(payload, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

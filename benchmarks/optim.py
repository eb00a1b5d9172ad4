"""Optimizer benchmarks (issue 3, "Speed"): minigrad vs hand-written NumPy vs PyTorch.

Two benchmarks, in the one-process style of ``benchmarks/run.py`` (whose timing
helpers this script reuses; benchmarks/README.md says what each measures):

1. fitting the Gabor model (eq. 6.8) by SGD: batch 5, 2000 steps, the least-squares
   loss of eq. 6.5 on the book's 28 points; minigrad tensors + ``mg.optim.SGD``
   vs a NumPy loop with the analytic gradient vs PyTorch eager (``torch.optim.SGD``,
   float64, one thread);
2. the MLP training step of ``run.py`` (784-256-256-10 ReLU, softmax cross-entropy,
   batch 128, float32) with Adam: ``mg.optim.Adam`` vs a hand-written NumPy
   step with Adam vs ``torch.optim.Adam``.

Timing as in run.py: warm-up first, then the best of k repeats of
``time.perf_counter`` and of process CPU time, minigrad and NumPy repeats
interleaved; PyTorch is imported and run only in a second phase.

Usage::

    python benchmarks/optim.py              # the full run (about half a minute)
    python benchmarks/optim.py --quick      # smoke run: 200 steps, one repeat
    python benchmarks/optim.py --json results.json --no-torch

Every run first checks that the implementations end at the same parameters
(values, never times), so a table always compares the same computation.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

# This script reuses run.py's helpers; run.py puts the repository root on the path.
_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    sys.path.insert(0, str(_HERE))

import run as engine  # noqa: E402  (benchmarks/run.py)
from run import _fmt, _ratio, _torch, best_times, machine_info, torch_available  # noqa: E402

import minigrad as mg  # noqa: E402

TARGETS = {
    "gabor_ratio_to_torch": 0.5,
    "gabor_ratio_to_numpy": 5.0,
    "mlp_adam_ratio_to_numpy": 1.15,
    "gabor_jit_ratio_to_numpy": 2.0,      # issue 13: mg.jit(value_and_grad) + SGD on arrays
    "jit_compile_eager_steps": 50,
}

LOCAL = ("minigrad", "numpy")


# ------------------------------------------------ 1. Gabor model by SGD
GABOR_BATCH = 5
GABOR_STEPS = 2000
GABOR_LR = 0.05
GABOR_PHI0 = (2.5, 8.0)       # "start 2" of examples/ch6_gabor.py
GABOR_SEED = 0                # the batch order (the data use datasets.gabor's seed 0)
GABOR_A = mg.lab.models.GABOR_A


def gabor_batches(steps=GABOR_STEPS, batch_size=GABOR_BATCH, seed=GABOR_SEED):
    """The ``(xb, yb)`` minibatches of ``steps`` SGD steps on the book's Gabor data.

    Drawn without replacement by ``mg.data.epochs`` from one seeded generator
    (each epoch is a new permutation of the 28 points: five batches of 5, one of 3).
    Made once, outside the timed loops, so every implementation sees the same
    batches in the same order.
    """
    x, y = mg.lab.datasets.gabor()
    stream = mg.data.epochs((x, y), batch_size, rng=np.random.default_rng(seed))
    return [batch for _, batch in itertools.islice(stream, steps)]


def gabor_minigrad(batches, phi0=GABOR_PHI0, lr=GABOR_LR):
    """SGD on the Gabor model with minigrad tensors and ``mg.optim.SGD``; returns phi."""
    phi = mg.tensor(np.array(phi0, dtype=np.float64), requires_grad=True)
    opt = mg.optim.SGD([phi], lr=lr)
    for xb, yb in batches:
        opt.zero_grad()
        loss = mg.losses.mse_loss(mg.lab.models.gabor(xb, phi), yb, reduction="sum")
        loss.backward()
        opt.step()
    return phi.data.copy()


def gabor_numpy_grad(phi, xb, yb, a=GABOR_A):
    """The gradient of ``L = sum_i (f(x_i) - y_i)**2``, ``f = sin(z) exp(-z**2/a)``,
    ``z = phi0 + 0.06 phi1 x``, derived by hand:

    ``df/dz = exp(-z**2/a) (cos z - 2 z sin(z) / a)``, ``dL/dz_i = 2 (f_i - y_i) df/dz_i``,
    ``dL/dphi0 = sum_i dL/dz_i``, ``dL/dphi1 = 0.06 sum_i dL/dz_i x_i``.
    """
    z = phi[0] + 0.06 * phi[1] * xb
    s = np.sin(z)
    e = np.exp(-z * z / a)
    dz = 2.0 * (s * e - yb) * e * (np.cos(z) - 2.0 * z * s / a)
    return np.array([dz.sum(), 0.06 * (dz * xb).sum()])


def gabor_numpy(batches, phi0=GABOR_PHI0, lr=GABOR_LR):
    """The same loop by hand: analytic gradient, ``phi <- phi - lr * g`` (eq. 6.10)."""
    phi = np.array(phi0, dtype=np.float64)
    for xb, yb in batches:
        phi = phi - lr * gabor_numpy_grad(phi, xb, yb)
    return phi


def gabor_loss(phi, xb, yb):
    """The minibatch loss of ``gabor_minigrad`` as a function, for ``mg.jit``."""
    return mg.losses.mse_loss(mg.lab.models.gabor(xb, phi), yb, reduction="sum")


def gabor_jit(batches, step, phi0=GABOR_PHI0, lr=GABOR_LR):
    """The loop with ``step = mg.jit(mg.value_and_grad(gabor_loss))`` and SGD on the
    array (eq. 6.10): the same arithmetic as ``gabor_minigrad``, bit for bit."""
    phi = np.array(phi0, dtype=np.float64)
    for xb, yb in batches:
        phi = phi - lr * step(phi, xb, yb)[1]
    return phi


def gabor_compile_cost(batches, eager_step_seconds, n=12):
    """Compiling per input signature (batches of 5 and of 3: two traces, each with
    its checked first replay): the first ``n`` steps of a fresh compiled step less
    the same steps replayed, in seconds and in eager steps."""
    seconds = float("inf")
    for _ in range(3):                        # the best of three fresh compiles
        step = mg.jit(mg.value_and_grad(gabor_loss))
        t0 = time.perf_counter()
        gabor_jit(batches[:n], step)
        first = time.perf_counter() - t0
        warm = min(_timed(lambda: gabor_jit(batches[:n], step)) for _ in range(20))
        seconds = min(seconds, max(first - warm, 0.0) / step.trace_count)
    return {"seconds": seconds, "eager_steps": seconds / eager_step_seconds,
            "traces": step.trace_count}


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def gabor_torch(batches, phi0=GABOR_PHI0, lr=GABOR_LR):
    """The same loop in PyTorch eager with ``torch.optim.SGD`` (``batches`` already
    torch float64 tensors); returns phi as a NumPy array."""
    torch = _torch()
    phi = torch.tensor(phi0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([phi], lr=lr)
    for xb, yb in batches:
        opt.zero_grad()
        z = phi[0] + 0.06 * phi[1] * xb
        f = torch.sin(z) * torch.exp(-(z * z) / GABOR_A)
        r = f - yb
        loss = (r * r).sum()
        loss.backward()
        opt.step()
    return phi.detach().numpy().copy()


def bench_gabor(frameworks=LOCAL, quick=False):
    """Milliseconds for the whole SGD run (``steps`` steps), and the final phi of each."""
    steps = 200 if quick else GABOR_STEPS
    repeats, warmup = (1, 0) if quick else (7, 1)
    batches = gabor_batches(steps)
    impls = {}
    if "minigrad" in frameworks:
        impls["minigrad"] = lambda: gabor_minigrad(batches)
        step = mg.jit(mg.value_and_grad(gabor_loss))
        impls["minigrad_jit"] = lambda: gabor_jit(batches, step)
    if "numpy" in frameworks:
        impls["numpy"] = lambda: gabor_numpy(batches)
    if "torch" in frameworks:
        torch = _torch()
        torch.set_num_threads(1)
        tb = [(torch.from_numpy(xb), torch.from_numpy(yb)) for xb, yb in batches]
        impls["torch"] = lambda: gabor_torch(tb)
    finals = {name: fn() for name, fn in impls.items()}
    cpu = {}
    seconds = best_times(impls, repeats, warmup, cpu_out=cpu)
    result = {"name": "gabor_sgd", "steps": steps, "unit": "ms",
              "torch_threads": 1 if "torch" in frameworks else None,
              "times": {name: s * 1e3 for name, s in seconds.items()},
              "cpu_times": {name: s * 1e3 for name, s in cpu.items()},
              "finals": finals}
    if "minigrad" in frameworks:
        result["compile"] = gabor_compile_cost(batches, seconds["minigrad"] / steps)
        # Bit for bit, not just close: the compiled loop replays the eager arithmetic.
        result["jit_bit_for_bit"] = bool(np.array_equal(finals["minigrad_jit"],
                                                        finals["minigrad"]))
    return result


# --------------------------------------- 2. MLP training step with Adam
ADAM_LR = 1e-3
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def mlp_minigrad_adam_setup(params):
    ps = engine.mlp_minigrad_setup(params)
    return ps, mg.optim.Adam(ps, lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS)


def mlp_minigrad_adam_step(params, opt, X, labels, onehot):
    """run.py's minigrad loss (one-hot pick), backward, ``opt.step()``; returns the loss."""
    opt.zero_grad()
    loss = engine.mlp_minigrad_loss(params, X, labels, onehot)
    loss.backward()
    opt.step()
    return float(loss.data)


def mlp_numpy_grads(params, X, onehot):
    """run.py's hand-written forward and backward (the same maths as
    ``run.mlp_numpy_step``), without its SGD update: ``(loss, grads)``."""
    n_layers = len(params) // 2
    batch = X.shape[0]
    inputs, pre = [], []
    h = X
    for i in range(n_layers):
        W, b = params[2 * i], params[2 * i + 1]
        inputs.append(h)
        z = h @ W + b
        pre.append(z)
        h = np.maximum(z, 0.0) if i < n_layers - 1 else z
    z = h
    shift = z.max(axis=1, keepdims=True)
    e = np.exp(z - shift)
    s = e.sum(axis=1, keepdims=True)
    loss = -((z - shift - np.log(s)) * onehot).sum() / batch
    dz = (e / s - onehot) / batch                      # d loss / d logits
    grads = [None] * len(params)
    for i in reversed(range(n_layers)):
        if i < n_layers - 1:
            dz = dz * (pre[i] > 0)                     # relu
        grads[2 * i] = inputs[i].T @ dz
        grads[2 * i + 1] = dz.sum(axis=0)
        if i > 0:
            dz = dz @ params[2 * i].T
    return float(loss), grads


def numpy_adam_setup(params):
    """Copies of the parameters and Adam's state: ``m``, ``v`` (zeros) and step count."""
    ps = [p.copy() for p in params]
    return {"params": ps, "m": [np.zeros_like(p) for p in ps],
            "v": [np.zeros_like(p) for p in ps], "t": 0}


def numpy_adam_update(state, grads, lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS):
    """Adam (eqs. 6.15-6.17, epsilon outside the root as in PyTorch) by hand, in place."""
    beta, gamma = betas
    state["t"] += 1
    t = state["t"]
    bc1, bc2 = 1 - beta ** t, 1 - gamma ** t
    for p, g, m, v in zip(state["params"], grads, state["m"], state["v"]):
        m *= beta
        m += (1 - beta) * g
        v *= gamma
        v += (1 - gamma) * (g * g)
        p -= lr * (m / bc1) / (np.sqrt(v / bc2) + eps)


def mlp_numpy_adam_step(state, X, onehot):
    loss, grads = mlp_numpy_grads(state["params"], X, onehot)
    numpy_adam_update(state, grads)
    return loss


def mlp_torch_adam_setup(params):
    torch = _torch()
    tp = engine.mlp_torch_setup(params)
    return tp, torch.optim.Adam(tp, lr=ADAM_LR, betas=ADAM_BETAS, eps=ADAM_EPS)


def mlp_torch_adam_step(params, opt, X, onehot):
    """run.py's PyTorch loss, backward, ``torch.optim.Adam.step()``."""
    torch = _torch()
    opt.zero_grad()
    h = X
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.relu(h)
    loss = -(torch.log_softmax(h, dim=-1) * onehot).sum() / X.shape[0]
    loss.backward()
    opt.step()
    return loss.item()


ADAM_CHECK_STEPS = 3


def mlp_adam_after(frameworks, steps=ADAM_CHECK_STEPS):
    """Each implementation's parameters and losses after ``steps`` Adam steps, same start."""
    X, labels, onehot, params = engine.mlp_inputs()
    out = {}
    if "minigrad" in frameworks:
        ps, opt = mlp_minigrad_adam_setup(params)
        tX = mg.tensor(X)
        losses = [mlp_minigrad_adam_step(ps, opt, tX, labels, onehot) for _ in range(steps)]
        out["minigrad"] = ([p.data.copy() for p in ps], losses)
    if "numpy" in frameworks:
        state = numpy_adam_setup(params)
        losses = [mlp_numpy_adam_step(state, X, onehot) for _ in range(steps)]
        out["numpy"] = (state["params"], losses)
    if "torch" in frameworks:
        torch = _torch()
        tp, opt = mlp_torch_adam_setup(params)
        tX, toh = torch.from_numpy(X), torch.from_numpy(onehot)
        losses = [mlp_torch_adam_step(tp, opt, tX, toh) for _ in range(steps)]
        out["torch"] = ([p.detach().numpy().copy() for p in tp], losses)
    return out


def bench_mlp_adam(frameworks=LOCAL, quick=False):
    """Milliseconds per training step (forward + backward + Adam update)."""
    X, labels, onehot, params = engine.mlp_inputs()
    repeats, warmup = (1, 1) if quick else (30, 3)
    impls = {}
    threads = None
    if "minigrad" in frameworks:
        (ps, opt), tX = mlp_minigrad_adam_setup(params), mg.tensor(X)
        impls["minigrad"] = lambda: mlp_minigrad_adam_step(ps, opt, tX, labels, onehot)
    if "numpy" in frameworks:
        state = numpy_adam_setup(params)
        impls["numpy"] = lambda: mlp_numpy_adam_step(state, X, onehot)
    if "torch" in frameworks:
        torch = _torch()
        threads = engine.numpy_blas_threads()
        torch.set_num_threads(threads)        # as many threads as NumPy's BLAS
        tp, topt = mlp_torch_adam_setup(params)
        tX, toh = torch.from_numpy(X), torch.from_numpy(onehot)
        impls["torch"] = lambda: mlp_torch_adam_step(tp, topt, tX, toh)
    cpu = {}
    seconds = best_times(impls, repeats, warmup, cpu_out=cpu)
    return {"name": "mlp_adam_step", "unit": "ms", "torch_threads": threads,
            "times": {name: s * 1e3 for name, s in seconds.items()},
            "cpu_times": {name: s * 1e3 for name, s in cpu.items()},   # all threads
            "after": mlp_adam_after(frameworks)}


# ---------------------------------------------------------------- driver
def check_gabor(result, rtol=1e-9, atol=1e-9):
    """Every column must end at the NumPy loop's phi (the same 2000 SGD steps)."""
    finals = result["finals"]
    for name, phi in finals.items():
        np.testing.assert_allclose(phi, finals["numpy"], rtol=rtol, atol=atol,
                                   err_msg=f"gabor_sgd: final phi of {name} vs numpy")


def check_mlp_adam(result, rtol=1e-4, atol=0.01 * ADAM_LR):
    """After a few Adam steps every column holds the NumPy step's parameters (float32).

    ``atol`` is 1% of one Adam step: the step ``m_hat / (sqrt(v_hat) + eps)`` is
    ill-conditioned for the rare coordinate whose gradient is at float32 rounding
    level, where summation order (PyTorch's kernels vs NumPy's BLAS) moves it visibly.
    """
    ref_params, ref_losses = result["after"]["numpy"]
    for name, (params, losses) in result["after"].items():
        np.testing.assert_allclose(losses, ref_losses, rtol=rtol,
                                   err_msg=f"mlp_adam_step: losses of {name} vs numpy")
        for k, (p, q) in enumerate(zip(params, ref_params)):
            np.testing.assert_allclose(p, q, rtol=rtol, atol=atol,
                                       err_msg=f"mlp_adam_step: parameter {k} of {name}")


def _merge(a, b):
    for key in ("times", "cpu_times", "finals", "after"):
        if key in b:
            a[key].update(b[key])
    if b.get("torch_threads") is not None:
        a["torch_threads"] = b["torch_threads"]
    return a


def run(quick=False, use_torch=True):
    """Both benchmarks: minigrad and NumPy first, then PyTorch if wanted and
    importable.  Returns the two result dicts, final parameters checked."""
    results = [bench_gabor(LOCAL, quick), bench_mlp_adam(LOCAL, quick)]
    if use_torch and torch_available():
        try:
            _torch()
        except Exception as exc:   # installed but broken: say so, keep the rest
            print(f"PyTorch found but not importable ({exc!r}); skipping it.")
            use_torch = False
    if use_torch and torch_available():
        _merge(results[0], bench_gabor(("torch",), quick))
        _merge(results[1], bench_mlp_adam(("torch",), quick))
    gabor, mlp = results
    check_gabor(gabor)
    check_mlp_adam(mlp)
    return gabor, mlp


def _status(value, limit):
    return "-" if value is None else ("met" if value <= limit else "MISSED")


def targets_met(gabor, mlp, key="cpu_times"):
    """Each target's verdict from the CPU-time (default) or wall-clock figures:
    ``{target: "met" | "MISSED" | "-"}`` ("-": that column was not run)."""
    def ratio(result, other):
        t = result[key]
        return t["minigrad"] / t[other] if t.get(other) else None
    return {
        "gabor_ratio_to_torch": _status(ratio(gabor, "torch"), TARGETS["gabor_ratio_to_torch"]),
        "gabor_ratio_to_numpy": _status(ratio(gabor, "numpy"), TARGETS["gabor_ratio_to_numpy"]),
        "mlp_adam_ratio_to_numpy": _status(ratio(mlp, "numpy"),
                                           TARGETS["mlp_adam_ratio_to_numpy"]),
        "gabor_jit_ratio_to_numpy": _status(
            gabor[key]["minigrad_jit"] / gabor[key]["numpy"]
            if gabor[key].get("minigrad_jit") and gabor[key].get("numpy") else None,
            TARGETS["gabor_jit_ratio_to_numpy"]),
        "jit_compile_eager_steps": _status(
            gabor["compile"]["eager_steps"] if "compile" in gabor else None,
            TARGETS["jit_compile_eager_steps"]),
    }


def format_table(gabor, mlp):
    rows = [("benchmark", "minigrad", "numpy", "torch", "mg/numpy", "mg/torch", "target",
             "status")]

    def row(label, times, target="", status=""):
        m, n, t = times.get("minigrad"), times.get("numpy"), times.get("torch")
        rows.append((label, _fmt(m), _fmt(n), _fmt(t), _ratio(m, n), _ratio(m, t),
                     target, status))

    gabor_target = (f"<= {TARGETS['gabor_ratio_to_numpy']:g}x numpy, "
                    f"<= {TARGETS['gabor_ratio_to_torch']:g}x torch")
    mlp_target = f"<= {TARGETS['mlp_adam_ratio_to_numpy']}x numpy"
    for key, suffix in (("times", "ms"), ("cpu_times", "ms CPU")):
        met = targets_met(gabor, mlp, key)
        label = (f"1. Gabor SGD, {gabor['steps']} steps ({suffix})" if key == "times"
                 else f"   the same in CPU time ({suffix})")
        row(label, gabor[key], gabor_target,
            f"{met['gabor_ratio_to_numpy']} / {met['gabor_ratio_to_torch']}")
    if "minigrad_jit" in gabor["times"]:
        for key, suffix in (("times", "ms"), ("cpu_times", "ms CPU")):
            t = gabor[key]
            rows.append((f"   mg.jit(value_and_grad) + SGD ({suffix})", _fmt(t["minigrad_jit"]),
                         _fmt(t.get("numpy")), "-", _ratio(t["minigrad_jit"], t.get("numpy")),
                         "-", f"<= {TARGETS['gabor_jit_ratio_to_numpy']:g}x numpy",
                         _status(t["minigrad_jit"] / t["numpy"] if t.get("numpy") else None,
                                 TARGETS["gabor_jit_ratio_to_numpy"])))
        c = gabor["compile"]
        rows.append(("   jit compile per trace (ms)", f"{c['seconds'] * 1e3:.1f}", "", "",
                     f"{c['eager_steps']:.1f} steps", "", f"<= "
                     f"{TARGETS['jit_compile_eager_steps']} eager steps",
                     _status(c["eager_steps"], TARGETS["jit_compile_eager_steps"])))
    for key, suffix in (("times", "ms"), ("cpu_times", "ms CPU")):
        met = targets_met(gabor, mlp, key)
        label = ("2. MLP train step, Adam (ms)" if key == "times"
                 else f"   the same in CPU time ({suffix})")
        row(label, mlp[key], mlp_target, met["mlp_adam_ratio_to_numpy"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-2], widths[1:-2])]
        lines.append("  ".join(cells + [r[-2].ljust(widths[-2]), r[-1]]).rstrip())
        if k == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def _jsonable(result):
    return {k: v for k, v in result.items() if k not in ("finals", "after")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 200 SGD steps and one repeat (timings meaningless)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    args = parser.parse_args(argv)

    info = machine_info()
    use_torch = not args.no_torch and info["torch"] is not None
    engine.print_header("minigrad optimizer benchmarks", info, use_torch,
                        "  (torch: 1 thread in 1, as many as NumPy's BLAS in 2)")
    if args.quick:
        print("QUICK MODE: 200 steps, one repeat; the numbers are not measurements.")
    gabor, mlp = run(quick=args.quick, use_torch=use_torch)
    print()
    print(format_table(gabor, mlp))
    print("\nstatus: met/MISSED per target (for Gabor: vs numpy / vs torch); CPU-time rows "
          "are the ones to trust on a shared machine.")
    print(f"Final phi agree to 1e-9 (Gabor); parameters agree after {ADAM_CHECK_STEPS} "
          f"Adam steps (MLP, float32) - checked on this run.")
    if args.json:
        payload = {"machine": info, "quick": args.quick, "targets": TARGETS,
                   "met_cpu": targets_met(gabor, mlp), "met_wall": targets_met(gabor, mlp,
                                                                               "times"),
                   "results": [_jsonable(r) for r in (gabor, mlp)]}
        Path(args.json).write_text(json.dumps(payload, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

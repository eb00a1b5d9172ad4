"""minigrad speed benchmarks: minigrad vs hand-written NumPy vs PyTorch, one process.

Four benchmarks (benchmarks/README.md says what each measures and why):

1. per-op overhead: a 1000-op chain of mul, add and tanh on a (4,) float64 tensor;
2. one SGD training step of a 784-256-256-10 ReLU MLP, batch 128, float32;
3. a long scalar chain (100,000 nodes): time, peak memory per node, linearity in N;
4. backward through ``stack`` of N scalars (N = 4,000 and 16,000): linearity in
   the number of operands of one node.

Each benchmark times forward + backward (+ update) with ``time.perf_counter``:
warm-up calls first, then the best of k repeats.  minigrad and NumPy repeats are
interleaved (one of each in turn), so a load that comes and goes touches both
columns alike and the ratio stays meaningful on a busy machine.  The NumPy
column is the same work written by hand, forward then the derivatives: the
floor a Python autodiff engine can approach.  PyTorch runs when it is
importable, in a second phase: it is imported only then, so its import (about
150,000 objects the garbage collector would scan) and its OpenMP threads do not
slow the minigrad and NumPy measurements.

Usage::

    python benchmarks/run.py              # the full run (about a minute)
    python benchmarks/run.py --quick      # smoke run: small sizes, one repeat
    python benchmarks/run.py --json results.json --no-torch

Every run checks that the implementations computed the same gradients (values,
never times), so a table always compares the same computation.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib.util
import json
import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

# Run from a checkout without installing: put the repository root on the path.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import minigrad as mg  # noqa: E402

TARGETS = {
    "op_chain_us_per_op": 2.5,
    "mlp_ratio_to_numpy": 1.15,
    "chain_bytes_per_node": 1024,
    "jit_op_chain_ratio_to_numpy": 1.3,     # issue 13: mg.jit(value_and_grad)
    "jit_mlp_ratio_to_numpy": 1.0,
    "jit_compile_eager_steps": 50,
}

LOCAL = ("minigrad", "numpy")


def torch_available():
    """True when PyTorch is installed (it is optional, never a dependency).
    Looked up without importing it: see the module docstring for why."""
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def _torch():
    import torch
    return torch


# ------------------------------------------------------------------ timing
def best_times(fns, repeats, warmup=1, cpu_out=None):
    """Best wall-clock seconds of each ``fns[name]()``, repeats interleaved.

    The garbage collector stays on (it is part of what a user pays), but a full
    collection runs before each timed call so one call's garbage is not
    charged to the next.  ``cpu_out``, a dict, receives the best process CPU
    time of each: for single-threaded work it barely moves when other
    processes compete for the cores, so it tells load from slowness.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    best = dict.fromkeys(fns, float("inf"))
    cpu = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for name, fn in fns.items():
            gc.collect()
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            t1, c1 = time.perf_counter(), time.process_time()
            best[name] = min(best[name], t1 - t0)
            cpu[name] = min(cpu[name], c1 - c0)
    if cpu_out is not None:
        cpu_out.update(cpu)
    return best


def numpy_blas_threads():
    """How many threads NumPy's BLAS uses (threadpoolctl if present, else the
    environment variables OpenBLAS/MKL read, else one per core)."""
    try:
        from threadpoolctl import threadpool_info
        counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
        if counts:
            return max(counts)
    except ImportError:
        pass
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


def machine_info():
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    torch_version = None
    if torch_available():
        from importlib.metadata import PackageNotFoundError, version
        try:
            torch_version = version("torch")
        except PackageNotFoundError:
            torch_version = "unknown"
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch_version,
        "numpy_blas_threads": numpy_blas_threads(),
    }


# ------------------------------------------- 1. per-op overhead (1000 ops)
OP_CHAIN_STEPS = 333          # 3 ops per step + the final sum = 1000 ops


def op_chain_inputs(seed=0):
    rng = np.random.default_rng(seed)
    # Constants near 1 and 0 keep the gradient of the 333-step chain far from
    # zero, so the gradient comparison between the columns means something.
    x0 = rng.uniform(-0.5, 0.5, 4)
    c1 = rng.uniform(0.99, 1.0, 4)
    c2 = rng.uniform(-0.001, 0.001, 4)
    return x0, c1, c2


def op_chain_minigrad(x0, c1, c2, steps=OP_CHAIN_STEPS):
    """``y = tanh(y * c1 + c2)`` ``steps`` times, then sum; returns d(sum y)/dx."""
    x = mg.tensor(x0, requires_grad=True)
    y = x
    for _ in range(steps):
        y = mg.tanh(y * c1 + c2)
    y.sum().backward()
    return x.grad


def op_chain_numpy(x0, c1, c2, steps=OP_CHAIN_STEPS):
    """The same chain by hand: keep each tanh output, then apply the chain rule."""
    y = x0
    outs = []
    for _ in range(steps):
        y = np.tanh(y * c1 + c2)
        outs.append(y)
    _ = y.sum()
    g = np.ones_like(y)                    # d sum / d y
    for t in reversed(outs):
        g = g * (1.0 - t * t)              # tanh
        g = g * c1                         # mul (the add passes g through)
    return g


def op_chain_torch(x0, c1, c2, steps=OP_CHAIN_STEPS):
    """The same chain in PyTorch eager (``c1, c2`` already torch tensors)."""
    torch = _torch()
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(steps):
        y = torch.tanh(y * c1 + c2)
    y.sum().backward()
    return x.grad.numpy()


def op_chain_loss(x, c1, c2, steps=OP_CHAIN_STEPS):
    """The chain as a function of ``x``, for ``mg.jit(mg.value_and_grad(...))``."""
    y = x
    for _ in range(steps):
        y = mg.tanh(y * c1 + c2)
    return y.sum()


def compile_cost(make, args, eager_seconds, replays=10, repeats=3):
    """What compiling costs: the first two calls of a fresh ``make()`` (the trace,
    its self-check and the code generation; then the first replay on new values,
    checked against a second eager trace) less two replays, in seconds and in
    eager steps (``eager_seconds`` each); the best of ``repeats`` fresh compiles."""
    new_args = [a * 1.0001 if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                for a in args]
    best = float("inf")
    for _ in range(repeats):
        compiled = make()
        gc.collect()
        t0 = time.perf_counter()
        compiled(*args)
        compiled(*new_args)
        first_two = time.perf_counter() - t0
        replay = min(_seconds(compiled, args) for _ in range(replays))
        best = min(best, max(first_two - 2 * replay, 0.0))
    return {"seconds": best, "eager_steps": best / eager_seconds}


def _seconds(fn, args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def bench_op_chain(frameworks=LOCAL, quick=False):
    """Microseconds per op of the 1000-op chain, forward + backward."""
    x0, c1, c2 = op_chain_inputs()
    n_ops = 3 * OP_CHAIN_STEPS + 1
    repeats, warmup = (2, 1) if quick else (30, 5)
    impls = {}
    if "minigrad" in frameworks:
        impls["minigrad"] = lambda: op_chain_minigrad(x0, c1, c2)
        step = mg.jit(mg.value_and_grad(op_chain_loss))
        impls["minigrad_jit"] = lambda: step(x0, c1, c2)[1]
    if "numpy" in frameworks:
        impls["numpy"] = lambda: op_chain_numpy(x0, c1, c2)
    if "torch" in frameworks:
        t1, t2 = _torch().from_numpy(c1), _torch().from_numpy(c2)
        impls["torch"] = lambda: op_chain_torch(x0, t1, t2)
    grads = {name: fn() for name, fn in impls.items()}
    cpu = {}
    seconds = best_times(impls, repeats, warmup, cpu_out=cpu)
    result = {"name": "op_chain", "n_ops": n_ops, "unit": "us/op",
              "times": {name: s / n_ops * 1e6 for name, s in seconds.items()},
              "cpu_times": {name: s / n_ops * 1e6 for name, s in cpu.items()},
              "grads": grads}
    if "minigrad" in frameworks:
        result["compile"] = compile_cost(lambda: mg.jit(mg.value_and_grad(op_chain_loss)),
                                         (x0, c1, c2), seconds["minigrad"])
    return result


# ------------------------------------- 2. MLP training step (784-256-256-10)
MLP_SIZES = (784, 256, 256, 10)
MLP_BATCH = 128
MLP_LR = 0.01


def mlp_inputs(seed=0, sizes=MLP_SIZES, batch=MLP_BATCH):
    """float32 data, integer labels, their one-hot mask, He-initialized weights."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    labels = rng.integers(0, sizes[-1], batch)
    onehot = np.zeros((batch, sizes[-1]), dtype=np.float32)
    onehot[np.arange(batch), labels] = 1.0
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)
        params += [W.astype(np.float32), np.zeros(fan_out, dtype=np.float32)]
    return X, labels, onehot, params


def mlp_minigrad_setup(params):
    return [mg.tensor(p.copy(), requires_grad=True) for p in params]


def mlp_minigrad_loss(params, X, labels, onehot, pick="onehot"):
    """Softmax cross-entropy of the MLP on a batch.  ``X`` is a tensor made once
    outside the step, as the other columns get their arrays ready-made (and
    ``mg.tensor`` copies its input).  ``pick="onehot"``: mean of -log_softmax
    picked by a one-hot mask multiply; ``pick="index"``: by integer indexing,
    whose backward scatters with np.add.at (``--loss-variants`` times both)."""
    h = X
    n_layers = len(params) // 2
    for i in range(n_layers):
        W, b = params[2 * i], params[2 * i + 1]
        h = h @ W + b
        if i < n_layers - 1:
            h = mg.relu(h)
    log_p = mg.log_softmax(h, axis=-1)
    if pick == "onehot":
        return -(log_p * onehot).sum() / X.shape[0]
    return -log_p[np.arange(X.shape[0]), labels].mean()


def mlp_minigrad_step(params, X, labels, onehot, lr=MLP_LR, pick="onehot"):
    """Forward, backward, plain SGD (``p.data -= lr * p.grad``); returns the loss."""
    loss = mlp_minigrad_loss(params, X, labels, onehot, pick)
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
        p.grad = None
    return float(loss.data)


def mlp_jit_loss(*args):
    """``mlp_minigrad_loss`` as a function of the six parameters, X and the one-hot mask."""
    *params, X, onehot = args
    return mlp_minigrad_loss(params, X, None, onehot)


def mlp_jit_setup():
    """The compiled gradient of the loss with respect to every parameter."""
    return mg.jit(mg.value_and_grad(mlp_jit_loss, argnums=tuple(range(len(MLP_SIZES) * 2 - 2))))


def mlp_jit_step(step, params, X, onehot, lr=MLP_LR, grads_out=None):
    """The compiled loss and gradients, then SGD on the arrays (eager NumPy)."""
    value, grads = step(*params, X, onehot)
    for p, g in zip(params, grads):
        p -= lr * g
    if grads_out is not None:
        grads_out[:] = grads
    return float(value)


def mlp_numpy_step(params, X, labels, onehot, lr=MLP_LR, grads_out=None):
    """The same step by hand: forward keeping what backward needs, then the
    chain rule written out, with the softmax cross-entropy gradient fused to
    (softmax - onehot) / batch as anyone writing it by hand would."""
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
    log_p = z - shift - np.log(s)
    loss = -(log_p * onehot).sum() / batch
    dz = (e / s - onehot) / batch                      # d loss / d logits
    grads = [None] * len(params)
    for i in reversed(range(n_layers)):
        W = params[2 * i]
        if i < n_layers - 1:
            dz = dz * (pre[i] > 0)                     # relu
        grads[2 * i] = inputs[i].T @ dz
        grads[2 * i + 1] = dz.sum(axis=0)
        if i > 0:
            dz = dz @ W.T
    for p, g in zip(params, grads):
        p -= lr * g
    if grads_out is not None:
        grads_out[:] = grads
    return float(loss)


def mlp_torch_setup(params):
    torch = _torch()
    return [torch.tensor(p, requires_grad=True) for p in params]


def mlp_torch_step(params, X, onehot, lr=MLP_LR, keep_grad=False):
    """The same step in PyTorch eager: one-hot mask multiply, no_grad update."""
    torch = _torch()
    h = X
    n_layers = len(params) // 2
    for i in range(n_layers):
        W, b = params[2 * i], params[2 * i + 1]
        h = h @ W + b
        if i < n_layers - 1:
            h = torch.relu(h)
    loss = -(torch.log_softmax(h, dim=-1) * onehot).sum() / X.shape[0]
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            if not keep_grad:
                p.grad = None
    return loss.item()


def mlp_gradients(frameworks):
    """One step's parameter gradients from each implementation, same start."""
    X, labels, onehot, params = mlp_inputs()
    out = {}
    if "minigrad" in frameworks:
        for pick in ("onehot", "index"):
            ps = mlp_minigrad_setup(params)
            mlp_minigrad_loss(ps, mg.tensor(X), labels, onehot, pick).backward()
            out["minigrad" if pick == "onehot" else "minigrad_index"] = [p.grad for p in ps]
        grads = []
        mlp_jit_step(mlp_jit_setup(), [p.copy() for p in params], X, onehot, lr=0.0,
                     grads_out=grads)
        out["minigrad_jit"] = grads
    if "numpy" in frameworks:
        grads = []
        mlp_numpy_step([p.copy() for p in params], X, labels, onehot, lr=0.0, grads_out=grads)
        out["numpy"] = grads
    if "torch" in frameworks:
        torch = _torch()
        tp = mlp_torch_setup(params)
        mlp_torch_step(tp, torch.from_numpy(X), torch.from_numpy(onehot), lr=0.0,
                       keep_grad=True)
        out["torch"] = [p.grad.numpy() for p in tp]
    return out


def bench_mlp(frameworks=LOCAL, quick=False, loss_variants=False):
    """Milliseconds per training step (forward + backward + SGD update)."""
    X, labels, onehot, params = mlp_inputs()
    repeats, warmup = (1, 1) if quick else (30, 3)
    impls = {}
    threads = None
    if "minigrad" in frameworks:
        ps, tX = mlp_minigrad_setup(params), mg.tensor(X)
        impls["minigrad"] = lambda: mlp_minigrad_step(ps, tX, labels, onehot)
        if loss_variants:
            ps2 = mlp_minigrad_setup(params)
            impls["minigrad_index"] = lambda: mlp_minigrad_step(ps2, tX, labels, onehot,
                                                                pick="index")
        jit_step, jit_params = mlp_jit_setup(), [p.copy() for p in params]
        impls["minigrad_jit"] = lambda: mlp_jit_step(jit_step, jit_params, X, onehot)
    if "numpy" in frameworks:
        np_params = [p.copy() for p in params]
        impls["numpy"] = lambda: mlp_numpy_step(np_params, X, labels, onehot)
    if "torch" in frameworks:
        torch = _torch()
        threads = numpy_blas_threads()
        torch.set_num_threads(threads)        # as many threads as NumPy's BLAS
        tp = mlp_torch_setup(params)
        tX, toh = torch.from_numpy(X), torch.from_numpy(onehot)
        impls["torch"] = lambda: mlp_torch_step(tp, tX, toh)
    cpu = {}
    seconds = best_times(impls, repeats, warmup, cpu_out=cpu)
    result = {"name": "mlp_step", "unit": "ms", "torch_threads": threads,
              "times": {name: s * 1e3 for name, s in seconds.items()},
              "cpu_times": {name: s * 1e3 for name, s in cpu.items()},   # all threads
              "grads": mlp_gradients(frameworks)}
    if "minigrad" in frameworks:
        result["compile"] = compile_cost(mlp_jit_setup, [*params, X, onehot],
                                         seconds["minigrad"])
    return result


# ------------------------------------ 3. long scalar chain: time and memory
CHAIN_C = 1.0000001


def scalar_chain_minigrad(n_nodes):
    """``n_nodes`` ops: n_nodes/2 repeats of ``y = y * c + 0.0``; returns dy/dx."""
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n_nodes // 2):
        y = y * CHAIN_C + 0.0
    y.backward()
    return x.grad


def scalar_chain_numpy(n_nodes):
    """The same by hand on NumPy float64 scalars: forward, then the derivative."""
    y = np.float64(1.0)
    for _ in range(n_nodes // 2):
        y = y * CHAIN_C + 0.0
    g = np.float64(1.0)
    for _ in range(n_nodes // 2):
        g = g * CHAIN_C                    # mul; the add passes g through
    return np.asarray(g)


def scalar_chain_torch(n_nodes):
    torch = _torch()
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(n_nodes // 2):
        y = y * CHAIN_C + 0.0
    y.backward()
    return x.grad.numpy()


def peak_bytes(fn, *args):
    """Peak memory traced by tracemalloc (Python objects and NumPy buffers)
    while ``fn(*args)`` runs, above what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn(*args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base


def _without_gc(fn):
    def wrapped(*args):
        gc.disable()
        try:
            return fn(*args)
        finally:
            gc.enable()
    return wrapped


def bench_scalar_chain(frameworks=LOCAL, quick=False):
    """Time per node at three sizes (linearity) and peak memory per node."""
    sizes = (1_000, 10_000, 20_000) if quick else (10_000, 100_000, 200_000)
    main_n = sizes[1]
    repeats = 1 if quick else 3
    runs = {"minigrad": scalar_chain_minigrad, "numpy": scalar_chain_numpy,
            "torch": scalar_chain_torch}
    runs = {name: fn for name, fn in runs.items() if name in frameworks}
    if "minigrad" in runs:       # a diagnostic: how much of the time is the GC's
        runs["minigrad_gc_off"] = _without_gc(scalar_chain_minigrad)
    grads = {name: fn(main_n) for name, fn in runs.items()}
    us_per_node = {name: {} for name in runs}
    cpu_us_per_node = {name: {} for name in runs}
    for n in sizes:
        cpu = {}
        seconds = best_times({name: (lambda fn=fn, n=n: fn(n)) for name, fn in runs.items()},
                             repeats, warmup=1 if n < main_n else 0, cpu_out=cpu)
        for name, s in seconds.items():
            us_per_node[name][n] = s / n * 1e6
            cpu_us_per_node[name][n] = cpu[name] / n * 1e6
    memory = {name: peak_bytes(runs[name], main_n) / main_n
              for name in ("minigrad", "numpy") if name in runs}
    return {"name": "scalar_chain", "n_nodes": main_n, "sizes": list(sizes), "unit": "ms",
            "times": {name: us_per_node[name][main_n] * main_n / 1e3 for name in runs},
            "us_per_node": us_per_node, "cpu_us_per_node": cpu_us_per_node,
            "bytes_per_node": memory, "grads": grads}


# ------------------------------ 4. backward through stack of N scalars
STACK_SIZES = (4_000, 16_000)


def stack_inputs(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, n), rng.uniform(-1.0, 1.0, n)


def stack_minigrad(values, weights):
    """``sum(w * stack(x_1, ..., x_N))`` over N scalar leaves; returns the N gradients.
    One concatenate node with N operands: its backward hands each operand its slice."""
    xs = [mg.tensor(v, requires_grad=True) for v in values]
    (mg.stack(xs) * weights).sum().backward()
    return np.array([x.grad for x in xs])


def stack_numpy(values, weights):
    """By hand: the forward, then the gradient of each scalar (its weight)."""
    xs = [np.float64(v) for v in values]
    _ = (np.stack(xs) * weights).sum()
    g = np.ones(len(xs)) * weights            # d sum / d stacked
    return np.array([g[i] for i in range(len(xs))])


def stack_torch(values, weights):
    torch = _torch()
    xs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    (torch.stack(xs) * weights).sum().backward()
    return np.array([x.grad.item() for x in xs])


def bench_stack(frameworks=LOCAL, quick=False):
    """Milliseconds for forward + backward through a stack of N scalars, per N."""
    sizes = (500, 2_000) if quick else STACK_SIZES
    repeats = 1 if quick else 3
    runs = {"minigrad": stack_minigrad, "numpy": stack_numpy, "torch": stack_torch}
    runs = {name: fn for name, fn in runs.items() if name in frameworks}
    inputs = {n: stack_inputs(n) for n in sizes}
    if "torch" in runs:
        inputs = {n: (v, _torch().from_numpy(w)) for n, (v, w) in inputs.items()}
    grads = {name: fn(*inputs[sizes[0]]) for name, fn in runs.items()}
    ms = {name: {} for name in runs}
    cpu_ms = {name: {} for name in runs}
    for n in sizes:
        cpu = {}
        seconds = best_times({name: (lambda fn=fn, n=n: fn(*inputs[n]))
                              for name, fn in runs.items()}, repeats, warmup=0, cpu_out=cpu)
        for name, sec in seconds.items():
            ms[name][n] = sec * 1e3
            cpu_ms[name][n] = cpu[name] * 1e3
    return {"name": "stack_backward", "sizes": list(sizes), "unit": "ms",
            "times": {name: ms[name][sizes[-1]] for name in runs},
            "ms": ms, "cpu_ms": cpu_ms, "grads": grads}


# ---------------------------------------------------------------- driver
def _merge(a, b):
    """Fold the torch phase's result ``b`` into the local phase's ``a``."""
    for key in ("times", "cpu_times", "grads", "us_per_node", "cpu_us_per_node", "ms",
                "cpu_ms"):
        if key in b:
            a[key].update(b[key])
    if b.get("torch_threads") is not None:
        a["torch_threads"] = b["torch_threads"]
    return a


def check_gradients(result, rtol=1e-5, atol=1e-8):
    """Every column of a row must have computed the same gradient as NumPy's."""
    grads = result["grads"]
    reference = grads["numpy"]
    for name, g in grads.items():
        pairs = zip(g, reference) if isinstance(reference, list) else [(g, reference)]
        for a, b in pairs:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol,
                                       err_msg=f"{result['name']}: {name} vs numpy")


def run(quick=False, use_torch=True, loss_variants=False):
    """All four benchmarks: minigrad and NumPy first, then PyTorch if wanted
    and importable.  Returns the four result dicts, gradients checked."""
    results = [bench_op_chain(LOCAL, quick),
               bench_mlp(LOCAL, quick, loss_variants),
               bench_scalar_chain(LOCAL, quick),
               bench_stack(LOCAL, quick)]
    if use_torch and torch_available():
        try:
            _torch()
        except Exception as exc:   # installed but broken: say so, keep the rest
            print(f"PyTorch found but not importable ({exc!r}); skipping it.")
            use_torch = False
    if use_torch and torch_available():
        _merge(results[0], bench_op_chain(("torch",), quick))
        _merge(results[1], bench_mlp(("torch",), quick))
        _merge(results[2], bench_scalar_chain(("torch",), quick))
        _merge(results[3], bench_stack(("torch",), quick))
    op, mlp, chain, stack = results
    check_gradients(op)
    check_gradients(mlp, rtol=1e-4, atol=1e-6)          # float32
    check_gradients(chain)
    check_gradients(stack)
    return op, mlp, chain, stack


def _ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def _fmt(x, digits=2):
    return "-" if x is None else f"{x:.{digits}f}"


def format_table(op, mlp, chain, stack=None):
    rows = [("benchmark", "minigrad", "numpy", "torch", "mg/numpy", "mg/torch", "target")]

    def row(label, times, digits=2, target="", mine="minigrad"):
        m, n, t = times.get(mine), times.get("numpy"), times.get("torch")
        rows.append((label, _fmt(m, digits), _fmt(n, digits), _fmt(t, digits),
                     _ratio(m, n), _ratio(m, t), target))

    row(f"1. op chain, {op['n_ops']} ops (us/op)", op["times"],
        target=f"<= {TARGETS['op_chain_us_per_op']} us/op")
    row("   the same in CPU time (us/op)", op["cpu_times"])
    if "minigrad_jit" in op["times"]:
        row("   mg.jit(value_and_grad) (us/op)", {**op["times"], "torch": None},
            mine="minigrad_jit", target=f"<= {TARGETS['jit_op_chain_ratio_to_numpy']}x numpy")
        compile_row(rows, op["compile"], op["n_ops"] * op["times"]["minigrad"] / 1e3)
    row("2. MLP train step (ms)", mlp["times"],
        target=f"<= {TARGETS['mlp_ratio_to_numpy']}x numpy")
    if "minigrad_jit" in mlp["times"]:
        row("   mg.jit(value_and_grad) + SGD (ms)", {**mlp["times"], "torch": None},
            mine="minigrad_jit", target=f"<= {TARGETS['jit_mlp_ratio_to_numpy']}x numpy")
        compile_row(rows, mlp["compile"], mlp["times"]["minigrad"])
    if "minigrad_index" in mlp["times"]:
        row("   minigrad loss by indexing (ms)", {**mlp["times"], "torch": None},
            mine="minigrad_index")
    n = chain["n_nodes"]
    row(f"3. scalar chain, N={n:,} (ms)", chain["times"], digits=1)
    for size in chain["sizes"]:
        per_node = {name: v[size] for name, v in chain["us_per_node"].items()}
        row(f"   us/node at N={size:,}", per_node, target="constant (linear in N)")
    for size in chain["sizes"]:
        per_node = {name: v[size] for name, v in chain["us_per_node"].items()}
        row(f"   us/node at N={size:,}, gc off", {**per_node, "torch": None},
            mine="minigrad_gc_off")
    mem = chain["bytes_per_node"]
    rows.append(("   peak memory (bytes/node)", f"{mem['minigrad']:.0f}", f"{mem['numpy']:.0f}",
                 "-", "", "", f"<= {TARGETS['chain_bytes_per_node']} B/node"))
    if stack is not None:
        for size in stack["sizes"]:
            row(f"4. stack of N={size:,} scalars, fwd+bwd (ms)",
                {name: v[size] for name, v in stack["ms"].items()}, digits=1)
        for size in stack["sizes"]:
            row(f"   us/operand at N={size:,}",
                {name: v[size] / size * 1e3 for name, v in stack["ms"].items()},
                target="constant (linear in N)")
    return table_text(rows)


def print_header(title, info, use_torch, torch_note=""):
    """The first two lines of every benchmark script's output: what ran, where."""
    print(f"{title}  {info['date']}  {info['cpu']} ({info['cores']} cores)")
    print(f"python {info['python']}  numpy {info['numpy']}  "
          f"torch {info['torch'] if use_torch else 'not used'}  "
          f"NumPy BLAS threads: {info['numpy_blas_threads']}"
          + (torch_note if use_torch else ""))


def table_text(rows):
    """Rows of cells as an aligned text table: the first cell left-aligned, the
    last (the target) as it is, the rest right-aligned; a rule under the header."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for k, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1])]
        lines.append("  ".join(cells + [r[-1]]).rstrip())
        if k == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def compile_row(rows, compile, eager_ms):
    """The cost of compiling, as milliseconds and as eager steps of ``eager_ms``."""
    rows.append(("   jit compile (ms; in eager steps)", f"{compile['seconds'] * 1e3:.1f}", "",
                 "", f"{compile['eager_steps']:.1f} steps", f"(eager {eager_ms:.2f} ms)",
                 f"<= {TARGETS['jit_compile_eager_steps']} eager steps"))


def _jsonable(result):
    out = {k: v for k, v in result.items() if k != "grads"}
    for key in ("us_per_node", "cpu_us_per_node", "ms", "cpu_ms"):
        if key in out:
            out[key] = {name: {str(n): t for n, t in d.items()} for name, d in out[key].items()}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: small sizes and one repeat (timings meaningless)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--loss-variants", action="store_true",
                        help="also time the minigrad MLP loss picked by integer indexing")
    args = parser.parse_args(argv)

    info = machine_info()
    use_torch = not args.no_torch and info["torch"] is not None
    print_header("minigrad benchmarks", info, use_torch,
                 "  (torch.set_num_threads to match in benchmark 2)")
    if args.quick:
        print("QUICK MODE: small sizes, one repeat; the numbers are not measurements.")
    op, mlp, chain, stack = run(quick=args.quick, use_torch=use_torch,
                                loss_variants=args.loss_variants)
    print()
    print(format_table(op, mlp, chain, stack))
    print("\nGradients agree between the implementations (checked on this run).")
    if args.json:
        payload = {"machine": info, "quick": args.quick, "targets": TARGETS,
                   "results": [_jsonable(r) for r in (op, mlp, chain, stack)]}
        Path(args.json).write_text(json.dumps(payload, indent=2))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

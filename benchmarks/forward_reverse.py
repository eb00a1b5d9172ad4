"""Forward and reverse mode, measured: ``mg.jacfwd`` against ``mg.jacrev``.

Two families of functions from R^n to R^m, each a small two-layer network
``f(x) = tanh(B tanh(A x))`` (with ``A`` of shape (h, n), ``B`` of shape (m, h),
h = 16):

* wide outputs: n = 4 inputs, m growing (n << m): jacfwd needs n forward passes,
  jacrev m backward passes, so forward mode should win and the gap grow with m;
* wide inputs: m = 4 outputs, n growing (n >> m): the other way round.

Each point is the best of k interleaved repeats (jacfwd and jacrev in turn, so a
load on the machine touches both alike).  The two Jacobians are checked equal.
Also measured: the issue-13 speed row, ``jvp`` on the 1000-op chain of
``benchmarks/run.py`` against ``value_and_grad`` on the same chain.

Usage::

    python benchmarks/forward_reverse.py              # table + docs/img/forward_reverse.png
    python benchmarks/forward_reverse.py --quick      # small sizes, no picture
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

_ROOT = Path(__file__).resolve().parent.parent
for path in (_ROOT, _ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from run import OP_CHAIN_STEPS, best_times, op_chain_inputs  # noqa: E402

import minigrad as mg  # noqa: E402

HIDDEN = 16
SIZES = (4, 16, 64, 256, 1024)
PICTURE = _ROOT / "docs" / "img" / "forward_reverse.png"


def network(n, m, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((HIDDEN, n)) / np.sqrt(n)
    b = rng.standard_normal((m, HIDDEN)) / np.sqrt(HIDDEN)

    def f(x):
        return mg.tanh(mg.matmul(b, mg.tanh(mg.matmul(a, x))))
    return f, rng.standard_normal(n)


def jacobian_times(sizes, repeats):
    """Seconds of jacfwd and jacrev per size, for both families."""
    rows = []
    for family in ("wide outputs", "wide inputs"):
        for size in sizes:
            n, m = (4, size) if family == "wide outputs" else (size, 4)
            f, x = network(n, m)
            fwd, rev = mg.jacfwd(f), mg.jacrev(f)
            np.testing.assert_allclose(fwd(x), rev(x), rtol=1e-10, atol=1e-12)
            t = best_times({"jacfwd": lambda: fwd(x), "jacrev": lambda: rev(x)}, repeats)
            rows.append({"family": family, "n": n, "m": m, **t})
    return rows


def chain_times(repeats):
    """The 1000-op chain (mul, add, tanh, then sum) by jvp and by value_and_grad."""
    x0, c1, c2 = op_chain_inputs()

    def chain(x):
        y = x
        for _ in range(OP_CHAIN_STEPS):
            y = mg.tanh(y * c1 + c2)
        return y.sum()
    value_and_grad = mg.value_and_grad(chain)
    tangent = np.ones_like(x0)
    value, g = value_and_grad(x0)
    out, t = mg.jvp(chain, (x0,), (tangent,))
    np.testing.assert_allclose(t, g @ tangent, rtol=1e-12)
    return best_times({"jvp": lambda: mg.jvp(chain, (x0,), (tangent,)),
                       "value_and_grad": lambda: value_and_grad(x0)}, repeats, warmup=3)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, family, label in zip(axes, ("wide outputs", "wide inputs"),
                                 ("m outputs (n = 4 inputs)", "n inputs (m = 4 outputs)")):
        part = [r for r in rows if r["family"] == family]
        sizes = [r["m"] if family == "wide outputs" else r["n"] for r in part]
        for key, style in (("jacfwd", "o-"), ("jacrev", "s--")):
            ax.loglog(sizes, [r[key] * 1e3 for r in part], style, label=f"mg.{key}")
        ax.set_xlabel(label)
        ax.set_title(f"R^n → R^m, {'n ≪ m' if family == 'wide outputs' else 'n ≫ m'}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    axes[0].set_ylabel("time per Jacobian (ms)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, no picture")
    args = parser.parse_args(argv)
    sizes, repeats = ((4, 16), 2) if args.quick else (SIZES, 5)
    rows = jacobian_times(sizes, repeats)
    print(f"{'family':<13} {'n':>5} {'m':>5} {'jacfwd ms':>10} {'jacrev ms':>10} "
          f"{'fwd/rev':>8}")
    for r in rows:
        print(f"{r['family']:<13} {r['n']:>5} {r['m']:>5} {r['jacfwd'] * 1e3:>10.2f} "
              f"{r['jacrev'] * 1e3:>10.2f} {r['jacfwd'] / r['jacrev']:>8.2f}")
    chain = chain_times(3 if args.quick else 30)
    n_ops = 3 * OP_CHAIN_STEPS + 1
    print(f"op chain ({n_ops} ops, (4,) float64): jvp {chain['jvp'] / n_ops * 1e6:.2f} us/op, "
          f"value_and_grad {chain['value_and_grad'] / n_ops * 1e6:.2f} us/op, "
          f"ratio {chain['jvp'] / chain['value_and_grad']:.2f}")
    if not args.quick:
        plot(rows, PICTURE)
        print(f"wrote {PICTURE.relative_to(_ROOT)}")


if __name__ == "__main__":
    main()

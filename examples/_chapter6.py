"""Small helpers shared by the chapter-6 examples: options, output folder, tables, loops.

Not part of the library: each example stays readable on its own, and this file
only holds the plumbing they would otherwise repeat.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import minigrad as mg


def options(name, description):
    """Parse ``--quick`` and ``--out``; quick mode is also set by MINIGRAD_QUICK=1."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true",
                        help="fewer steps and coarser pictures (for tests); "
                             "also set by the environment variable MINIGRAD_QUICK=1")
    parser.add_argument("--out", default=os.path.join("out", name),
                        help=f"folder for the PNG files (default: out/{name})")
    args = parser.parse_args()
    args.quick = args.quick or os.environ.get("MINIGRAD_QUICK", "") not in ("", "0")
    os.makedirs(args.out, exist_ok=True)
    return args


def table(headers, rows, title=None):
    """Print rows as an aligned text table (floats with 4 significant digits)."""
    def fmt(v):
        if isinstance(v, (float, np.floating)):
            return f"{v:.4g}"
        if isinstance(v, np.ndarray):
            return "[" + ", ".join(f"{u:.3g}" for u in v.ravel()) + "]"
        return str(v)
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[k]) for r in cells)) for k, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


def descend(make_optimizer, loss_fn, x0, steps, batches=None, tol=None):
    """Run an optimizer from ``x0`` on ``loss_fn(phi)`` and record the path.

    ``make_optimizer(phi)`` builds the optimizer for the parameter tensor.
    ``batches`` (an iterator of batches) makes it stochastic: then
    ``loss_fn(phi, batch)`` is the loss of one batch (eq. 6.10), and each
    step draws the next batch.  ``tol`` stops when the gradient norm falls below it.
    Returns a dict: ``path`` the iterates (steps + 1, n), ``loss`` the full
    loss ``loss_fn(phi)`` at each, ``searches`` the line searches (if the
    optimizer made any) and ``opt`` the optimizer.
    """
    phi = mg.tensor(np.array(x0, dtype=np.float64), requires_grad=True, name="phi")
    opt = make_optimizer(phi)
    path, losses, searches = [phi.data.copy()], [_full_loss(loss_fn, phi)], []
    for _ in range(steps):
        batch = next(batches) if batches is not None else None

        def closure():
            opt.zero_grad()
            loss = loss_fn(phi) if batch is None else loss_fn(phi, batch)
            loss.backward()
            return loss
        opt.step(closure)
        path.append(phi.data.copy())
        losses.append(_full_loss(loss_fn, phi))
        if getattr(opt, "last_search", None) is not None:
            searches.append(opt.last_search)
        if not np.all(np.isfinite(phi.data)):
            break
        if tol is not None and np.linalg.norm(mg.grad(loss_fn)(phi.data)) < tol:
            break
    return {"path": np.array(path), "loss": np.array(losses), "searches": searches,
            "opt": opt}


def _full_loss(loss_fn, phi):
    with mg.no_grad():
        return float(loss_fn(phi.data).item())


def saved(paths):
    """Print where the pictures went."""
    for p in paths:
        print(f"  wrote {p}")

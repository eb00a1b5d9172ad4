"""Small helpers shared by the chapter-6 examples: options, output folder, tables.

Not part of the library: each example stays readable on its own, and this file
only holds the plumbing they would otherwise repeat.  The optimization runs
themselves, with their trajectories, come from ``mg.lab.minimize``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np


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


def saved(paths):
    """Print where the pictures went."""
    for p in paths:
        print(f"  wrote {p}")

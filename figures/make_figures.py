"""Draw the figures of chapter 6 with minigrad: ``python figures/make_figures.py``.

Every module ``figures/fig6_<nn>.py`` reproduces one figure of the book and
defines ``draw(out_dir, quick=False)``, which writes one or more PNG files named
``fig6_<n>[letter]_<what>.png`` and returns their paths.  This script finds the
modules (in figure order), runs them, and prints each file written.

    python figures/make_figures.py                 # every figure into out/figures/
    python figures/make_figures.py --quick         # coarse grids, few steps (seconds)
    python figures/make_figures.py --only 4        # figure 6.4 alone
    python figures/make_figures.py --out some/dir  # elsewhere
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULE_NAME = re.compile(r"fig6_(\d+)\.py$")


def discover(folder=HERE):
    """``[(figure number, path)]`` of the figure modules in ``folder``, in figure order."""
    found = [(int(m.group(1)), p) for p in folder.glob("fig6_*.py")
             if (m := MODULE_NAME.fullmatch(p.name))]
    return sorted(found)


def load(path):
    """Import a figure module from its file (its folder goes on ``sys.path`` so the
    modules can share helpers such as ``_gabor.py``)."""
    path = Path(path).resolve()
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"minigrad_figures_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="coarse grids and few steps: every file, in seconds")
    parser.add_argument("--out", default="out/figures",
                        help="folder for the PNG files (default: out/figures)")
    parser.add_argument("--only", type=int, metavar="N", action="append",
                        help="draw figure 6.N only (repeat for several)")
    args = parser.parse_args(argv)
    modules = discover()
    if args.only:
        missing = sorted(set(args.only) - {n for n, _ in modules})
        if missing:
            parser.error(f"no module for figure(s) {missing}; there are "
                         f"{[n for n, _ in modules]}")
        modules = [(n, p) for n, p in modules if n in args.only]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for n, path in modules:
        t0 = time.perf_counter()
        written = load(path).draw(out, quick=args.quick)
        for f in written:
            print(f"  wrote {f}")
        print(f"figure 6.{n}: {len(written)} file(s) in {time.perf_counter() - t0:.1f} s")
    print(f"{len(modules)} figure(s) in {time.perf_counter() - start:.1f} s -> {out}/")


if __name__ == "__main__":
    main()

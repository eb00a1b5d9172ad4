"""The chapter-6 tour: run every chapter-6 example in turn and say where the pictures are.

Run:  python examples/tour.py [--quick] [--out DIR]

Each example writes its PNG files to DIR/<example name>/ (default out/...).
"""

import argparse
import os
import subprocess
import sys
import time

EXAMPLES = [
    ("ch6_linear_regression", "gradient descent with a bracketing line search (figs 6.1, 6.10)"),
    ("ch6_gabor", "GD trapped in local minima vs SGD escaping (figs 6.4, 6.5)"),
    ("ch6_momentum", "SGD vs momentum vs Nesterov (figs 6.7, 6.8)"),
    ("ch6_adam", "GD vs normalized gradients vs Adam on a lopsided bowl (fig 6.9)"),
    ("ch6_newton", "Newton's method and the critical points of the Gabor loss"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (for tests)")
    parser.add_argument("--out", default="out", help="parent folder of the pictures")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    folders = []
    for name, what in EXAMPLES:
        print(f"\n{'=' * 78}\n{name}: {what}\n{'=' * 78}", flush=True)
        folder = os.path.join(args.out, name)
        command = [sys.executable, os.path.join(here, f"{name}.py"), "--out", folder]
        start = time.perf_counter()
        done = subprocess.run(command + (["--quick"] if args.quick else []))
        if done.returncode != 0:
            # The example has printed its own error (e.g. the plot extra is missing);
            # a second traceback from here would only hide it.
            print(f"\nThe tour stopped: examples/{name}.py failed (exit status "
                  f"{done.returncode}); its message is above.", file=sys.stderr)
            sys.exit(done.returncode)
        print(f"({time.perf_counter() - start:.1f} s)", flush=True)
        folders.append(folder)
    print(f"\n{'=' * 78}\nThe pictures of the chapter-6 tour are in:")
    for folder in folders:
        pngs = sorted(f for f in os.listdir(folder) if f.endswith(".png"))
        print(f"  {folder}/  ({', '.join(pngs)})")


if __name__ == "__main__":
    main()

"""Section 6.5: a hyperparameter search over learning rate x batch size, run serially, on
local cores or on a Dask cluster with the same call, and drawn as a heat map.

Each trial fits the Gabor model (eq. 6.8) to the companion notebook's thirty
points with stochastic gradient descent for a fixed number of epochs, from
one fixed start, and reports the full-data least-squares loss at the end.
The batch loss is the book's sum over the batch (eq. 6.10), so a batch's
gradient grows with its size: a learning rate that suits batches of one or
three throws full batches out of the valley, and the best learning rate
falls as the batches grow.

    python examples/ch6_search_scaling.py                  # serially
    python examples/ch6_search_scaling.py --workers 2      # on 2 local processes
    python examples/ch6_search_scaling.py --scheduler tcp://host:8786   # on a Dask cluster

The table is the same in all three modes: trial i is seeded from (seed, i),
not from the process that ran it.  The objective is a function at the top
level of this file, so worker processes can receive it.

Run:  python examples/ch6_search_scaling.py [--quick] [--out DIR] [--workers N]
      [--scheduler ADDRESS]
"""

import argparse
import functools
import math
import os
import time

import numpy as np
from _chapter6 import saved

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

START = [-1.5, 12.0]              # outside the global minimum's valley at about (0, 15.5)


def batch_loss(phi, batch=None):
    """The loss of one batch (eq. 6.10), or of all thirty points when ``batch`` is None."""
    x, y = batch if batch is not None else datasets.book_gabor()
    return models.make_loss(models.gabor, x, y)(phi)


def sgd_on_gabor(lr, batch, seed, epochs=10):
    """One trial: SGD with batches of ``batch`` points for ``epochs`` epochs, the batch
    order drawn from the trial's ``seed``; the final full-data loss (NaN if it diverged)."""
    x, y = datasets.book_gabor()
    stream = (b for _, b in mg.data.epochs((x, y), batch, rng=np.random.default_rng(seed)))
    steps = epochs * math.ceil(len(x) / batch)
    with np.errstate(over="ignore", invalid="ignore"):
        res = mg.lab.minimize(batch_loss, START, optimizer="SGD", steps=steps,
                              batches=stream, lr=lr)
    loss = float(res.loss) if np.isfinite(res.loss) and res.trajectory.steps == steps \
        else math.nan
    return {"loss": loss, "steps": steps}


def heat_map(table, lrs, sizes, path, title):
    grid = np.full((len(sizes), len(lrs)), np.nan)
    for r in table:
        grid[sizes.index(r.params["batch"]), lrs.index(r.params["lr"])] = r.loss
    fig, ax = mplot.figure(size=(1.0 * len(lrs) + 2.6, 0.65 * len(sizes) + 1.8))
    shown = np.log10(grid)
    image = ax.imshow(shown, cmap="viridis_r", aspect="auto", origin="lower")
    image.cmap.set_bad("#d62728")
    best = table.best
    for i, b in enumerate(sizes):
        for j, lr in enumerate(lrs):
            text = "diverged" if np.isnan(grid[i, j]) else f"{grid[i, j]:.2f}"
            star = "*" if (lr, b) == (best.params["lr"], best.params["batch"]) else ""
            ax.text(j, i, text + star, ha="center", va="center", fontsize=8,
                    color="black" if shown[i, j] < np.nanmean(shown) else "white")
    ax.set_xticks(range(len(lrs)), [f"{lr:g}" for lr in lrs])
    ax.set_yticks(range(len(sizes)), [str(b) for b in sizes])
    ax.set_xlabel("learning rate")
    ax.set_ylabel("batch size")
    ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label="log10 final full-data loss (red: diverged)")
    mplot.save(fig, path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a small grid and few epochs (for tests); also MINIGRAD_QUICK=1")
    parser.add_argument("--out", default=os.path.join("out", "ch6_search_scaling"),
                        help="folder for the PNG file (default: out/ch6_search_scaling)")
    parser.add_argument("--workers", type=int, default=None,
                        help="run the trials on N local processes")
    parser.add_argument("--scheduler", default=None,
                        help="address of a Dask scheduler (tcp://host:8786): run the trials "
                             "there (needs pip install 'minigrad[distributed]')")
    args = parser.parse_args()
    quick = args.quick or os.environ.get("MINIGRAD_QUICK", "") not in ("", "0")
    os.makedirs(args.out, exist_ok=True)

    lrs = [0.003, 0.03, 0.3, 1.0] if quick else [0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0]
    sizes = [1, 5, 30] if quick else [1, 3, 5, 10, 30]
    epochs = 3 if quick else 10
    grid = {"lr": lrs, "batch": sizes}
    objective = functools.partial(sgd_on_gabor, epochs=epochs)   # a partial pickles too

    client = None
    if args.scheduler:
        import distributed  # the [distributed] extra
        client = distributed.Client(args.scheduler)
        mode = {"executor": client.get_executor()}
        where = f"the Dask cluster at {args.scheduler}"
    elif args.workers and args.workers > 1:
        mode = {"workers": args.workers}
        where = f"{args.workers} local processes"
    else:
        mode, where = {}, "one process (serially)"
    start = time.perf_counter()
    try:
        table = mg.lab.grid_search(objective, grid, seed=0, progress=not quick, **mode)
    finally:
        if client is not None:
            client.close()
    seconds = time.perf_counter() - start

    print(f"SGD on the Gabor data from phi = {START}, {epochs} epochs per trial; "
          f"{len(table)} trials on {where} in {seconds:.1f} s\n")
    print(table)
    best = table.best
    print(f"\nbest: lr {best.params['lr']:g} with batches of {best.params['batch']}, "
          f"final loss {best.loss:.3f}")
    for b in sizes:
        row = mg.lab.Results(r for r in table if r.params["batch"] == b)
        print(f"  batches of {b:>2}: best learning rate {row.best.params['lr']:g} "
              f"(loss {row.best.loss:.3f})")

    path = heat_map(table, lrs, sizes, os.path.join(args.out, "lr_batch_heatmap.png"),
                    f"SGD on the Gabor model: final loss after {epochs} epochs\n"
                    f"(* best; the same table serially, on cores or on Dask)")
    print(f"\npictures in {args.out}")
    saved([path])


if __name__ == "__main__":
    main()

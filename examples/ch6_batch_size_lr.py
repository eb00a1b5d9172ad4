"""Chapter 6.2 and the students' question: should a larger batch get a larger learning rate?

A grid over batch size x learning rate.  Each cell trains the same small
network (MLP 1-16-16-1, tanh) from the same initial weights with plain SGD
for the same number of *epochs* (so the same number of examples seen) on a
noisy sine wave (one period of sin(pi x)
on [-1, 1], 64 points), and records the final mean squared error on
all 64 points, averaged over a few batch orders.  The heat map shows that
final loss; a star marks the best learning rate of each batch size, and the
dashed line is the *linear-scaling rule*: multiply the learning rate by k
when the batch grows by a factor k, anchored at the best rate of the
smallest batch.

Why a small network and not the Gabor model: the Gabor loss (figure 6.4) has
many local minima, so its final loss mostly says *which valley* a run fell
into, and the heat map would show that lottery rather than how the step size
and the batch size trade off.  A network on a sine wave has no such bad
valleys near its start, so the final loss measures how far training got.

Why the rule could hold: the loss here is PyTorch's mean over the batch
(``mg.nn.MSELoss()``), so the batch gradient has the same expected size at
every batch size.  With k times larger batches an epoch has k times fewer
steps; a k times larger rate lets k small steps be replaced by one large one
while the curvature is small enough (a step of size alpha is stable only
while alpha is below 2 / (largest curvature)).  So the rule should follow the
measured best rate for small batches and stop where that limit bites.  (With
the book's sum over the batch, eq. 6.10, the gradient already grows with the
batch size, which is the linear-scaling rule built in.)

Run:  python examples/ch6_batch_size_lr.py [--quick] [--out DIR]
"""

import warnings

import numpy as np
from _chapter6 import options, saved, table
from matplotlib import colormaps

import minigrad as mg
import minigrad.lab.plot as mplot

N_POINTS, SIZES = 64, [1, 16, 16, 1]


def data():
    x, y = mg.lab.datasets.sine(n=N_POINTS, noise=0.1, x_range=(-1.0, 1.0), frequency=0.5,
                                seed=0)
    return x.reshape(-1, 1), y.reshape(-1, 1)


def start_loss(x, y):
    with mg.no_grad():
        return float(mg.nn.MSELoss()(mg.nn.MLP(SIZES, activation="tanh", seed=0)(x), y).item())


def final_loss(x, y, batch_size, lr, epochs, seed, start):
    """Train from the same start with SGD; the final full-data loss (inf if it blew up)."""
    model = mg.nn.MLP(SIZES, activation="tanh", seed=0)        # same start in every cell
    loss_fn = mg.nn.MSELoss()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)        # a diverging cell is a result
        history = mg.fit(model, loss_fn, (x, y), mg.optim.SGD(model.parameters(), lr=lr),
                         epochs=epochs, batch_size=batch_size, progress=False, seed=seed)
    with mg.no_grad(), np.errstate(all="ignore"):
        value = float(loss_fn(model(x), y).item())
    # a run that blew up, or ended worse than it started, counts as diverged
    if history.stopped_by == "non-finite loss" or not value < start:
        return np.inf
    return value


def main():
    args = options("ch6_batch_size_lr", __doc__.splitlines()[0])
    if args.quick:
        batch_sizes, lrs, epochs, seeds = [2, 8, 32], 0.01 * 2.0 ** np.arange(0, 9, 2), 4, [0]
    else:
        batch_sizes, lrs, epochs, seeds = [2, 4, 8, 16, 32, 64], 0.01 * 2.0 ** np.arange(9), 40, \
            [0, 1]
    x, y = data()
    start = start_loss(x, y)
    grid = np.array([[np.mean([final_loss(x, y, b, lr, epochs, s, start) for s in seeds])
                      for b in batch_sizes] for lr in lrs])          # rows: lr, columns: batch
    best = np.argmin(grid, axis=0)
    best_lr = lrs[best]
    rule = best_lr[0] * np.array(batch_sizes) / batch_sizes[0]      # linear scaling
    rows = [[b, N_POINTS // b, lr, grid[i, k], r, "yes" if np.isclose(lr, r) else
             ("lower" if lr < r else "higher")]
            for k, (b, lr, i, r) in enumerate(zip(batch_sizes, best_lr, best, rule))]
    table(["batch", "steps/epoch", "best lr", "final loss", "linear rule lr",
           "best = rule?"], rows,
          title=f"SGD, {epochs} epochs, final mean squared error averaged over "
                f"{len(seeds)} batch order(s); lr grid {lrs[0]:.3g} ... {lrs[-1]:.3g} (x2)")
    diverged = int(np.sum(~np.isfinite(grid)))
    print(f"\n{diverged} of {grid.size} cells diverged or ended above the starting loss "
          f"{start:.3g} (shown grey).")

    out = args.out
    paths = [f"{out}/batch_size_lr.png"]
    fig, (ax, ax2) = mplot.figure(1, 2, size=(12.5, 4.8))
    cols, rws = np.arange(len(batch_sizes)), np.arange(len(lrs))
    shown = np.ma.masked_invalid(np.log10(grid))
    cmap = colormaps["viridis"].with_extremes(bad="0.6")
    mesh = ax.pcolormesh(cols, rws, shown, cmap=cmap, shading="nearest")
    fig.colorbar(mesh, ax=ax).set_label("log10 final loss (grey: diverged)")
    ax.plot(cols, best, "*", color="#ff3df5", ms=16, mec="k", label="best lr per batch size")
    rule_row = np.log2(rule / lrs[0]) / np.log2(lrs[1] / lrs[0])    # position on the lr axis
    ax.plot(cols, rule_row, "--", color="w", lw=2,
            label=f"linear rule: lr = {best_lr[0]:.3g} x batch / {batch_sizes[0]}")
    ax.set_xticks(cols, [str(b) for b in batch_sizes])
    ax.set_yticks(rws, [f"{v:.3g}" for v in lrs])
    ax.set_ylim(-0.5, len(lrs) - 0.5)
    ax.set_xlabel("batch size")
    ax.set_ylabel(r"learning rate $\alpha$")
    ax.set_title(f"Final loss after {epochs} epochs of SGD")
    ax.legend(fontsize=8, loc="upper left", framealpha=0.85)

    ax2.loglog(batch_sizes, best_lr, "o-", color="C3", ms=8, mec="k", label="measured best lr")
    ax2.loglog(batch_sizes, rule, "--", color="k", label="linear-scaling rule")
    ax2.loglog(batch_sizes, best_lr[0] * np.sqrt(np.array(batch_sizes) / batch_sizes[0]), ":",
               color="0.4", label="square-root rule")
    ax2.minorticks_off()
    ax2.set_xticks(batch_sizes, [str(b) for b in batch_sizes])
    ax2.set_yticks(lrs, [f"{v:.3g}" for v in lrs])
    ax2.set_xlabel("batch size")
    ax2.set_ylabel(r"best learning rate $\alpha$")
    ax2.set_title("Best learning rate against the scaling rules")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(fontsize=8)
    mplot.save(fig, paths[0])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

"""Chapter 6.2: on average over all batches, the batch gradient is the full gradient.

SGD (eq. 6.10) steps along the gradient of one batch's loss instead of the
whole training set's.  The book says that this changes the step but not its
expectation.  With the twelve pairs of the companion notebook
(``mg.lab.datasets.book_linear()``) and the linear model, every batch can be
listed: there are C(12, 3) = 220 batches of three, and 4095 batches of all
sizes.  For each one minigrad computes the gradient of that batch's mean
squared error at the notebook's point phi = (0.6, -0.2).  The script shows

* the cloud of the 220 batch gradients for batches of three, their mean, and
  the gradient of the full data, which that mean equals up to rounding;
* how the cloud shrinks as the batch grows.  For batches drawn without
  replacement, the covariance of the batch gradient is
  (S / B) (N - B) / (N - 1), with S the covariance of the twelve
  single-example gradients: the spread falls like 1 / sqrt(B) at first and
  reaches zero at B = N, where the only batch is the whole data set.

The loss of a batch is its *mean* (PyTorch's ``reduction="mean"``), so that
batches of every size estimate the same full gradient.  With the book's sum
over the batch the batch gradient's mean is B / N times the full sum's
gradient; the script checks that too.

Run:  python examples/ch6_batch_gradient.py [--quick] [--out DIR]
"""

from itertools import combinations

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot

PHI = np.array([0.6, -0.2])          # the notebook's check point (sum loss 12.367 there)
SHOWN = 3                            # the batch size of the main picture (as in figure 6.6)
MARKED = ["C2", "C4", "C9"]          # three batches picked out (red is the full gradient)


def all_batches(n, size):
    """Every batch of ``size`` distinct examples out of ``n``: an array (C(n, size), size)."""
    return np.array(list(combinations(range(n), size)), dtype=np.intp)


def batch_gradients(x, y, phi, index, reduction="mean"):
    """The gradient of each batch's loss at ``phi``: one row per batch, from one backward pass.

    Every batch gets its own copy of phi (shape (2, K, 1)), so the sum of the
    K batch losses has, in column k of its gradient, the gradient of batch k's
    loss alone."""
    copies = mg.tensor(np.repeat(phi[:, None, None], len(index), axis=1), requires_grad=True)
    pred = mg.lab.models.linear(x[index], copies)                       # (K, B)
    losses = mg.losses.mse_loss(pred, mg.tensor(y[index]), reduction="none")
    per_batch = losses.mean(dim=1) if reduction == "mean" else losses.sum(dim=1)
    per_batch.sum().backward()
    return copies.grad[:, :, 0].T                                       # (K, 2)


def full_gradient(x, y, phi, reduction="mean"):
    """The gradient of the whole data set's loss, by mg.grad."""
    def loss(p):
        return mg.losses.mse_loss(mg.lab.models.linear(x, p), mg.tensor(y),
                                  reduction=reduction)
    return mg.grad(loss)(phi)


def spread(cov):
    """One number for the size of a cloud: sqrt of the trace of its covariance."""
    return float(np.sqrt(max(np.trace(cov), 0.0)))


def main():
    args = options("ch6_batch_gradient", __doc__.splitlines()[0])
    x, y = mg.lab.datasets.book_linear()
    n = len(x)
    sizes = [1, 2, 3, 6, 9, 12] if args.quick else list(range(1, n + 1))
    full = full_gradient(x, y, PHI)
    singles = batch_gradients(x, y, PHI, all_batches(n, 1))
    S = np.cov(singles.T, bias=True)               # covariance over the twelve examples

    rows, clouds, measured, predicted = [], {}, [], []
    for b in sizes:
        g = batch_gradients(x, y, PHI, all_batches(n, b))
        clouds[b] = g
        mean = g.mean(axis=0)
        cov = np.cov(g.T, bias=True) if len(g) > 1 else np.zeros((2, 2))
        closed = S / b * (n - b) / (n - 1)
        measured.append(spread(cov))
        predicted.append(spread(closed))
        rows.append([b, len(g), mean, float(np.max(np.abs(mean - full))), measured[-1],
                     predicted[-1]])
    table(["batch", "batches", "mean batch gradient", "max |mean - full|", "spread",
           "spread (formula)"], rows,
          title=f"Every batch of the {n} book_linear pairs, gradient of the batch's mean "
                f"squared error at phi = {PHI.tolist()}")
    worst_mean = max(r[3] for r in rows)
    worst_spread = max(abs(a - b) for a, b in zip(measured, predicted))
    print(f"\nfull gradient: [{full[0]:.12f}, {full[1]:.12f}]")
    print(f"largest |mean of batch gradients - full gradient| over all sizes: {worst_mean:.1e}")
    print(f"largest |measured spread - (S/B)(N-B)/(N-1) formula|: {worst_spread:.1e}")
    alone = full_gradient(x[:SHOWN], y[:SHOWN], PHI)    # batch [0, 1, 2] on its own
    print(f"batch {list(range(SHOWN))} differentiated on its own by mg.grad differs from its "
          f"row by {float(np.max(np.abs(alone - clouds[SHOWN][0]))):.1e}")
    sums = batch_gradients(x, y, PHI, all_batches(n, SHOWN), reduction="sum")
    full_sum = full_gradient(x, y, PHI, reduction="sum")
    gap = float(np.max(np.abs(sums.mean(axis=0) - SHOWN / n * full_sum)))
    print(f"with the book's sum over the batch (eq. 6.10), batches of {SHOWN}: mean batch "
          f"gradient - {SHOWN}/{n} x full sum gradient = {gap:.1e}")

    out = args.out
    paths = [f"{out}/batch_gradients.png", f"{out}/spread.png"]
    fig, (ax_data, ax) = mplot.figure(1, 2, size=(12.0, 4.8))
    some = all_batches(n, SHOWN)[[0, 87, 219]]
    mplot.data_fit(x, y, {f"model at phi = {PHI.tolist()}":
                          lambda xs: mg.lab.models.linear(xs, PHI)},
                   x_range=(0.0, 2.0), ax=ax_data, scatter_label="the 12 book_linear pairs",
                   title=f"The data and three of the {len(clouds[SHOWN])} batches of {SHOWN}")
    for k, index in enumerate(some):
        ax_data.plot(x[index], y[index], "s", ms=13, mfc="none", mew=2, color=MARKED[k],
                     label=f"batch {index.tolist()}")
    ax_data.legend(fontsize=8, loc="upper left")
    g = clouds[SHOWN]
    ax.scatter(singles[:, 0], singles[:, 1], s=22, color="0.6", marker="^",
               label="the 12 single-example gradients")
    ax.scatter(g[:, 0], g[:, 1], s=12, color="C0", alpha=0.6,
               label=f"the {len(g)} gradients of batches of {SHOWN}")
    for k, index in enumerate(some):
        row = int(np.flatnonzero((all_batches(n, SHOWN) == index).all(axis=1))[0])
        ax.plot(*g[row], "s", ms=10, mfc="none", mew=2, color=MARKED[k])
    ax.plot(*full, "X", ms=13, color="C3", mec="k", label="gradient of the full data")
    ax.plot(*g.mean(axis=0), "o", ms=7, color="w", mec="k",
            label="mean of the batch gradients")
    ax.set_xlabel(r"$\partial L / \partial \phi_0$")
    ax.set_ylabel(r"$\partial L / \partial \phi_1$")
    ax.set_title(f"Batch gradients at phi = {PHI.tolist()} (mean squared error)")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    mplot.save(fig, paths[0])

    fig, (ax_c, ax_s) = mplot.figure(1, 2, size=(12.0, 4.8))
    ax_c.scatter(singles[:, 0], singles[:, 1], s=22, color="0.6", marker="^",
                 label="single-example gradients")
    turn = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([np.cos(turn), np.sin(turn)])
    for k, b in enumerate(s for s in sizes if s in (1, 2, 3, 6, 9, 11)):
        g = clouds[b]
        # the ellipse two standard deviations out along each principal axis of the cloud
        vals, vecs = np.linalg.eigh(np.cov(g.T, bias=True))
        ring = g.mean(axis=0)[:, None] + vecs @ (2 * np.sqrt(np.maximum(vals, 0))[:, None]
                                                  * circle)
        ax_c.plot(ring[0], ring[1], "-", lw=2, color=f"C{k}",
                  label=f"batch {b}: {len(g)} batches, 2 std")
    ax_c.plot(*full, "X", ms=14, color="C3", mec="k", label="full gradient")
    ax_c.set_xlabel(r"$\partial L / \partial \phi_0$")
    ax_c.set_ylabel(r"$\partial L / \partial \phi_1$")
    ax_c.set_title("Larger batches, tighter clouds around the full gradient")
    ax_c.grid(True, alpha=0.3)
    ax_c.legend(fontsize=8, loc="upper left")
    bs = np.arange(1, n + 1)
    ax_s.plot(bs, [spread(S / b * (n - b) / (n - 1)) for b in bs], "-", color="k",
              label=r"$\sqrt{\mathrm{tr}\,S/B \cdot (N-B)/(N-1)}$ (without replacement)")
    ax_s.plot(bs, [spread(S / b) for b in bs], ":", color="0.4",
              label=r"$\sqrt{\mathrm{tr}\,S/B}$ (with replacement)")
    ax_s.plot(sizes, measured, "o", color="C0", ms=8, mec="k", label="measured over all batches")
    ax_s.set_xticks(bs)
    ax_s.set_xlabel("batch size B")
    ax_s.set_ylabel("spread of the batch gradient")
    ax_s.set_title(f"Spread of the batch gradient (N = {n})")
    ax_s.grid(True, alpha=0.3)
    ax_s.legend(fontsize=8)
    mplot.save(fig, paths[1])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

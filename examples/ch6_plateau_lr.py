"""Chapter 6.2.2 and the slides: a fixed learning rate, the book's step schedule, and a
loss-dependent learning rate (ReduceLROnPlateau).

The slides list three ways to set the learning rate: fixed, on a schedule,
or depending on the loss.  Here the same network (MLP 1-16-16-1, tanh), from
the same initial weights and with the same batches of 4, is trained by plain
SGD on one period of a noisy sine wave (80 points on [-1, 1], noise 0.2; a
seeded permutation keeps 20 of them out of training) in three ways:

* **fixed**: alpha = 0.2 throughout.  Late in training the batch gradients
  still differ from batch to batch, so the steps keep shaking the parameters
  and the loss stays noisy (section 6.2.2: SGD does not converge in the usual
  sense);
* **step schedule** (the book's, ``mg.optim.schedules.step_decay``): halve
  alpha every 30 epochs, whatever the loss does;
* **on plateau** (``mg.optim.lr_scheduler.ReduceLROnPlateau``): halve alpha
  when the held-out loss has not improved for ``patience`` epochs; ``fit``
  steps it after every epoch with the validation loss.

The pictures show the training and held-out loss per epoch of the three runs
and the learning rate each one used, epoch by epoch.

Run:  python examples/ch6_plateau_lr.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.optim.lr_scheduler import ReduceLROnPlateau

N_POINTS, N_TRAIN, BATCH, SIZES, LR = 80, 60, 4, [1, 16, 16, 1], 0.2


def split_data(seed=0):
    """The noisy sine wave, cut into training and held-out points by a seeded permutation."""
    x, y = mg.lab.datasets.sine(n=N_POINTS, noise=0.2, x_range=(-1.0, 1.0), frequency=0.5,
                                seed=0)
    x, y = x.reshape(-1, 1), y.reshape(-1, 1)
    order = np.random.default_rng(seed).permutation(N_POINTS)
    return (x[order[:N_TRAIN]], y[order[:N_TRAIN]]), (x[order[N_TRAIN:]], y[order[N_TRAIN:]])


def run(kind, train, val, epochs, every, patience):
    """Train with one way of setting the rate; returns fit's History."""
    model = mg.nn.MLP(SIZES, activation="tanh", seed=0)                # the same start
    opt = mg.optim.SGD(model.parameters(), lr=LR)
    extra = {}
    if kind == "step schedule":
        extra = dict(schedule=mg.optim.schedules.step_decay(LR, 0.5, every=every),
                     schedule_every="epoch")
    elif kind == "on plateau":
        extra = dict(schedule=ReduceLROnPlateau(opt, factor=0.5, patience=patience,
                                                min_lr=LR / 64))
    return mg.fit(model, mg.nn.MSELoss(), train, opt, epochs=epochs, batch_size=BATCH,
                  val_data=val, progress=False, seed=0, **extra)      # the same batches


def main():
    args = options("ch6_plateau_lr", __doc__.splitlines()[0])
    epochs, every, patience = (24, 6, 2) if args.quick else (180, 30, 10)
    train, val = split_data()
    kinds = ["fixed", "step schedule", "on plateau"]
    runs = {k: run(k, train, val, epochs, every, patience) for k in kinds}
    tail = max(epochs // 10, 2)
    rows = []
    for k, h in runs.items():
        last = np.array(h.val_loss[-tail:])
        rows.append([k, h.epoch_lr[0], h.epoch_lr[-1], h.epoch_loss[-1], last.mean(),
                     last.std(), min(h.val_loss)])
    table(["learning rate", "first lr", "last lr", "final train loss",
           f"held-out, last {tail} epochs", "std there", "best held-out"], rows,
          title=f"SGD, {epochs} epochs, batches of {BATCH}; step schedule halves every "
                f"{every} epochs, ReduceLROnPlateau(factor=0.5, patience={patience})")
    lrs = runs["on plateau"].epoch_lr
    drops = [e + 1 for e in range(1, len(lrs)) if lrs[e] < lrs[e - 1]]
    print(f"\nReduceLROnPlateau lowered the rate {len(drops)} times, before epochs "
          f"{drops}; its rates never rose: {all(b <= a for a, b in zip(lrs, lrs[1:]))}")

    out = args.out
    paths = [f"{out}/plateau_lr.png"]
    fig, (ax_t, ax_v, ax_lr) = mplot.figure(1, 3, size=(17.0, 4.6))
    ep = np.arange(1, epochs + 1)
    for k, (kind, h) in enumerate(runs.items()):
        ax_t.plot(ep, h.epoch_loss, color=f"C{k}", lw=1.4, label=kind)
        ax_v.plot(ep, h.val_loss, color=f"C{k}", lw=1.4, label=kind)
        ax_lr.step(ep, h.epoch_lr, where="post", color=f"C{k}", lw=2, label=kind)
    for e in drops:
        ax_v.axvline(e, color="C2", lw=0.8, ls=":", alpha=0.8)
    for ax, what in ((ax_t, "training loss (epoch mean)"), (ax_v, "held-out loss")):
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{what}, log scale")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    ax_t.set_title("Training loss")
    ax_v.set_title("Held-out loss (dotted: plateau reductions)")
    ax_lr.set_yscale("log", base=2)
    ax_lr.minorticks_off()
    rates = [LR / 2 ** k for k in range(7)]
    ax_lr.set_yticks(rates, [f"{r:.4g}" for r in rates])
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel(r"learning rate $\alpha$ (log scale)")
    ax_lr.set_title("Learning rate used in each epoch")
    ax_lr.grid(True, which="both", alpha=0.3)
    ax_lr.legend(fontsize=8)
    mplot.save(fig, paths[0])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

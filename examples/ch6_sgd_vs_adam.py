"""Chapter 6.4 and the students' notes: SGD with momentum against Adam, on training and
held-out data.

A network (MLP 1-32-32-1, tanh) learns two periods of a noisy sine wave,
sin(2 pi x) on [-1, 1] (60 points, noise 0.2).  A seeded permutation splits the points
into 40 for training and 20 held out, which the optimizer never sees; the
held-out loss says how well each fit generalizes.

Every run starts from the same initial weights and sees the same batches of
8 in the same order (a ``DataLoader`` with the same generator seed), so the
update rule and its learning rate are the only differences.  Neither method is
given an advantage by a lucky learning rate: each is run at three rates and
its best, by held-out loss, is drawn.  The picture shows

* the training and held-out loss per epoch of the two chosen runs;
* the final held-out loss against the learning rate for both methods (the
  slides say Adam is less sensitive to it);
* the two fitted functions over the training and held-out points.

The chapter's notes discuss the question: SGD with momentum often ends at
least as low as Adam, and Adam often gets there sooner; which wins depends on
how the hyperparameters were chosen.  This script shows one small case, not a
verdict.  Written with the PyTorch-style API: ``mg.nn``, ``mg.optim.SGD`` /
``Adam``, ``mg.utils.data.DataLoader``, ``mg.nn.MSELoss`` and ``mg.fit`` with
``val_data=``.

Run:  python examples/ch6_sgd_vs_adam.py [--quick] [--out DIR]
"""

import numpy as np
from _chapter6 import options, saved, table

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.utils.data import DataLoader, TensorDataset

N_POINTS, N_TRAIN, BATCH, SIZES = 60, 40, 8, [1, 32, 32, 1]
METHODS = {
    "SGD, momentum 0.9": lambda params, lr: mg.optim.SGD(params, lr=lr, momentum=0.9),
    "Adam": lambda params, lr: mg.optim.Adam(params, lr=lr),
}
RATES = {"SGD, momentum 0.9": [0.003, 0.01, 0.03], "Adam": [0.001, 0.003, 0.01]}


def split_data(seed=0):
    """The noisy sine wave, cut into training and held-out points by a seeded permutation."""
    x, y = mg.lab.datasets.sine(n=N_POINTS, noise=0.2, x_range=(-1.0, 1.0), seed=0)
    x, y = x.reshape(-1, 1), y.reshape(-1, 1)
    order = np.random.default_rng(seed).permutation(N_POINTS)
    train, held_out = order[:N_TRAIN], order[N_TRAIN:]
    return (x[train], y[train]), (x[held_out], y[held_out])


def run(method, lr, train, val, epochs):
    """One fit; returns the model, its history and its loss on the training data at the start."""
    model = mg.nn.MLP(SIZES, activation="tanh", seed=0)             # the same start every run
    loss_fn = mg.nn.MSELoss()
    with mg.no_grad():
        start = float(loss_fn(model(mg.tensor(train[0])), mg.tensor(train[1])).item())
    loader = DataLoader(TensorDataset(*train), batch_size=BATCH, shuffle=True,
                        generator=0)                                # the same batches every run
    history = mg.fit(model, loss_fn, loader, METHODS[method](model.parameters(), lr),
                     epochs=epochs, val_data=val, progress=False)
    return model, history, start


def main():
    args = options("ch6_sgd_vs_adam", __doc__.splitlines()[0])
    epochs = 20 if args.quick else 500
    rates = {m: r[1:2] for m, r in RATES.items()} if args.quick else RATES
    train, val = split_data()
    runs, rows, starts = {}, [], set()
    for method in METHODS:
        for lr in rates[method]:
            model, h, start = run(method, lr, train, val, epochs)
            runs[method, lr] = (model, h)
            starts.add(round(start, 12))
            best = int(np.argmin(h.val_loss))
            rows.append([method, lr, h.epoch_loss[-1], h.val_loss[-1], h.val_loss[best],
                         best + 1])
    table(["optimizer", "lr", "final train loss", "final held-out loss", "best held-out",
           "at epoch"], rows,
          title=f"{epochs} epochs, batches of {BATCH}, {N_TRAIN} training / "
                f"{N_POINTS - N_TRAIN} held-out points (mean squared error)")
    print(f"\nevery run starts from the same weights: initial training loss "
          f"{', '.join(f'{s:.6f}' for s in sorted(starts))} ({len(starts)} distinct value)")
    chosen = {m: min(rates[m], key=lambda lr: runs[m, lr][1].val_loss[-1]) for m in METHODS}
    for m, lr in chosen.items():
        h = runs[m, lr][1]
        print(f"{m}: best learning rate {lr} by final held-out loss; train "
              f"{h.epoch_loss[-1]:.4f}, held-out {h.val_loss[-1]:.4f}")

    out = args.out
    paths = [f"{out}/sgd_vs_adam.png"]
    fig, (ax_l, ax_r, ax_f) = mplot.figure(1, 3, size=(17.0, 4.8))
    ep = np.arange(1, epochs + 1)
    for k, (m, lr) in enumerate(chosen.items()):
        h = runs[m, lr][1]
        ax_l.plot(ep, h.epoch_loss, "-", color=f"C{k}", lw=1.6, label=f"{m} (lr {lr}): train")
        ax_l.plot(ep, h.val_loss, "--", color=f"C{k}", lw=1.6,
                  label=f"{m} (lr {lr}): held-out")
    ax_l.set_yscale("log")
    ax_l.set_xlabel("epoch")
    ax_l.set_ylabel("mean squared error (log scale)")
    ax_l.set_title("Loss per epoch: same start, same batches")
    ax_l.grid(True, alpha=0.3)
    ax_l.legend(fontsize=8)

    for k, m in enumerate(METHODS):
        finals = [runs[m, lr][1].val_loss[-1] for lr in rates[m]]
        ax_r.loglog(rates[m], finals, "o-", color=f"C{k}", ms=7, mec="k", label=m)
    ax_r.set_xlabel(r"learning rate $\alpha$")
    ax_r.set_ylabel("final held-out loss")
    ax_r.set_title("Sensitivity to the learning rate")
    ax_r.grid(True, which="both", alpha=0.3)
    ax_r.legend(fontsize=8)

    xs = np.linspace(-1.0, 1.0, 300).reshape(-1, 1)
    with mg.no_grad():
        for k, (m, lr) in enumerate(chosen.items()):
            ax_f.plot(xs, runs[m, lr][0](xs).data, color=f"C{k}", lw=2, label=f"{m} (lr {lr})")
    ax_f.plot(xs, np.sin(2 * np.pi * xs), ":", color="0.4", label="sin(2 pi x) (truth)")
    ax_f.plot(train[0], train[1], "o", color="k", ms=5, label="training points")
    ax_f.plot(val[0], val[1], "s", mfc="w", mec="C3", mew=1.5, ms=6, label="held-out points")
    ax_f.set_xlabel("input x")
    ax_f.set_ylabel("output y")
    ax_f.set_title(f"The fitted networks after {epochs} epochs")
    ax_f.grid(True, alpha=0.3)
    ax_f.set_ylim(-1.6, 2.1)                  # room for the legend above the data
    ax_f.legend(fontsize=8, loc="upper center", ncol=2)
    mplot.save(fig, paths[0])
    print(f"\npictures in {out}/")
    saved(paths)


if __name__ == "__main__":
    main()

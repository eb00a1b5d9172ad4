"""One small regression network, three optimizers: SGD, momentum and Adam.

Run ``python examples/regression_optimizers.py`` (add ``--quick`` for a fast run).

A network with two hidden layers of 20 tanh units (``nn.Sequential`` of
``nn.Linear`` and ``nn.Tanh``, as in PyTorch) learns a noisy sine wave
(``mg.lab.datasets.sine``) under the mean squared error (``nn.MSELoss``).  The three runs start
from the same initial weights and see the same minibatches in the same
order, so the only difference is the update rule:

* SGD, ``phi <- phi - alpha g`` (eq. 6.10 on a minibatch);
* momentum, ``m <- beta m + (1 - beta) g``, ``phi <- phi - alpha m`` (eq. 6.11);
* Adam, normalized and bias-corrected moments (eqs. 6.15-6.18).

The pictures (``out/regression_optimizers/``) show the three loss curves on
one plot and the three fitted functions over the data.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import minigrad as mg
import minigrad.lab.plot
from minigrad import nn


def options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--out", default=os.path.join("out", "regression_optimizers"))
    return parser.parse_args()


OPTIMIZERS = {
    "SGD (lr 0.05)": lambda params: mg.optim.GD(params, lr=0.05),
    "momentum (lr 0.05, beta 0.9)": lambda params: mg.optim.Momentum(params, lr=0.05, beta=0.9),
    "Adam (lr 0.01)": lambda params: mg.optim.Adam(params, lr=0.01),
}


def network():
    """Two hidden layers of 20 tanh units, built as in PyTorch."""
    return nn.Sequential(nn.Linear(1, 20), nn.Tanh(), nn.Linear(20, 20), nn.Tanh(),
                         nn.Linear(20, 1))


def main():
    args = options()
    os.makedirs(args.out, exist_ok=True)
    x, y = mg.lab.datasets.sine(n=40, noise=0.1, seed=0)
    x, y = x.reshape(-1, 1), y.reshape(-1, 1)            # (N, 1): one feature, one output
    epochs = 40 if args.quick else 600
    curves, models = {}, {}
    for name, make in OPTIMIZERS.items():
        mg.manual_seed(0)
        model = network()                                             # same start for all
        history = mg.fit(model, nn.MSELoss(), (x, y), make(model.parameters()),
                         epochs=epochs, batch_size=8, progress=False, seed=0)  # same batches
        curves[name] = (np.arange(1, epochs + 1), history.epoch_loss)
        models[name] = model
        print(f"{name:30s} final mean squared error {history.epoch_loss[-1]:.4f}")

    fig, (ax_loss, ax_fit) = mg.lab.plot.figure(1, 2, size=(14.0, 4.6))
    mg.lab.plot.loss_curves(curves, ax=ax_loss, xlabel="epoch", ylabel="mean squared error",
                            title="Training loss (epoch means, same start, same batches)")
    xs = np.linspace(x.min(), x.max(), 300).reshape(-1, 1)
    ax_fit.plot(x, y, "o", color="k", ms=5, label="training data", zorder=3)
    with mg.no_grad():
        for k, (name, model) in enumerate(models.items()):
            ax_fit.plot(xs, model(xs).data, lw=2, color=f"C{k}", label=name)
    ax_fit.plot(xs, np.sin(2 * np.pi * xs), ":", color="grey", label="sin(2 pi x) (truth)")
    ax_fit.set_xlabel("input x")
    ax_fit.set_ylabel("output y")
    ax_fit.set_title(f"Fitted networks after {epochs} epochs")
    ax_fit.grid(True, alpha=0.3)
    ax_fit.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    path = mg.lab.plot.save(fig, os.path.join(args.out, "optimizers.png"))
    print(f"picture written to {path}")


if __name__ == "__main__":
    main()

"""A multilayer perceptron classifies two-dimensional points: two moons and three spirals.

Run ``python examples/mlp_classifier.py`` (add ``--quick`` for a fast, coarse run).

* Two moons: two classes, one output (a logit), the Bernoulli loss
  ``nn.BCEWithLogitsLoss`` (``mg.losses.binary_cross_entropy_with_logits``).
* Spirals: three classes, three outputs (logits), the categorical loss
  ``nn.CrossEntropyLoss`` (``mg.losses.cross_entropy``).

Both are written as a PyTorch user would write them (``nn.Sequential``,
``optim.Adam``, a ``DataLoader`` and the usual epoch loop; with
``import torch`` in place of the minigrad imports the training code is
PyTorch's).  Each picture shows the data, the model's decision regions
(shaded by the predicted probability) and the loss during training.  They are
written to ``out/mlp_classifier/``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from matplotlib.colors import to_rgb

import minigrad as mg
import minigrad.lab.plot
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset

CLASS_COLORS = ["#1f77b4", "#d62728", "#2ca02c"]


def options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs, coarser grid")
    parser.add_argument("--out", default=os.path.join("out", "mlp_classifier"))
    return parser.parse_args()


def grid_over(x, resolution, margin=0.3):
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    return g0, g1, np.stack([g0.ravel(), g1.ravel()], axis=1)


def class_probabilities(model, points):
    """Probabilities of each class at ``points``: shape (N, K)."""
    model.eval()
    with mg.no_grad():
        logits = model(mg.tensor(points))
    if logits.shape[1] == 1:                   # one logit: Bernoulli
        p1 = mg.sigmoid(logits)
        return mg.cat([1.0 - p1, p1], dim=1).numpy()
    return mg.softmax(logits, dim=-1).numpy()


def train(model, loss_fn, x, y, epochs, batch_size, lr, seed):
    """The usual epoch loop: the loss of every minibatch and each epoch's mean."""
    loader = DataLoader(TensorDataset(mg.tensor(x), mg.tensor(y)), batch_size=batch_size,
                        shuffle=True, generator=seed)
    opt = optim.Adam(model.parameters(), lr=lr)
    batch_losses, epoch_losses = [], []
    model.train()
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            batch_losses.append(loss.item())
            total += loss.item() * len(xb)
        epoch_losses.append(total / len(x))
    return batch_losses, epoch_losses


def mlp(sizes):
    """Linear layers with ReLUs between them (PyTorch's default initialization)."""
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(d_in, d_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def draw(model, x, labels, losses, title, path, resolution):
    fig, (ax, ax_loss) = mg.lab.plot.figure(1, 2, size=(11.0, 4.8),
                                            gridspec_kw={"width_ratios": [1.25, 1]})
    g0, g1, points = grid_over(x, resolution)
    p = class_probabilities(model, points)
    k = p.shape[1]
    colors = np.array([to_rgb(c) for c in CLASS_COLORS[:k]])
    # Colour each grid point by its predicted class, paler where the model is unsure.
    confidence = (p.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    shade = 0.15 + 0.35 * confidence[:, None]
    rgb = 1.0 - shade * (1.0 - colors[p.argmax(axis=1)])
    ax.imshow(rgb.reshape(resolution, resolution, 3), origin="lower", aspect="auto",
              extent=(g0.min(), g0.max(), g1.min(), g1.max()), interpolation="bilinear")
    predicted = p.argmax(axis=1).reshape(g0.shape)
    ax.contour(g0, g1, predicted, levels=np.arange(k) + 0.5, colors="k", linewidths=1.2)
    for c in range(k):
        mask = labels == c
        ax.scatter(x[mask, 0], x[mask, 1], s=16, color=CLASS_COLORS[c], edgecolor="k",
                   linewidth=0.4, label=f"class {c}")
    accuracy = np.mean(class_probabilities(model, x).argmax(axis=1) == labels)
    ax.set_title(f"{title}: decision regions (training accuracy {accuracy:.0%})")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    batch_losses, epoch_losses = losses
    steps_per_epoch = len(batch_losses) / max(len(epoch_losses), 1)
    ax_loss.plot(np.arange(len(batch_losses)) / steps_per_epoch, batch_losses, lw=0.8,
                 alpha=0.5, color="C0", label="each minibatch")
    ax_loss.plot(np.arange(1, len(epoch_losses) + 1), epoch_losses, lw=2,
                 color="C1", label="epoch mean")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss (mean over the batch, log scale)")
    ax_loss.set_title("Training loss")
    ax_loss.grid(True, alpha=0.3)
    ax_loss.legend(fontsize=8)
    mg.lab.plot.save(fig, path)
    return accuracy


def moons(args):
    x, labels = mg.lab.datasets.make_moons(200, noise=0.12, seed=0)
    mg.manual_seed(0)
    model = mlp([2, 16, 16, 1])
    y = labels.astype(np.float64).reshape(-1, 1)         # Bernoulli targets, one per logit
    losses = train(model, nn.BCEWithLogitsLoss(), x, y, epochs=30 if args.quick else 200,
                   batch_size=32, lr=0.02, seed=0)
    path = os.path.join(args.out, "moons.png")
    accuracy = draw(model, x, labels, losses, "Two moons", path, 60 if args.quick else 250)
    print(f"two moons: {model.num_parameters()} parameters, final loss "
          f"{losses[1][-1]:.4f}, accuracy {accuracy:.1%} -> {path}")


def spirals(args):
    x, labels = mg.lab.datasets.make_spirals(450, classes=3, noise=0.2, seed=0)
    mg.manual_seed(0)
    model = mlp([2, 64, 64, 3])
    losses = train(model, nn.CrossEntropyLoss(), x, labels, epochs=30 if args.quick else 400,
                   batch_size=64, lr=0.01, seed=1)
    path = os.path.join(args.out, "spirals.png")
    accuracy = draw(model, x, labels, losses, "Spirals", path, 60 if args.quick else 250)
    print(f"spirals: {model.num_parameters()} parameters, final loss "
          f"{losses[1][-1]:.4f}, accuracy {accuracy:.1%} -> {path}")


def main():
    args = options()
    os.makedirs(args.out, exist_ok=True)
    moons(args)
    spirals(args)
    print(f"pictures written to {args.out}/")


if __name__ == "__main__":
    main()

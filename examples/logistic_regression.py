"""Logistic regression (problem 6.4 of *Understanding Deep Learning*): data, model, loss surface.

Run ``python examples/logistic_regression.py`` (add ``--quick`` for a fast run).

The model ``Pr(y = 1 | x) = sig(phi0 + phi1 x)`` has two parameters, so its
loss can be drawn as a picture.  The loss is the Bernoulli negative
log-likelihood summed over the twenty points (``mg.lab.models.make_loss`` with
``mg.losses.binary_cross_entropy_with_logits``), computed from the activation
``phi0 + phi1 x`` so that it stays finite everywhere on the map.  Gradient
descent (``mg.lab.minimize``) starts at a poor guess and walks to the minimum;
the picture shows

1. the data and the model before and after fitting,
2. the loss as a heatmap over (phi0, phi1) with the path of gradient descent,
3. the loss against the step.

The loss is convex (problem 6.4's point): one valley, no local minima.  The
pictures go to ``out/logistic_regression/``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import minigrad as mg
import minigrad.lab.plot
from minigrad.lab import datasets, models


def options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps, coarser grid")
    parser.add_argument("--out", default=os.path.join("out", "logistic_regression"))
    return parser.parse_args()


def main():
    args = options()
    os.makedirs(args.out, exist_ok=True)
    x, y = datasets.two_class_1d()                          # 10 points per class
    # the Bernoulli loss of the activation phi0 + phi1 x, summed over the points
    loss = models.make_loss(models.logistic_logits, x, y,
                            loss=mg.losses.binary_cross_entropy_with_logits)
    start = np.array([-2.5, -1.5])
    descent = mg.lab.minimize(loss, start, optimizer="GD", steps=40 if args.quick else 150,
                              lr=0.05).trajectory
    path, losses = descent.x, descent.loss
    phi = path[-1]
    print(f"gradient descent from phi = {start} to phi = [{phi[0]:.3f}, {phi[1]:.3f}], "
          f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")

    fig, (ax_data, ax_map, ax_loss) = mg.lab.plot.figure(
        1, 3, size=(16.0, 4.8), gridspec_kw={"width_ratios": [1, 1.2, 0.9]})

    # 1. data and model
    xs = np.linspace(-4, 4, 300)
    jitter = np.random.default_rng(1).uniform(-0.03, 0.03, size=x.shape)
    for label, color in [(0, "C0"), (1, "C3")]:
        m = y == label
        ax_data.plot(x[m], y[m] + jitter[m], "o", color=color, mec="k", ms=7,
                     label=f"class {label}")
    with mg.no_grad():
        for p, style, name in [(start, "--", "start"), (phi, "-", "fitted")]:
            prob = models.logistic(xs, p).data
            ax_data.plot(xs, prob, style, color="k", lw=1.8,
                         label=f"{name}: sig({p[0]:.2f} + {p[1]:.2f} x)")
    ax_data.axhline(0.5, color="grey", lw=0.8, ls=":")
    ax_data.set_xlabel("input x")
    ax_data.set_ylabel("Pr(y = 1 | x)")
    ax_data.set_ylim(-0.1, 1.1)
    ax_data.set_title("Data and model")
    ax_data.grid(True, alpha=0.3)
    ax_data.legend(fontsize=8, loc="center right")

    # 2. the loss over the two parameters
    resolution = 60 if args.quick else 200
    mg.lab.plot.loss_surface(lambda P: loss(P[..., None]), (-4, 4), (-3, 5), vectorized=True,
                             resolution=resolution, trajectories=[path],
                             labels=["gradient descent"], log=True, levels=15,
                             points={"minimum": (phi, "o", "#c8c8c8")},
                             title="Bernoulli loss over $(\\phi_0, \\phi_1)$", ax=ax_map)
    ax_map.legend(fontsize=8, loc="upper left")

    # 3. the loss during descent
    ax_loss.plot(losses, "-o", ms=2.5, color="C1")
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss (sum over the 20 points)")
    ax_loss.set_title("Loss during gradient descent")
    ax_loss.grid(True, alpha=0.3)

    path_png = mg.lab.plot.save(fig, os.path.join(args.out, "logistic_regression.png"))
    print(f"picture written to {path_png}")


if __name__ == "__main__":
    main()

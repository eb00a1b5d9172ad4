"""Chapter 7's deep ReLU network: backprop checked, and variance through depth.

Run ``python examples/deep_relu_network.py`` (add ``--quick`` for a fast run).

Part 1, the gradient check.  The network of chapter 7's worked example has
one input, five hidden layers of six ReLU units and one output (``mg.nn.MLP
([1, 6, 6, 6, 6, 6, 1])``, 187 parameters).  Backpropagation (``loss.backward()``)
gives the derivative of a least-squares loss with respect to every weight and
bias; central finite differences give the same numbers by perturbing each
parameter in turn.  ``mg.gradcheck`` compares the two, and the picture puts
every one of the 187 pairs on a scatter plot.

Part 2, variance through depth.  A deeper and wider ReLU network (50 layers of
100 units) is started from weights with variance ``sigma**2`` and zero biases.
Each layer multiplies the variance of the pre-activations by about
``D sigma**2 / 2`` on the way forward, and the variance of the gradients by
the same factor on the way back, so

* He, ``sigma**2 = 2 / D``: a factor 1, the signal keeps its size;
* Glorot, ``sigma**2 = 2 / (D_in + D_out) = 1 / D`` here: a factor 1/2, it
  halves at every layer (Glorot's choice assumes an activation like the
  identity, and a ReLU discards half of the signal);
* too small (``0.5 / D``) shrinks by 4 per layer; too large (``4 / D``) grows by 2.

The pictures (``out/deep_relu_network/``) show the measured variances, layer by
layer, with the predicted straight lines on a log scale.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import minigrad as mg
import minigrad.lab.plot
from minigrad import nn
from minigrad.nn import init


def options():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a shallower, narrower study")
    parser.add_argument("--out", default=os.path.join("out", "deep_relu_network"))
    return parser.parse_args()


# ------------------------------------------------------------------ part 1
FLOOR = 1e-14        # where exact agreement (a difference of 0) is drawn on the log scale


def gradient_check(out_dir):
    rng = np.random.default_rng(0)
    net = nn.MLP([1, 6, 6, 6, 6, 6, 1], activation="relu", seed=0)
    # Random biases, so that no unit sits exactly on the ReLU's kink at 0, where
    # the finite difference and the convention relu'(0) = 0 would disagree.
    for layer in net:
        if isinstance(layer, nn.Linear):
            layer.bias.data[...] = rng.normal(0.0, 0.5, size=layer.bias.shape)
    x = rng.normal(size=(8, 1))
    y = rng.normal(size=(8, 1))
    names = [name for name, _ in net.named_parameters()]

    def loss_of(*params):
        return mg.losses.mse_loss(nn.functional_call(net, params, x), y, reduction="sum")

    # Backpropagation.
    net.zero_grad()
    mg.losses.mse_loss(net(x), y, reduction="sum").backward()
    backprop = [p.grad.copy() for p in net.parameters()]
    # Finite differences, one parameter element at a time.
    numeric = mg.numerical_grad(loss_of, *[p.data for p in net.parameters()])
    ok = mg.gradcheck(loss_of, tuple(net.parameters()))
    print(f"Part 1: {net.num_parameters()} parameters; mg.gradcheck passes: {ok}")
    print(f"  {'parameter':10s} {'shape':8s} {'max |backprop|':>15s} {'max |difference|':>17s}")
    for name, a, n in zip(names, backprop, numeric):
        print(f"  {name:10s} {str(a.shape):8s} {np.abs(a).max():15.4g} "
              f"{np.abs(a - n).max():17.2e}")

    fig, (ax, ax_err) = mg.lab.plot.figure(1, 2, size=(12.0, 4.8))
    layer_of = {name: int(name.split(".")[0]) // 2 + 1 for name in names}
    all_a = np.concatenate([a.ravel() for a in backprop])
    lim = 1.1 * np.abs(all_a).max()
    ax.plot([-lim, lim], [-lim, lim], color="grey", lw=1, zorder=1, label="equal")
    offset = 0
    for name, a, n in zip(names, backprop, numeric):
        k = layer_of[name]
        marker = "o" if name.endswith("weight") else "s"
        ax.scatter(n.ravel(), a.ravel(), s=22, marker=marker, color=f"C{k - 1}",
                   edgecolor="k", linewidth=0.3, zorder=2, label=name)
        err = np.abs(a - n).ravel()
        idx = offset + np.arange(err.size)
        ax_err.semilogy(idx, np.where(err > 0, err, FLOOR), marker, ms=3.5, color=f"C{k - 1}")
        offset += err.size
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    # symlog: linear near 0, logarithmic beyond, so small and large gradients both show
    ax.set_xscale("symlog", linthresh=0.1)
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_xlabel("finite differences (symlog scale)")
    ax.set_ylabel("backpropagation (symlog scale)")
    ax.set_title("dL/dparameter for all 187 parameters")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, ncol=2, loc="upper left", title="circles: weights, squares: biases",
              title_fontsize=7)
    ax_err.set_xlabel("parameter index (layer by layer)")
    ax_err.set_ylabel("|backprop - finite difference| (log scale)")
    ax_err.axhline(FLOOR * 3, color="grey", lw=0.8, ls="--")
    ax_err.text(1, FLOOR * 5, "exactly 0: both gradients are 0 (a ReLU on the path "
                "is off for all 8 inputs)", fontsize=8, color="grey")
    ax_err.set_ylim(FLOOR / 3, None)
    ax_err.set_title("Differences of about 1e-9: the error of central differences")
    ax_err.grid(True, alpha=0.3)
    return mg.lab.plot.save(fig, os.path.join(out_dir, "gradient_check.png"))


# ------------------------------------------------------------------ part 2
INITS = {
    # label: (variance as a multiple of 1/D, colour)
    "He: $2/D$": (2.0, "C2"),
    "Glorot: $2/(D_{in}+D_{out}) = 1/D$": (1.0, "C0"),
    "too small: $0.5/D$": (0.5, "C4"),
    "too large: $4/D$": (4.0, "C3"),
}


def variance_through_depth(depth, width, n, seed=0):
    """Pre-activation and gradient variances at each layer, for each initialization."""
    x = np.random.default_rng(seed).normal(size=(n, width))
    g_out = np.random.default_rng(seed + 1).normal(size=(n, width))
    results = {}
    for label, (c, _) in INITS.items():
        std = np.sqrt(c / width)
        # The PyTorch way: build the layers, then initialize them in place with
        # nn.init (weights N(0, std^2), zero biases), from one seeded generator.
        net = nn.Sequential(*[layer for _ in range(depth)
                              for layer in (nn.Linear(width, width), nn.ReLU())][:-1])
        generator = np.random.default_rng(seed)
        for layer in net:
            if isinstance(layer, nn.Linear):
                init.normal_(layer.weight, mean=0.0, std=std, generator=generator)
                init.zeros_(layer.bias)
        pre = []                                   # the pre-activations f_k of each layer
        h = mg.tensor(x)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            for layer in net:
                h = layer(h)
                if isinstance(layer, nn.Linear):
                    pre.append(h.retain_grad())
            h.backward(g_out)                      # a standard-normal gradient at the output
        results[label] = (np.array([f.data.var() for f in pre]),
                          np.array([f.grad.var() for f in pre]))
    return results


def plot_variances(results, depth, width, out_dir):
    fig, (ax_f, ax_g) = mg.lab.plot.figure(1, 2, size=(13.0, 5.0))
    layers = np.arange(1, depth + 1)
    for label, (var_f, var_g) in results.items():
        c, color = INITS[label]
        factor = c / 2                         # predicted change of the variance per layer
        ax_f.semilogy(layers, var_f, "-o", ms=3, color=color, label=label)
        ax_f.semilogy(layers, var_f[0] * factor ** (layers - 1), ":", color=color, lw=1)
        ax_g.semilogy(layers, var_g, "-o", ms=3, color=color, label=label)
        ax_g.semilogy(layers, var_g[-1] * factor ** (depth - layers), ":", color=color, lw=1)
    ax_f.set_title(f"Forward: variance of the pre-activations ({depth} layers of {width})")
    ax_f.set_xlabel("layer k")
    ax_f.set_ylabel("Var[$f_k$] (log scale)")
    ax_g.set_title("Backward: variance of dL/d$f_k$")
    ax_g.set_xlabel("layer k (the gradient flows from right to left)")
    ax_g.set_ylabel("Var[dL/d$f_k$] (log scale)")
    for ax in (ax_f, ax_g):
        ax.grid(True, alpha=0.3, which="major")
        ax.legend(fontsize=8, title=r"Var[weights] $\sigma^2$  (dotted: $(D\sigma^2/2)^k$)",
                  title_fontsize=8)
    return mg.lab.plot.save(fig, os.path.join(out_dir, "variance_through_depth.png"))


def main():
    args = options()
    os.makedirs(args.out, exist_ok=True)
    path = gradient_check(args.out)
    print(f"picture written to {path}")
    depth, width, n = (12, 40, 200) if args.quick else (50, 100, 1000)
    results = variance_through_depth(depth, width, n)
    print(f"\nPart 2: {depth} ReLU layers of {width} units, {n} random inputs")
    print(f"  {'initialization':38s} {'Var[f_1]':>10s} {'Var[f_K]':>10s} "
          f"{'Var[dL/df_K]':>13s} {'Var[dL/df_1]':>13s}")
    for label, (var_f, var_g) in results.items():
        plain = label.split(":")[0]
        print(f"  {plain:38s} {var_f[0]:10.3g} {var_f[-1]:10.3g} {var_g[-1]:13.3g} "
              f"{var_g[0]:13.3g}")
    path = plot_variances(results, depth, width, args.out)
    print(f"picture written to {path}")


if __name__ == "__main__":
    main()

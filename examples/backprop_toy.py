"""Backpropagation on the toy model of chapter 7, step by step.

The model is a chain of four functions, each a line followed by a smooth
nonlinearity (Prince, *Understanding Deep Learning*, section 7.3):

    f[x, phi] = beta3 + omega3 * cos(beta2 + omega2 * exp(beta1 + omega1 * sin(beta0 + omega0 * x)))

with the least-squares loss  l = sum_i (f[x_i, phi] - y_i)^2.  Naming the
intermediate values as the chapter does

    f0 = beta0 + omega0 x,  h1 = sin f0,  f1 = beta1 + omega1 h1,  h2 = exp f1,
    f2 = beta2 + omega2 h2, h3 = cos f2,  f3 = beta3 + omega3 h3,  l = (f3 - y)^2

the backward pass walks this chain from l back to the parameters, and every
derivative is a product of local ones.  This script

1. prints that backward pass as a ledger (``mg.explain``): for every node the
   incoming gradient, the local derivative, their product and the running sum;
2. checks every step against finite differences: each local derivative of the
   ledger against a central difference of its op, and every parameter's
   gradient against a central difference of the loss (and ``mg.gradcheck``);
3. draws the graph with values, gradients and local derivatives
   (``mg.draw``) and writes it as SVG and PNG into ``--out``
   (default ``out/backprop_toy/``), plus the same graph with the path from the
   loss to omega0 highlighted.

Run: ``python examples/backprop_toy.py [--points N] [--out FOLDER]``
"""

import argparse
from pathlib import Path

import numpy as np

import minigrad as mg

# The parameter values of the chapter's worked example (its notebook 7.1).
PARAMETERS = {"beta0": 1.0, "beta1": 2.0, "beta2": -3.0, "beta3": 0.4,
              "omega0": 0.1, "omega1": -0.4, "omega2": 2.0, "omega3": 3.0}


def named(t, name):
    t.name = name
    return t


def toy_loss(p, x, y):
    """The loss of the toy model, with the chapter's names on every stage."""
    f0 = named(p["beta0"] + p["omega0"] * x, "f0")
    h1 = named(mg.sin(f0), "h1")
    f1 = named(p["beta1"] + p["omega1"] * h1, "f1")
    h2 = named(mg.exp(f1), "h2")
    f2 = named(p["beta2"] + p["omega2"] * h2, "f2")
    h3 = named(mg.cos(f2), "h3")
    f3 = named(p["beta3"] + p["omega3"] * h3, "f3")
    residual = named(f3 - y, "r")
    squares = named(residual ** 2, "loss" if residual.numel() == 1 else "r²")
    return squares if squares.numel() == 1 else named(squares.sum(), "loss")


def data(points):
    """One data point (the chapter's x = 2.3, y = 2.0) or a few more."""
    if points == 1:
        return mg.tensor(2.3, name="x"), mg.tensor(2.0, name="y")
    rng = np.random.default_rng(1)
    x = rng.uniform(-2.0, 2.0, size=points)
    return mg.tensor(x, name="x"), mg.tensor(np.sin(x) + 1.0, name="y")


def check_local_derivatives(ledger, h=1e-6):
    """Each scalar local derivative of the ledger against a central difference
    of its op's forward function, the other arguments held fixed."""
    worst = 0.0
    for e in ledger:
        if e.local is None:
            continue
        plus, minus = list(e.node._values), list(e.node._values)
        plus[e.index] = np.asarray(plus[e.index]) + h
        minus[e.index] = np.asarray(minus[e.index]) - h
        forward, kwargs = e.node._op.forward, e.node._kwargs or {}
        numeric = float(np.sum(forward(*plus, **kwargs) - forward(*minus, **kwargs))) / (2 * h)
        worst = max(worst, abs(numeric - e.local) / max(1.0, abs(numeric)))
    return worst


def check_gradients(params, x, y, h=1e-6):
    """Every parameter's gradient against a central difference of the loss."""
    names = list(params)
    print("Gradients against finite differences:")
    worst = 0.0
    for name in names:
        def loss_at(value, name=name):
            p = {k: mg.tensor(v.data) for k, v in params.items()}
            p[name] = mg.tensor(value)
            return toy_loss(p, x, y).item()
        v = params[name].item()
        numeric = (loss_at(v + h) - loss_at(v - h)) / (2 * h)
        analytic = params[name].grad.item()
        error = abs(analytic - numeric) / max(1.0, abs(numeric))
        worst = max(worst, error)
        print(f"  dl/d{name:<7} analytic {analytic: .8f}   numeric {numeric: .8f}   "
              f"rel. error {error:.1e}")

    def loss_of(*values):
        return toy_loss(dict(zip(names, values)), x, y)
    ok = mg.gradcheck(loss_of, tuple(np.array(params[n].item()) for n in names))
    print(f"  mg.gradcheck over all eight parameters: {ok}")
    return worst


def main(points, out):
    params = {k: mg.tensor(v, requires_grad=True, name=k) for k, v in PARAMETERS.items()}
    x, y = data(points)
    loss = toy_loss(params, x, y)
    loss.backward()
    print(f"Loss l = {loss.item():.6f}\n")

    ledger = mg.explain(loss)
    print(ledger, "\n")
    for p in params.values():      # the ledger and the engine agree exactly
        assert np.array_equal(ledger.grad(p), p.grad), p.name
    worst_local = check_local_derivatives(ledger)
    print(f"Local derivatives of the ledger against finite differences: "
          f"worst relative error {worst_local:.1e}")
    worst = check_gradients(params, x, y)
    assert worst < 1e-6 and worst_local < 1e-6, "a derivative disagrees with finite differences"

    out.mkdir(parents=True, exist_ok=True)
    graph = mg.draw(loss, title="Toy model of chapter 7: values, gradients, local derivatives")
    path_graph = mg.draw(loss, highlight=params["omega0"], show_values=False)
    for g, stem in [(graph, "toy_graph"), (path_graph, "toy_path_omega0")]:
        for fmt in ("svg", "png"):
            path = out / f"{stem}.{fmt}"
            g.render(outfile=path, cleanup=True)
            print(f"wrote {path}")
    (out / "toy_ledger.txt").write_text(str(ledger) + "\n", encoding="utf-8")
    print(f"wrote {out / 'toy_ledger.txt'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1,
                        help="number of data points in the loss (default 1: x=2.3, y=2.0)")
    parser.add_argument("--out", type=Path, default=Path("out/backprop_toy"),
                        help="folder for the pictures (default: out/backprop_toy)")
    args = parser.parse_args()
    main(args.points, args.out)

"""Draw the loss graph of a two-layer MLP, one node per layer.

A model of a few layers already has dozens of ops; drawn op by op its graph
is a wall of boxes.  Wrapping each layer's forward computation in
``mg.scope(name)`` names the tensors it creates, and
``mg.draw(loss, collapse=True)`` then draws each layer as a single node that
lists its parameters (with their shapes and gradient norms), its inputs and
its outputs.  (The ``nn`` module will open these scopes for you; here the MLP
is written with plain tensors.)

Writes ``mlp_collapsed.png`` (one node per layer) and ``mlp_full.png`` (every
op, each layer in a labelled box) into the folder given by ``--out``
(default ``out/draw_mlp/``).

Run: ``python examples/draw_mlp.py [--out FOLDER]``
"""

import argparse
from pathlib import Path

import numpy as np

import minigrad as mg


def make_mlp(rng, sizes=(2, 8, 1)):
    """He-style random weights and zero biases for a fully connected network."""
    params = []
    for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        W = mg.tensor(rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in),
                      requires_grad=True, name=f"W{k}")
        b = mg.tensor(np.zeros(n_out), requires_grad=True, name=f"b{k}")
        params.append((W, b))
    return params


def forward(params, X):
    """ReLU hidden layers, linear output; each layer inside its own scope."""
    h = X
    for k, (W, b) in enumerate(params, start=1):
        with mg.scope(f"layer{k}"):
            h = h @ W + b
            if k < len(params):
                h = mg.relu(h)
        h.name = f"h{k}" if k < len(params) else "prediction"
    return h


def main(out):
    rng = np.random.default_rng(0)
    X = mg.tensor(rng.uniform(-1, 1, size=(16, 2)), name="X")
    y = mg.tensor(np.sin(3 * X.data[:, :1]), name="y")
    params = make_mlp(rng)
    prediction = forward(params, X)
    with mg.scope("loss"):
        loss = mg.mean((prediction - y) ** 2)
    loss.name = "loss"
    loss.backward()
    print(f"loss = {loss.item():.4f}")
    for W, b in params:
        print(f"  |{W.name}.grad| = {np.linalg.norm(W.grad):.4f}   "
              f"|{b.name}.grad| = {np.linalg.norm(b.grad):.4f}")

    out.mkdir(parents=True, exist_ok=True)
    layers = mg.draw(loss, collapse=["layer1", "layer2"], color_by_grad=True,
                     title="Two-layer MLP, one node per layer (mg.scope)")
    full = mg.draw(loss, title="Two-layer MLP, every op (layers boxed by mg.scope)")
    for graph, stem in [(layers, "mlp_collapsed"), (full, "mlp_full")]:
        for fmt in ("png", "svg"):
            path = out / f"{stem}.{fmt}"
            graph.render(outfile=path, cleanup=True)
            print(f"wrote {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/draw_mlp"),
                        help="folder for the pictures (default: out/draw_mlp)")
    main(parser.parse_args().out)

"""Render the pictures that the documentation embeds (docs/img/).

Run: ``python scripts/docs_images.py`` (needs Graphviz's ``dot`` program).
The images are committed, so building the site does not need Graphviz;
``tests/test_docs_code.py`` checks that every image a page embeds exists.
"""

import importlib.util
from pathlib import Path

import numpy as np

import minigrad as mg
from minigrad.lab import plot

IMG = Path(__file__).resolve().parent.parent / "docs" / "img"


def toy_model(x=2.3, y=2.0):
    """Chapter 7's toy model and its least-squares loss, every intermediate named."""
    values = {"beta0": 1.0, "beta1": 2.0, "beta2": -3.0, "beta3": 0.4,
              "omega0": 0.1, "omega1": -0.4, "omega2": 2.0, "omega3": 3.0}
    p = {k: mg.tensor(v, requires_grad=True, name=k) for k, v in values.items()}
    x, y = mg.tensor(x, name="x"), mg.tensor(y, name="y")
    f0 = p["beta0"] + p["omega0"] * x
    h1 = mg.sin(f0)
    f1 = p["beta1"] + p["omega1"] * h1
    h2 = mg.exp(f1)
    f2 = p["beta2"] + p["omega2"] * h2
    h3 = mg.cos(f2)
    f3 = p["beta3"] + p["omega3"] * h3
    r = f3 - y
    loss = r ** 2
    for name, t in [("f0", f0), ("h1", h1), ("f1", f1), ("h2", h2), ("f2", f2),
                    ("h3", h3), ("f3", f3), ("r", r), ("loss", loss)]:
        t.name = name
    return loss, p


def neuron():
    """One tanh neuron, its squared error and an L2 penalty that uses w a second time."""
    w = mg.tensor(0.8, requires_grad=True, name="w")
    b = mg.tensor(-0.2, requires_grad=True, name="b")
    x, y = mg.tensor(1.5, name="x"), mg.tensor(1.0, name="y")
    h = mg.tanh(w * x + b)
    h.name = "h"
    loss = (h - y) ** 2 + 0.1 * w ** 2
    loss.name = "loss"
    return loss


def backward_animation():
    """The animated backward pass of docs/graph.md and the README (needs Pillow)."""
    mg.animate(neuron(), IMG / "backward_neuron.gif", rankdir="TB", duration=2.0)


BOWL_RUNS = {"GD": {"lr": 0.09}, "Momentum": {"lr": 0.09, "beta": 0.9}, "Adam": {"lr": 0.5}}
GABOR_STARTS = ([-1.0, 10.0], [0.5, 20.0], [0.0, 14.0], [1.5, 25.0])


def tutorial2():
    """The pictures of Tutorial 2 ("Fitting models"), the same runs as its doctests."""
    x, y = mg.lab.datasets.linear_regression()
    L = mg.lab.models.make_loss(mg.lab.models.linear, x, y)
    run = mg.lab.minimize(L, [1.6, -0.5], optimizer="GD", steps=20,
                          line_search=mg.optim.Bracketing())
    plot.loss_surface(L, (0.0, 2.0), (-1.0, 1.5), trajectories=run.trajectory.x,
                      labels=["GD with line search"], log=True, number_steps=[0],
                      title="Linear regression: loss surface",
                      path=IMG / "t2_linear_surface.png")

    xg, yg = mg.lab.datasets.gabor()
    Lg = mg.lab.models.make_loss(mg.lab.models.gabor, xg, yg)
    runs = [mg.lab.minimize(Lg, s, optimizer="GD", steps=2000, lr=0.002)
            for s in GABOR_STARTS]
    plot.loss_surface(Lg, (-2.5, 2.5), (5.0, 28.0), trajectories=[r.trajectory.x for r in runs],
                      labels=[f"start {s}" for s in GABOR_STARTS], log=True,
                      title="Gabor model: one loss, several valleys",
                      path=IMG / "t2_gabor_surface.png")

    bowl = {name: mg.lab.minimize(mg.lab.datasets.bowl, [8.0, 1.0], optimizer=name, steps=150,
                                  **kw) for name, kw in BOWL_RUNS.items()}
    plot.loss_surface(mg.lab.datasets.bowl, (-2.0, 9.0), (-1.5, 1.5),
                      trajectories=[r.trajectory.x for r in bowl.values()],
                      labels=list(bowl), log=True, title="A bowl 100 times steeper across",
                      path=IMG / "t2_bowl_surface.png")
    plot.loss_curves({name: r.trajectory.loss for name, r in bowl.items()},
                     title="Loss on the bowl", path=IMG / "t2_bowl_curves.png")


def graphs():
    """The graph pictures of docs/graph.md and Tutorial 1, as SVG (sharp at any zoom;
    the pages link each one to itself full size).  The toy model's chain is long, so
    it is drawn top to bottom (rankdir="TB") to fit the page's column."""
    loss, p = toy_model()
    loss.backward()
    mg.draw(loss, rankdir="TB", title="Chapter 7's toy model: values, gradients, local "
            "derivatives").render(outfile=IMG / "backprop_toy.svg")
    mg.draw(loss, rankdir="TB", highlight=p["omega0"], show_values=False).render(
        outfile=IMG / "backprop_toy_path.svg")
    mlp = _example("draw_mlp")
    rng = np.random.default_rng(0)
    X = mg.tensor(rng.uniform(-1, 1, size=(16, 2)), name="X")
    y = mg.tensor(np.sin(3 * X.data[:, :1]), name="y")
    prediction = mlp.forward(mlp.make_mlp(rng), X)
    with mg.scope("loss"):
        mlp_loss = mg.mean((prediction - y) ** 2)
    mlp_loss.name = "loss"
    mlp_loss.backward()
    mg.draw(mlp_loss, collapse=["layer1", "layer2"], color_by_grad=True, rankdir="TB",
            title="Two-layer MLP, one node per layer (mg.scope)").render(
        outfile=IMG / "draw_mlp.svg")


def _example(name):
    """A module of examples/ (draw_mlp.py: the same MLP as the example draws)."""
    path = IMG.parent.parent / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    IMG.mkdir(parents=True, exist_ok=True)
    graphs()
    tutorial2()
    backward_animation()
    print(f"wrote the images in {IMG}")


if __name__ == "__main__":
    main()

"""Render the pictures that the documentation embeds (docs/img/).

Run: ``python scripts/docs_images.py`` (needs Graphviz's ``dot`` program).
The images are committed, so building the site does not need Graphviz;
``tests/test_docs_code.py`` checks that every image a page embeds exists.
"""

from pathlib import Path

import minigrad as mg

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
    loss = (f3 - y) ** 2
    for name, t in [("f0", f0), ("h1", h1), ("f1", f1), ("h2", h2), ("f2", f2),
                    ("h3", h3), ("f3", f3), ("loss", loss)]:
        t.name = name
    return loss, p


def main():
    IMG.mkdir(parents=True, exist_ok=True)
    loss, _ = toy_model()
    loss.backward()
    mg.draw(loss, title="chapter 7 toy model").render(
        IMG / "toy_model_graph", format="png", cleanup=True)
    print(f"wrote {IMG / 'toy_model_graph.png'}")


if __name__ == "__main__":
    main()

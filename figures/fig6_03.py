"""Figure 6.3: the training data for fitting the Gabor model.

The book's figure shows 28 noisy samples of the Gabor model with
phi = [0, 16.6]; the companion notebooks ship 30 such pairs, which are the data
used here (``mg.lab.datasets.book_gabor()``).  Beside the points: the model with
the book's generating parameters (dashed), and the model fitted to the points by
gradient descent with a line search from that same start (solid).
"""

from __future__ import annotations

from pathlib import Path

from _gabor import BOOK_PHI, L, X, Y, model

import minigrad as mg
import minigrad.lab.plot as mplot


def fit(steps=300):
    """Gradient descent with a bracketing line search on the loss of eq. 6.9, until the
    gradient norm falls below 1e-3 (it zig-zags down a narrow valley: ~110 steps)."""
    return mg.lab.minimize(L, BOOK_PHI, optimizer="GD", steps=steps, tol=1e-3,
                           line_search=mg.optim.Bracketing(max_dist=2.0))


def draw(out_dir, quick=False):
    res = fit(15 if quick else 300)
    curves = {rf"generating $\phi$ = [{BOOK_PHI[0]:g}, {BOOK_PHI[1]:g}]": model(BOOK_PHI),
              rf"fitted $\hat\phi$ = [{res.x[0]:.2f}, {res.x[1]:.2f}], loss {res.loss:.2f}":
                  model(res.x)}
    fig = mplot.data_fit(X, Y, curves, x_range=(-15, 15), size=(7.0, 4.2),
                         resolution=300 if quick else 600,
                         scatter_label=f"training data ({len(X)} pairs)",
                         title="Training data for the Gabor model (notebook data)",
                         xlabel="input $x$", ylabel="output $y$")
    ax = fig.axes[0]
    ax.lines[0].set(linestyle="--", color="0.45", lw=1.3)
    ax.set_ylim(-1.2, 1.2)
    ax.legend(fontsize=8, loc="lower left")
    path = Path(out_dir) / "fig6_3_training_data.png"
    mplot.save(fig, path)
    return [path]

"""Figure 6.10: line search by bracketing, the bracket shrinking panel by panel.

Reproduces the book's figure 6.10 with minigrad's own search
(``mg.optim.Bracketing``, which keeps its brackets ``a, b, c, d`` per iteration)
on a real one-dimensional slice: the least-squares loss of the notebook's
linear data (``mg.lab.datasets.book_linear()``) along the downhill direction
``-dL/dphi`` from ``phi = (1.6, -0.8)``, the gradient from ``mg.grad``.

* (a) ``fig6_10a_bracket.png``: the first bracket; ``L[b] > L[c]``, so ``[a, b]`` goes;
* (b) ``fig6_10b_bracket.png``: the second; ``L[b] < L[c]``, so ``[c, d]`` goes;
* (c) ``fig6_10c_bracket.png``: the search repeated until the minimum is closely
  bracketed, with every bracket of the search drawn one row per iteration.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import save  # figures/ is on sys.path (make_figures.load)

import minigrad as mg
import minigrad.lab.plot as mplot
from minigrad.lab import datasets, models

START = np.array([1.6, -0.8])
MAX_DIST = 0.036          # the search region [0, MAX_DIST] along -g
NAMES = "abcd"
COLORS = ["#ff7f0e", "C0", "C2", "C3"]


def slice_and_search(max_dist=MAX_DIST, thresh=1e-5):
    """The loss along the downhill direction, f(alpha) = L[phi - alpha g], and the search."""
    x, y = datasets.book_linear()
    L = models.make_loss(models.linear, x, y)
    g = mg.grad(L)(START)

    def f(alpha):
        return L(START - alpha * g).item()

    return f, mg.optim.Bracketing(max_dist=max_dist, thresh=thresh).search(f)


def _curve(ax, f, lo, hi):
    alphas = np.linspace(lo, hi, 300)
    ax.plot(alphas, [f(a) for a in alphas], "k-", lw=1.6,
            label=r"loss along $-\partial L/\partial\phi$")
    ax.set_xlabel(r"distance $\alpha$ along the downhill direction")
    ax.set_ylabel(r"loss $L[\phi - \alpha\,\partial L/\partial\phi]$")
    ax.grid(alpha=0.3)


def bracket_panel(ax, f, bracket, title, dropped):
    """One iteration: the search region [a, d] shaded, the four points, the part dropped."""
    _curve(ax, f, 0.0, MAX_DIST)
    a, b, c, d = bracket
    ax.axvspan(a, d, color="0.6", alpha=0.3, label="search region [a, d]")
    lo, hi = dropped
    ax.axvspan(lo, hi, facecolor="none", edgecolor="C3", hatch="///", lw=0.0,
               label="eliminated")
    for name, alpha, color in zip(NAMES, bracket, COLORS):
        loss = f(alpha)
        ax.plot([alpha], [loss], "o", color=color, mec="k", ms=10, zorder=5)
        ax.annotate(f"{name}\n{loss:.2f}", (alpha, loss), textcoords="offset points",
                    xytext=(0, 12), ha="center", fontsize=9, fontweight="bold")
    lo_y, hi_y = ax.get_ylim()
    ax.set_ylim(lo_y, hi_y + 0.15 * (hi_y - lo_y))     # room for the labels of a and d
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper center")


def verdict(f, bracket):
    """The book's comparison of the two inner points and what it eliminates."""
    a, b, c, d = bracket
    if f(b) > f(c):
        return "L[b] > L[c]: the minimum is not in [a, b]"
    return "L[b] < L[c]: the minimum is not in [c, d]"


def dropped(f, bracket):
    a, b, c, d = bracket
    return (a, b) if f(b) > f(c) else (c, d)


def history_panel(axes, f, result):
    top, bottom = axes
    _curve(top, f, 0.0, MAX_DIST)
    a, b, c, d = result.brackets[-1]
    top.axvspan(a, d, color="C3", alpha=0.5, label=f"final bracket, width {d - a:.1e}")
    top.plot([result.lr], [f(result.lr)], "*", color="#ff7f0e", mec="k", ms=16, zorder=5,
             label=rf"chosen $\alpha$ = {result.lr:.5f}")
    top.set_title(f"c) after {result.iterations} iterations the minimum is closely bracketed",
                  fontsize=10)
    top.legend(fontsize=8, loc="upper center")
    for k, (a, b, c, d) in enumerate(result.brackets):
        bottom.plot([a, d], [k, k], "-", color="0.45", lw=5, solid_capstyle="butt")
        bottom.plot([b, c], [k, k], "|", color="k", ms=9)
    bottom.set_ylim(len(result.brackets) - 0.5, -0.5)
    bottom.set_xlim(0.0, MAX_DIST)
    bottom.set_xlabel(r"distance $\alpha$ along the downhill direction")
    bottom.set_ylabel("iteration")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_title("every bracket [a, d] of the search (ticks: b and c)", fontsize=9)
    bottom.grid(alpha=0.3)




def draw(out_dir, quick=False):
    """Write the three panels of figure 6.10 into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    f, result = slice_and_search(thresh=1e-4 if quick else 1e-5)
    br = result.brackets
    paths = [out_dir / f"fig6_10{p}_bracket.png" for p in "abc"]
    for k, prefix in enumerate(["a) ", "b) in the refined region, "]):
        fig, ax = mplot.figure(size=(7.0, 4.6))
        bracket_panel(ax, f, br[k], prefix + verdict(f, br[k]), dropped(f, br[k]))
        save(fig, paths[k], quick)
    fig, axes = mplot.figure(2, 1, size=(7.0, 7.0), height_ratios=[1.3, 1.0])
    history_panel(axes, f, result)
    save(fig, paths[2], quick)
    return paths

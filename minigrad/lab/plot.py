"""Pictures of optimization: loss surfaces with trajectories, loss curves, schedules,
line-search probes and model fits (the ideas of figures 6.1, 6.4-6.5, 6.7, 6.9-6.10).

Needs matplotlib (``pip install minigrad[plot]``).  This module is the only
one that imports it, and neither ``import minigrad`` nor ``minigrad.lab``
imports this module, so minigrad works without matplotlib: write
``import minigrad.lab.plot`` (or ``from minigrad.lab import plot``) to use it.

Figures are made with matplotlib's object interface on the Agg canvas (no
pyplot, no window, no global backend switch), so they work on servers and in
tests.  Every function returns the ``matplotlib.figure.Figure``; give
``path=`` to also save it as PNG (parent folders are created), or ``ax=`` to
draw into an axes of a figure of your own.

>>> import numpy as np, minigrad as mg, minigrad.lab.plot
>>> fig = mg.lab.plot.loss_surface(mg.lab.datasets.bowl, (-3, 3), (-1, 1), vectorized=True,
...                                trajectories=[np.array([[-3.0, 1.0], [-2.0, -0.5], [0.0, 0.0]])])
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import os

import numpy as np

from ..autograd import no_grad
from ..tensor import unwrap

try:
    from matplotlib import colormaps
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "minigrad.lab.plot needs matplotlib, which is not installed. Install the plot "
        "extra: pip install 'minigrad[plot]' (or pip install matplotlib).") from e

__all__ = ["figure", "save", "evaluate_grid", "loss_surface", "loss_curves",
           "schedule_curves", "line_search_probes", "data_fit", "TRAJECTORY_COLORS",
           "POINT_STYLES"]

# Colours that stand out on the dark-to-light heatmap and from one another.
TRAJECTORY_COLORS = ["#ff7f0e", "#ff3df5", "#7CFC00", "#ffffff", "#ffd700", "#ff4040",
                     "#1e90ff", "#a0522d"]
# Markers for special points (cf. figure 6.4: grey global minimum, cyan local
# minima, a blue cross for a saddle point) when ``points`` gives no style.
POINT_STYLES = [("o", "#c8c8c8"), ("o", "#00ffff"), ("X", "#1040ff"), ("D", "#ff2020"),
                ("s", "#ffffff")]


def figure(nrows=1, ncols=1, size=(6.0, 4.5), **subplot_kw):
    """A new Figure on the Agg canvas and its axes (an array when there are several)."""
    fig = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=True, **subplot_kw)
    return fig, axes


def save(fig, path, dpi=100):
    """Write ``fig`` as PNG to ``path`` (folders created); returns the path."""
    folder = os.path.dirname(os.fspath(path))
    if folder:
        os.makedirs(folder, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png")
    return path


def _axes(ax, size):
    if ax is None:
        return figure(size=size)
    return ax.figure, ax


def _finish(fig, path, dpi=100):
    if path is not None:
        save(fig, path, dpi=dpi)
    return fig


# Model curves skip "C1" (orange), the colour of the data points.
_LINE_COLORS = ["C0", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9"]


def _value(out):
    return np.asarray(unwrap(out), dtype=np.float64)


def evaluate_grid(f, p0_range, p1_range, resolution=120, vectorized=False):
    """Evaluate a loss ``f(phi)`` of two parameters over a grid, without recording a graph.

    Returns ``(P0, P1, Z)`` (each of shape ``(resolution, resolution)``, rows
    running over phi1).  With ``vectorized=True``, ``f`` is called once with
    ``phi`` of shape ``(2, H, W)`` and must return shape ``(H, W)`` (the
    ``mg.lab.datasets`` functions and the ``mg.lab.models.make_loss`` losses with
    ``phi[..., None]`` do); otherwise it is called once per grid point with ``phi``
    of shape ``(2,)``.
    """
    p0 = np.linspace(p0_range[0], p0_range[1], resolution)
    p1 = np.linspace(p1_range[0], p1_range[1], resolution)
    P0, P1 = np.meshgrid(p0, p1)
    with no_grad():
        if vectorized:
            Z = _value(f(np.stack([P0, P1])))
            if Z.shape != P0.shape:
                raise ValueError(
                    f"evaluate_grid(vectorized=True): f returned shape {Z.shape} for a grid "
                    f"of shape {P0.shape}; make f reduce only over the data axis, or pass "
                    f"vectorized=False to evaluate point by point")
        else:
            Z = np.array([[float(_value(f(np.array([a, b])))) for a, b in zip(r0, r1)]
                          for r0, r1 in zip(P0, P1)])
    return P0, P1, Z


def _trajectory_list(trajectories):
    if trajectories is None:
        return []
    if isinstance(trajectories, np.ndarray) and trajectories.ndim == 2:
        return [trajectories]
    return [np.asarray(t, dtype=np.float64) for t in trajectories]


def loss_surface(f=None, p0_range=(-1, 1), p1_range=(-1, 1), *, grid=None, resolution=120,
                 vectorized=False, trajectories=None, labels=None, points=None, log=False,
                 levels=12, cmap="viridis", title="Loss surface", xlabel=r"$\phi_0$",
                 ylabel=r"$\phi_1$", number_steps=False, ax=None, size=(6.0, 4.8),
                 path=None, colorbar=True, colors=None, points_on_top=False):
    """Heatmap and contours of a loss over two parameters, with trajectories on top.

    ``f`` is the loss as a function of ``phi`` (see
    [`evaluate_grid()`][minigrad.lab.plot.evaluate_grid]), or pass a precomputed ``grid=(P0, P1,
    Z)``. ``trajectories`` is one array of shape ``(steps, 2)`` or a list of them, drawn as lines
    with a marker at every iterate, a circle at the start and a star at the end; ``labels`` names
    them in the legend and ``colors`` (optional) colours them. ``points`` is a dict ``{label: array
    of shape (k, 2)}`` of special points to mark (minima, saddle points, ...), or ``{label: (array,
    marker, colour)}``. ``log=True`` colours by log10 of the loss, which shows the floors of deep
    valleys. ``number_steps=True`` writes the step number next to each iterate (as in figure 6.1); a
    list of indices numbers only those trajectories. ``points_on_top`` draws the special points over
    the trajectories' end stars (by default the stars stay visible).
    """
    fig, ax = _axes(ax, size)
    P0, P1, Z = grid if grid is not None else evaluate_grid(f, p0_range, p1_range,
                                                            resolution, vectorized)
    shown = np.log10(np.maximum(Z, 1e-12)) if log else Z
    mesh = ax.pcolormesh(P0, P1, shown, cmap=cmap, shading="auto")
    ax.contour(P0, P1, shown, levels=levels, colors="k", linewidths=0.6, alpha=0.45)
    if colorbar:
        cb = fig.colorbar(mesh, ax=ax)
        cb.set_label("log10 loss" if log else "loss")
    trajs = _trajectory_list(trajectories)
    labels = list(labels) if labels is not None else [None] * len(trajs)
    for k, (t, label) in enumerate(zip(trajs, labels)):
        color = colors[k] if colors is not None else TRAJECTORY_COLORS[k % len(TRAJECTORY_COLORS)]
        ax.plot(t[:, 0], t[:, 1], "-", color="k", lw=3.2, alpha=0.6, zorder=3)
        dot = 3.5 if len(t) <= 80 else 1.5        # long stochastic paths: thinner dots
        ax.plot(t[:, 0], t[:, 1], "-o", color=color, lw=1.8 if len(t) <= 80 else 1.2, ms=dot,
                mec="k", mew=0.5 * dot / 3.5, label=label, zorder=4)
        ax.plot(t[0, 0], t[0, 1], "o", color=color, ms=9, mec="k", mew=1.2, zorder=5)
        ax.plot(t[-1, 0], t[-1, 1], "*", color=color, ms=15, mec="k", mew=1.0, zorder=7)
        if number_steps is True or (number_steps and k in number_steps):
            for i, (a, b) in enumerate(t):
                ax.annotate(str(i), (a, b), textcoords="offset points", xytext=(5, 4),
                            color="w", fontsize=8, fontweight="bold", zorder=6)
    for k, (name, spec) in enumerate((points or {}).items()):
        xy, marker, color = (spec if isinstance(spec, tuple) else
                             (spec, *POINT_STYLES[k % len(POINT_STYLES)]))
        xy = np.atleast_2d(np.asarray(xy, dtype=np.float64))
        ax.plot(xy[:, 0], xy[:, 1], marker, color=color, ms=9, mec="k", mew=1.2, ls="none",
                label=name, zorder=8 if points_on_top else 6)
    ax.set_xlim(P0.min(), P0.max())
    ax.set_ylim(P1.min(), P1.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if any(lb is not None for lb in labels) or points:
        ax.legend(loc="best", fontsize=8, framealpha=0.85)
    return _finish(fig, path)


def loss_curves(curves, *, logy=True, title="Loss during training", xlabel="step",
                ylabel="loss", ax=None, size=(6.0, 4.0), path=None, markers=False):
    """Loss against step for one or more runs: ``curves = {label: sequence of losses}``.

    A run may also be ``(steps, losses)`` to put the points at given x values
    (e.g. epochs).  ``logy`` uses a log scale when every value is positive.
    """
    fig, ax = _axes(ax, size)
    all_positive = True
    for k, (label, curve) in enumerate(curves.items()):
        if isinstance(curve, tuple) and len(curve) == 2:
            xs, ys = np.asarray(curve[0]), np.asarray(curve[1], dtype=np.float64)
        else:
            ys = np.asarray(curve, dtype=np.float64)
            xs = np.arange(len(ys))
        all_positive &= bool(np.all(ys > 0))
        ax.plot(xs, ys, "-o" if markers else "-", ms=3, lw=1.6, label=label,
                color=f"C{k % 10}")
    if logy and all_positive:
        ax.set_yscale("log")
    return _finish_line_plot(fig, ax, xlabel,
                             ylabel + (" (log scale)" if logy and all_positive else ""),
                             title, path)


def _finish_line_plot(fig, ax, xlabel, ylabel, title, path):
    """Labels, a light grid and the legend of a line plot; then save or return it."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return _finish(fig, path)


def schedule_curves(schedules, steps, *, title="Learning-rate schedules", xlabel="step",
                    ylabel=r"learning rate $\alpha$", ax=None, size=(6.0, 4.0), path=None):
    """Plot learning-rate schedules: ``schedules = {label: callable(step) -> lr}``.

    ``steps`` is an int (0 .. steps-1) or a sequence of step numbers.
    """
    fig, ax = _axes(ax, size)
    xs = np.arange(steps) if np.isscalar(steps) else np.asarray(steps)
    for k, (label, schedule) in enumerate(schedules.items()):
        ax.plot(xs, [float(schedule(int(s))) for s in xs], lw=1.8, label=label,
                color=f"C{k % 10}")
    return _finish_line_plot(fig, ax, xlabel, ylabel, title, path)


def line_search_probes(f, probes, max_dist, *, chosen=None, title="Line search probes",
                       xlabel=r"step size $\alpha$ along $-\partial L/\partial\phi$",
                       ylabel=r"loss $L[\phi - \alpha g]$", ax=None, size=(6.0, 4.0),
                       path=None, resolution=200):
    """The loss along the search direction, with the points a line search evaluated.

    ``f(alpha)`` is the loss on the 1-D slice; ``probes`` the alphas in the
    order they were tried (or ``(alpha, loss)`` pairs), coloured from light
    (first) to dark (last) and numbered; ``chosen`` the alpha finally taken.
    """
    fig, ax = _axes(ax, size)
    alphas = np.linspace(0.0, max_dist, resolution)
    with no_grad():
        ax.plot(alphas, [float(_value(f(a))) for a in alphas], "k-", lw=1.5,
                label="loss on the slice")
        probes = [p if isinstance(p, (tuple, list)) else (p, float(_value(f(p))))
                  for p in probes]
    if probes:
        pa = np.array([p[0] for p in probes], dtype=np.float64)
        pl = np.array([p[1] for p in probes], dtype=np.float64)
        order = np.arange(len(pa))
        sc = ax.scatter(pa, pl, c=order, cmap="plasma_r", s=36, edgecolors="k", zorder=3,
                        label="probes")
        cb = fig.colorbar(sc, ax=ax)
        cb.set_label("probe number")
    if chosen is not None:
        with no_grad():
            lc = float(_value(f(chosen)))
        ax.axvline(chosen, color="C3", ls="--", lw=1.2)
        ax.plot([chosen], [lc], "*", color="C3", ms=16, mec="k", zorder=4,
                label=rf"chosen $\alpha$ = {chosen:.4g}")
    ax.axvspan(0.0, max_dist, color="0.85", alpha=0.3, zorder=0)
    return _finish_line_plot(fig, ax, xlabel, ylabel, title, path)


def data_fit(x, y, models=None, *, x_range=None, progression=False, title="Data and model",
             xlabel="input x", ylabel="output y", ax=None, size=(6.0, 4.0), path=None,
             resolution=300, scatter_label="training data"):
    """The training data as points and one or more model curves.

    ``models`` is a dict ``{label: callable(xs) -> ys}`` (or a list of callables).
    With ``progression=True`` the curves are drawn from light to dark, like the
    successive fits of figure 6.1d, and labelled by their order.
    """
    fig, ax = _axes(ax, size)
    x = np.asarray(x, dtype=np.float64)
    lo, hi = x_range if x_range is not None else (x.min(), x.max())
    xs = np.linspace(lo, hi, resolution)
    items = list(models.items()) if isinstance(models, dict) else \
        [(None, m) for m in (models or [])]
    with no_grad():
        for k, (label, m) in enumerate(items):
            ys = _value(m(xs))
            if progression:
                shade = 0.3 + 0.7 * k / max(len(items) - 1, 1)     # light first, dark last
                ax.plot(xs, ys, color=colormaps["Blues"](shade), lw=1.2 + shade, label=label)
            else:
                ax.plot(xs, ys, lw=1.8, label=label, color=_LINE_COLORS[k % len(_LINE_COLORS)])
    ax.plot(x, np.asarray(y), "o", color="C1", mec="k", ms=6, label=scatter_label, zorder=3)
    ax.set_xlim(lo, hi)
    return _finish_line_plot(fig, ax, xlabel, ylabel, title, path)

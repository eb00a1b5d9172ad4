"""minigrad.lab.plot: figures are made on the Agg canvas and PNG files are written."""

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import minigrad as mg
import minigrad.lab.plot as mplot


def _png_ok(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 2000


def test_uses_agg_canvas_and_no_pyplot_state():
    fig, ax = mplot.figure()
    assert isinstance(fig.canvas, FigureCanvasAgg)


def test_only_the_plot_module_needs_matplotlib():
    # import minigrad and minigrad.lab with matplotlib hidden: both work
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import minigrad as mg\n"
            "mg.lab.minimize(mg.lab.datasets.bowl, [1.0, 1.0], steps=2, lr=0.1)\n"
            "try:\n    import minigrad.lab.plot\n"
            "except ImportError as e:\n    print(e)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "pip install 'minigrad[plot]'" in proc.stdout


def test_loss_surface_with_trajectories_points_and_png(tmp_path):
    x, y = mg.lab.datasets.gabor()
    gabor_loss = mg.lab.models.make_loss(mg.lab.models.gabor, x, y)

    def L(phi):
        return gabor_loss(mg.as_tensor(phi)[..., None])

    trajs = [np.array([[-5.0, 20.0], [-3.0, 18.0], [0.0, 17.0]]),
             np.array([[5.0, 8.0], [6.0, 10.0]])]
    path = tmp_path / "sub" / "surface.png"
    fig = mplot.loss_surface(L, (-10, 10), (2.5, 22.5), vectorized=True, resolution=40,
                             trajectories=trajs, labels=["start 1", "start 2"],
                             points={"global minimum": [[0.0, 16.6]]}, number_steps=True,
                             title="Gabor", path=path)
    _png_ok(path)
    ax = fig.axes[0]
    assert ax.get_title() == "Gabor" and ax.get_xlabel() and ax.get_ylabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["start 1", "start 2", "global minimum"]
    assert len(fig.axes) == 2                                # the colorbar


def test_pointwise_and_vectorized_grids_agree():
    f = mg.lab.datasets.rosenbrock
    a = mplot.evaluate_grid(f, (-2, 2), (-1, 3), resolution=9, vectorized=True)[2]
    b = mplot.evaluate_grid(f, (-2, 2), (-1, 3), resolution=9)[2]
    np.testing.assert_allclose(a, b)
    with pytest.raises(ValueError, match="vectorized=False"):
        mplot.evaluate_grid(lambda p: mg.as_tensor(p).sum(), (0, 1), (0, 1), 5, True)


def test_log_scale_surface_and_given_grid(tmp_path):
    grid = mplot.evaluate_grid(mg.lab.datasets.bowl, (-3, 3), (-1, 1), 30, vectorized=True)
    fig = mplot.loss_surface(grid=grid, log=True, trajectories=np.array([[-3.0, 1.0],
                                                                         [0.0, 0.0]]))
    assert fig.axes[1].get_ylabel() == "log10 loss"
    mplot.save(fig, tmp_path / "bowl.png")
    _png_ok(tmp_path / "bowl.png")


def test_curves_probes_and_fits(tmp_path):
    f1 = mplot.loss_curves({"GD": np.exp(-np.arange(30) / 5.0), "SGD": (np.arange(5),
                                                                          np.ones(5))},
                           path=tmp_path / "loss.png")
    assert f1.axes[0].get_yscale() == "log"
    mplot.schedule_curves({"constant": lambda t: 0.1, "step": lambda t: 0.1 * 0.5 ** (t // 10)},
                          40, path=tmp_path / "sched.png")
    mplot.line_search_probes(lambda a: (a - 0.3) ** 2, [0.0, 0.33, 0.66, 1.0, (0.2, 0.01)],
                             1.0, chosen=0.3, path=tmp_path / "probes.png")
    x, y = mg.lab.datasets.linear_regression()
    fig = mplot.data_fit(x, y, {f"step {k}": (lambda xs, k=k: mg.lab.models.linear(xs, [0.5, k]))
                                for k in range(3)}, progression=True,
                         path=tmp_path / "fit.png")
    assert len(fig.axes[0].get_lines()) == 4
    for name in ["loss.png", "sched.png", "probes.png", "fit.png"]:
        _png_ok(tmp_path / name)


def test_draws_into_a_given_axes():
    fig, axes = mplot.figure(1, 2, size=(8, 3))
    out = mplot.loss_curves({"a": [3.0, 2.0, 1.0]}, ax=axes[0])
    mplot.data_fit([0.0, 1.0], [0.0, 1.0], ax=axes[1])
    assert out is fig

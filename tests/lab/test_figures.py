"""figures/: every figure module draws its files, and make_figures.py runs them.

Each ``figures/fig6_<nn>.py`` is run in quick mode into a temporary folder, in
this process (minigrad.lab.plot draws on the Agg canvas, never a window); the
files it returns must exist, be PNG images with something in them, and carry
the module's figure number in their names.  The numbers behind figures 6.1
and 6.4-6.5 are checked against what the book says about them.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "figures"
_spec = importlib.util.spec_from_file_location("make_figures", FIGURES / "make_figures.py")
make_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_figures)

MODULES = make_figures.discover(FIGURES)
FILE_NAME = re.compile(r"fig6_(\d+)[a-z]?_[a-z0-9_]+\.png")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The panels the book's captions name, file by file, for the figures with several.
EXPECTED = {
    6: ["fig6_6a_sgd_step_distribution.png", "fig6_6b_batch_loss.png",
        "fig6_6c_batch_loss.png", "fig6_6d_uphill_on_full_loss.png"],
    7: ["fig6_7_gabor_sgd_vs_momentum.png", "fig6_7_linear_sgd_vs_momentum.png"],
    8: ["fig6_8_nesterov_geometry.png"],
    9: ["fig6_9a_gd_small_lr.png", "fig6_9b_gd_large_lr.png",
        "fig6_9c_normalized_gradients.png", "fig6_9d_adam.png"],
    10: ["fig6_10a_bracket.png", "fig6_10b_bracket.png", "fig6_10c_bracket.png"],
    11: ["fig6_11_problem6_6.png"],
}


def test_the_modules_are_found_in_figure_order():
    numbers = [n for n, _ in MODULES]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert set(numbers) == set(range(1, 12))          # every figure of chapter 6


@pytest.mark.parametrize("number,path", MODULES, ids=[p.stem for _, p in MODULES])
def test_each_figure_module_writes_its_pngs(number, path, tmp_path):
    module = make_figures.load(path)
    assert module.__doc__ and re.search(rf"\b6\.{number}\b", module.__doc__), \
        f"{path.name}: the docstring should name the book figure 6.{number}"
    written = module.draw(tmp_path, quick=True)
    assert written, f"{path.name} wrote no file"
    for f in map(Path, written):
        assert f.resolve().parent == tmp_path.resolve() and f.exists()
        match = FILE_NAME.fullmatch(f.name)
        assert match, f"{f.name} is not named fig6_<n>[letter]_<what>.png"
        assert int(match.group(1)) == number
        data = f.read_bytes()
        assert data[:8] == PNG_MAGIC
        assert 5_000 < len(data) < 1_000_000, f"{f.name}: {len(data)} bytes"
    assert len({Path(f).name for f in written}) == len(written)
    if number in EXPECTED:
        assert [Path(f).name for f in written] == EXPECTED[number]


def test_the_command_line_draws_one_figure(tmp_path):
    proc = subprocess.run([sys.executable, str(FIGURES / "make_figures.py"), "--quick",
                           "--only", "1", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["fig6_1a_data.png", "fig6_1b_surface.png", "fig6_1c_heatmap.png",
                     "fig6_1d_fits.png"]
    assert "wrote" in proc.stdout and "1 figure(s)" in proc.stdout


def test_the_command_line_refuses_an_unknown_figure(tmp_path):
    proc = subprocess.run([sys.executable, str(FIGURES / "make_figures.py"), "--only", "99",
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert proc.returncode != 0 and "99" in proc.stderr


def test_figure_6_1_line_search_steps_turn_at_right_angles():
    fig = make_figures.load(FIGURES / "fig6_01.py")
    x, y = mg.lab.datasets.book_linear()
    L, path = fig.descend(x, y)
    assert np.all(np.diff(path.loss) < 0)                    # every step goes downhill
    grads = [mg.grad(L)(p) for p in path.x]
    for g0, g1 in zip(grads, grads[1:]):                     # an exact line search ends
        cos = g0 @ g1 / np.linalg.norm(g0) / np.linalg.norm(g1)   # where the slope along
        assert abs(cos) < 0.01                               # the line is zero


def test_gabor_critical_points_are_what_the_book_describes():
    make_figures.load(FIGURES / "fig6_04.py")               # puts figures/ on sys.path
    import _gabor
    crit = _gabor.critical_points(60, 4)
    (best, best_loss), *local = crit["minimum"]
    assert np.allclose(best, [0.0, 16.0], atol=0.1)         # near the generating [0, 16.6]
    assert best_loss == pytest.approx(0.646, abs=1e-3)      # the book says 0.64 (28 points)
    assert len(local) >= 4 and len(crit["saddle"]) >= 1     # non-convex: panels b-f
    for kind, sign in [("minimum", 1), ("saddle", 0)]:
        for phi, loss in crit[kind]:
            assert np.linalg.norm(mg.grad(_gabor.L)(phi)) < 1e-6
            ev = mg.lab.hessian_eigenvalues(_gabor.L, phi)
            assert np.all(ev > 0) if sign else (ev[0] < 0 < ev[1])
            assert loss >= best_loss


def test_figure_6_5_start_2_stays_local_under_gd_and_escapes_under_sgd():
    fig = make_figures.load(FIGURES / "fig6_05.py")
    best = np.array([0.0038, 16.03])
    stuck = fig.gd(fig.STARTS[1], 100)
    assert stuck.grad_norm[-1] < 1e-3 and np.linalg.norm(stuck.x[-1] - best) > 5
    assert stuck.loss[-1] > 5 * 0.646                       # a poor, local minimum
    assert np.linalg.norm(fig.sgd(fig.STARTS[1], fig.SEED, 400).x[-1] - best) < 0.5

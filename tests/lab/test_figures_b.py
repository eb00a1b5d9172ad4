"""The figure modules figures/fig6_06.py ... fig6_11.py: the quick form writes every
PNG under its agreed name, and the numbers the pictures show are right."""

import importlib.util
import itertools
import re
from pathlib import Path

import numpy as np
import pytest
from optional_tools import require_module

import minigrad as mg

require_module("matplotlib")

FIGURES = Path(__file__).resolve().parents[2] / "figures"
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


def load(n):
    spec = importlib.util.spec_from_file_location(f"fig6_{n:02d}", FIGURES / f"fig6_{n:02d}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_quick_draw_writes_every_png_under_its_name(n, tmp_path):
    module = load(n)
    assert f"Figure 6.{n}" in module.__doc__
    paths = [Path(p) for p in module.draw(tmp_path, quick=True)]
    assert [p.name for p in paths] == EXPECTED[n]
    for p in paths:
        assert p.parent == tmp_path
        assert re.fullmatch(rf"fig6_{n}[a-d]?_\w+\.png", p.name)
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def test_fig6_6_mean_batch_step_is_the_scaled_full_step():
    fig = load(6)
    x, y = mg.lab.datasets.book_gabor()
    batches, steps, J = fig.all_batch_steps(x, y, fig.PHI_T)
    assert len(batches) == len(list(itertools.combinations(range(30), 3))) == 4060
    L = mg.lab.models.make_loss(mg.lab.models.gabor, x, y)
    full = -fig.LR * mg.grad(L)(fig.PHI_T)
    np.testing.assert_allclose(steps.mean(axis=0), full * 3 / 30, rtol=1e-10, atol=1e-12)
    # panel d's batch goes down its own loss and up the full loss
    _, _, d = fig.choose_batches(x, y, fig.PHI_T, batches, steps, J.sum(axis=0))
    Lb = mg.lab.models.make_loss(mg.lab.models.gabor, x[batches[d]], y[batches[d]])
    end = fig.PHI_T + steps[d]
    assert Lb(end).item() < Lb(fig.PHI_T).item()
    assert L(end).item() > L(fig.PHI_T).item()


def test_fig6_8_points_are_the_optimizers_steps():
    pts, path, loss = load(8).nesterov_points()     # asserts 3 = 2 + beta m, 5 = 4 - ...g(4)
    np.testing.assert_allclose(path[-1], pts["1"])
    assert np.linalg.norm(pts["3"] - pts["5"]) > 0.05     # the two methods differ visibly


def test_fig6_10_brackets_shrink_and_nest():
    f, result = load(10).slice_and_search()
    br = result.brackets
    np.testing.assert_allclose(br[0], [0.0, 0.33 * 0.036, 0.66 * 0.036, 0.036])
    assert np.all(np.diff(br, axis=1) >= 0)                      # a <= b <= c <= d
    assert np.all(br[1:, 0] >= br[:-1, 0]) and np.all(br[1:, 3] <= br[:-1, 3])
    assert br[1, 0] == br[0, 1] and br[2, 3] == br[1, 2]        # [a, b] then [c, d] go
    assert br[-1, 3] - br[-1, 0] < 1e-4
    assert br[0, 0] <= result.lr <= br[-1, 3]


def test_fig6_11_points_are_classified_as_problem_6_6_asks():
    rows = load(11).analyse()
    kinds = [kind for row in rows for _, _, kind in row[5]]
    assert [number for row in rows for number, _, _ in row[5]] == list(range(1, 8))
    assert kinds == ["global minimum", "global minimum", "neither (maximum)", "local minimum",
                     "neither (not a critical point)", "neither (flat inflection)",
                     "global minimum"]
    assert [bool(row[4]) for row in rows] == [True, False, False]
    x6 = rows[2][5][1][1]
    assert abs(x6) < 1e-6                      # x**4/4 - x**3/3: flat inflection at 0

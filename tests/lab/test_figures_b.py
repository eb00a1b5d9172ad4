"""The numbers that figures 6.6-6.11 show are right (tests/lab/test_figures.py runs
every figure module and checks the files it writes)."""

import importlib.util
import itertools
import sys
from pathlib import Path

import numpy as np
from optional_tools import require_module

import minigrad as mg

require_module("matplotlib")

FIGURES = Path(__file__).resolve().parents[2] / "figures"


def load(n):
    if str(FIGURES) not in sys.path:            # the modules import figures/_common.py
        sys.path.insert(0, str(FIGURES))
    spec = importlib.util.spec_from_file_location(f"fig6_{n:02d}", FIGURES / f"fig6_{n:02d}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def test_fig6_11_uses_the_functions_and_points_problem_6_6_uses():
    functions, _, points = mg.lab.datasets.problem6_6_functions()
    rows = load(11).analyse()
    assert [row[2] for row in rows] == [functions[p] for p in "abc"]
    assert [(n, row[0], x, kind) for row in rows for n, x, kind in row[5]] == \
        [(n, panel, x, answer) for n, (panel, x, answer) in points.items()]

"""The notes' experiments (examples/ch6_*) run in --quick mode, write their pictures and
print what the chapter says: the mean batch gradient is the full gradient, every run of
a comparison starts from the same weights, the plateau scheduler lowers the rate.

The four scripts are started together, each in its own process, and each test waits for
its own, so the file takes about as long as the slowest one.
"""

import re

import numpy as np
import pytest
from example_runner import run_examples

import minigrad as mg

EXPECTED = {
    "ch6_batch_size_lr": ["batch_size_lr.png"],
    "ch6_sgd_vs_adam": ["sgd_vs_adam.png"],
    "ch6_plateau_lr": ["plateau_lr.png"],
    "ch6_batch_gradient": ["batch_gradients.png", "spread.png"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("ch6_experiments")
    yield from run_examples(EXPECTED, out, cwd=out, timeout=180)


def number(pattern, text):
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in the output:\n{text}"
    return match.group(1)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_experiment_runs_quick_and_writes_pngs(runs, name):
    returncode, stdout, stderr, folder = runs(name)
    assert returncode == 0, f"{name} failed:\n{stderr[-3000:]}"
    assert "----" in stdout                          # a results table was printed
    assert f"pictures in {folder}" in stdout
    for png in EXPECTED[name]:
        data = (folder / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, png


def test_mean_batch_gradient_is_the_full_gradient(runs):
    _, stdout, _, _ = runs("ch6_batch_gradient")
    assert float(number(r"batch gradients - full gradient\| over all sizes: (\S+)",
                        stdout)) < 1e-12
    assert float(number(r"formula\|: (\S+)", stdout)) < 1e-12
    assert float(number(r"on its own by mg\.grad differs from its row by (\S+)", stdout)) < 1e-12
    assert float(number(r"full sum gradient = (\S+)", stdout)) < 1e-12
    # 220 batches of three out of twelve, and one batch (the whole set) of twelve
    assert re.search(r"^3\s+220\s", stdout, re.M) and re.search(r"^12\s+1\s", stdout, re.M)


def test_full_gradient_printed_matches_the_closed_form(runs):
    # d/dphi of mean (phi0 + phi1 x - y)^2 = 2 mean(r) and 2 mean(r x), r the residuals
    x, y = mg.lab.datasets.book_linear()
    r = 0.6 - 0.2 * x - y
    _, stdout, _, _ = runs("ch6_batch_gradient")
    printed = [float(v) for v in number(r"full gradient: \[([^\]]+)\]", stdout).split(",")]
    np.testing.assert_allclose(printed, [2 * r.mean(), 2 * (r * x).mean()], atol=1e-11)


def test_batch_size_grid_marks_a_best_rate_for_every_batch_size(runs):
    _, stdout, _, _ = runs("ch6_batch_size_lr")
    rows = re.findall(r"^(\d+)\s+(\d+)\s+([\d.]+)\s+[\d.e-]+\s+([\d.]+)\s", stdout, re.M)
    assert [int(r[0]) for r in rows] == [2, 8, 32]
    assert all(int(b) * int(steps) == 64 for b, steps, _, _ in rows)
    first_best = float(rows[0][2])
    for b, _, _, rule in rows:                       # the rule is anchored at the first batch
        assert float(rule) == pytest.approx(first_best * int(b) / 2)


def test_sgd_and_adam_start_from_the_same_weights(runs):
    _, stdout, _, _ = runs("ch6_sgd_vs_adam")
    assert "(1 distinct value)" in stdout
    assert "SGD, momentum 0.9: best learning rate" in stdout
    assert "Adam: best learning rate" in stdout


def test_plateau_scheduler_lowers_the_rate_and_never_raises_it(runs):
    _, stdout, _, _ = runs("ch6_plateau_lr")
    assert int(number(r"lowered the rate (\d+) times", stdout)) >= 1
    assert "its rates never rose: True" in stdout
    fixed = re.search(r"^fixed\s+0\.2\s+0\.2\s", stdout, re.M)
    assert fixed, stdout                             # the fixed run kept its rate

"""The gradient-checking exercises: every one is solvable, every checker catches a
wrong answer and names the input it belongs to, and every exercise has its page.

Each starter file in ``exercises/`` is loaded by path (the folder is not a package,
so that ``python exercises/ex01_softplus.py`` is all a learner needs), and its own
``check()`` is run with the reference VJPs from ``tests/exercise_solutions/``.
"""

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted((ROOT / "exercises").glob("ex[0-9][0-9]_*.py"))
SOLUTIONS = Path(__file__).resolve().parent / "exercise_solutions"
CHECKER_MARK = "# ---------------------------------------------------- the checker"
IDS = [p.stem for p in EXERCISES]


def load(path, prefix):
    spec = importlib.util.spec_from_file_location(f"{prefix}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=EXERCISES, ids=IDS)
def pair(request):
    path = request.param
    return load(path, "exercise"), load(SOLUTIONS / path.name, "solution")


def named_inputs(report):
    """The input indices the report says are wrong."""
    return {int(i) for i in re.findall(r"^  input (\d+) \(", report, flags=re.M)}


def test_there_are_at_least_eight_exercises():
    assert len(EXERCISES) >= 8


def test_starter_runs_and_says_what_to_do(pair, capsys):
    exercise, _ = pair
    report = exercise.check()
    assert report.startswith("Not finished: write the derivative")
    assert "(input 0)" in report
    assert capsys.readouterr().out.strip() == report


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reference_solution_passes_the_checker(pair, seed, capsys):
    exercise, solution = pair
    assert len(solution.VJPS) == len(exercise.NAMES) == len(exercise.VJPS)
    assert exercise.check(*solution.VJPS, seed=seed) == exercise.OK
    assert capsys.readouterr().out.strip() == "All derivatives correct"


def test_checker_catches_each_mistake_and_names_its_input(pair):
    exercise, solution = pair
    assert set(solution.MISTAKES) == set(range(len(exercise.NAMES))), \
        "one plausible mistake per input"
    for i, wrong in solution.MISTAKES.items():
        vjps = list(solution.VJPS)
        vjps[i] = wrong
        report = exercise.check(*vjps)
        assert report.startswith("gradcheck failed"), report
        assert named_inputs(report) == {i}, report
        assert f"input {i} ('{exercise.NAMES[i]}')" in report
        assert re.search(r"element \[[\d, ]*\]\s+analytic", report), report


def test_checker_catches_a_slightly_scaled_derivative(pair):
    exercise, solution = pair
    for i in range(len(exercise.NAMES)):
        vjps = list(solution.VJPS)
        vjps[i] = lambda g, out, *args, right=solution.VJPS[i]: 1.05 * right(g, out, *args)
        assert named_inputs(exercise.check(*vjps)) == {i}


def test_checker_reports_a_wrong_shape_by_input(pair):
    exercise, solution = pair
    i = len(exercise.NAMES) - 1
    vjps = list(solution.VJPS)
    vjps[i] = lambda g, out, *args: np.zeros(np.shape(args[i]) + (3,))
    report = exercise.check(*vjps)
    assert report.startswith("Wrong shape"), report
    assert f"input {i} ('{exercise.NAMES[i]}')" in report


def test_every_starter_uses_the_shared_checker():
    """The checker lives in minigrad/exercise.py; each starter ends with the same few lines."""
    tails = {p.stem: p.read_text().split(CHECKER_MARK, 1)[1] for p in EXERCISES}
    assert len(set(tails.values())) == 1, sorted(tails)
    assert "mg.Exercise(" in next(iter(tails.values()))


def test_every_exercise_has_a_solution_and_a_page():
    index = (ROOT / "docs" / "exercises" / "index.md").read_text()
    for path in EXERCISES:
        assert (SOLUTIONS / path.name).exists(), path.name
        page = ROOT / "docs" / "exercises" / f"{path.stem}.md"
        assert page.exists(), page
        assert f"exercises/{path.name}" in page.read_text()
        assert f"({path.stem}.md)" in index


def test_exercises_do_not_register_ops():
    import minigrad as mg
    before = set(mg.REGISTRY)
    for path in EXERCISES:
        load(path, "registry").check()
    assert set(mg.REGISTRY) == before

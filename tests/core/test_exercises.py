"""The gradient-checking exercises: every one is solvable, every checker catches a
wrong answer and names the input it belongs to, and every exercise has its page.

Each starter file in ``exercises/`` is loaded by path (the folder is not a package,
so that ``python exercises/ex01_softplus.py`` is all a learner needs), and its own
``check()`` is run with the reference VJPs from ``tests/exercise_solutions/``.
"""

import importlib.util
import math
import os
import re
import subprocess
import sys
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


# ------------------------------------------- what the learner did wrong
def replaced(solution, i, vjp):
    vjps = list(solution.VJPS)
    vjps[i] = vjp
    return vjps


def test_wrong_shape_says_expected_and_got(pair):
    exercise, solution = pair
    i = len(exercise.NAMES) - 1
    vjps = replaced(solution, i, lambda g, out, *args: np.zeros(np.shape(args[i]) + (3,)))
    shape = np.shape(exercise.sample_inputs(np.random.default_rng(0))[i])
    report = exercise.check(*vjps)
    assert f"returned shape {shape + (3,)}; expected {shape}" in report, report


def math_domain_error(g, out, *args):
    return g * math.log(-1.0)


def broadcast_mismatch(g, out, *args):
    return np.ones((2, 3)) + np.ones(4)


@pytest.mark.parametrize("vjp, error", [
    (math_domain_error, "ValueError: math domain error"),
    (broadcast_mismatch, "ValueError: operands could not be broadcast together"),
    (lambda g, out, *args: {}["key"], "KeyError: 'key'"),
], ids=["math-domain", "broadcast", "key"])
def test_an_error_raised_in_a_vjp_is_named_not_called_a_wrong_shape(pair, vjp, error):
    exercise, solution = pair
    i = len(exercise.NAMES) - 1
    report = exercise.check(*replaced(solution, i, vjp))
    assert report.startswith(f"your VJP for input {i} ('{exercise.NAMES[i]}') raised {error}"), \
        report
    assert "Wrong shape" not in report
    assert "test_exercises.py" in report                  # the line that raised


def test_a_vjp_returning_none_is_told_so(pair):
    exercise, solution = pair

    def forgot_return(g, out, *args):
        g * 2.0
    report = exercise.check(*replaced(solution, 0, forgot_return))
    assert report.startswith(f"your VJP for input 0 ('{exercise.NAMES[0]}') returned None; a "
                             f"VJP must return an array shaped like input 0"), report
    assert "shape ()" not in report


def test_the_wrong_number_of_vjps_says_how_many_and_for_which_inputs(pair):
    exercise, solution = pair
    n = len(exercise.NAMES)
    inputs = ", ".join(f"input {i} ('{name}')" for i, name in enumerate(exercise.NAMES))
    for vjps in ([*solution.VJPS, solution.VJPS[0]], list(solution.VJPS[:-1])):
        if not vjps:
            continue
        report = exercise.check(*vjps)
        assert report.startswith("Wrong number of VJPs: "), report
        assert f"takes {n} VJP" in report and inputs in report
        assert report.endswith(f"got {len(vjps)}.")
        with pytest.raises(TypeError, match=f"takes {n} VJP"):
            exercise.make_op(*vjps)


def test_a_bug_outside_the_learners_vjp_is_not_hidden():
    import minigrad as mg

    def broken_forward(x):
        raise ValueError("the instructor's forward is broken")
    exercise = mg.Exercise("broken", ("x",), broken_forward, lambda rng: (rng.normal(size=2),))
    with pytest.raises(ValueError, match="instructor's forward"):
        exercise.check(lambda g, out, x: g)


def test_main_says_the_argument_is_an_integer_seed(capsys):
    exercise = load(EXERCISES[0], "main")
    with pytest.raises(SystemExit) as info:
        exercise.exercise.main(["abc"])
    assert info.value.code == 2
    assert "the optional argument is an integer seed" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        exercise.exercise.main(["3"])                   # the starter is not finished
    assert info.value.code == 1
    assert capsys.readouterr().out.startswith("Not finished")


def test_running_a_file_with_a_bad_seed_prints_usage_not_a_traceback():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(EXERCISES[0]), "abc"], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "usage:" in done.stderr and "integer seed" in done.stderr and "'abc'" in done.stderr

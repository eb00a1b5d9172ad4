"""The nn examples run in --quick mode and write their pictures.

The four scripts are started together (each in its own process) and each
test waits for its own, so the file takes about as long as the slowest one.
"""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

EXAMPLES = {
    "mlp_classifier": ["moons.png", "spirals.png"],
    "logistic_regression": ["logistic_regression.png"],
    "regression_optimizers": ["optimizers.png"],
    "deep_relu_network": ["gradient_check.png", "variance_through_depth.png"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("nn_examples")
    env = dict(os.environ, MPLBACKEND="Agg")
    procs = {}
    for name in EXAMPLES:
        procs[name] = (subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "examples", f"{name}.py"), "--quick",
             "--out", str(out / name)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
            out / name)
    finished = {}

    def result(name):
        """(returncode, stdout, stderr, folder) of one example, waiting for it once."""
        if name not in finished:
            proc, folder = procs[name]
            stdout, stderr = proc.communicate(timeout=120)
            finished[name] = (proc.returncode, stdout, stderr, folder)
        return finished[name]

    yield result
    for proc, _ in procs.values():
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_runs_quick_and_writes_pngs(runs, name):
    returncode, stdout, stderr, folder = runs(name)
    assert returncode == 0, f"{name} failed:\n{stderr[-3000:]}"
    for png in EXAMPLES[name]:
        path = folder / png
        assert path.exists(), f"{name} did not write {png}; it printed:\n{stdout}"
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000          # a real picture, not an empty canvas
    assert str(folder) in stdout                     # says where the pictures went


def test_deep_relu_example_reports_a_passing_gradient_check(runs):
    _, stdout, _, _ = runs("deep_relu_network")
    assert "mg.gradcheck passes: True" in stdout

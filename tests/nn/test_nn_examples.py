"""The nn examples run in --quick mode and write their pictures.

The four scripts are started together (each in its own process) and each
test waits for its own, so the file takes about as long as the slowest one.
"""

import os

import pytest
from example_runner import run_examples

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

EXAMPLES = {
    "mlp_classifier": ["moons.png", "spirals.png"],
    "logistic_regression": ["logistic_regression.png"],
    "regression_optimizers": ["optimizers.png"],
    "deep_relu_network": ["gradient_check.png", "variance_through_depth.png"],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    yield from run_examples(EXAMPLES, tmp_path_factory.mktemp("nn_examples"), cwd=ROOT,
                            timeout=120)


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

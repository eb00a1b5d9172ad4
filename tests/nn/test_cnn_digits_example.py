"""The CNN example (examples/cnn_digits.py) in --quick mode: it trains on generated
8x8 digits and must classify unseen ones with more than 90% accuracy."""

import os
import re

import pytest
from example_runner import run_examples

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    yield from run_examples(["cnn_digits"], tmp_path_factory.mktemp("cnn_example"), cwd=ROOT,
                            timeout=300)


def test_cnn_digits_reaches_90_percent_test_accuracy(runs):
    returncode, stdout, stderr, folder = runs("cnn_digits")
    assert returncode == 0, f"cnn_digits failed:\n{stderr[-3000:]}"
    found = re.search(r"test accuracy: ([0-9.]+)", stdout)
    assert found, f"cnn_digits printed no test accuracy:\n{stdout}"
    assert float(found.group(1)) > 0.9, stdout
    with open(folder / "predictions.png", "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"

"""What a new user meets first: `make` alone, `make clean`, the tour without the
plot extra, and the pages that say how to run an exercise."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def require_make():
    if shutil.which("make") is None:
        pytest.skip("needs the make program")


def test_make_alone_lists_the_targets():
    require_make()
    out = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    for target in ("demo", "test", "docs", "bench", "figures", "clean"):
        assert re.search(rf"^\s+{target}\s+\S", out.stdout, re.M), (target, out.stdout)
    assert ". .venv/bin/activate" in out.stdout


def test_make_clean_removes_the_site():
    makefile = (ROOT / "Makefile").read_text()
    clean = re.search(r"^clean:.*\n\t(.*)", makefile, re.M).group(1)
    assert clean.startswith("rm -rf") and "site" in clean.split()


def test_tour_without_matplotlib_prints_one_error(tmp_path):
    """The example's own ImportError, then one line; no CalledProcessError traceback."""
    blocker = tmp_path / "block" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('matplotlib blocked by the test')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker.parent), str(ROOT)]))
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "tour.py"), "--quick",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode != 0
    assert "needs matplotlib" in out.stderr and "plot" in out.stderr
    assert "CalledProcessError" not in out.stderr
    assert "tour.py" not in "".join(line for line in out.stderr.splitlines()
                                    if line.startswith("  File"))
    assert out.stderr.rstrip().endswith("its message is above.")


def test_readme_and_exercise_pages_say_how_to_use_the_venv():
    readme = (ROOT / "README.md").read_text()
    assert ". .venv/bin/activate" in readme
    pages = sorted((ROOT / "docs" / "exercises").glob("*.md"))
    assert len(pages) >= 11
    for page in pages:
        text = page.read_text()
        if "python exercises/" in text:
            assert ".venv/bin/activate" in text or ".venv/bin/python" in text, page.name

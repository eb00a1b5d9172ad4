"""Every chapter-6 example runs in quick mode, prints its table and writes its PNG files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = {
    "ch6_linear_regression": ["loss_surface.png", "fits.png", "line_search.png",
                              "loss_curves.png"],
    "ch6_gabor": ["gd_paths.png", "sgd_paths.png", "minima_models.png", "loss_curves.png"],
    "ch6_momentum": ["paths_same_lr.png", "paths_large_lr.png", "loss_curves.png"],
    "ch6_adam": ["four_methods.png", "loss_curves.png"],
    "ch6_newton": ["critical_points.png"],
    "ch6_search_scaling": ["lr_batch_heatmap.png"],
}


def _run(args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_quick_and_writes_pngs(name, tmp_path):
    out = tmp_path / name
    proc = _run([str(EXAMPLES / f"{name}.py"), "--quick", "--out", str(out)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "----" in proc.stdout                     # a results table was printed
    assert f"pictures in {out}" in proc.stdout
    for png in EXPECTED[name]:
        data = (out / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, png


def test_quick_mode_from_the_environment_and_default_folder(tmp_path):
    env_run = subprocess.run([sys.executable, str(EXAMPLES / "ch6_newton.py")], cwd=tmp_path,
                             env=dict(os.environ, MINIGRAD_QUICK="1"), capture_output=True,
                             text=True, timeout=120)
    assert env_run.returncode == 0, env_run.stderr
    assert (tmp_path / "out" / "ch6_newton" / "critical_points.png").stat().st_size > 5000


def test_results_say_what_the_chapter_says(tmp_path):
    proc = _run([str(EXAMPLES / "ch6_newton.py"), "--quick", "--out", str(tmp_path)], tmp_path)
    assert "saddle" in proc.stdout and "minimum" in proc.stdout
    proc = _run([str(EXAMPLES / "ch6_momentum.py"), "--quick", "--out", str(tmp_path)],
                tmp_path)
    assert "diverged" in proc.stdout                 # plain SGD at the largest learning rate

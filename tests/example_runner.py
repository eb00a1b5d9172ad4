"""Start several example scripts at once, each in its own process, and wait for each
one only when a test asks for it: a test file then takes about as long as its slowest
example.  Used by the module-scoped ``runs`` fixtures of the example tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_examples(names, out, cwd, timeout):
    """Start ``examples/<name>.py --quick --out out/<name>`` for every name; yield
    ``result(name) -> (returncode, stdout, stderr, folder)``, then kill what is left."""
    env = dict(os.environ, MPLBACKEND="Agg")
    procs = {name: (subprocess.Popen(
        [sys.executable, str(ROOT / "examples" / f"{name}.py"), "--quick", "--out",
         str(out / name)], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True), out / name) for name in names}
    finished = {}

    def result(name):
        """(returncode, stdout, stderr, folder) of one example, waiting for it once."""
        if name not in finished:
            proc, folder = procs[name]
            stdout, stderr = proc.communicate(timeout=timeout)
            finished[name] = (proc.returncode, stdout, stderr, folder)
        return finished[name]

    try:
        yield result
    finally:
        for proc, _ in procs.values():
            if proc.poll() is None:
                proc.kill()

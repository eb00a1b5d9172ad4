"""Tests that need an optional tool skip without it, unless CI requires it.

The README's ``make test`` must pass on a machine with only python3 and make.
A test that needs Graphviz's ``dot``, PyTorch or Dask calls ``require_dot()`` or
``require_module("torch")``: without the tool it is skipped with a one-line
reason.  CI installs every tool and sets ``MINIGRAD_REQUIRE_DOT=1`` and
``MINIGRAD_REQUIRE_TORCH=1`` (``MINIGRAD_REQUIRE_ALL=1`` sets them all), and
then a missing tool fails the test instead.
"""

import importlib
import os
import shutil

import pytest

INSTALL = {
    "dot": "apt-get install graphviz / brew install graphviz / conda install -c conda-forge "
           "graphviz",
    "torch": "pip install torch (the CPU build is enough)",
    "distributed": "pip install 'minigrad[distributed]' (Dask's dask and distributed)",
}


def _required(tool):
    return any(os.environ.get(f"MINIGRAD_REQUIRE_{name}", "") not in ("", "0")
               for name in (tool.upper(), "ALL"))


def _missing(tool, what):
    reason = f"needs {what}, which is not installed ({INSTALL.get(tool, 'install it')})"
    if _required(tool):
        pytest.fail(f"MINIGRAD_REQUIRE_{tool.upper()} is set but this test {reason}",
                    pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_dot():
    """Skip (or, under CI, fail) unless Graphviz's ``dot`` program is on the PATH."""
    if shutil.which("dot") is None:
        _missing("dot", "Graphviz's `dot` program")


def require_module(name):
    """Import and return ``name``; skip (or, under CI, fail) when it is missing."""
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(name, f"the Python package {name!r}")

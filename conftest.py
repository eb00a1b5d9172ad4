"""Doctests in docs/*.md and minigrad/ get ``require_module`` and ``require_dot`` from
tests/optional_tools.py: a page whose example needs PyTorch (or Graphviz's dot) skips
without it on a user's machine and fails under CI (MINIGRAD_REQUIRE_ALL=1), like every
other test that needs an optional tool."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "optional_tools", Path(__file__).resolve().parent / "tests" / "optional_tools.py")
optional_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(optional_tools)


@pytest.fixture(autouse=True)
def _optional_tools_in_doctests(doctest_namespace):
    doctest_namespace["require_module"] = optional_tools.require_module
    doctest_namespace["require_dot"] = optional_tools.require_dot

"""The rule for optional tools: skip with a reason on a user's machine, fail under CI."""

import pytest
from _pytest.outcomes import Failed, Skipped
from optional_tools import require_dot, require_module


def test_a_missing_module_skips_with_a_one_line_reason(monkeypatch):
    monkeypatch.delenv("MINIGRAD_REQUIRE_ALL", raising=False)
    monkeypatch.delenv("MINIGRAD_REQUIRE_NO_SUCH_PACKAGE_XYZ", raising=False)
    with pytest.raises(Skipped) as info:
        require_module("no_such_package_xyz")
    assert "no_such_package_xyz" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("variable", ["MINIGRAD_REQUIRE_ALL",
                                      "MINIGRAD_REQUIRE_NO_SUCH_PACKAGE_XYZ"])
def test_ci_turns_the_skip_into_a_failure(monkeypatch, variable):
    monkeypatch.setenv(variable, "1")
    with pytest.raises(Failed, match="is set but this test needs"):
        require_module("no_such_package_xyz")


def test_missing_dot_skips_unless_required(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    monkeypatch.delenv("MINIGRAD_REQUIRE_ALL", raising=False)
    monkeypatch.delenv("MINIGRAD_REQUIRE_DOT", raising=False)
    with pytest.raises(Skipped, match="Graphviz"):
        require_dot()
    monkeypatch.setenv("MINIGRAD_REQUIRE_DOT", "1")
    with pytest.raises(Failed, match="MINIGRAD_REQUIRE_DOT"):
        require_dot()


def test_an_installed_module_is_returned():
    assert require_module("numpy").__name__ == "numpy"

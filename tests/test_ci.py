"""`tests.ci`: which values of `CI` mean CI, and that a missing part then fails, never skips."""

from __future__ import annotations

import pytest

from tests.ci import in_ci, missing, require_executable, require_module

TRUE_ISH = ["1", "true", "TRUE", "True", "yes", "YES", "on", "On", " true\n"]
NOT_CI = ["", "0", "false", "False", "no", "off", "nope", "2"]


@pytest.mark.parametrize("value", TRUE_ISH)
def test_a_true_ish_value_is_ci(value: str) -> None:
    assert in_ci({"CI": value}) is True


@pytest.mark.parametrize("value", NOT_CI)
def test_anything_else_is_not_ci(value: str) -> None:
    assert in_ci({"CI": value}) is False


def test_no_ci_variable_is_not_ci() -> None:
    assert in_ci({}) is False


def test_in_ci_reads_this_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "yes")
    assert in_ci() is True
    monkeypatch.setenv("CI", "no")
    assert in_ci() is False


@pytest.mark.parametrize("value", ["1", "on", "True"])
def test_missing_fails_under_ci_naming_the_part_and_the_fix(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception,
                       match=r"^PostgreSQL is missing; install it with: apt-get install "
                             r"postgresql \(CI is set"):
        missing("PostgreSQL", "apt-get install postgresql")


def test_missing_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception,
                       match=r"^node is missing; install it with: apt-get install nodejs$"):
        missing("node", "apt-get install nodejs")


def test_require_executable_finds_a_real_one_and_fails_a_missing_one_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    assert require_executable("sh", "apt-get install dash").endswith("/sh")
    with pytest.raises(pytest.fail.Exception, match="`no-such-tool-here` executable is missing"):
        require_executable("no-such-tool-here", "nothing")


def test_require_module_imports_a_real_one_and_fails_a_missing_one_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import json

    monkeypatch.setenv("CI", "1")
    assert require_module("json", "built in") is json
    with pytest.raises(pytest.fail.Exception, match="module `no_such_module_here` is missing"):
        require_module("no_such_module_here", "pip install it")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="module `no_such_module_here` is missing"):
        require_module("no_such_module_here", "pip install it")

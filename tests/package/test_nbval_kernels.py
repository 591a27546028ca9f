"""tests/nbval_kernels.py: a notebook kernel that dies while starting is started again, and
what it wrote to stderr reaches the log (nbval alone sends it to /dev/null)."""

from __future__ import annotations

from typing import Any

import nbval.kernel
import pytest

from tests import nbval_kernels


def _dying_starts(deaths: int) -> tuple[list[Any], Any]:
    calls: list[Any] = []

    def start(startup_timeout: int, kernel_name: str, **kwargs: Any) -> str:
        calls.append(kwargs["stderr"])
        if len(calls) <= deaths:
            kwargs["stderr"].write(f"ZMQError: Address already in use (start {len(calls)})\n")
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "manager and client"

    return calls, start


def test_nbval_starts_kernels_through_the_plugin() -> None:
    assert nbval.kernel.start_new_kernel is nbval_kernels._start_keeping_stderr


def test_a_kernel_that_dies_while_starting_is_started_again(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    calls, start = _dying_starts(deaths=1)
    monkeypatch.setattr(nbval_kernels, "_start_new_kernel", start)
    assert nbval.kernel.start_new_kernel(kernel_name="python3", cwd=".") == "manager and client"
    assert len(calls) == 2
    err = capfd.readouterr().err
    assert "died while starting (Kernel died before replying to kernel_info)" in err
    assert "Address already in use (start 1)" in err


def test_a_second_death_fails_with_the_kernels_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    calls, start = _dying_starts(deaths=2)
    monkeypatch.setattr(nbval_kernels, "_start_new_kernel", start)
    with pytest.raises(RuntimeError, match=r"(?s)\(twice\).*Address already in use \(start 2\)"):
        nbval.kernel.start_new_kernel(kernel_name="python3")
    assert len(calls) == 2

"""A missing browser skips a browser test on a laptop, and fails it under CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.jupyter_servers import require

NOWHERE = Path("/nonexistent/chromium")


def test_missing_browser_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require(NOWHERE, "apt-get install chromium")


def test_missing_browser_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="/nonexistent/chromium is missing"):
        require(NOWHERE, "apt-get install chromium")

"""All three tabs of the seed, verbatim, against ``serve()`` in this process (issue 9, item 3).

Only ``<DEPLOYMENT_URL>`` (and cURL's ``<THREAD_ID>``) are filled in; each prints what the
seed says it prints (with today's interrupt shape: ``id`` and ``response_schema``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.http.conftest import run_curl_tab, run_js_tab, run_python_tab
from tests.http.seed_tabs import INTERRUPT_PRINTED


@pytest.mark.anyio
async def test_python_tab(served: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = await run_python_tab(served.url, served.token, monkeypatch)
    assert re.fullmatch(INTERRUPT_PRINTED, first), first
    assert second == "{'some_text': 'Edited text'}"


def test_javascript_tab(served: Any, js_sdk: Path, tmp_path: Path) -> None:
    printed = run_js_tab(js_sdk, served.url, served.token, tmp_path)
    # console.log of the interrupt list, then of the final values (Node's inspect format).
    assert re.fullmatch(
        r"\[\s*\{\s*value: \{ text_to_revise: 'original text' \},\s*id: '[0-9a-f]{32}',\s*"
        r"response_schema: null\s*\}\s*\]\n\{ some_text: 'Edited text' \}\n",
        printed,
    ), printed


def test_curl_tab(served: Any) -> None:
    thread, first, resumed = run_curl_tab(served.url, served.token)
    assert thread["status"] == "idle"
    [interrupt] = first["__interrupt__"]
    assert interrupt["value"] == {"text_to_revise": "original text"}
    assert first["some_text"] == "original text"
    assert resumed == {"some_text": "Edited text"}

"""The server's timestamp and id formats, made cheaply."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

import pytest

from hitl_widgets.runtime import clock
from hitl_widgets.runtime.ids import new_id


def test_now_is_the_servers_iso_format_in_utc() -> None:
    before = datetime.now(UTC)
    stamp = clock.now()
    after = datetime.now(UTC)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", stamp)
    assert before <= datetime.fromisoformat(stamp) <= after


@pytest.mark.parametrize(
    ("t", "text"),
    [
        (1_795_000_000.0, "2026-11-18T11:06:40.000000+00:00"),  # isoformat would drop ".000000"
        (1_795_000_000.5, "2026-11-18T11:06:40.500000+00:00"),
        (1_795_000_061.25, "2026-11-18T11:07:41.250000+00:00"),  # the next minute, reformatted
    ],
)
def test_now_keeps_six_digits_and_follows_the_second(monkeypatch: pytest.MonkeyPatch, t: float,
                                                     text: str) -> None:
    monkeypatch.setattr(time, "time", lambda: t)
    assert clock.now() == text


def test_new_id_is_a_random_version_4_uuid() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    for text in list(ids)[:50]:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)

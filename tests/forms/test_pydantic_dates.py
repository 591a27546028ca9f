"""Date-time and time answers: the form takes what pydantic (the graph's validator) emits."""

from __future__ import annotations

import datetime

from pydantic import BaseModel

from hitl_widgets.forms import InterruptForm


class Meeting(BaseModel):
    at: datetime.datetime
    starts: datetime.time


def _answer_through_form(meeting: Meeting) -> Meeting:
    form = InterruptForm({"value": "when?", "id": "m",
                          "response_schema": Meeting.model_json_schema()})
    form.value = meeting.model_dump(mode="json")
    assert form.errors == []
    sent = form.submit()
    assert sent is not None
    return Meeting.model_validate(sent["m"])


def test_a_naive_datetime_round_trips() -> None:
    naive = Meeting(at=datetime.datetime(2026, 11, 26, 10, 0), starts=datetime.time(9, 30))
    assert naive.model_dump(mode="json")["at"] == "2026-11-26T10:00:00"
    assert _answer_through_form(naive) == naive


def test_an_offset_datetime_round_trips() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    aware = Meeting(at=datetime.datetime(2026, 11, 26, 10, 0, tzinfo=plus_two),
                    starts=datetime.time(9, 30, tzinfo=plus_two))
    assert _answer_through_form(aware) == aware

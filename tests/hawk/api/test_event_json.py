"""The events' JSON (hawk.api.event_json): the values json.dumps with Django's encoder wrote,
whatever the event holds."""

import datetime
import json
import uuid
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

from hawk.api.event_json import event_json
from hawk.api.sse import sse_frame, sse_frames


def as_django_wrote(event: dict) -> object:
    return json.loads(json.dumps(event, cls=DjangoJSONEncoder))


EVENT = {
    "event": "hawk_facts",
    "run_id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "facts": {"available": Decimal("418618000.0000"), "rows": [1, 2.5, None, True, "ORD-1"]},
    "at": datetime.datetime(2026, 12, 7, 3, 4, 5, 678901, tzinfo=datetime.UTC),
    "day": datetime.date(2026, 11, 20),
    "counts": {2026: "a year as a key"},
    "text": "CNY 150,000.00 — «PASS»\n",
}


def test_the_values_are_those_django_wrote():
    assert json.loads(event_json(EVENT)) == as_django_wrote(EVENT)
    assert json.loads(event_json(EVENT))["at"] == "2026-12-07T03:04:05.678Z"


def test_an_integer_past_64_bits_is_written_whole():
    event = {"event": "x", "n": 2**70}
    assert json.loads(event_json(event)) == {"event": "x", "n": 2**70}


def test_a_batch_is_its_frames_in_order():
    second = {"event": "message", "answer": "b"}
    assert sse_frames([EVENT, second]) == sse_frame(EVENT) + sse_frame(second)
    assert sse_frames(None) == b": ping\n\n"

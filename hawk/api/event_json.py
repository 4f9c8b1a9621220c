"""The JSON of the events sent to clients, SSE frames and WebSocket messages alike: orjson,
with Django's encoder for what orjson leaves to it (decimals, dates and times as Django writes
them), so the values are those json.dumps with DjangoJSONEncoder wrote, at a fraction of the
CPU (JSON was about 5% of a loaded worker's time). Only the spacing differs: none between
items."""

import json
from typing import Any

import orjson
from django.core.serializers.json import DjangoJSONEncoder

_DJANGO = DjangoJSONEncoder()
# Keys that are not strings become strings, as json.dumps makes them; dates, times and
# dataclasses go to Django's encoder, as they did.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def event_json(event: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(event, default=_DJANGO.default, option=_OPTIONS)
    except orjson.JSONEncodeError:  # an integer past 64 bits: json writes it as it is
        return json.dumps(event, cls=DjangoJSONEncoder).encode()

"""Server-sent events framing of a run: one `data: {json}` frame per event, never wrapped
twice, and a `: ping` comment whenever nothing was sent for PING_SECONDS (run_as_events).
When the client goes, Django cancels this iterator, which cancels the run."""

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from hawk.pipeline.run import RunRequest, run_as_events
from hawk.telemetry import metrics

PING_FRAME = b": ping\n\n"

Events = AsyncIterator[dict[str, Any] | None]


def sse_frame(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, cls=DjangoJSONEncoder).encode() + b"\n\n"


async def first_event(run: RunRequest) -> tuple[dict[str, Any] | None, Events]:
    """The run's first event (None: a keep-alive came first) and the rest. The response's
    status waits for it: a run that fails at once (the database down) is an error response,
    not a 200 stream holding one error."""
    events = aiter(run_as_events(run))
    return await anext(events, None), events


async def sse_stream(first: dict[str, Any] | None, events: Events, *, started: float) -> Any:
    """The frames of a run whose first event was taken already (first_event)."""
    if first is not None:
        metrics.FIRST_EVENT_SECONDS.labels("http").observe(time.perf_counter() - started)
        yield sse_frame(first)
    else:
        yield PING_FRAME
    async for event in events:
        yield PING_FRAME if event is None else sse_frame(event)

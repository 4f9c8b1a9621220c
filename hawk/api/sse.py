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


def sse_frame(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, cls=DjangoJSONEncoder).encode() + b"\n\n"


async def sse_stream(run: RunRequest, *, channel: str = "http") -> AsyncIterator[bytes]:
    started, first = time.perf_counter(), True
    async for event in run_as_events(run):
        if event is None:
            yield PING_FRAME
            continue
        if first:
            metrics.FIRST_EVENT_SECONDS.labels(channel).observe(time.perf_counter() - started)
            first = False
        yield sse_frame(event)

"""Server-sent events framing of a run: one `data: {json}` frame per event, never wrapped
twice, and a `: ping` comment whenever nothing was sent for PING_SECONDS (run_as_events).
When the client goes, Django cancels this iterator, which cancels the run."""

import time
from collections.abc import AsyncIterator
from typing import Any

from hawk.api.event_json import event_json
from hawk.pipeline.run import RunRequest, run_as_event_batches
from hawk.telemetry import metrics

PING_FRAME = b": ping\n\n"

Batch = list[dict[str, Any]]
Batches = AsyncIterator[Batch | None]


def sse_frame(event: dict[str, Any]) -> bytes:
    return b"data: " + event_json(event) + b"\n\n"


def sse_frames(batch: Batch | None) -> bytes:
    """The frames of events that were ready together, written as one piece (one send, one
    write to the socket); a keep-alive for None."""
    return PING_FRAME if batch is None else b"".join(sse_frame(event) for event in batch)


async def first_event(run: RunRequest) -> tuple[Batch | None, Batches]:
    """The run's first batch of events (None: a keep-alive came first) and the rest. The
    response's status waits for it: a run that fails at once (the database down) is an error
    response, not a 200 stream holding one error."""
    batches = aiter(run_as_event_batches(run))
    return await anext(batches, None), batches


async def sse_stream(first: Batch | None, batches: Batches, *, started: float) -> Any:
    """The frames of a run whose first batch was taken already (first_event)."""
    if first is not None:
        metrics.FIRST_EVENT_SECONDS.labels("http").observe(time.perf_counter() - started)
    yield sse_frames(first)
    async for batch in batches:
        yield sse_frames(batch)

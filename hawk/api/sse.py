"""Server-sent events framing of a run: one `data: {json}` frame per event, never wrapped
twice, and a `: ping` comment whenever nothing was sent for PING_SECONDS.

The run is produced by its own task into a queue, so waiting for the next event with a timeout
(for the pings) never cancels the run. When the client goes, Django cancels this iterator; the
finally block then cancels the run, which records itself as cancelled.
"""

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from hawk.pipeline.run import control as run_control
from hawk.pipeline.run.service import RunRequest, error_event, run_events
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

PING_SECONDS = 15.0
PING_FRAME = b": ping\n\n"
_DONE = object()


def sse_frame(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, cls=DjangoJSONEncoder).encode() + b"\n\n"


async def _produce(run: RunRequest, queue: asyncio.Queue) -> None:
    try:
        async for event in run_events(run):
            queue.put_nowait(event)
            # Let the reader send it now: the run's next step may not wait on anything.
            await asyncio.sleep(0)
    except asyncio.CancelledError:
        queue.put_nowait(error_event(run, "cancelled", "the run was stopped", 499))
        raise
    finally:
        queue.put_nowait(_DONE)


async def run_as_events(
    run: RunRequest, *, ping_seconds: float | None = None
) -> AsyncIterator[dict[str, Any] | None]:
    """The run's events; None where a keep-alive is due (every PING_SECONDS, read at call
    time so that it can be changed). Shared by SSE and WebSocket."""
    ping_seconds = PING_SECONDS if ping_seconds is None else ping_seconds
    queue: asyncio.Queue = asyncio.Queue()
    producer = asyncio.create_task(_produce(run, queue))
    run_control.register(run.run_id, producer)
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), timeout=ping_seconds)
            except TimeoutError:
                yield None
                continue
            if item is _DONE:
                return
            yield item
    finally:
        run_control.unregister(run.run_id)
        if not producer.done():
            producer.cancel()
            await asyncio.wait([producer], timeout=10)


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

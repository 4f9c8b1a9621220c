"""A run as a queue of events with keep-alives: the run is produced by its own task into a
queue, so waiting for the next event with a timeout (for the keep-alives) never cancels the
run. Shared by SSE and WebSocket; when the transport's reader goes, the run is cancelled and
records itself as cancelled."""

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from hawk.pipeline.run import control, drain
from hawk.pipeline.run.request import RunRequest, error_event, event
from hawk.pipeline.run.stages import run_events

PING_SECONDS = 15.0
_DONE = object()


async def _produce(run: RunRequest, queue: asyncio.Queue) -> None:
    try:
        # The reader takes what is queued at its next turn on the loop (the run's next wait):
        # events made back to back (a replayed answer's pieces) go out together.
        async for event in run_events(run):
            queue.put_nowait(event)
    except asyncio.CancelledError:
        queue.put_nowait(_cancelled_event(run, control.take_reason(run.run_id)))
        raise
    finally:
        queue.put_nowait(_DONE)


def _cancelled_event(run: RunRequest, reason: str) -> dict[str, Any]:
    if reason == drain.CODE:  # cut by a drain: the client should send the prompt again
        return event(
            "error",
            run,
            code=drain.CODE,
            message=drain.MESSAGE,
            status=503,
            retry_after=drain.RETRY_AFTER_SECONDS,
        )
    return error_event(run, "cancelled", "the run was stopped", 499)


async def run_as_events(
    run: RunRequest, *, ping_seconds: float | None = None
) -> AsyncIterator[dict[str, Any] | None]:
    """The run's events one by one; None where a keep-alive is due (run_as_event_batches)."""
    async with contextlib.aclosing(run_as_event_batches(run, ping_seconds=ping_seconds)) as batches:
        async for batch in batches:
            if batch is None:
                yield None
                continue
            for item in batch:
                yield item


async def run_as_event_batches(
    run: RunRequest, *, ping_seconds: float | None = None
) -> AsyncGenerator[list[dict[str, Any]] | None, None]:
    """The run's events, every event queued by the time the reader comes in one batch (SSE
    writes a batch as one piece); None where a keep-alive is due (every PING_SECONDS, read at
    call time so that it can be changed). Shared by SSE and WebSocket."""
    ping_seconds = PING_SECONDS if ping_seconds is None else ping_seconds
    queue: asyncio.Queue = asyncio.Queue()
    producer = asyncio.create_task(_produce(run, queue))
    control.register(run.run_id, producer)
    try:
        while True:
            if queue.empty():
                try:
                    # asyncio.timeout, not wait_for: Python 3.11's wait_for starts a task for
                    # each wait (about ten a run).
                    async with asyncio.timeout(ping_seconds):
                        items = [await queue.get()]
                except TimeoutError:
                    yield None
                    continue
            else:
                items = []
            while not queue.empty():
                items.append(queue.get_nowait())
            done = any(item is _DONE for item in items)
            if batch := [item for item in items if item is not _DONE]:
                yield batch
            if done:
                return
    finally:
        control.unregister(run.run_id)
        if not producer.done():
            producer.cancel()
            await asyncio.wait([producer], timeout=10)

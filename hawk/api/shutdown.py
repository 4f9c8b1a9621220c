"""Draining on SIGTERM, so that a rolling restart drops no stream.

uvicorn on SIGTERM closes its listening socket at once and then waits for the connections: a
proxy would still send new requests there until its next failed check, and every one would be
refused. So the app installs its own SIGTERM handler at ASGI lifespan start-up (in front of
uvicorn's) and drains first:

1. at once: /health/ready answers 503 and new prompts are refused with 503 `server_restarting`
   (hawk.pipeline.run.drain); everything else is still served;
2. the streams in flight may finish, for up to HAWK_DRAIN_SECONDS; the worker keeps listening
   for at least HAWK_DRAIN_NOTICE_SECONDS, so that the proxy has seen it not ready;
3. the runs still streaming are cut (an `error` event `server_restarting`, recorded
   `cancelled`) and, once they have recorded themselves, uvicorn's own handler is called: it
   closes the socket, closes the WebSockets (1012) and runs the lifespan shutdown.

A second SIGTERM during the drain goes to uvicorn's handler at once.
"""

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings

from hawk.pipeline.run import drain

logger = logging.getLogger(__name__)

# Seconds the cut runs get to record themselves and send their last event.
CUT_GRACE_SECONDS = 5.0
_POLL_SECONDS = 0.05


def install_drain_hook() -> None:
    """In front of whatever handles SIGTERM now (uvicorn's handler); called on the event loop
    at lifespan start-up. Only the main thread may set a signal handler: elsewhere (a server
    that runs the app in a thread) nothing is installed."""
    if threading.current_thread() is not threading.main_thread():
        logger.info("no drain on SIGTERM: the app does not run in the main thread")
        return
    loop = asyncio.get_running_loop()
    previous = signal.getsignal(signal.SIGTERM)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        if drain.draining():  # a second SIGTERM: stop now
            _chain(previous, signum, frame)
            return
        drain.start_draining()  # ready is false from this instant
        logger.warning("SIGTERM: draining (%d run(s) in flight)", drain.runs_in_flight())
        loop.call_soon_threadsafe(_start_drain, lambda: _chain(previous, signum, None))

    signal.signal(signal.SIGTERM, on_sigterm)


_drain_task: asyncio.Task | None = None  # kept: the loop holds its tasks weakly


def _start_drain(then: Callable[[], None]) -> None:
    global _drain_task
    _drain_task = asyncio.ensure_future(drain_then(then))


async def drain_then(then: Callable[[], None]) -> None:
    """Steps 2 and 3 above, then `then()` (uvicorn's shutdown)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    limit, notice = settings.HAWK_DRAIN_SECONDS, settings.HAWK_DRAIN_NOTICE_SECONDS
    try:
        while loop.time() - started < limit:
            if drain.runs_in_flight() == 0 and loop.time() - started >= notice:
                break
            await asyncio.sleep(_POLL_SECONDS)
        if drain.runs_in_flight():
            drain.cut_runs_in_flight()
            cut_at = loop.time()
            while drain.runs_in_flight() and loop.time() - cut_at < CUT_GRACE_SECONDS:
                await asyncio.sleep(_POLL_SECONDS)
            # The transports send the last event (server_restarting) on the next turns.
            await asyncio.sleep(0.2)
        logger.warning("drained in %.1f s: shutting down", loop.time() - started)
    finally:
        then()


def _chain(previous: Any, signum: int, frame: FrameType | None) -> None:
    """Hand the signal to the handler that was there before ours."""
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

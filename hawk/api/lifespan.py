"""The ASGI lifespan of a worker process: at start-up, in live mode, the HAWK database is
checked against the models (a mismatch stops the worker, naming every column) and the change
feed's listener or slot reader starts, and the runs' heartbeat and sweep (liveness), and SIGTERM
starts a drain (hawk.api.shutdown); at shutdown they stop and the worker's live gauges are
forgotten."""

import asyncio
import logging
from typing import Any

from hawk.api.shutdown import install_drain_hook
from hawk.database.routers import live_mode
from hawk.database.schema import check_hawk_schema
from hawk.database.threads import call_and_release
from hawk.datacache.changefeed.listener import start_listener, stop_listener
from hawk.datacache.changefeed.reader import start_reader, stop_reader
from hawk.pipeline.run.liveness import start_heartbeat, stop_heartbeat
from hawk.telemetry.lifespan import forget_live_gauges

logger = logging.getLogger(__name__)


def start_worker() -> None:
    if live_mode():
        call_and_release(check_hawk_schema)
    start_listener()
    start_reader()
    start_heartbeat()


def stop_worker() -> None:
    stop_heartbeat()
    stop_listener()
    stop_reader()
    forget_live_gauges()


async def lifespan(scope: dict[str, Any], receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await asyncio.to_thread(start_worker)
            except Exception as exc:
                logger.error("start-up failed: %s", exc)
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            install_drain_hook()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await asyncio.to_thread(stop_worker)
            await send({"type": "lifespan.shutdown.complete"})
            return

"""The WebSocket client side of the streaming tests: a connected (and authenticated) socket,
sending, receiving with a bound, and the conditions a run's events are read until. A support
module, not a test module."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PATH = "/ws/hawk-agent/"
ANGULAR_ORIGIN = "http://localhost:4200"
WAIT = 5  # seconds for any one message; a hang fails the test instead of blocking it
Events = list[dict[str, Any]]


@asynccontextmanager
async def socket(
    url: str, token: str | None = None, *, origin: str | None = ANGULAR_ORIGIN, cookie: str = ""
) -> AsyncIterator[ClientConnection]:
    """A connected socket, authenticated with `token` when given; closed on the way out."""
    headers = {"Cookie": cookie} if cookie else None
    async with connect(
        url, origin=origin, additional_headers=headers, open_timeout=WAIT, close_timeout=WAIT
    ) as ws:
        if token is not None:
            await ws.send(json.dumps({"type": "auth", "token": token}))
            assert (await receive(ws))["event"] == "hawk_authenticated"
        yield ws


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def receive(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), WAIT))


async def receive_until(ws: ClientConnection, done: Callable[[Events], bool]) -> Events:
    """Events until one for which `done(events_so_far)` is true."""
    events: Events = []
    while not done(events):
        events.append(await receive(ws))
    return events


def run_ended(events: Events) -> bool:
    return bool(events) and events[-1]["event"] in {"message_end", "error"}


def answering(parts: int) -> Callable[[Events], bool]:
    return lambda events: sum(event["event"] == "message" for event in events) >= parts

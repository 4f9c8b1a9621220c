"""Helpers of the streaming tests: reading a server-sent event stream as a client does."""

import json
from collections.abc import Iterator
from typing import Any

import httpx

PING = ": ping"


def read_frames(response: httpx.Response) -> Iterator[str]:
    """The frames of the stream: the text between blank lines."""
    buffer = ""
    for text in response.iter_text():
        buffer += text
        *frames, buffer = buffer.split("\n\n")
        yield from frames
    assert buffer == "", f"the stream ended inside a frame: {buffer[:80]!r}"


def parse_frame(frame: str) -> dict[str, Any] | None:
    """The event of a data frame; None for a ping. Anything else fails the test."""
    if frame == PING:
        return None
    assert not frame.startswith("data: data:"), "an event wrapped twice"
    assert frame.startswith("data: {") and "\n" not in frame, frame[:120]
    return json.loads(frame.removeprefix("data: "))

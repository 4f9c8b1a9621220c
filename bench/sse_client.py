"""A lean HTTP/1.1 client for the latency benchmark's SSE runs (bench/latency.py).

The benchmark's client shares the machine's two cores with the servers it measures, so every
millisecond of its CPU is one the servers do not get. httpx spends about 3 ms of CPU per
streamed run (its connection pool, header models, line decoding): at 120 runs/s a third of a
core. A browser's fetch or EventSource does this in native code. This client does only what
a run needs: keep-alive connections per user (one per run at a time), the request written in
one piece, the status line and headers, chunked or Content-Length bodies, and SSE `data:`
lines, each handed over as the bytes of one JSON event. Both trees of a side-by-side run are
measured with it.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
# uvicorn closes a keep-alive connection idle for 5 s (--timeout-keep-alive): one idle for
# longer than this is closed here instead of being sent a request the server may never read.
IDLE_SECONDS = 2.0


class HttpError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class SseClient:
    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.head = (
            f"Host: {self.host}:{self.port}\r\nAuthorization: Token {token}\r\n"
            "Accept: text/event-stream\r\nContent-Type: application/json\r\n"
        )
        self.idle: list[tuple[float, Connection]] = []  # (since, connection), newest last

    async def events(self, path: str, body: dict[str, Any]) -> AsyncIterator[bytes]:
        """POST `body` to `path`; yields each `data:` payload. Read it to the end: the
        connection goes back to the idle ones only then; one left early (a timeout, an error
        status) is closed."""
        reader, writer = await self._connection()
        done = False
        try:
            payload = json.dumps(body).encode()
            request = f"POST {path} HTTP/1.1\r\n{self.head}Content-Length: {len(payload)}\r\n\r\n"
            writer.write(request.encode() + payload)
            status, headers = await _read_head(reader)
            if status != 200:
                raise HttpError(status)  # the connection is closed, its body unread
            pending = b""
            async for piece in _read_body(reader, headers):
                pending += piece
                *frames, pending = pending.split(b"\n\n")
                for frame in frames:
                    for line in frame.split(b"\n"):
                        if line.startswith(b"data: "):
                            yield line[6:]
            done = headers.get(b"connection", b"").lower() != b"close"
        finally:
            if done:
                self.idle.append((time.monotonic(), (reader, writer)))
            else:
                writer.close()

    async def _connection(self) -> Connection:
        """The most recently used idle connection that is fresh, else a new one."""
        while self.idle:
            since, (reader, writer) = self.idle.pop()
            if time.monotonic() - since < IDLE_SECONDS and not reader.at_eof():
                return reader, writer
            writer.close()
        return await asyncio.open_connection(self.host, self.port)

    async def aclose(self) -> None:
        for _, (_, writer) in self.idle:
            writer.close()
        self.idle.clear()


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[bytes, bytes]]:
    block = await reader.readuntil(b"\r\n\r\n")
    status_line, *lines = block[:-4].split(b"\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split(b" ", 2)[1]), headers


async def _read_body(
    reader: asyncio.StreamReader, headers: dict[bytes, bytes]
) -> AsyncIterator[bytes]:
    """The body's pieces as they arrive, to its end (chunked or Content-Length)."""
    if headers.get(b"transfer-encoding", b"").lower() != b"chunked":
        yield await reader.readexactly(int(headers.get(b"content-length", b"0")))
        return
    while True:
        size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";", 1)[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers are sent: the blank line
            return
        piece = await reader.readexactly(size + 2)
        yield piece[:-2]

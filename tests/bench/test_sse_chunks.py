"""The lean SSE client's decoding, against a stand-in that cuts chunks mid-frame."""

import asyncio
import json

from bench.sse_client import SseClient

EVENTS = [
    {"event": "hawk_plan", "n": 1},
    {"event": "message", "answer": "a\nb"},
    {"event": "message_end"},
]


def frames() -> bytes:
    return b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in EVENTS) + b": ping\n\n"


async def serve_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    body = frames()
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n")
    writer.write(b"transfer-encoding: chunked\r\n\r\n")
    for start in range(0, len(body), 7):  # chunks of 7 bytes: frames cut anywhere
        piece = body[start : start + 7]
        writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    writer.write(b"0\r\n\r\n")
    await writer.drain()


def test_frames_cut_across_chunks_come_whole_and_the_connection_is_kept():
    async def run() -> tuple[list[dict], int]:
        server = await asyncio.start_server(serve_once, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = SseClient(f"http://127.0.0.1:{port}", "token")
        events = [json.loads(data) async for data in client.events("/x", {"a": 1})]
        idle = len(client.idle)
        await client.aclose()
        server.close()
        return events, idle

    events, idle = asyncio.run(run())
    assert events == EVENTS
    assert idle == 1

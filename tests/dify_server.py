"""A stand-in for Dify's Service API on 127.0.0.1: real HTTP, Dify's protocol (design/DIFY.md).

Tests choose its behaviour with `server.scenario` (and the knobs next to it; `stop_delay` makes
POST .../stop answer that many seconds late, as a busy Dify does) and assert on what it
recorded: `requests` (headers without Authorization), `stopped_tasks`, `aborted_streams`.

Scenarios of POST /v1/chat-messages:
  normal            answers with pings between them, then message_end
  answer            `answers` one by one, `delay` seconds apart, then message_end
  agent             agent_thought and agent_message events, then message_end
  chatflow          workflow and node events around the answers; `end_first` orders message_end
                    before workflow_finished
  replace           answers, then message_replace, then message_end
  bad_json          a frame that is not JSON among the answers
  error_mid_stream  answers, then an `error` event and no message_end (HTTP stays 200)
  error_first       an `error` event before any answer
  no_end            answers, then the end of the stream without message_end
  drop              answers, then the socket is cut mid-body
  stall             answers, then nothing more (the connection stays open, silent)
  slow              a chunk every `delay` (default 0.05) seconds, up to 2,000; once the task is
                    stopped, ends with message_end and its usage as Dify does (or, with
                    `after_stop = "silent"`, sends nothing more: a Dify that hangs), or when the
                    client leaves
  hang              reads the request and never answers
  http_401          401 unauthorized whatever the key
  http_429/http_500 the first `failures` requests fail (429 with Retry-After: 0), then normal
"""

import json
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# Made up per test session: the stand-in accepts it; no real key is ever in the repository.
API_KEY = "app-standin-" + secrets.token_hex(8)
USAGE = {
    "prompt_tokens": 1033,
    "prompt_unit_price": "0.001",
    "prompt_price_unit": "0.001",
    "prompt_price": "0.0010330",
    "completion_tokens": 135,
    "completion_unit_price": "0.002",
    "completion_price_unit": "0.001",
    "completion_price": "0.0002700",
    "total_tokens": 1168,
    "total_price": "0.0013030",
    "currency": "USD",
    "latency": 0.768,
}
DROP = "drop"  # a frame marker: cut the connection here
STALL = "stall"  # a frame marker: send nothing more until the stand-in stops
PING = "ping"
BAD_JSON = "bad_json"
Frame = dict[str, Any] | str


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    authorized: bool


class DifyStandIn:
    def __init__(self, api_keys: tuple[str, ...] = (API_KEY,)) -> None:
        self.api_keys = set(api_keys)
        self.scenario = "normal"
        # True to the facts of the tests' usual prompt (tests/live.py PROMPT), so that the
        # answer check finds nothing wrong in it.
        self.answers = ["Capacity ", "for CNY 150,000.00 ", "is ample: PASS."]
        self.delay = 0.0
        self.stop_delay = 0.0
        self.failures = 1
        self.end_first = False
        self.after_stop = "end"  # "end": message_end with usage, as Dify; "silent": nothing
        self.requests: list[RecordedRequest] = []
        self.stopped_tasks: list[tuple[str, str]] = []
        self.aborted_streams = 0
        self.message_ids: set[str] = set()
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.standin = self  # type: ignore[attr-defined]
        self.port = self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        thread.start()

    def stop(self) -> None:
        self.closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat-messages"]

    def take_failure(self) -> bool:
        """True while the failing scenarios still have failures to give."""
        with self.lock:
            if self.failures <= 0:
                return False
            self.failures -= 1
            return True

    def stop_requested(self, task_id: str) -> bool:
        with self.lock:
            return any(task == task_id for task, _ in self.stopped_tasks)


class _Frames:
    """The frames of one streamed answer, each with the ids Dify would put in it."""

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        self.message_id = str(uuid.uuid4())
        self.task_id = str(uuid.uuid4())
        self.workflow_run_id = str(uuid.uuid4())

    def chunk(self, event: str, **fields: Any) -> dict[str, Any]:
        return {
            "event": event,
            "conversation_id": self.conversation_id,
            "message_id": self.message_id,
            "created_at": int(time.time()),
            "task_id": self.task_id,
            **fields,
        }

    def answer(self, text: str, event: str = "message") -> dict[str, Any]:
        return self.chunk(event, id=self.message_id, answer=text)

    def end(self) -> dict[str, Any]:
        metadata = {"usage": USAGE, "retriever_resources": []}
        return self.chunk("message_end", id=self.message_id, metadata=metadata, files=[])

    def error(self, message: str) -> dict[str, Any]:
        # Dify's error event has no task_id (DIFY.md §1).
        frame = self.chunk("error", code="completion_request_error", status=400, message=message)
        del frame["task_id"]
        return frame

    def workflow(self, event: str, **data: Any) -> dict[str, Any]:
        data = {"id": str(uuid.uuid4()), "created_at": int(time.time()), **data}
        return {**self.chunk(event), "workflow_run_id": self.workflow_run_id, "data": data}


def _scenario_frames(standin: DifyStandIn, frames: _Frames) -> Iterator[Frame]:
    scenario, answers = standin.scenario, standin.answers
    if scenario == "normal":
        yield PING
        for text in answers:
            yield frames.answer(text)
            yield PING
    elif scenario == "agent":
        yield frames.chunk("agent_thought", id="t1", position=1, thought="", tool="capacity")
        yield from (frames.answer(text, "agent_message") for text in answers)
        yield frames.chunk("agent_thought", id="t1", position=1, thought="done", observation="")
    elif scenario == "chatflow":
        yield from _chatflow_frames(standin, frames)
        return
    elif scenario == "error_first":
        pass
    elif scenario == "slow":
        yield from _slow_frames(standin, frames)
        return
    else:
        yield from (frames.answer(text) for text in answers)
    yield from _scenario_tail(scenario, frames)


def _scenario_tail(scenario: str, frames: _Frames) -> Iterator[Frame]:
    if scenario in {"error_mid_stream", "error_first"}:
        yield frames.error("[models] Error: upstream model unavailable")
    elif scenario == "drop":
        yield DROP
    elif scenario == "stall":
        yield STALL
    elif scenario == "replace":
        yield frames.chunk("message_replace", answer="[redacted by moderation]", reason="")
        yield frames.end()
    elif scenario == "bad_json":
        yield BAD_JSON
        yield frames.end()
    elif scenario != "no_end":
        yield frames.end()


def _chatflow_frames(standin: DifyStandIn, frames: _Frames) -> Iterator[Frame]:
    yield frames.workflow("workflow_started", workflow_id="wf-1", inputs={})
    yield frames.workflow("node_started", node_id="llm", node_type="llm", title="LLM", index=1)
    selector = {"from_variable_selector": ["llm", "text"]}
    yield from (frames.answer(text) | selector for text in standin.answers)
    yield frames.workflow("node_finished", node_id="llm", status="succeeded", outputs={})
    finished = frames.workflow("workflow_finished", status="succeeded", total_tokens=1168)
    yield from (frames.end(), finished) if standin.end_first else (finished, frames.end())


def _slow_frames(standin: DifyStandIn, frames: _Frames) -> Iterator[Frame]:
    for number in range(2000):
        if standin.stop_requested(frames.task_id):
            if standin.after_stop == "silent":
                yield STALL
                return
            break  # Dify ends a stopped task like a finished one, with message_end
        yield frames.answer(f"part {number} ")
    yield frames.end()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as Dify behind nginx

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the tests assert on the recorded requests instead

    @property
    def standin(self) -> DifyStandIn:
        return self.server.standin  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        body, authorized = self._record()
        if self.standin.scenario == "http_401" or not authorized:
            return self._send_error(401, "unauthorized", "Access token is invalid")
        if not isinstance(body, dict):
            message = "Invalid JSON payload received or JSON payload is empty."
            return self._send_error(400, "invalid_param", message)
        if not body.get("user"):
            return self._send_error(400, "invalid_param", "Arg user must be provided.")
        if self.path == "/v1/chat-messages":
            return self._chat(body)
        if match := re.fullmatch(r"/v1/chat-messages/([^/]+)/stop", self.path):
            with self.standin.lock:
                self.standin.stopped_tasks.append((match[1], body["user"]))
            self.standin.closing.wait(self.standin.stop_delay)
            return self._send_json(200, {"result": "success"})
        if match := re.fullmatch(r"/v1/messages/([^/]+)/feedbacks", self.path):
            if match[1] not in self.standin.message_ids:
                return self._send_error(404, "not_found", "Message Not Exists.")
            return self._send_json(200, {"result": "success"})
        return self._send_error(404, "not_found", "The requested URL was not found.")

    def _record(self) -> tuple[Any, bool]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        recorded = RecordedRequest("POST", self.path, headers, body, token in self.standin.api_keys)
        with self.standin.lock:
            self.standin.requests.append(recorded)
        return body, recorded.authorized

    def _chat(self, body: dict[str, Any]) -> None:
        standin = self.standin
        status = {"http_429": 429, "http_500": 500}.get(standin.scenario)
        if status and standin.take_failure():
            if status == 429:
                message = "Too many requests. Please try again later."
                return self._send_error(429, "too_many_requests", message, {"Retry-After": "0"})
            return self._send_error(500, "internal_server_error", "Internal Server Error")
        conversation_id = body.get("conversation_id") or str(uuid.uuid4())
        try:
            uuid.UUID(conversation_id)
        except ValueError:
            return self._send_error(400, "invalid_param", "conversation_id must be a valid UUID")
        if standin.scenario == "hang":
            standin.closing.wait(10)
            self.close_connection = True
            return None
        frames = _Frames(conversation_id)
        standin.message_ids.add(frames.message_id)
        return self._stream(_scenario_frames(standin, frames))

    def _stream(self, frames: Iterator[Frame]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        delay = self.standin.delay or (0.05 if self.standin.scenario == "slow" else 0.0)
        try:
            for frame in frames:
                if frame == DROP:
                    self.connection.shutdown(socket.SHUT_RDWR)  # no final chunk: a cut body
                    self.close_connection = True
                    return
                if frame == STALL:
                    self.standin.closing.wait(10)
                    self.close_connection = True
                    return
                self._write_chunk(_encode(frame))
                if delay:
                    self.standin.closing.wait(delay)
            self._write_chunk(b"")  # the zero-length chunk that ends the body
        except (BrokenPipeError, ConnectionResetError):
            with self.standin.lock:
                self.standin.aborted_streams += 1
            self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send_error(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_json(status, {"code": code, "message": message, "status": status}, headers)


def _encode(frame: Frame) -> bytes:
    if frame == PING:
        return b"event: ping\n\n"
    if frame == BAD_JSON:
        return b'data: {"event": "message", "answer": \n\n'
    return b"data: " + json.dumps(frame, ensure_ascii=False).encode() + b"\n\n"

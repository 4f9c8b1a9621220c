"""A stand-in for an OpenAI-compatible chat-completions endpoint on 127.0.0.1: real HTTP, the
streaming format of POST /v1/chat/completions (SSE `data:` chunks, usage in a final chunk with
empty choices when stream_options.include_usage is set, then `data: [DONE]`).

Tests choose its behaviour with `server.mode` and assert on what it recorded: `requests`
(headers without the key), `aborted_streams` (the client left mid-answer).

Modes:
  ok              answers from the facts of the user message (the decision and amount asked)
  no_usage        as ok, without the usage chunk (as many local servers do)
  http_429        429 rate_limit_exceeded before the first byte
  http_500        500 server_error before the first byte
  hang            reads the request and never answers
  drop            two answer chunks, then the socket is cut
  slow            a chunk every `delay` seconds until the client leaves
  paced           as ok, a chunk every `delay` seconds (an answer that takes a while to write)
  wrong_total     as ok, plus a total that is not in the facts
  wrong_decision  as ok, with the other decision
  unknown_entity  as ok, plus an entity the facts do not have
  hedging         as ok, in hedging language
`answers` (a list of pieces), when set, replaces the answer of any answering mode.
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
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "sk-standin-" + secrets.token_hex(8)
USAGE = {"prompt_tokens": 2100, "completion_tokens": 42, "total_tokens": 2142}
FLIPPED = {"PASS": "FAIL", "PARTIAL": "PASS", "FAIL": "PASS"}
EXTRA = {
    "wrong_total": "The total available capacity is 9,876,543.21.\n",
    "unknown_entity": "Most of it sits with ENTITY9999.\n",
    "hedging": "The available capacity is possibly around 418,618,000.00, but it is unclear.\n",
}
DROP = "drop"
PACED = {"slow", "paced"}  # the modes that wait `delay` seconds after each chunk


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: Any
    authorized: bool


class OpenAIStandIn:
    def __init__(self) -> None:
        self.mode = "ok"
        self.answers: list[str] | None = None
        self.delay = 0.05
        self.requests: list[RecordedRequest] = []
        self.aborted_streams = 0
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
        return [r for r in self.requests if r.path == "/v1/chat/completions"]


def grounded_answer(context: str, mode: str) -> list[str]:
    """An answer that states the decision and the amount of the facts (what a good model
    writes), changed as the mode asks."""
    decision = re.search(r'"decision": "(PASS|PARTIAL|FAIL)"', context)
    parameters = re.search(r"^Parameters: (\{.*\})$", context, re.M)
    asked = json.loads(parameters[1]) if parameters else {}
    if not decision or "amount" not in asked:
        return ["The facts are listed in the context.\n", EXTRA.get(mode, "")]
    stated = FLIPPED[decision[1]] if mode == "wrong_decision" else decision[1]
    amount = f"{Decimal(asked['amount']):,.2f}"
    return [f"## {asked.get('currency', '')} {amount}: ", f"{stated}\n", EXTRA.get(mode, "")]


class _Completion:
    """The chunks of one streamed completion."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.model = model

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return {**self._head(), "choices": [choice]}

    def usage(self) -> dict[str, Any]:
        return {**self._head(), "choices": [], "usage": USAGE}

    def _head(self) -> dict[str, Any]:
        head = {"id": self.id, "object": "chat.completion.chunk", "created": int(time.time())}
        return {**head, "model": self.model, "system_fingerprint": "fp_standin"}


def _frames(standin: OpenAIStandIn, body: dict[str, Any]) -> Iterator[dict[str, Any] | str]:
    completion = _Completion(str(body.get("model") or ""))
    yield completion.chunk({"role": "assistant", "content": ""})
    if standin.mode == "slow":
        yield from (completion.chunk({"content": f"part {n} "}) for n in range(2000))
    pieces = standin.answers or grounded_answer(body["messages"][-1]["content"], standin.mode)
    for number, piece in enumerate(filter(None, pieces)):
        if standin.mode == "drop" and number == 2:
            yield DROP
        yield completion.chunk({"content": piece})
    yield completion.chunk({}, finish_reason="stop")
    if (body.get("stream_options") or {}).get("include_usage") and standin.mode != "no_usage":
        yield completion.usage()
    yield "[DONE]"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def standin(self) -> OpenAIStandIn:
        return self.server.standin  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        body, authorized = self._record()
        if not authorized:
            return self._send_error(401, "invalid_api_key", "Incorrect API key provided")
        if self.path != "/v1/chat/completions":
            return self._send_error(404, "not_found", "Unknown request URL")
        if not isinstance(body, dict) or not body.get("messages"):
            return self._send_error(400, "invalid_request_error", "'messages' is required")
        mode = self.standin.mode
        if mode in {"http_429", "http_500"}:
            return self._fail(mode)
        if mode == "hang":
            self.standin.closing.wait(10)
            self.close_connection = True
            return None
        return self._stream(_frames(self.standin, body))

    def _fail(self, mode: str) -> None:
        if mode == "http_429":
            message = "Rate limit reached for requests"
            return self._send_error(429, "rate_limit_exceeded", message, "requests")
        return self._send_error(500, None, "The server had an error", "server_error")

    def _record(self) -> tuple[Any, bool]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        authorized = self.headers.get("Authorization", "") == f"Bearer {API_KEY}"
        headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        with self.standin.lock:
            self.standin.requests.append(RecordedRequest(self.path, headers, body, authorized))
        return body, authorized

    def _stream(self, frames: Iterator[dict[str, Any] | str]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for frame in frames:
                if frame == DROP:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self._write_chunk(_encode(frame))
                if self.standin.mode in PACED:
                    self.standin.closing.wait(self.standin.delay)
            self._write_chunk(b"")
        except (BrokenPipeError, ConnectionResetError):
            with self.standin.lock:
                self.standin.aborted_streams += 1
            self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _send_error(
        self, status: int, code: str | None, message: str, kind: str = "invalid_request_error"
    ) -> None:
        error = {"message": message, "type": kind, "param": None, "code": code}
        data = json.dumps({"error": error}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _encode(frame: dict[str, Any] | str) -> bytes:
    text = frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False)
    return b"data: " + text.encode() + b"\n\n"

"""The client side of the drain and rolling-restart tests: a streamed prompt over SSE, read to
its end, and what became of it. A support module, not a test module."""

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.live import PROMPT

PROCESS_PROMPT = "/hawk-agent/process-prompt"


@dataclass
class Streamed:
    """One streamed prompt as the client saw it."""

    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    body: Any = None  # the JSON of a response that was not a stream
    failure: str = ""  # the transport failed: refused, reset, a stream cut without its end

    @property
    def run_id(self) -> str:
        return self.events[0]["run_id"] if self.events else ""

    @property
    def messages(self) -> int:
        return sum(event["event"] == "message" for event in self.events)

    @property
    def outcome(self) -> str:
        """`completed` (message_end), `server_restarting` (the error event, or a 503 with that
        code before any stream), `broken` (anything else: the sign of a dropped stream)."""
        if self.failure:
            return "broken"
        if self.status == 503 and (self.body or {}).get("error", {}).get("code") == (
            "server_restarting"
        ):
            return "refused_restarting"
        last = self.events[-1] if self.events else {}
        if last.get("event") == "message_end":
            return "completed"
        if last.get("event") == "error" and last.get("code") == "server_restarting":
            return "server_restarting"
        return "broken"


async def stream_prompt(
    client: httpx.AsyncClient, into: Streamed | None = None, prompt: str = PROMPT
) -> Streamed:
    """POST process-prompt with `stream: true` and read every event; `into` is filled as the
    events come (a test watches it while the run streams)."""
    streamed = into or Streamed()
    body = {"user_prompt": prompt, "use_cache": False, "stream": True}
    try:
        async with client.stream("POST", PROCESS_PROMPT, json=body) as response:
            streamed.status, streamed.headers = response.status_code, dict(response.headers)
            if not response.headers.get("content-type", "").startswith("text/event-stream"):
                streamed.body = json.loads(await response.aread())
                return streamed
            async for line in response.aiter_lines():
                if line.startswith("data: "):
                    streamed.events.append(json.loads(line.removeprefix("data: ")))
    except httpx.HTTPError as exc:
        streamed.failure = f"{type(exc).__name__}: {exc}"
    return streamed

"""OpenAIClient: streamed chat completions (POST {base}/chat/completions) over httpx.

httpx, not the `openai` SDK: the stream is plain SSE (httpx-sse, as for Dify), the pooled
clients, timeouts and error mapping are the ones the Dify boundary already has, and the SDK's
own retries and timeouts would sit under the fallback chain, which is what decides the next
attempt. Closing the stream closes the connection: that is how a stop cancels the request.

Failures become AnalysisError with these codes (a 5xx or 429 status with nothing answered is
what the chain falls through on):
  connection_error 502  the endpoint could not be reached
  timeout          504  no connection, no first token or no end in time
  connection_lost  502  the connection broke during the answer
  stream_incomplete 502 the stream ended without finish_reason or [DONE]
  <the endpoint's error code or type>  with its HTTP status (429 rate limits, 5xx)
"""

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import EventSource, ServerSentEvent

from hawk.analysis.base import AnalysisChunk, AnalysisError
from hawk.analysis.http_clients import pooled_client
from hawk.analysis.openai_compat.config import OpenAIConfig

logger = logging.getLogger(__name__)

DONE = "[DONE]"
_MAX_ERROR_MESSAGE = 500


@dataclass
class StreamProgress:
    """What one completion stream has shown: its id, whether text went out (fallback versus
    error), its usage (the final chunk's, with stream_options.include_usage) and its end."""

    completion_id: str = ""
    answered: bool = False
    finished: bool = False
    done: bool = False
    usage: dict[str, Any] = field(default_factory=dict)

    def chunk_for(self, payload: dict[str, Any]) -> AnalysisChunk | None:
        if isinstance(payload.get("error"), dict):
            raise _error_from_body(payload, status=502, answered=self.answered)
        self.completion_id = self.completion_id or str(payload.get("id") or "")
        if isinstance(payload.get("usage"), dict):
            self.usage = payload["usage"]
        choices = payload.get("choices") or []
        choice = choices[0] if choices and isinstance(choices[0], dict) else {}
        self.finished = self.finished or bool(choice.get("finish_reason"))
        text = (choice.get("delta") or {}).get("content")
        if not isinstance(text, str) or not text:
            return None
        self.answered = True
        return AnalysisChunk("answer", text, message_id=self.completion_id)


class OpenAIClient:
    def __init__(self, *, config: OpenAIConfig) -> None:
        self.config = config

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return f"OpenAIClient(base_url={self.config.base_url!r}, model={self.config.model!r})"

    async def stream_chat(self, payload: dict[str, Any]) -> AsyncGenerator[AnalysisChunk, None]:
        """Answer chunks, then one end chunk whose usage is the server's (empty if it sent
        none). Raises AnalysisError; never retries (the chain does)."""
        loop = asyncio.get_running_loop()
        first_token_by = loop.time() + self.config.first_token_timeout
        deadline = loop.time() + self.config.run_deadline
        progress = StreamProgress()
        response = await self._open(payload, min(first_token_by, deadline))
        try:
            async with aclosing(EventSource(response).aiter_sse()) as events:
                while True:
                    by = deadline if progress.answered else min(first_token_by, deadline)
                    sse = await _next_event(events, by, progress)
                    if sse is None or sse.data.strip() == DONE:
                        break
                    chunk = progress.chunk_for(_decode(sse))
                    if chunk is not None:
                        yield chunk
        finally:
            await response.aclose()
        _check_complete(progress, ended=sse is not None)
        yield AnalysisChunk("end", message_id=progress.completion_id, usage=progress.usage)

    async def _open(self, payload: dict[str, Any], deadline: float) -> httpx.Response:
        http = pooled_client(self.config.base_url, max_connections=self.config.max_connections)
        request = http.build_request(
            "POST",
            "chat/completions",
            json=payload,
            headers=self.config.headers(),
            timeout=self.config.timeout(),
        )
        try:
            async with asyncio.timeout_at(deadline):
                response = await http.send(request, stream=True)
        except TimeoutError as exc:
            raise _timeout("no answer from the endpoint in time", answered=False) from exc
        except httpx.RequestError as exc:
            raise request_error(exc) from exc
        if not response.is_success:
            raise await response_error(response)
        return response


async def _next_event(
    events: AsyncIterator[ServerSentEvent], deadline: float, progress: StreamProgress
) -> ServerSentEvent | None:
    """The next `data:` event; None at the end of the stream. Comments and empty frames
    (keep-alives of some servers) are skipped."""
    while True:
        try:
            async with asyncio.timeout_at(deadline):
                sse = await anext(events)
        except StopAsyncIteration:
            return None
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise _timeout("the endpoint sent nothing for too long", progress.answered) from exc
        except httpx.RequestError as exc:
            raise AnalysisError(
                "connection_lost",
                f"the connection to the endpoint broke during the answer ({type(exc).__name__})",
                answered=progress.answered,
                status=502,
            ) from exc
        if sse.data.strip():
            return sse


def _decode(sse: ServerSentEvent) -> dict[str, Any]:
    try:
        payload = json.loads(sse.data)
    except ValueError:
        logger.warning("the endpoint sent a frame that is not JSON (%d chars)", len(sse.data))
        return {}
    return payload if isinstance(payload, dict) else {}


def _check_complete(progress: StreamProgress, *, ended: bool) -> None:
    """A stream that ended without [DONE] is complete only if a choice finished: servers
    differ on [DONE], none omits finish_reason."""
    if ended or progress.finished:
        return
    raise AnalysisError(
        "stream_incomplete",
        "the endpoint's stream ended before the answer finished",
        answered=progress.answered,
        status=502,
    )


def _timeout(message: str, answered: bool) -> AnalysisError:
    return AnalysisError("timeout", message, answered=answered, status=504)


def request_error(exc: httpx.RequestError) -> AnalysisError:
    if isinstance(exc, httpx.TimeoutException):
        return _timeout(f"the endpoint did not answer in time ({type(exc).__name__})", False)
    return AnalysisError(
        "connection_error",
        f"the endpoint could not be reached ({type(exc).__name__})",
        answered=False,
        status=502,
    )


async def response_error(response: httpx.Response) -> AnalysisError:
    """The endpoint's error (`{"error": {message, type, code}}`) of a non-2xx response."""
    try:
        body = await response.aread()
    except httpx.HTTPError:
        body = b""
    finally:
        await response.aclose()
    try:
        data = json.loads(body)
    except ValueError:
        data = {}
    return _error_from_body(data if isinstance(data, dict) else {}, response.status_code, False)


def _error_from_body(data: dict[str, Any], status: int, answered: bool) -> AnalysisError:
    found = data.get("error")
    error: dict[str, Any] = found if isinstance(found, dict) else {}
    reason = httpx.codes.get_reason_phrase(status).lower().replace(" ", "_")
    code = str(error.get("code") or error.get("type") or reason or f"http_{status}")
    message = str(error.get("message") or f"the endpoint answered HTTP {status}")
    return AnalysisError(code, message[:_MAX_ERROR_MESSAGE], answered=answered, status=status)

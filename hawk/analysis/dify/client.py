"""DifyClient: one Dify app (one API key) over the Service API of design/DIFY.md."""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing, suppress
from typing import Any, Literal
from urllib.parse import quote

import httpx
from httpx_sse import EventSource, ServerSentEvent

from hawk.analysis.base import AnalysisChunk, AnalysisError
from hawk.analysis.dify.events import StreamProgress, decode_event, usage_from_metadata
from hawk.analysis.dify.transport import (
    DifyConfig,
    pooled_client,
    request_error,
    response_error,
    retry_policy,
    stream_error,
)

logger = logging.getLogger(__name__)

Rating = Literal["like", "dislike"] | None


class DifyClient:
    def __init__(self, *, api_key: str, config: DifyConfig) -> None:
        self._api_key = api_key
        self.config = config
        # Dify's usage of the last answer stopped before its end ({} when none came in time).
        self.usage_after_stop: dict[str, Any] = {}

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return f"DifyClient(base_url={self.config.base_url!r})"

    async def stream_chat(self, payload: dict[str, Any]) -> AsyncGenerator[AnalysisChunk, None]:
        """POST /chat-messages in streaming mode; yields answer, replace and end chunks.

        Raises AnalysisError. Retries happen only before the response starts. A consumer that
        leaves before message_end (closes the generator, or is cancelled) stops the Dify task,
        so that no run keeps working, and costing, for nobody; what the stopped task used is
        then read from its stream (`usage_after_stop`).
        """
        progress = StreamProgress()
        async with aclosing(self._chat_chunks(payload, progress)) as chunks:
            async for chunk in chunks:
                yield chunk

    async def stop_task(self, *, task_id: str, user: str) -> None:
        """Ask Dify to stop a running task. Never raises: a stop is best effort (Dify answers
        success even for unknown tasks), and it must not fail the caller's cancellation."""
        if not task_id:
            return
        try:
            response = await pooled_client(self.config).post(
                f"chat-messages/{quote(task_id, safe='')}/stop",
                json={"user": user},
                headers=self._auth_headers(),
                timeout=self.config.stop_timeout,
            )
        except httpx.HTTPError as exc:
            logger.warning("Stopping Dify task %s failed: %s", task_id, type(exc).__name__)
            return
        if not response.is_success:
            logger.warning("Stopping Dify task %s: HTTP %d", task_id, response.status_code)

    async def _stop_and_settle(self, task_id: str, user: str, reader: "EventReader") -> dict:
        """Stop the task, then read its stream on to the message_end Dify ends a stopped task
        with (DIFY.md §1): its usage is what the stopped answer cost. Bounded by
        DIFY_STOP_TIMEOUT in all; {} (the run is then estimated) when it does not come."""
        try:
            async with asyncio.timeout(self.config.stop_timeout):
                await self.stop_task(task_id=task_id, user=user)
                while True:
                    payload = decode_event(await reader.next())
                    if payload is not None and payload["event"] == "message_end":
                        return usage_from_metadata(payload.get("metadata"))
                    if payload is not None and payload["event"] == "error":
                        break
        except (TimeoutError, StopAsyncIteration, httpx.HTTPError) as exc:
            logger.warning(
                "no usage from Dify after stopping task %s (%s): the run is estimated",
                task_id,
                type(exc).__name__,
            )
            return {}
        logger.warning("no usage from Dify after stopping task %s (error event)", task_id)
        return {}

    async def send_feedback(
        self, *, message_id: str, rating: Rating, user: str, content: str | None = None
    ) -> bool:
        """POST /messages/{id}/feedbacks; True when Dify accepted it. Raises AnalysisError
        (not_found for a message Dify does not know in this app)."""
        body: dict[str, Any] = {"rating": rating, "user": user}
        if content is not None:
            body["content"] = content
        try:
            response = await pooled_client(self.config).post(
                f"messages/{quote(message_id, safe='')}/feedbacks",
                json=body,
                headers=self._auth_headers(),
                timeout=self.config.timeout(),
            )
        except httpx.RequestError as exc:
            raise request_error(exc) from exc
        if not response.is_success:
            raise await response_error(response)
        return _json_object(response).get("result") == "success"

    async def _chat_chunks(
        self, payload: dict[str, Any], progress: StreamProgress
    ) -> AsyncGenerator[AnalysisChunk, None]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.run_deadline
        response = await self._open_chat_stream(payload, deadline)
        reader = EventReader(EventSource(response).aiter_sse())
        try:
            try:
                while (event := await _next_payload(reader, deadline, progress)) is not None:
                    chunk = progress.chunk_for(event)
                    if chunk is not None:
                        yield chunk
            except (GeneratorExit, asyncio.CancelledError):
                if progress.task_id and not progress.ended:
                    self.usage_after_stop = await self._stop_and_settle(
                        progress.task_id, payload["user"], reader
                    )
                raise
        finally:
            await reader.aclose()
            await response.aclose()
        if not progress.ended:
            raise AnalysisError(
                "stream_incomplete",
                "Dify's stream ended before message_end",
                answered=progress.answered,
                status=502,
            )

    async def _open_chat_stream(self, payload: dict[str, Any], deadline: float) -> httpx.Response:
        """The response once its headers are in, retrying what is safe to retry."""
        try:
            async with asyncio.timeout_at(deadline):
                return await retry_policy(self.config)(self._post_chat, payload)
        except TimeoutError:
            raise AnalysisError(
                "timeout", "Dify did not start answering in time", answered=False, status=504
            ) from None

    async def _post_chat(self, payload: dict[str, Any]) -> httpx.Response:
        """One attempt: the streaming response after its headers, or an AnalysisError."""
        http = pooled_client(self.config)
        headers = {**self._auth_headers(), "Accept": "text/event-stream"}
        request = http.build_request(
            "POST", "chat-messages", json=payload, headers=headers, timeout=self.config.timeout()
        )
        try:
            response = await http.send(request, stream=True)
        except httpx.RequestError as exc:
            raise request_error(exc) from exc
        if not response.is_success:
            raise await response_error(response)
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            await response.aclose()
            raise AnalysisError(
                "invalid_response", "Dify's answer is not an event stream", answered=False
            )
        return response

    def _auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}


class EventReader:
    """Reads a stream's events one at a time, each read in a task of its own: a run cancelled
    while it waits for Dify's next chunk leaves the read, not the stream, so the stream can be
    read on after a stop (to its message_end and usage) instead of being cut mid-read."""

    def __init__(self, events: AsyncGenerator[ServerSentEvent, None]) -> None:
        self._events = events
        self._pending: asyncio.Task[ServerSentEvent] | None = None

    async def next(self) -> ServerSentEvent:
        """The next event; StopAsyncIteration at the stream's end."""
        if self._pending is None:
            self._pending = asyncio.ensure_future(_read_one(self._events))
        pending = self._pending
        try:
            return await asyncio.shield(pending)
        finally:
            if pending.done():
                self._pending = None

    async def aclose(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            with suppress(BaseException):
                await self._pending
            self._pending = None
        await self._events.aclose()


async def _read_one(events: AsyncGenerator[ServerSentEvent, None]) -> ServerSentEvent:
    return await anext(events)


async def _next_payload(
    reader: EventReader, deadline: float, progress: StreamProgress
) -> dict[str, Any] | None:
    """The next JSON payload of the stream, None at its end. Pings and frames that do not
    parse are skipped. The idle timeout is httpx's read timeout; the run deadline is ours."""
    while True:
        try:
            async with asyncio.timeout_at(deadline):
                sse = await reader.next()
        except StopAsyncIteration:
            return None
        except (TimeoutError, httpx.RequestError) as exc:
            if progress.ended:
                # The answer is complete; a broken tail (workflow_finished lost) is harmless.
                logger.info("Dify stream broke after message_end: %s", type(exc).__name__)
                return None
            raise stream_error(exc, answered=progress.answered) from exc
        payload = decode_event(sse)
        if payload is not None:
            return payload


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}

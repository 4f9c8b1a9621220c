"""DifyClient: one Dify app (one API key) over the Service API of design/DIFY.md."""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any, Literal
from urllib.parse import quote

import httpx
from httpx_sse import EventSource, ServerSentEvent

from hawk.analysis.base import AnalysisChunk, AnalysisError
from hawk.analysis.dify.events import StreamProgress, decode_event
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

    def __repr__(self) -> str:
        # Never the key: reprs end up in logs and tracebacks.
        return f"DifyClient(base_url={self.config.base_url!r})"

    async def stream_chat(self, payload: dict[str, Any]) -> AsyncGenerator[AnalysisChunk, None]:
        """POST /chat-messages in streaming mode; yields answer, replace and end chunks.

        Raises AnalysisError. Retries happen only before the response starts. A consumer that
        leaves before message_end (closes the generator, or is cancelled) stops the Dify task,
        so that no run keeps working, and costing, for nobody.
        """
        progress = StreamProgress()
        try:
            async with aclosing(self._chat_chunks(payload, progress)) as chunks:
                async for chunk in chunks:
                    yield chunk
        except (GeneratorExit, asyncio.CancelledError):
            if progress.task_id and not progress.ended:
                await self.stop_task(task_id=progress.task_id, user=payload["user"])
            raise

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
        try:
            async with aclosing(EventSource(response).aiter_sse()) as events:
                while (event := await _next_payload(events, deadline, progress)) is not None:
                    chunk = progress.chunk_for(event)
                    if chunk is not None:
                        yield chunk
        finally:
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


async def _next_payload(
    events: AsyncGenerator[ServerSentEvent, None], deadline: float, progress: StreamProgress
) -> dict[str, Any] | None:
    """The next JSON payload of the stream, None at its end. Pings and frames that do not
    parse are skipped. The idle timeout is httpx's read timeout; the run deadline is ours."""
    while True:
        try:
            async with asyncio.timeout_at(deadline):
                sse = await anext(events)
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

"""Dify's chat stream events (design/DIFY.md §1 and §5) translated into AnalysisChunks."""

import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from httpx_sse import ServerSentEvent

from hawk.analysis.base import AnalysisChunk, AnalysisError

logger = logging.getLogger(__name__)

ANSWER_EVENTS = frozenset({"message", "agent_message"})
# Usage fields that are durations in seconds. Every other decimal in usage is a price or a
# price unit, which stays a string (as Dify sends it) so that money never passes through float.
_USAGE_SECONDS = frozenset({"latency", "time_to_first_token", "time_to_generate", "ttft"})


def decode_event(sse: ServerSentEvent) -> dict[str, Any] | None:
    """The JSON payload of a `data:` frame; None for pings and for frames that do not parse.

    Dify puts the event name inside the JSON (`event` key); the SSE `event:` field is only used
    for `event: ping`, which has no data.
    """
    if not sse.data:
        return None
    try:
        # Decimal, not float: a price sent as a bare number must not lose digits.
        payload = json.loads(sse.data, parse_float=Decimal)
    except ValueError:
        logger.warning("Dify sent a frame that is not JSON (%d chars); skipped", len(sse.data))
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("event"), str):
        logger.warning("Dify sent a frame without an event name; skipped")
        return None
    return payload


def chunk_from_event(payload: dict[str, Any], *, answered: bool) -> AnalysisChunk | None:
    """The chunk for one event, or None for events the answer does not need (agent thoughts,
    files, TTS, workflow and node progress, and whatever later Dify versions add).

    Dify's `error` event raises AnalysisError; `answered` tells it whether text went out.
    """
    event = payload["event"]
    if event in ANSWER_EVENTS:
        return _chunk("answer", payload, text=_text(payload.get("answer")))
    if event == "message_replace":
        return _chunk("replace", payload, text=_text(payload.get("answer")))
    if event == "message_end":
        return _chunk("end", payload, usage=usage_from_metadata(payload.get("metadata")))
    if event == "error":
        raise error_from_event(payload, answered=answered)
    return None


def error_from_event(payload: dict[str, Any], *, answered: bool) -> AnalysisError:
    status = payload.get("status")
    return AnalysisError(
        str(payload.get("code") or "internal_server_error"),
        _text(payload.get("message")) or "Dify reported an error during the answer",
        answered=answered,
        status=status if isinstance(status, int) else 500,
    )


def usage_from_metadata(metadata: Any) -> dict[str, Any]:
    """Dify's usage block (LLMUsage): token counts as ints, prices as decimal strings,
    durations as float seconds. Empty when Dify sent none."""
    usage = metadata.get("usage") if isinstance(metadata, dict) else None
    if not isinstance(usage, dict):
        return {}
    return {key: _usage_value(key, value) for key, value in usage.items()}


@dataclass
class StreamProgress:
    """What one chat stream has shown so far: the task id (needed to stop it), whether answer
    text went out (decides fallback versus error), and whether message_end arrived."""

    task_id: str = ""
    answered: bool = False
    ended: bool = False

    def chunk_for(self, payload: dict[str, Any]) -> AnalysisChunk | None:
        self.task_id = self.task_id or str(payload.get("task_id") or "")
        if self.ended:
            # After message_end the answer is complete; the rest (workflow_finished, a late
            # error) is read only to reach the end of the stream.
            return None
        chunk = chunk_from_event(payload, answered=self.answered)
        if chunk is None:
            return None
        self.answered = self.answered or (chunk.kind != "end" and bool(chunk.text))
        self.ended = chunk.kind == "end"
        return chunk


def _chunk(
    kind: Literal["answer", "replace", "end"],
    payload: dict[str, Any],
    *,
    text: str = "",
    usage: dict[str, Any] | None = None,
) -> AnalysisChunk:
    return AnalysisChunk(
        kind=kind,
        text=text,
        message_id=str(payload.get("message_id") or payload.get("id") or ""),
        conversation_id=str(payload.get("conversation_id") or ""),
        task_id=str(payload.get("task_id") or ""),
        usage=usage or {},
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _usage_value(key: str, value: Any) -> Any:
    if not isinstance(value, Decimal):
        return value
    return float(value) if key in _USAGE_SECONDS else str(value)

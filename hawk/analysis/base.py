"""The interface every analysis backend speaks: a request in, a stream of chunks out."""

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol


@dataclass(frozen=True)
class AnalysisRequest:
    query: str  # the user's prompt (or the rendered template)
    context: str  # the built context (facts first); the only data the backend may see
    intent: str
    parameters: dict[str, Any]  # JSON-ready parameters of the understanding
    facts: dict[str, Any]
    warnings: list[dict[str, str]]
    user: str  # a stable id of the asking user, sent to Dify as `user`
    instructions: str = ""  # the template's analysis instructions
    template_category: str | None = None
    conversation_id: str | None = None
    # Set when the request was unclear (API.md): the answer says what was understood and asks
    # this question, instead of answering another one.
    clarification: dict[str, Any] | None = None


@dataclass(frozen=True)
class AnalysisChunk:
    """One piece of a backend's answer.

    answer:  `text` is a delta to append.
    replace: `text` replaces the whole answer so far (Dify's message_replace).
    end:     the answer is complete; `usage` holds Dify's usage fields (or zeros).
    Ids are those of the backend (Dify's message, conversation and task ids).
    """

    kind: Literal["answer", "replace", "end"]
    text: str = ""
    message_id: str = ""
    conversation_id: str = ""
    task_id: str = ""
    usage: dict[str, Any] = field(default_factory=dict)


class AnalysisError(Exception):
    """A backend failed. `answered` tells whether any answer text had been streamed, which
    decides between a fallback (nothing streamed yet) and an error event (partial answer)."""

    def __init__(self, code: str, message: str, *, answered: bool, status: int = 502) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.answered = answered
        self.status = status


class AnalysisBackend(Protocol):
    name: str

    def stream(self, request: AnalysisRequest) -> AsyncGenerator[AnalysisChunk, None]: ...

    async def stop(self, *, task_id: str, user: str) -> None: ...

    def usage_after_stop(self) -> dict[str, Any]:
        """The usage the backend reported for an answer stopped before its end; {} when it
        reported none (the run is then charged an estimate)."""
        ...

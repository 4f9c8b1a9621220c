"""One run's request, what it has answered so far, and the shape of its events (API.md)."""

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from hawk.analysis.base import AnalysisChunk
from hawk.pipeline.prepare import PromptInput


def dify_user(user_id: int | None) -> str:
    """The stable id Dify knows a HAWK user by (its `user` field): never a name or e-mail."""
    return f"hawk-user-{user_id}" if user_id else "hawk-anonymous"


@dataclass
class RunRequest:
    request: PromptInput
    user_id: int | None
    channel: str = "http"
    session_id: str = ""
    conversation_id: str = ""
    msg_uid: str = ""  # the Angular app's ids of the prompt (its hawk_agent_sessions row)
    instruction_id: str = ""
    run_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def from_validated(
        cls, data: dict[str, Any], *, user_id: int | None, channel: str
    ) -> "RunRequest":
        """A run of PromptRequestSerializer.validated_data, whichever transport it came by."""
        return cls(
            request=PromptInput.from_validated(data, user_id=user_id),
            user_id=user_id,
            channel=channel,
            session_id=data.get("session_id", ""),
            conversation_id=data.get("conversation_id", ""),
            msg_uid=data.get("msg_uid") or "",
            instruction_id=data.get("instruction_id") or "",
        )

    @property
    def dify_user(self) -> str:
        return dify_user(self.user_id)


@dataclass
class Answer:
    """What the run has answered so far, and with which backend: the one mutable part of a
    run, filled chunk by chunk as the answer streams."""

    started: float = field(default_factory=time.perf_counter)
    backend: str = ""
    parts: list[str] = field(default_factory=list)
    message_id: str = ""
    conversation_id: str = ""
    task_id: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    sent_chars: int = 0  # what the LLM was sent (prompt, instructions, context): the estimate
    first_token_ms: float | None = None
    answer_cache: str = "miss"
    recorded: bool = False
    intent: str = "unknown"  # a metric label until the plan names the intent

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)

    def restart(self) -> None:
        """Forget what a backend that failed before answering left (ids, empty chunks): the
        next backend of the chain starts a new answer."""
        self.parts, self.usage, self.first_token_ms = [], {}, None
        self.message_id = self.conversation_id = self.task_id = ""

    def take(self, chunk: AnalysisChunk) -> None:
        self.message_id = chunk.message_id or self.message_id
        self.conversation_id = chunk.conversation_id or self.conversation_id
        self.task_id = chunk.task_id or self.task_id
        if chunk.kind == "answer":
            if self.first_token_ms is None and chunk.text:
                self.first_token_ms = self.elapsed_ms()
            self.parts.append(chunk.text)
        elif chunk.kind == "replace":
            self.parts = [chunk.text]
        elif chunk.kind == "end":
            self.usage = chunk.usage


def event(name: str, run: RunRequest, **body: Any) -> dict[str, Any]:
    return {"event": name, "run_id": str(run.run_id), **body}


def error_event(run: RunRequest, code: str, message: str, status: int) -> dict[str, Any]:
    return event("error", run, code=code, message=message, status=status)


def message_event(run: RunRequest, answer: Answer, name: str, text: str) -> dict[str, Any]:
    """A `message` (a delta) or `message_replace` (the whole answer so far) event."""
    return event(
        name,
        run,
        message_id=answer.message_id,
        conversation_id=answer.conversation_id,
        answer=text,
    )

"""OpenAIBackend: the AnalysisBackend that asks an OpenAI-compatible chat-completions endpoint.
The template's analysis instructions are the system prompt, the built context the user
message; the usage is the server's final chunk, or an estimate marked `estimated`."""

import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace
from typing import Any

from django.conf import settings

from hawk.analysis.base import AnalysisChunk, AnalysisRequest
from hawk.analysis.cost import CHARS_PER_TOKEN, table_price
from hawk.analysis.openai_compat.client import OpenAIClient
from hawk.analysis.openai_compat.config import OpenAIConfig

# Said first in every system prompt: the context's facts are exact, and the checks
# (hawk/analysis/checks/) hold the answer to them.
GROUND_RULES = (
    "You are HAWK's hedge analyst. Answer from the facts in the user's message only: quote "
    "every figure, currency, entity, order id and decision (PASS, PARTIAL, FAIL) exactly as the "
    "facts give it, never recompute or invent one, and do not hedge: the facts are exact."
)
CLARIFY = (
    "The request was unclear: say what was understood and ask the clarification's question; "
    "do not answer another question."
)


def openai_configured() -> bool:
    return bool(settings.OPENAI_BASE_URL and settings.OPENAI_MODEL)


def get_openai_backend() -> "OpenAIBackend | None":
    return OpenAIBackend() if openai_configured() else None


def system_prompt(request: AnalysisRequest) -> str:
    parts = [GROUND_RULES, request.instructions.strip()]
    if request.clarification:
        parts.append(f"{CLARIFY} Clarification: {request.clarification}")
    return "\n\n".join(part for part in parts if part)


def chat_payload(request: AnalysisRequest, model: str) -> dict[str, Any]:
    """The body of POST /chat/completions, streamed, asking for usage in the final chunk."""
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": system_prompt(request)},
            {"role": "user", "content": request.context},
        ],
        "stream": True,
        "stream_options": {"include_usage": True},
        "user": request.user,
    }


def completion_usage(
    reported: dict[str, Any], *, model: str, prompt_chars: int, answer_chars: int, seconds: float
) -> dict[str, Any]:
    """The usage of message_end: the server's token counts, or estimates from the characters
    (CHARS_PER_TOKEN) marked `estimated`; priced with HAWK_LLM_PRICES (USD, string)."""
    estimated = not isinstance(reported.get("prompt_tokens"), int)
    tokens_in = prompt_chars // CHARS_PER_TOKEN if estimated else reported["prompt_tokens"]
    tokens_out = (
        answer_chars // CHARS_PER_TOKEN
        if estimated
        else int(reported.get("completion_tokens") or 0)
    )
    return {
        "prompt_tokens": tokens_in,
        "completion_tokens": tokens_out,
        "total_tokens": tokens_in + tokens_out,
        "total_price": str(table_price(tokens_in, tokens_out, model)),
        "currency": "USD",
        "latency": round(seconds, 3),
        "model": model,
        "estimated": estimated,
    }


class OpenAIBackend:
    name = "openai"

    def __init__(self, *, config: OpenAIConfig | None = None) -> None:
        self.config = config or OpenAIConfig.from_settings()
        self.client = OpenAIClient(config=self.config)

    def __repr__(self) -> str:
        return f"OpenAIBackend(client={self.client!r})"

    async def stream(self, request: AnalysisRequest) -> AsyncGenerator[AnalysisChunk, None]:
        """The answer as chunks; AnalysisError on failure. Closing the generator closes the
        connection, which cancels the completion on the server."""
        payload = chat_payload(request, self.config.model)
        prompt_chars = sum(len(message["content"]) for message in payload["messages"])
        started, answer_chars = time.perf_counter(), 0
        async with aclosing(self.client.stream_chat(payload)) as chunks:
            async for chunk in chunks:
                if chunk.kind != "end":
                    answer_chars += len(chunk.text)
                    yield chunk
                    continue
                usage = completion_usage(
                    chunk.usage,
                    model=self.config.model,
                    prompt_chars=prompt_chars,
                    answer_chars=answer_chars,
                    seconds=time.perf_counter() - started,
                )
                yield replace(chunk, usage=usage)

    async def stop(self, *, task_id: str, user: str) -> None:
        """Nothing to call: chat completions have no stop endpoint; the relay closing the
        stream closed the connection, and the server cancels a request whose client left."""

    def usage_after_stop(self) -> dict[str, Any]:
        """None: a completion's usage comes only in its last chunk (the run is estimated)."""
        return {}

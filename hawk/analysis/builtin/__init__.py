"""The built-in analyst: a Markdown report rendered from the facts alone, streamed like Dify.

It needs no LLM, so it answers when Dify is not configured or fails before answering; it
never invents a number, as every figure it shows is a facts string reformatted.
"""

import asyncio
import re
import uuid
from collections.abc import AsyncGenerator
from typing import Any

from hawk.analysis.base import AnalysisChunk, AnalysisRequest
from hawk.analysis.builtin.report import clarification_lines, report_lines

# A chunk is one line with the blank lines that follow it.
_CHUNK = re.compile(r"[^\n]*\n+")


def zero_usage() -> dict[str, object]:
    """Dify's usage fields (DIFY.md, metadata.usage) for an answer that cost nothing."""
    return {
        "prompt_tokens": 0,
        "prompt_unit_price": "0",
        "prompt_price_unit": "0",
        "prompt_price": "0",
        "completion_tokens": 0,
        "completion_unit_price": "0",
        "completion_price_unit": "0",
        "completion_price": "0",
        "total_tokens": 0,
        "total_price": "0",
        "currency": "USD",
        "latency": 0.0,
    }


def report_markdown(request: AnalysisRequest) -> str:
    if request.clarification:
        return "\n".join(clarification_lines(request.clarification)) + "\n"
    warnings = request.warnings or request.facts.get("warnings") or []
    lines = report_lines(request.facts, warnings, request.intent, request.instructions)
    return "\n".join(lines) + "\n"


def report_chunks(markdown: str) -> list[str]:
    return _CHUNK.findall(markdown)


class BuiltinAnalyst:
    name = "builtin"

    async def stream(self, request: AnalysisRequest) -> AsyncGenerator[AnalysisChunk, None]:
        message_id = str(uuid.uuid4())
        for piece in report_chunks(report_markdown(request)):
            yield AnalysisChunk("answer", piece, message_id=message_id)
            await asyncio.sleep(0)  # let other runs on the event loop go on between chunks
        yield AnalysisChunk("end", message_id=message_id, usage=zero_usage())

    async def stop(self, *, task_id: str, user: str) -> None:
        """Nothing to stop: the report is rendered in-process, and the run stops reading."""

    def usage_after_stop(self) -> dict[str, Any]:
        return {}  # free


__all__ = ["BuiltinAnalyst", "report_markdown", "zero_usage"]

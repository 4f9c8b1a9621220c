"""The OpenAI-compatible backend against a real HTTP stand-in (tests/openai_server.py): the
streamed answer, the prompts sent, usage reported or estimated and priced, the failures before
and after the first token, and a stop that cancels the request."""

import asyncio
import socket
import time
from decimal import Decimal

import pytest

from hawk.analysis.base import AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.openai_compat import OpenAIBackend

CONTEXT = (
    "# HAWK context (business date 2026-11-20)\n"
    'Parameters: {"amount": "150000.00", "currency": "CNY"}\n'
    '{"check": {"decision": "PASS", "available": "418618000.00"}}\n'
)


def analysis_request(instructions: str = "Be brief.") -> AnalysisRequest:
    return AnalysisRequest(
        query="Check if I can hedge 150K CNY today",
        context=CONTEXT,
        intent="utilisation",
        parameters={},
        facts={},
        warnings=[],
        user="hawk-user-7",
        instructions=instructions,
    )


async def streamed(backend: OpenAIBackend) -> list[AnalysisChunk]:
    return [chunk async for chunk in backend.stream(analysis_request())]


def text_of(chunks: list[AnalysisChunk]) -> str:
    return "".join(chunk.text for chunk in chunks if chunk.kind == "answer")


async def test_it_streams_the_answer_then_the_reported_usage_priced_by_the_table(openai_server):
    chunks = await streamed(OpenAIBackend())
    assert text_of(chunks) == "## CNY 150,000.00: PASS\n"
    end = chunks[-1]
    assert end.kind == "end" and end.message_id.startswith("chatcmpl-")
    assert (end.usage["prompt_tokens"], end.usage["completion_tokens"]) == (2100, 42)
    assert end.usage["estimated"] is False
    assert Decimal(end.usage["total_price"]) == Decimal("0.0003402")  # 0.15 and 0.60 per M


async def test_it_sends_the_instructions_as_system_prompt_and_the_context_as_user_message(
    openai_server,
):
    await streamed(OpenAIBackend())
    [request] = openai_server.chat_requests()
    assert request.authorized
    system, user = request.body["messages"]
    assert system["role"] == "system" and system["content"].endswith("Be brief.")
    assert user == {"role": "user", "content": CONTEXT}
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.body["model"] == "gpt-4o-mini"


async def test_a_server_sending_no_usage_gets_an_estimate_marked_estimated(openai_server):
    openai_server.mode = "no_usage"
    end = (await streamed(OpenAIBackend()))[-1]
    assert end.usage["estimated"] is True
    assert end.usage["completion_tokens"] == len("## CNY 150,000.00: PASS\n") // 4
    assert end.usage["prompt_tokens"] > len(CONTEXT) // 4
    assert Decimal(end.usage["total_price"]) > 0


@pytest.mark.parametrize(
    ("mode", "status", "code"),
    [("http_429", 429, "rate_limit_exceeded"), ("http_500", 500, "server_error")],
)
async def test_an_error_status_fails_before_the_first_token(openai_server, mode, status, code):
    openai_server.mode = mode
    with pytest.raises(AnalysisError) as failed:
        await streamed(OpenAIBackend())
    assert (failed.value.status, failed.value.code, failed.value.answered) == (status, code, False)


async def test_a_hanging_server_times_out_before_the_first_token(openai_server):
    openai_server.mode = "hang"
    started = time.monotonic()
    with pytest.raises(AnalysisError) as failed:
        await streamed(OpenAIBackend())
    assert (failed.value.code, failed.value.status, failed.value.answered) == (
        "timeout",
        504,
        False,
    )
    assert time.monotonic() - started < 3


async def test_a_connection_cut_mid_stream_fails_as_answered(openai_server):
    openai_server.mode = "drop"
    openai_server.answers = ["one ", "two ", "three"]
    seen: list[str] = []
    with pytest.raises(AnalysisError) as failed:
        async for chunk in OpenAIBackend().stream(analysis_request()):
            seen.append(chunk.text)
    assert failed.value.answered is True
    assert "".join(seen) == "one two "


async def test_an_unreachable_endpoint_is_a_connection_error(settings):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.OPENAI_BASE_URL, settings.OPENAI_MODEL = f"http://127.0.0.1:{port}/v1", "m"
    with pytest.raises(AnalysisError) as failed:
        await streamed(OpenAIBackend())
    assert (failed.value.code, failed.value.answered) == ("connection_error", False)


async def test_closing_the_stream_cancels_the_request(openai_server):
    openai_server.mode = "slow"
    stream = OpenAIBackend().stream(analysis_request())
    assert (await anext(stream)).text == "part 0 "
    await stream.aclose()
    deadline = time.monotonic() + 3
    while not openai_server.aborted_streams and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert openai_server.aborted_streams == 1

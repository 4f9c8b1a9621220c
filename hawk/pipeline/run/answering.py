"""The answer of a run: the backend the router chooses, the answer cache, the backend's
stream relayed chunk by chunk (with a stop check between chunks), and the fallback to the
built-in analyst when a backend fails before answering."""

import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from hawk.analysis.base import AnalysisBackend, AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.choice import Choice, choose_backend, fallback_backend
from hawk.analysis.cost import run_cost
from hawk.database.threads import in_db_thread
from hawk.pipeline.answer_cache import answer_get, answer_key, replay_chunks
from hawk.pipeline.prepare import Prepared
from hawk.pipeline.run import control, observe
from hawk.pipeline.run.recording import finish
from hawk.pipeline.run.request import Answer, RunRequest, event, message_event
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)


async def answer_events(
    run: RunRequest, prepared: Prepared, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    choice = await in_db_thread(_choose, run, prepared)
    backend = choice.backend
    if choice.notice_code:
        yield event("hawk_notice", run, code=choice.notice_code, message=choice.notice)
    key, cached = await in_db_thread(_cached_answer, run, prepared, backend.name)
    lookup = "bypass" if key is None or not run.request.use_cache else "miss"
    metrics.ANSWER_CACHE_LOOKUPS.labels("hit" if cached is not None else lookup).inc()
    if cached is not None:
        async for item in _replay(run, cached, answer):
            yield item
    else:
        async for item in _live_answer(run, prepared, backend, answer):
            yield item
    # A fallback answer is not stored under the key of the backend that was asked for.
    yield await finish(run, prepared, answer, key if answer.backend == backend.name else None)


def _choose(run: RunRequest, prepared: Prepared) -> Choice:
    """The router's backend, unless Dify's circuit is open or the budget cannot hold the run."""
    return choose_backend(
        run_id=run.run_id,
        intent=prepared.plan.intent,
        category=prepared.plan.template_category,
        user_id=run.user_id,
        context_chars=prepared.context.chars,
    )


def _cached_answer(
    run: RunRequest, prepared: Prepared, backend: str
) -> tuple[str | None, dict[str, Any] | None]:
    """The answer-cache key and its entry (None when bypassed or absent): Redis round trips,
    so called on a database thread, off the event loop."""
    key = _answer_key(run, prepared, backend)
    return key, answer_get(key) if run.request.use_cache else None


def _answer_key(run: RunRequest, prepared: Prepared, backend: str) -> str | None:
    if run.conversation_id:  # a conversation's answer depends on what came before it
        return None
    choice = run.request.choice
    return answer_key(
        prompt=run.request.prompt,
        plan=prepared.plan,
        backend=backend,
        template=choice.as_dict() if choice else None,
        generations=prepared.extraction.generations,
    )


async def _replay(
    run: RunRequest, cached: dict[str, Any], answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    answer.backend, answer.answer_cache = cached["backend"], "hit"
    message_id = str(uuid.uuid4())
    for piece in replay_chunks(cached["answer"]):
        answer.take(AnalysisChunk("answer", piece, message_id=message_id))
        yield message_event(run, answer, "message", piece)
    usage = cached.get("usage") or {}
    answer.take(AnalysisChunk("end", usage=usage))
    metrics.ANSWER_CACHE_SAVINGS.labels(cached["backend"]).inc(int(usage.get("total_tokens") or 0))
    saved = run_cost(cached["backend"], usage).usd
    metrics.ANSWER_CACHE_SAVED_USD.labels(cached["backend"]).inc(float(saved))


def _analysis_request(run: RunRequest, prepared: Prepared) -> AnalysisRequest:
    template = run.request.template
    clarification = prepared.understanding.clarification
    return AnalysisRequest(
        query=run.request.prompt,
        context=prepared.context.text,
        intent=prepared.plan.intent,
        parameters=prepared.plan.parameters,
        facts=prepared.facts.facts,
        warnings=prepared.facts.warnings,
        user=run.dify_user,
        instructions=template.analysis_instructions if template else "",
        template_category=prepared.plan.template_category,
        conversation_id=run.conversation_id or None,
        clarification=clarification.as_dict() if clarification else None,
    )


async def _live_answer(
    run: RunRequest, prepared: Prepared, backend: AnalysisBackend, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    request = _analysis_request(run, prepared)
    answer.sent_chars = len(request.query) + len(request.instructions) + len(request.context)
    try:
        async for item in _stream_backend(run, backend, request, answer):
            yield item
    except AnalysisError as exc:
        metrics.ANALYSIS_CALLS.labels(backend.name, "error").inc()
        if exc.answered or backend.name == "builtin":
            raise
        logger.warning(
            "analysis by %s failed before answering (%s): falling back", backend.name, exc.code
        )
        metrics.ANALYSIS_FALLBACKS.labels(exc.code).inc()
        metrics.NOTICES.labels("analysis_fallback").inc()
        message = f"{backend.name} is unavailable ({exc.code}); answering with the built-in analyst"
        yield event("hawk_notice", run, code="analysis_fallback", message=message)
        async for item in _stream_backend(run, fallback_backend(), request, answer):
            yield item


async def _stream_backend(
    run: RunRequest, backend: AnalysisBackend, request: AnalysisRequest, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    answer.backend = backend.name
    started = time.perf_counter()
    try:
        async for item in _relay(run, backend, request, answer):
            yield item
    except AnalysisError as exc:
        seconds = time.perf_counter() - started
        observe.observe_llm_call(backend.name, seconds, {}, error_type=exc.code)
        raise
    seconds = time.perf_counter() - started
    metrics.observe_analysis(backend.name, seconds, answer.usage)
    observe.observe_llm_call(backend.name, seconds, answer.usage)


async def _relay(
    run: RunRequest, backend: AnalysisBackend, request: AnalysisRequest, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    # aclosing: a cancelled run closes the backend's stream at once (Dify's client then stops
    # its task), instead of whenever the generator is garbage-collected.
    async with contextlib.aclosing(backend.stream(request)) as chunks:
        async for chunk in chunks:
            await control.raise_if_stopped(run.run_id)
            answer.take(chunk)
            if chunk.kind == "answer" and chunk.text:
                yield message_event(run, answer, "message", chunk.text)
            elif chunk.kind == "replace":
                yield message_event(run, answer, "message_replace", chunk.text)

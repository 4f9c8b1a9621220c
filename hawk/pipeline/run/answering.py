"""The answer of a run: the backends the router and the chain choose, the answer cache, the
backend's stream relayed chunk by chunk (with a stop check between chunks), and the next
backend of the chain when one fails before answering."""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from hawk.analysis import cooldown
from hawk.analysis.base import AnalysisBackend, AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.chain import Unavailable, failure_kind, fallback_notice, unavailable
from hawk.analysis.choice import Choice, choose_backend
from hawk.analysis.cost import run_cost
from hawk.database.threads import in_db_thread
from hawk.pipeline.answer_cache import answer_get, replay_chunks
from hawk.pipeline.prepare import Prepared
from hawk.pipeline.run import control, observe
from hawk.pipeline.run.recording import answer_key_of, finish
from hawk.pipeline.run.request import Answer, RunRequest, event, message_event
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)


async def answer_events(
    run: RunRequest, prepared: Prepared, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    choice, key, cached = await in_db_thread(_choose_and_look_up, run, prepared)
    backend = choice.backend
    if choice.notice_code:
        yield event("hawk_notice", run, code=choice.notice_code, message=choice.notice)
    lookup = "bypass" if key is None or not run.request.use_cache else "miss"
    metrics.ANSWER_CACHE_LOOKUPS.labels("hit" if cached is not None else lookup).inc()
    if cached is not None:
        async for item in _replay(run, cached, answer):
            yield item
    else:
        async for item in _live_answer(run, prepared, choice, answer):
            yield item
    # A fallback answer is not stored under the key of the backend that was asked for.
    for item in await finish(
        run, prepared, answer, key if answer.backend == backend.name else None
    ):
        yield item


def _choose_and_look_up(
    run: RunRequest, prepared: Prepared
) -> tuple[Choice, str | None, dict[str, Any] | None]:
    """The backends, then the chosen one's answer-cache key and entry: one trip to a database
    thread for both."""
    choice = _choose(run, prepared)
    return (choice, *_cached_answer(run, prepared, choice.backend.name))


def _choose(run: RunRequest, prepared: Prepared) -> Choice:
    """The router's chain, less what the budget (its reservation), the cool-downs and Dify's
    circuit rule out."""
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
    so on a database thread, off the event loop."""
    key = answer_key_of(run, prepared, backend)
    return key, answer_get(key) if run.request.use_cache else None


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
    run: RunRequest, prepared: Prepared, choice: Choice, answer: Answer
) -> AsyncIterator[dict[str, Any]]:
    """The chain: each backend in turn until one answers. A failure before the first token
    passes the run on (the answer so far is emptied: never two answers spliced); a failure
    after it ends the run with the error. The notice naming the backends that did not answer
    goes out just before the answer that did."""
    request = _analysis_request(run, prepared)
    others = [Unavailable(skipped.backend, f"{skipped.reason}") for skipped in choice.skipped]
    # What was sent, for the estimate of a run that ends without the backend's usage.
    answer.sent_chars = len(request.query) + len(request.instructions) + len(request.context)
    for backend in choice.backends:
        answer.restart()
        try:
            async for item in _stream_backend(run, backend, request, answer):
                if others:
                    yield _fallback_notice(run, backend.name, others)
                    others = []
                yield item
        except AnalysisError as exc:
            await in_db_thread(_record_failure, backend.name, exc)
            if exc.answered or backend is choice.backends[-1]:
                raise
            others.append(unavailable(backend.name, exc))
            continue
        await in_db_thread(cooldown.record_success, backend.name)
        break
    if others:  # the answering backend said nothing at all
        yield _fallback_notice(run, answer.backend, others)


def _record_failure(backend: str, error: AnalysisError) -> None:
    """Metrics and the shared cool-down of a failed backend (a cache round trip)."""
    metrics.ANALYSIS_CALLS.labels(backend, "error").inc()
    metrics.BACKEND_FAILURES.labels(backend, failure_kind(error)).inc()
    if error.answered:
        return
    logger.warning(
        "analysis by %s failed before answering (%s): next in chain", backend, error.code
    )
    metrics.BACKEND_FALLBACKS.labels(backend).inc()
    metrics.ANALYSIS_FALLBACKS.labels(error.code).inc()
    if cooldown.is_outage(error) and cooldown.record_failure(backend):
        logger.warning("%s failed repeatedly: skipped by every worker for a while", backend)


def _fallback_notice(run: RunRequest, answered_by: str, others: list[Unavailable]) -> dict:
    metrics.NOTICES.labels("analysis_fallback").inc()
    message = fallback_notice(answered_by, others)
    return event("hawk_notice", run, code="analysis_fallback", message=message)


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
    # its task and reads what it used), instead of whenever the generator is garbage-collected.
    try:
        async with contextlib.aclosing(backend.stream(request)) as chunks:
            async for chunk in chunks:
                await control.raise_if_stopped(run.run_id)
                answer.take(chunk)
                if chunk.kind == "answer" and chunk.text:
                    yield message_event(run, answer, "message", chunk.text)
                elif chunk.kind == "replace":
                    yield message_event(run, answer, "message_replace", chunk.text)
    except (asyncio.CancelledError, GeneratorExit):
        # Stopped before its end: charged the backend's usage of the stopped answer if it
        # reported one (recording estimates the run otherwise).
        answer.usage = answer.usage or backend.usage_after_stop()
        raise

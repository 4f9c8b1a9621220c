"""The run service: one async generator that yields the events of a run (API.md) in order and
records the run as it goes. HTTP (SSE) and WebSocket only frame what it yields.

    hawk_plan -> hawk_context -> hawk_facts -> [hawk_notice] -> message* -> message_end
    or, at any point, error (and the stream ends)

Cancellation (client gone, stop request) arrives as CancelledError or GeneratorExit at the
current await; the run is then recorded as cancelled with what was answered so far, and the
backend's task is stopped.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hawk.analysis.base import AnalysisBackend, AnalysisChunk, AnalysisError, AnalysisRequest
from hawk.analysis.choice import Choice, choose_backend, fallback_backend
from hawk.analysis.cost import ZERO, run_cost
from hawk.analysis.quality import check_numbers
from hawk.api.pipeline_views import plan_body
from hawk.database.threads import in_db_thread
from hawk.pipeline.answer_cache import answer_get, answer_key, answer_put, replay_chunks
from hawk.pipeline.prepare import (
    Prepared,
    PromptInput,
    run_context,
    run_extraction_async,
    run_facts,
    understand_and_plan,
)
from hawk.pipeline.run import control as run_control
from hawk.pipeline.run import observe as run_metrics
from hawk.pipeline.run.ending import Ending, record_ending, through_cancellation
from hawk.pipeline.run.history import run_create, run_finish
from hawk.telemetry import metrics
from hawk.web.errors import STATUS_OF_CODE, describe_exception

logger = logging.getLogger(__name__)


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
        )

    @property
    def dify_user(self) -> str:
        return dify_user(self.user_id)


@dataclass
class _Answer:
    """What the run has answered so far, and with which backend."""

    started: float = field(default_factory=time.perf_counter)
    backend: str = ""
    source: AnalysisBackend | None = None  # the backend answering, to stop its task
    parts: list[str] = field(default_factory=list)
    message_id: str = ""
    conversation_id: str = ""
    task_id: str = ""
    usage: dict[str, Any] = field(default_factory=dict)
    first_token_ms: float | None = None
    answer_cache: str = "miss"
    recorded: bool = False
    intent: str = "unknown"  # a metric label until the plan names the intent

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def take(self, chunk: AnalysisChunk) -> None:
        self.message_id = chunk.message_id or self.message_id
        self.conversation_id = chunk.conversation_id or self.conversation_id
        self.task_id = chunk.task_id or self.task_id
        if chunk.kind == "answer":
            if self.first_token_ms is None and chunk.text:
                self.first_token_ms = round((time.perf_counter() - self.started) * 1000, 3)
            self.parts.append(chunk.text)
        elif chunk.kind == "replace":
            self.parts = [chunk.text]
        elif chunk.kind == "end":
            self.usage = chunk.usage


def _event(name: str, run: RunRequest, **body: Any) -> dict[str, Any]:
    return {"event": name, "run_id": str(run.run_id), **body}


def error_event(run: RunRequest, code: str, message: str, status: int) -> dict[str, Any]:
    return _event("error", run, code=code, message=message, status=status)


async def run_events(run: RunRequest) -> AsyncIterator[dict[str, Any]]:
    """The events of one run, recorded in prompt history whatever happens."""
    answer = _Answer()
    metrics.ACTIVE_RUNS.inc()
    try:
        async for event in _stages(run, answer):
            yield event
    except (asyncio.CancelledError, GeneratorExit):
        await _record_cancelled(run, answer)
        raise
    except Exception as exc:
        code, message, status = _describe_failure(exc)
        await _record_failed(run, answer, code, message)
        metrics.observe_failure(answer.intent, run.channel, code)
        yield error_event(run, code, message, status)
    finally:
        metrics.ACTIVE_RUNS.dec()
        # Forget the run's stop bookkeeping also when no transport registered it (stream:
        # false, hawk_ask): the stop checks between chunks leave an entry per run.
        run_control.unregister(run.run_id)


def _describe_failure(exc: Exception) -> tuple[str, str, int]:
    if isinstance(exc, AnalysisError):
        return "analysis_failed", exc.message, STATUS_OF_CODE["analysis_failed"]
    code, message, _ = describe_exception(exc)
    if code == "internal":
        logger.error("run failed", exc_info=exc)
    return code, message, STATUS_OF_CODE[code]


async def _stages(run: RunRequest, answer: _Answer) -> AsyncIterator[dict[str, Any]]:
    prepared = await in_db_thread(understand_and_plan, run.request)
    answer.intent = prepared.plan.intent
    run_metrics.count_template(run.request.choice)
    yield _event("hawk_plan", run, **plan_body(prepared))
    clarification = prepared.understanding.clarification
    if clarification is not None:
        yield _event("hawk_notice", run, code="unclear_request", message=clarification.question)
    # The history row is written while the sources are read: neither waits for the other.
    await asyncio.gather(in_db_thread(_create_record, run, prepared),
                         run_extraction_async(prepared))  # fmt: skip
    # The context is built before its event, which reports its size (API.md: context_chars).
    await in_db_thread(_facts_and_context, prepared)
    yield _context_event(run, prepared)
    assert prepared.facts is not None
    run_metrics.observe_facts(prepared)
    yield _event("hawk_facts", run, facts=prepared.facts.facts, warnings=prepared.facts.warnings)
    for warning in prepared.facts.warnings:
        if warning["code"] == "AS_OF_NOT_AVAILABLE":
            yield _event("hawk_notice", run, code="as_of_not_available", message=warning["message"])
    async for event in _answer_events(run, prepared, answer):
        yield event


def _create_record(run: RunRequest, prepared: Prepared) -> None:
    run_create(
        run_id=run.run_id,
        user_id=run.user_id,
        channel=run.channel,
        prompt=run.request.prompt,
        session_id=run.session_id,
        conversation_id=run.conversation_id,
        choice=run.request.choice,
        plan=prepared.plan.as_dict(),
    )


def _context_event(run: RunRequest, prepared: Prepared) -> dict[str, Any]:
    assert prepared.extraction is not None and prepared.context is not None
    extraction = prepared.extraction
    return _event(
        "hawk_context",
        run,
        records=extraction.record_count,
        by_source=extraction.by_source(),
        extraction_ms=round(extraction.extraction_ms, 3),
        cache=extraction.cache,
        context_chars=prepared.context.chars,
        truncated=prepared.context.truncated,
    )


def _facts_and_context(prepared: Prepared) -> None:
    run_facts(prepared)
    run_context(prepared)


def _analysis_request(run: RunRequest, prepared: Prepared) -> AnalysisRequest:
    assert prepared.facts is not None and prepared.context is not None
    template = run.request.template
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
        clarification=_clarification(prepared),
    )


def _clarification(prepared: Prepared) -> dict[str, Any] | None:
    clarification = prepared.understanding.clarification
    return clarification.as_dict() if clarification else None


async def _answer_events(
    run: RunRequest, prepared: Prepared, answer: _Answer
) -> AsyncIterator[dict[str, Any]]:
    choice = await in_db_thread(_choose, run, prepared)
    backend = choice.backend
    if choice.notice_code:
        yield _event("hawk_notice", run, code=choice.notice_code, message=choice.notice)
    key, cached = await in_db_thread(_cached_answer, run, prepared, backend.name)
    lookup = "bypass" if key is None or not run.request.use_cache else "miss"
    metrics.ANSWER_CACHE_LOOKUPS.labels("hit" if cached is not None else lookup).inc()
    if cached is not None:
        async for event in _replay(run, cached, answer):
            yield event
    else:
        async for event in _live_answer(run, prepared, backend, answer):
            yield event
    # A fallback answer is not stored under the key of the backend that was asked for.
    yield await _finish(run, prepared, answer, key if answer.backend == backend.name else None)


def _choose(run: RunRequest, prepared: Prepared) -> Choice:
    """The router's backend, unless the budget is spent or Dify's circuit is open."""
    assert prepared.context is not None
    return choose_backend(
        intent=prepared.plan.intent, category=prepared.plan.template_category,
        user_id=run.user_id, context_chars=prepared.context.chars,
    )  # fmt: skip


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
    assert prepared.extraction is not None
    return answer_key(
        prompt=run.request.prompt,
        plan=prepared.plan,
        backend=backend,
        template=choice.as_dict() if choice else None,
        generations=prepared.extraction.generations,
    )


async def _replay(
    run: RunRequest, cached: dict[str, Any], answer: _Answer
) -> AsyncIterator[dict[str, Any]]:
    answer.backend, answer.answer_cache = cached["backend"], "hit"
    message_id = str(uuid.uuid4())
    for piece in replay_chunks(cached["answer"]):
        answer.take(AnalysisChunk("answer", piece, message_id=message_id))
        yield _message(run, answer, piece)
    usage = cached.get("usage") or {}
    answer.take(AnalysisChunk("end", usage=usage))
    metrics.ANSWER_CACHE_SAVINGS.labels(cached["backend"]).inc(int(usage.get("total_tokens") or 0))
    saved = run_cost(cached["backend"], usage).usd
    metrics.ANSWER_CACHE_SAVED_USD.labels(cached["backend"]).inc(float(saved))


def _message(run: RunRequest, answer: _Answer, delta: str) -> dict[str, Any]:
    return _event(
        "message",
        run,
        message_id=answer.message_id,
        conversation_id=answer.conversation_id,
        answer=delta,
    )


async def _live_answer(
    run: RunRequest, prepared: Prepared, backend: AnalysisBackend, answer: _Answer
) -> AsyncIterator[dict[str, Any]]:
    request = _analysis_request(run, prepared)
    try:
        async for event in _stream_backend(run, backend, request, answer):
            yield event
    except AnalysisError as exc:
        metrics.ANALYSIS_CALLS.labels(backend.name, "error").inc()
        if exc.answered or backend.name == "builtin":
            raise
        logger.warning("analysis by %s failed before answering (%s): falling back", backend.name,
                       exc.code)  # fmt: skip
        metrics.ANALYSIS_FALLBACKS.labels(exc.code).inc()
        metrics.NOTICES.labels("analysis_fallback").inc()
        message = f"{backend.name} is unavailable ({exc.code}); answering with the built-in analyst"
        yield _event("hawk_notice", run, code="analysis_fallback", message=message)
        async for event in _stream_backend(run, fallback_backend(), request, answer):
            yield event


async def _stream_backend(
    run: RunRequest, backend: AnalysisBackend, request: AnalysisRequest, answer: _Answer
) -> AsyncIterator[dict[str, Any]]:
    answer.backend, answer.source = backend.name, backend
    started = time.perf_counter()
    try:
        async for event in _relay(run, backend, request, answer):
            yield event
    except AnalysisError as exc:
        run_metrics.observe_llm_call(
            backend.name, time.perf_counter() - started, {}, error_type=exc.code
        )
        raise
    seconds = time.perf_counter() - started
    metrics.observe_analysis(backend.name, seconds, answer.usage)
    run_metrics.observe_llm_call(backend.name, seconds, answer.usage)


async def _relay(
    run: RunRequest, backend: AnalysisBackend, request: AnalysisRequest, answer: _Answer
) -> AsyncIterator[dict[str, Any]]:
    # aclosing: a cancelled run closes the backend's stream at once (Dify's client then stops
    # its task), instead of whenever the generator is garbage-collected.
    async with contextlib.aclosing(backend.stream(request)) as chunks:
        async for chunk in chunks:
            await run_control.raise_if_stopped(run.run_id)
            answer.take(chunk)
            if chunk.kind == "answer" and chunk.text:
                yield _message(run, answer, chunk.text)
            elif chunk.kind == "replace":
                yield _event(
                    "message_replace",
                    run,
                    message_id=answer.message_id,
                    conversation_id=answer.conversation_id,
                    answer=chunk.text,
                )


async def _finish(
    run: RunRequest, prepared: Prepared, answer: _Answer, key: str | None
) -> dict[str, Any]:
    timings = _timings(prepared, answer)
    if answer.first_token_ms is not None:
        metrics.FIRST_TOKEN_SECONDS.labels(answer.backend).observe(answer.first_token_ms / 1000)
    quality = await in_db_thread(_complete, run, prepared, answer, key, timings)
    metrics.observe_run(prepared.plan.intent, run.channel, "completed", timings, quality)
    unverified = len(quality.get("unverified_numbers") or [])
    metrics.UNVERIFIED_NUMBERS.labels(answer.backend).inc(unverified)
    return _event(
        "message_end",
        run,
        message_id=answer.message_id,
        conversation_id=answer.conversation_id,
        metadata={"usage": answer.usage},
        backend=answer.backend,
        answer_cache=answer.answer_cache,
        quality=quality,
        timings=timings,
    )


def _timings(prepared: Prepared, answer: _Answer) -> dict[str, float | None]:
    return {
        "plan_ms": prepared.timings.get("plan_ms"),
        "extraction_ms": prepared.timings.get("extraction_ms"),
        "first_token_ms": answer.first_token_ms,
        "total_ms": round((time.perf_counter() - answer.started) * 1000, 3),
    }


def _complete(
    run: RunRequest, prepared: Prepared, answer: _Answer, key: str | None, timings: dict
) -> dict[str, Any]:
    """Number check (CPU: about 0.3 ms per 1,000 context characters), answer-cache write and
    the history row, on a database thread; returns the quality."""
    assert prepared.context is not None
    quality = check_numbers(answer.text, prepared.context.text).as_dict()
    if answer.answer_cache == "miss":
        answer_put(key, {"answer": answer.text, "usage": answer.usage, "backend": answer.backend})
    cost = _cost(answer)
    _record_completed(run, prepared, answer, quality, timings, cost)
    return quality


def _cost(answer: _Answer) -> Decimal:
    """What this run spent: nothing when its answer was replayed from the cache."""
    if answer.answer_cache == "hit":
        return ZERO
    cost = run_cost(answer.backend, answer.usage)
    metrics.observe_cost(answer.backend, cost.usd, cost.source)
    return cost.usd


def _record_completed(
    run: RunRequest, prepared: Prepared, answer: _Answer, quality: dict, timings: dict,
    cost_usd: Decimal,
) -> None:  # fmt: skip
    assert prepared.extraction is not None
    run_finish(
        run_id=run.run_id,
        status="completed",
        answer=answer.text,
        usage=answer.usage,
        cost_usd=cost_usd,
        quality=quality,
        backend=answer.backend,
        answer_cache=answer.answer_cache,
        records=prepared.extraction.record_count,
        cache_status=prepared.extraction.cache,
        timings=timings,
        message_id=answer.message_id,
        conversation_id=answer.conversation_id or run.conversation_id,
        task_id=answer.task_id,
        plan=prepared.plan.as_dict(),
    )
    answer.recorded = True


async def _record_cancelled(run: RunRequest, answer: _Answer) -> None:
    await through_cancellation(_end_cancelled(run, answer))
    metrics.RUNS.labels(answer.intent, run.channel, "cancelled").inc()


async def _end_cancelled(run: RunRequest, answer: _Answer) -> None:
    """Recorded first, then the backend's task stopped (with the backend's own app key): a
    stop can take Dify seconds, and the record must not wait for it."""
    await record_ending(_ending(run, answer, "cancelled", {}))
    logger.info("run %s cancelled after %d answer characters", run.run_id, len(answer.text))
    if answer.task_id and answer.source is not None:
        await answer.source.stop(task_id=answer.task_id, user=run.dify_user)


async def _record_failed(run: RunRequest, answer: _Answer, code: str, message: str) -> None:
    logger.warning("run %s failed (%s): %s", run.run_id, code, message)
    error = {"code": code, "message": message}
    await through_cancellation(record_ending(_ending(run, answer, "failed", error)))


def _ending(run: RunRequest, answer: _Answer, status: str, error: dict) -> Ending:
    return Ending(
        run_id=run.run_id, user_id=run.user_id, channel=run.channel, prompt=run.request.prompt,
        session_id=run.session_id, status=status, answer=answer.text, usage=answer.usage,
        error=error, backend=answer.backend, message_id=answer.message_id,
        task_id=answer.task_id,
    )  # fmt: skip

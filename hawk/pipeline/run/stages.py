"""The run service: one async generator that yields the events of a run (API.md) in order and
records the run as it goes. HTTP (SSE) and WebSocket only frame what it yields.

    hawk_plan -> hawk_context -> hawk_facts -> [hawk_notice] -> message* -> message_end
    or, at any point, error (and the stream ends)

Cancellation (client gone, stop request) arrives as CancelledError or GeneratorExit at the
current await; the run is then recorded as cancelled with what was answered so far, and the
backend's task is stopped.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from hawk.analysis.base import AnalysisError
from hawk.database.threads import in_db_thread
from hawk.pipeline.prepare import (
    Planned,
    Prepared,
    complete,
    extract_planned_async,
    plan_body,
    understand_and_plan,
)
from hawk.pipeline.run import control, liveness, observe
from hawk.pipeline.run.answering import answer_events
from hawk.pipeline.run.history import run_create
from hawk.pipeline.run.recording import record_cancelled, record_failed
from hawk.pipeline.run.request import Answer, RunRequest, error_event, event
from hawk.telemetry import metrics
from hawk.web.errors import STATUS_OF_CODE, describe_exception

logger = logging.getLogger(__name__)


async def run_events(run: RunRequest) -> AsyncIterator[dict[str, Any]]:
    """The events of one run, recorded in prompt history whatever happens."""
    answer = Answer()
    metrics.ACTIVE_RUNS.inc()
    liveness.LIVE_RUNS.add(run.run_id)
    try:
        async for item in _stages(run, answer):
            yield item
    except (asyncio.CancelledError, GeneratorExit):
        await record_cancelled(run, answer, control.reason_of(run.run_id))
        raise
    except Exception as exc:
        code, message, status = _describe_failure(exc)
        await record_failed(run, answer, code, message)
        metrics.observe_failure(answer.intent, run.channel, code)
        yield error_event(run, code, message, status)
    finally:
        metrics.ACTIVE_RUNS.dec()
        liveness.LIVE_RUNS.discard(run.run_id)
        # Forget the run's stop bookkeeping also when no transport registered it (stream:
        # false, hawk_ask): the stop checks between chunks leave an entry per run.
        control.unregister(run.run_id)


def _describe_failure(exc: Exception) -> tuple[str, str, int]:
    if isinstance(exc, AnalysisError):
        return "analysis_failed", exc.message, STATUS_OF_CODE["analysis_failed"]
    code, message, _ = describe_exception(exc)
    if code == "internal":
        logger.error("run failed", exc_info=exc)
    return code, message, STATUS_OF_CODE[code]


async def _stages(run: RunRequest, answer: Answer) -> AsyncIterator[dict[str, Any]]:
    planned = await in_db_thread(understand_and_plan, run.request)
    answer.intent = planned.plan.intent
    observe.count_template(run.request.choice)
    yield event("hawk_plan", run, **plan_body(planned))
    clarification = planned.understanding.clarification
    if clarification is not None:
        yield event("hawk_notice", run, code="unclear_request", message=clarification.question)
    # The history row is written while the sources are read: neither waits for the other.
    recorded = in_db_thread(_create_record, run, planned)
    _, extracted = await asyncio.gather(recorded, extract_planned_async(planned))
    # The context is built before its event, which reports its size (API.md: context_chars).
    # Facts and context are computed over what was read, no I/O: here on the loop (about a
    # millisecond), not with a trip to a database thread and back.
    prepared = complete(planned, extracted)
    yield _context_event(run, prepared)
    observe.observe_facts(prepared)
    yield event("hawk_facts", run, facts=prepared.facts.facts, warnings=prepared.facts.warnings)
    for warning in prepared.facts.warnings:
        if warning["code"] == "AS_OF_NOT_AVAILABLE":
            yield event("hawk_notice", run, code="as_of_not_available", message=warning["message"])
    async for item in answer_events(run, prepared, answer):
        yield item


def _create_record(run: RunRequest, planned: Planned) -> None:
    run_create(
        run_id=run.run_id,
        user_id=run.user_id,
        channel=run.channel,
        prompt=run.request.prompt,
        session_id=run.session_id,
        conversation_id=run.conversation_id,
        msg_uid=run.msg_uid,
        instruction_id=run.instruction_id,
        choice=run.request.choice,
        plan=planned.plan.as_dict(),
    )


def _context_event(run: RunRequest, prepared: Prepared) -> dict[str, Any]:
    extraction = prepared.extraction
    return event(
        "hawk_context",
        run,
        records=extraction.record_count,
        by_source=extraction.by_source(),
        extraction_ms=round(extraction.extraction_ms, 3),
        cache=extraction.cache,
        context_chars=prepared.context.chars,
        truncated=prepared.context.truncated,
    )

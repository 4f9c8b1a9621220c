"""How a run is recorded in prompt history: completed (with its answer check, cost and the
answer cached), cancelled (the backend's client stops its task as its stream closes) or
failed; a run that ends early is charged what it used."""

import logging
from typing import Any

from hawk.analysis.checks import WARNED_RISKS, check_reading, read_answer
from hawk.analysis.cost import FREE, RunCost, ended_run_cost, run_cost
from hawk.database.threads import in_db_thread
from hawk.pipeline.answer_cache import answer_key, answer_put, answer_swap
from hawk.pipeline.prepare import Prepared
from hawk.pipeline.run.agent_sessions import SessionEnd, session_ended
from hawk.pipeline.run.ending import Ending, record_ending, through_cancellation
from hawk.pipeline.run.history import run_finish
from hawk.pipeline.run.request import Answer, RunRequest, event
from hawk.telemetry import metrics

logger = logging.getLogger(__name__)

# The consistency check compares answers to one question over one data generation, whichever
# backend wrote them: their claims are kept under the answer key of no particular backend.
ANY_BACKEND = "*"


def answer_key_of(run: RunRequest, prepared: Prepared, backend: str) -> str | None:
    """The answer-cache key of a run's answer by `backend`; None in a conversation."""
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


async def finish(
    run: RunRequest, prepared: Prepared, answer: Answer, key: str | None
) -> list[dict[str, Any]]:
    """Record the completed run; its last events: a quality_warning notice when the answer's
    risk is high or critical, then `message_end`."""
    timings = _timings(prepared, answer)
    if answer.first_token_ms is not None:
        metrics.FIRST_TOKEN_SECONDS.labels(answer.backend).observe(answer.first_token_ms / 1000)
    quality = await in_db_thread(_complete, run, prepared, answer, key, timings)
    metrics.observe_run(prepared.plan.intent, run.channel, "completed", timings, quality)
    unverified = len(quality.get("unverified_numbers") or [])
    metrics.UNVERIFIED_NUMBERS.labels(answer.backend).inc(unverified)
    metrics.ANSWER_RISK.labels(answer.backend, quality["risk"]).inc()
    end = event(
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
    warning = quality_warning(run, quality)
    return [warning, end] if warning else [end]


def quality_warning(run: RunRequest, quality: dict[str, Any]) -> dict[str, Any] | None:
    """The notice after a high or critical answer, naming what it contradicts."""
    if quality["risk"] not in WARNED_RISKS:
        return None
    metrics.NOTICES.labels("quality_warning").inc()
    said = "; ".join(finding["message"] for finding in quality["findings"][:3])
    message = f"check this answer (risk {quality['risk']}): {said}"
    return event("hawk_notice", run, code="quality_warning", message=message, risk=quality["risk"])


def _timings(prepared: Prepared, answer: Answer) -> dict[str, float | None]:
    return {
        "plan_ms": prepared.timings.get("plan_ms"),
        "extraction_ms": prepared.timings.get("extraction_ms"),
        "first_token_ms": answer.first_token_ms,
        "total_ms": answer.elapsed_ms(),
    }


def _complete(
    run: RunRequest, prepared: Prepared, answer: Answer, key: str | None, timings: dict
) -> dict[str, Any]:
    """The answer check (CPU: about 0.3 ms per 1,000 context characters; the previous answer's
    claims from the cache), answer-cache write and the history row, on a database thread;
    returns the quality."""
    question = answer_key_of(run, prepared, ANY_BACKEND)
    claims_key = f"claims:{question}" if question else None
    reading = read_answer(answer.text, context=prepared.context.text, facts=prepared.facts.facts)
    check = check_reading(reading, previous=answer_swap(claims_key, reading.claims.as_dict()))
    quality = check.as_dict()
    if answer.answer_cache == "miss":
        answer_put(key, {"answer": answer.text, "usage": answer.usage, "backend": answer.backend})
    _record_completed(run, prepared, answer, quality=quality, timings=timings, cost=_cost(answer))
    return quality


def _cost(answer: Answer) -> RunCost:
    """What this run spent: nothing when its answer was replayed from the cache."""
    if answer.answer_cache == "hit":
        return FREE
    cost = run_cost(answer.backend, answer.usage)
    metrics.observe_cost(answer.backend, cost.usd, cost.source)
    return cost


def _ended_cost(answer: Answer) -> RunCost:
    """What a cancelled or failed run used (an estimate when Dify sent no usage)."""
    if answer.answer_cache == "hit":
        return FREE
    cost = ended_run_cost(
        answer.backend, answer.usage, sent_chars=answer.sent_chars, answer_chars=len(answer.text)
    )
    if answer.backend:
        metrics.observe_cost(answer.backend, cost.usd, cost.source)
    return cost


def _record_completed(
    run: RunRequest,
    prepared: Prepared,
    answer: Answer,
    *,
    quality: dict,
    timings: dict,
    cost: RunCost,
) -> None:
    run_finish(
        run_id=run.run_id,
        status="completed",
        answer=answer.text,
        usage=answer.usage,
        cost=cost,
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
    session_ended(
        SessionEnd(
            run_id=run.run_id,
            msg_uid=run.msg_uid,
            instruction_id=run.instruction_id,
            status="completed",
            answer=answer.text,
            backend=answer.backend,
            usage=answer.usage,
            error={},
            execution_ms=timings.get("total_ms"),
        )
    )


async def record_cancelled(run: RunRequest, answer: Answer, reason: str = "cancelled") -> None:
    await through_cancellation(_end_cancelled(run, answer, reason))
    metrics.RUNS.labels(answer.intent, run.channel, "cancelled").inc()


async def _end_cancelled(run: RunRequest, answer: Answer, reason: str) -> None:
    """The backend's task is stopped once, by its client, when the cancellation closes its
    stream (hawk.analysis.dify.client.stream_chat); here only the record. A run cut by a
    drain keeps why (error code `server_restarting`); a plain stop has no error."""
    error = {} if reason == "cancelled" else {"code": reason, "message": "the worker restarted"}
    await record_ending(_ending(run, answer, "cancelled", error))
    logger.info("run %s cancelled after %d answer characters", run.run_id, len(answer.text))


async def record_failed(run: RunRequest, answer: Answer, code: str, message: str) -> None:
    logger.warning("run %s failed (%s): %s", run.run_id, code, message)
    error = {"code": code, "message": message}
    await through_cancellation(record_ending(_ending(run, answer, "failed", error)))


def _ending(run: RunRequest, answer: Answer, status: str, error: dict) -> Ending:
    return Ending(
        run_id=run.run_id,
        user_id=run.user_id,
        channel=run.channel,
        prompt=run.request.prompt,
        session_id=run.session_id,
        msg_uid=run.msg_uid,
        instruction_id=run.instruction_id,
        status=status,
        answer=answer.text,
        usage=answer.usage,
        cost=_ended_cost(answer),
        error=error,
        backend=answer.backend,
        message_id=answer.message_id,
        task_id=answer.task_id,
        execution_ms=answer.elapsed_ms(),
    )

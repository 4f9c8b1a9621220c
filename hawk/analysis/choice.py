"""Which backend answers a run: the router's choice (analysis/router.py), then Dify only when
it is configured, its circuit is not open and the run's expected cost could be reserved
against the LLM budgets; else the built-in analyst (the embedded default), with a notice saying
why."""

import uuid
from dataclasses import dataclass

from hawk.analysis.base import AnalysisBackend
from hawk.analysis.budgets import budget_reserve, spent_message
from hawk.analysis.builtin import BuiltinAnalyst
from hawk.analysis.cost import estimated_llm_cost, expected_run_cost
from hawk.analysis.dify import dify_circuit_state, get_dify_backend
from hawk.analysis.router import route_for
from hawk.telemetry import metrics


@dataclass(frozen=True)
class Choice:
    backend: AnalysisBackend
    notice_code: str = ""  # a hawk_notice code (API.md) when the run does not get what it asked
    notice: str = ""


def fallback_backend() -> AnalysisBackend:
    return BuiltinAnalyst()


def choose_backend(
    *,
    run_id: uuid.UUID,
    intent: str,
    category: str | None,
    user_id: int | None,
    context_chars: int = 0,
) -> Choice:
    """Reserves the budget in prompt history (the run's row): call it on a database thread."""
    route = route_for(intent=intent, category=category)
    dify = get_dify_backend(route.dify_app) if route.backend == "dify" else None
    if route.backend == "builtin" and get_dify_backend(category) is not None:
        saved = estimated_llm_cost(context_chars)
        metrics.ROUTER_SAVED_USD.labels(route.key).inc(float(saved))
    chosen = _usable(dify, run_id, user_id, context_chars)
    metrics.ROUTED_RUNS.labels(route.key, chosen.backend.name).inc()
    if chosen.notice_code:
        metrics.NOTICES.labels(chosen.notice_code).inc()
    return chosen


def _usable(
    dify: AnalysisBackend | None, run_id: uuid.UUID, user_id: int | None, context_chars: int
) -> Choice:
    if dify is None:
        return Choice(fallback_backend())
    state = dify_circuit_state()
    metrics.set_circuit_state("dify", state)
    if state == "open":
        message = "Dify is failing (circuit open); answering with the built-in analyst"
        return Choice(fallback_backend(), "analysis_fallback", message)
    expected = expected_run_cost(context_chars)
    refusing = budget_reserve(run_id=run_id, user_id=user_id, expected_usd=expected)
    if refusing is not None:
        return Choice(fallback_backend(), "budget_exceeded", spent_message(refusing))
    return Choice(dify)


__all__ = ["Choice", "choose_backend", "fallback_backend"]

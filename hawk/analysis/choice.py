"""Which backends may answer a run, in order: the router's choice (analysis/router.py), then,
for a run sent to an LLM, the fallback chain (HAWK_ANALYSIS_CHAIN) with the backends that are
not configured left out and those cooling down or with an open circuit skipped (named in the
notice); the built-in analyst ends every chain. The run's expected cost is reserved against the
LLM budgets first (analysis/budgets.py): a budget that cannot take it leaves the built-in
analyst only.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings

from hawk.analysis.base import AnalysisBackend
from hawk.analysis.budgets import budget_reserve, spent_message
from hawk.analysis.builtin import BuiltinAnalyst
from hawk.analysis.cooldown import cooling_down
from hawk.analysis.cost import estimated_llm_cost, expected_run_cost
from hawk.analysis.dify import dify_circuit_state, get_dify_backend
from hawk.analysis.openai_compat import get_openai_backend
from hawk.analysis.router import Route, route_for
from hawk.telemetry import metrics


@dataclass(frozen=True)
class Skipped:
    backend: str
    reason: str  # said in the analysis_fallback notice


@dataclass(frozen=True)
class Choice:
    backends: tuple[AnalysisBackend, ...]  # tried in order; the built-in analyst is last
    skipped: tuple[Skipped, ...] = ()
    notice_code: str = ""  # a hawk_notice code (API.md) sent before the answer
    notice: str = ""

    @property
    def backend(self) -> AnalysisBackend:
        """The backend asked first: the answer cache's key is its answer's."""
        return self.backends[0]


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
    """Reserves the budget in prompt history (the run's row) and reads the cool-downs from the
    cache: call it on a database thread."""
    route = route_for(intent=intent, category=category)
    if route.backend == "builtin" and _llm_configured(category):
        saved = estimated_llm_cost(context_chars)
        metrics.ROUTER_SAVED_USD.labels(route.key).inc(float(saved))
    chosen = _usable(route, run_id, user_id, context_chars)
    metrics.ROUTED_RUNS.labels(route.key, chosen.backend.name).inc()
    if chosen.notice_code:
        metrics.NOTICES.labels(chosen.notice_code).inc()
    return chosen


def _llm_configured(category: str | None) -> bool:
    return get_dify_backend(category) is not None or get_openai_backend() is not None


def _usable(route: Route, run_id: uuid.UUID, user_id: int | None, context_chars: int) -> Choice:
    if route.backend == "builtin" or not _llm_configured(route.dify_app):
        return Choice((fallback_backend(),))
    expected = expected_run_cost(context_chars)
    refusing = budget_reserve(run_id=run_id, user_id=user_id, expected_usd=expected)
    if refusing is not None:
        return Choice((fallback_backend(),), (), "budget_exceeded", spent_message(refusing))
    backends, skipped = [], []
    for name in _chain(route):
        backend = _configured(name, route)
        reason = _skip_reason(name) if backend is not None else ""
        if reason:
            skipped.append(Skipped(name, reason))
            metrics.BACKEND_SKIPPED.labels(name).inc()
        elif backend is not None:
            backends.append(backend)
    return Choice((*backends, fallback_backend()), tuple(skipped))


def _chain(route: Route) -> list[str]:
    chain = [name for name in settings.HAWK_ANALYSIS_CHAIN if name != "builtin"]
    return [name for name in chain if name != "dify"] if route.backend == "openai" else chain


def _configured(name: str, route: Route) -> AnalysisBackend | None:
    if name == "dify":
        return get_dify_backend(route.dify_app)
    return get_openai_backend()


def _skip_reason(name: str) -> str:
    if cooling_down(name):
        return "cooling down after repeated failures"
    if name == "dify":
        state = dify_circuit_state()
        metrics.set_circuit_state("dify", state)
        if state == "open":
            return "failing (circuit open)"
    return ""


__all__ = ["Choice", "Skipped", "choose_backend", "fallback_backend"]

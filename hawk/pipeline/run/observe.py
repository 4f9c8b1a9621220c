"""What a run tells the metrics beyond its own counters: its template and variant, its facts
(context size, warnings, threshold statuses by currency) and its LLM calls (GenAI metrics)."""

from typing import Any

from django.conf import settings

from hawk.pipeline.prepare import Prepared
from hawk.telemetry import genai, metrics
from templates_app.experiments import TemplateChoice


def count_template(choice: TemplateChoice | None) -> None:
    """Runs by template and A/B variant: labels bounded by the template catalogue."""
    name = choice.template.name[:60] if choice else "none"
    variant = (choice.variant if choice else "") or "none"
    metrics.RUNS_BY_TEMPLATE.labels(name, variant).inc()


def observe_facts(prepared: Prepared) -> None:
    metrics.CONTEXT_CHARS.labels(prepared.plan.intent).observe(prepared.context.chars)
    for warning in prepared.facts.warnings:
        metrics.FACT_WARNINGS.labels(_severity(warning.get("severity"))).inc()
    thresholds = prepared.facts.facts.get("thresholds")
    if isinstance(thresholds, list):
        metrics.observe_thresholds(thresholds)


def _severity(value: object) -> str:
    return str(value) if value in {"info", "warning", "critical", "error"} else "other"


def observe_llm_call(
    backend: str, seconds: float, usage: dict[str, Any], error_type: str = ""
) -> None:
    """The OpenTelemetry GenAI metrics, for the calls that reach an LLM (Dify's)."""
    if backend == "builtin":
        return
    genai.observe_llm_call(
        model=settings.HAWK_LLM_MODEL,
        seconds=seconds,
        error_type=error_type,
        input_tokens=int(usage.get("prompt_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
    )

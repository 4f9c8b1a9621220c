"""The data phase of a run, stage by stage: understand, plan, extract, facts, context.

Each stage is its own module; this one only strings them together and times them. The run
service (streaming) calls the stages one by one so it can emit an event after each; the plan
and context endpoints call `prepare` for the whole phase at once.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from hawk.database.threads import hold_connection
from hawk.datacache.generations import current_generations
from hawk.pipeline.business_date import TABLE as BUSINESS_DATE_TABLE
from hawk.pipeline.business_date import current_business_date
from hawk.pipeline.context import BuiltContext, build_context
from hawk.pipeline.extract import Extraction, extract, extract_async
from hawk.pipeline.facts import Facts, FactsInput, compute_facts
from hawk.pipeline.plan import Plan, make_plan
from hawk.pipeline.understand import Understanding, understand
from hawk.pipeline.vocabulary import VOCABULARY_TABLES, load_vocabulary
from templates_app.experiments import TemplateChoice, template_for_run
from templates_app.models import PromptTemplate
from templates_app.rendering import render_template
from templates_app.variables import validated_variables

logger = logging.getLogger(__name__)

OVERRIDE_FIELDS = ("currency", "entity_id", "nav_type", "amount", "order_id")


@dataclass(frozen=True)
class PromptInput:
    """A validated request (PromptRequestSerializer.validated_data), resolved."""

    prompt: str
    template: PromptTemplate | None = None
    template_category: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    use_cache: bool = True
    # The template actually used and, within an A/B experiment, the user's variant.
    choice: TemplateChoice | None = None

    @classmethod
    def from_validated(cls, data: dict[str, Any], *, user_id: int | None = None) -> "PromptInput":
        choice = None
        prompt = data["user_prompt"]
        if data.get("template_id"):
            choice = template_for_run(template_id=data["template_id"], user_id=user_id)
            prompt = _rendered_prompt(choice.template, data.get("template_variables"), prompt)
        template = choice.template if choice else None
        overrides = {name: data[name] for name in OVERRIDE_FIELDS if data.get(name) is not None}
        category = data.get("template_category") or (template and template.template_category)
        return cls(
            prompt, template, category or None, overrides, data.get("use_cache", True), choice
        )


def _rendered_prompt(template: PromptTemplate, variables: dict | None, fallback: str) -> str:
    """With variables, the template's text filled in with typed, checked values (a bad or
    missing one is a 400 naming `template_variables.<name>`); without, the client's own
    rendering."""
    if not variables:
        return fallback
    clean = validated_variables(template, variables, prefix="template_variables")
    return render_template(template, clean).prompt


@dataclass
class Prepared:
    request: PromptInput
    understanding: Understanding
    plan: Plan
    extraction: Extraction | None = None
    facts: Facts | None = None
    context: BuiltContext | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


def _reference_generations() -> dict[str, int] | None:
    """Generations of the vocabulary tables and the business date, in one cache round trip;
    None when the cache is down (both then come from the database)."""
    try:
        return current_generations((*VOCABULARY_TABLES, BUSINESS_DATE_TABLE))
    except Exception as exc:
        logger.warning("reference generations unavailable, reading the database: %s", exc)
        return None


def understand_and_plan(request: PromptInput) -> Prepared:
    """The vocabulary and business date come through the cache, whose fill locks are taken
    with a connection in hand (see hold_connection)."""
    started = time.perf_counter()
    hold_connection()
    generations = _reference_generations()
    business_date = current_business_date(generations[BUSINESS_DATE_TABLE] if generations else None)
    understanding = understand(
        request.prompt,
        vocabulary=load_vocabulary(generations),
        overrides=request.overrides,
        template_category=request.template_category,
        today=business_date,
        confidence_floor=settings.HAWK_CONFIDENCE_FLOOR,
    )
    plan = plan_for(understanding, request.template, business_date)
    return Prepared(request, understanding, plan, timings={"plan_ms": _ms_since(started)})


def plan_for(understanding: Understanding, template: PromptTemplate | None, business_date) -> Plan:
    requirements = (template.data_requirements or {}) if template else {}
    return make_plan(
        intent=understanding.intent,
        template_category=understanding.template_category,
        parameters=understanding.parameters.as_dict(),
        business_date=business_date,
        required_sources=tuple(requirements.get("sources", ())),
        scope=requirements.get("scope"),
        rollover_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
    )


def _order_currency(prepared: Prepared) -> str | None:
    """An amendment names an order, not a currency: the order's instruction tells it."""
    if prepared.plan.parameters.get("currency") or prepared.extraction is None:
        return None
    instructions = prepared.extraction.records.get("instructions") or []
    order_id = prepared.plan.parameters.get("order_id")
    for row in instructions:
        if order_id and row.get("order_id") == order_id:
            return row.get("exposure_currency")
    return None


def _replan_with_currency(prepared: Prepared, currency: str) -> Plan:
    parameters = {**prepared.plan.parameters, "currency": currency}
    plan = prepared.plan
    return make_plan(
        intent=plan.intent,
        template_category=plan.template_category,
        parameters=parameters,
        business_date=plan.business_date,
        required_sources=tuple(r.name for r in plan.sources),
        scope=plan.data_scope,
        rollover_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
    )


def run_extraction(prepared: Prepared, extractor: Callable[..., Extraction] = extract) -> None:
    """Extract the plan; an order that reveals the currency re-plans once (amendments)."""
    started = time.perf_counter()
    prepared.extraction = extractor(prepared.plan, use_cache=prepared.request.use_cache)
    if currency := _order_currency(prepared):
        prepared.plan = _replan_with_currency(prepared, currency)
        prepared.extraction = extractor(prepared.plan, use_cache=prepared.request.use_cache)
    prepared.timings["extraction_ms"] = _ms_since(started)


async def run_extraction_async(prepared: Prepared) -> None:
    started = time.perf_counter()
    prepared.extraction = await extract_async(prepared.plan, use_cache=prepared.request.use_cache)
    if currency := _order_currency(prepared):
        prepared.plan = _replan_with_currency(prepared, currency)
        prepared.extraction = await extract_async(
            prepared.plan, use_cache=prepared.request.use_cache
        )
    prepared.timings["extraction_ms"] = _ms_since(started)


def run_facts(prepared: Prepared) -> None:
    assert prepared.extraction is not None, "extract before computing facts"
    started = time.perf_counter()
    parameters = prepared.plan.parameters
    amount = parameters.get("amount")
    prepared.facts = compute_facts(
        FactsInput(
            intent=prepared.plan.intent,
            currency=parameters.get("currency"),
            amount=Decimal(amount) if amount is not None else None,
            nav_type=parameters.get("nav_type"),
            entity_id=parameters.get("entity_id"),
            order_id=parameters.get("order_id"),
            unknown_currency=parameters.get("unknown_currency"),
            business_date=prepared.plan.business_date,
            as_of=prepared.plan.as_of,
            records=prepared.extraction.records,
            now=timezone.now(),
            rate_max_age_hours=settings.HAWK_RATE_MAX_AGE_HOURS,
            rollover_window_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
            effectiveness_materiality=Decimal(settings.HAWK_EFFECTIVENESS_MATERIALITY),
        )
    )
    prepared.timings["facts_ms"] = _ms_since(started)


def run_context(prepared: Prepared, *, max_chars: int | None = None) -> None:
    assert prepared.facts is not None and prepared.extraction is not None
    started = time.perf_counter()
    prepared.context = build_context(
        prompt=prepared.request.prompt,
        plan=prepared.plan.as_dict(),
        facts=prepared.facts.facts,
        warnings=prepared.facts.warnings,
        records=prepared.extraction.records,
        max_chars=max_chars or settings.HAWK_CONTEXT_MAX_CHARS,
    )
    prepared.timings["context_ms"] = _ms_since(started)


def prepare(request: PromptInput) -> Prepared:
    """The whole data phase, synchronously."""
    prepared = understand_and_plan(request)
    run_extraction(prepared)
    run_facts(prepared)
    run_context(prepared)
    return prepared

"""The data phase of a run, stage by stage: understand, plan, extract, facts, context.

Each stage is its own module; this one only strings them together and times them. The run
service (streaming) calls the stages one by one so it can emit an event after each; the plan
and context endpoints call `prepare` for the whole phase at once.
"""

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from hawk.database.threads import hold_connection
from hawk.datacache.generations import Generations, read_generations
from hawk.pipeline.business_date import TABLE as BUSINESS_DATE_TABLE
from hawk.pipeline.business_date import current_business_date
from hawk.pipeline.context import BuiltContext, build_context
from hawk.pipeline.extract import Extraction, extract, extract_async
from hawk.pipeline.facts import Facts, compute_facts
from hawk.pipeline.facts.inputs import facts_input
from hawk.pipeline.plan import Plan, make_plan
from hawk.pipeline.understand import Understanding, understand
from hawk.pipeline.vocabulary import VOCABULARY_TABLES, load_vocabulary
from hawk.sources import SOURCE_TABLES
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
        prompt = data.get("user_prompt", "")
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


@dataclass(frozen=True)
class Planned:
    """What the prompt asks and the plan to read it: the first half of the data phase."""

    request: PromptInput
    understanding: Understanding
    plan: Plan
    timings: Mapping[str, float]
    # The generations of every table the run may read, read before the understanding (None
    # when the cache is down): the keys of the run's cached reads are built on them.
    generations: Generations | None = None


@dataclass(frozen=True)
class Prepared:
    """The whole data phase. Its plan may differ from the first one: an amendment names an
    order, and the order's currency re-plans it once."""

    request: PromptInput
    understanding: Understanding
    plan: Plan
    extraction: Extraction
    facts: Facts
    context: BuiltContext
    timings: Mapping[str, float]


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)


# What a run may read through the cache: the vocabulary, the business date, every source.
RUN_TABLES = frozenset((*VOCABULARY_TABLES, BUSINESS_DATE_TABLE, *SOURCE_TABLES))


def _run_generations() -> Generations | None:
    """The generations of every table a run may read, in one read (one query of the change
    feed, one cache round trip) made before any of its rows is read, so that each row read
    later is at least as new as the generation its key is built on; None when the cache is
    down (everything then comes from the database)."""
    try:
        return read_generations(RUN_TABLES)
    except Exception as exc:
        logger.warning("generations unavailable, reading the database: %s", exc)
        return None


def understand_and_plan(request: PromptInput) -> Planned:
    """The vocabulary and business date come through the cache, whose fill locks are taken
    with a connection in hand (see hold_connection)."""
    started = time.perf_counter()
    hold_connection()
    read = _run_generations()
    generations = read.values if read else None
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
    return Planned(request, understanding, plan, {"plan_ms": _ms_since(started)}, read)


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


def replanned_for_order(plan: Plan, extraction: Extraction) -> Plan | None:
    """An amendment names an order, not a currency: the plan again with the currency of the
    order's instruction, or None when the plan needs no second read."""
    order_id = plan.parameters.get("order_id")
    if plan.parameters.get("currency") or not order_id:
        return None
    instructions = extraction.records.get("instructions") or []
    currency = next(
        (row.get("exposure_currency") for row in instructions if row.get("order_id") == order_id),
        None,
    )
    if not currency:
        return None
    return make_plan(
        intent=plan.intent,
        template_category=plan.template_category,
        parameters={**plan.parameters, "currency": currency},
        business_date=plan.business_date,
        required_sources=tuple(read.name for read in plan.sources),
        scope=plan.data_scope,
        rollover_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
    )


@dataclass(frozen=True)
class Extracted:
    plan: Plan
    extraction: Extraction
    extraction_ms: float


def extract_planned(planned: Planned, extractor: Callable[..., Extraction] = extract) -> Extracted:
    """Extract the plan; an order that reveals the currency re-plans once (amendments)."""
    started, use_cache, read = time.perf_counter(), planned.request.use_cache, planned.generations
    plan = planned.plan
    extraction = extractor(plan, use_cache=use_cache, generations_read=read)
    if second := replanned_for_order(plan, extraction):
        extraction = extractor(second, use_cache=use_cache, generations_read=read)
        plan = second
    return Extracted(plan, extraction, _ms_since(started))


async def extract_planned_async(planned: Planned) -> Extracted:
    """extract_planned with the sources read concurrently from the event loop."""
    started, use_cache, read = time.perf_counter(), planned.request.use_cache, planned.generations
    plan = planned.plan
    extraction = await extract_async(plan, use_cache=use_cache, generations_read=read)
    if second := replanned_for_order(plan, extraction):
        extraction = await extract_async(second, use_cache=use_cache, generations_read=read)
        plan = second
    return Extracted(plan, extraction, _ms_since(started))


def facts_for(extracted: Extracted) -> Facts:
    """The deterministic figures (DOMAIN.md) over the extracted records."""
    plan = extracted.plan
    return compute_facts(
        facts_input(
            intent=plan.intent,
            parameters=plan.parameters,
            business_date=plan.business_date,
            as_of=plan.as_of,
            records=extracted.extraction.records,
        )
    )


def complete(planned: Planned, extracted: Extracted, *, max_chars: int | None = None) -> Prepared:
    """Facts and context over what was extracted: the end of the data phase."""
    started = time.perf_counter()
    plan, records = extracted.plan, extracted.extraction.records
    facts = facts_for(extracted)
    facts_ms = _ms_since(started)
    started = time.perf_counter()
    context = build_context(
        prompt=planned.request.prompt,
        plan=plan.as_dict(),
        facts=facts.facts,
        warnings=facts.warnings,
        records=records,
        max_chars=max_chars or settings.HAWK_CONTEXT_MAX_CHARS,
    )
    timings = {
        **planned.timings,
        "extraction_ms": extracted.extraction_ms,
        "facts_ms": facts_ms,
        "context_ms": _ms_since(started),
    }
    return Prepared(
        planned.request, planned.understanding, plan, extracted.extraction, facts, context, timings
    )


def prepare(request: PromptInput) -> Prepared:
    """The whole data phase, synchronously."""
    planned = understand_and_plan(request)
    return complete(planned, extract_planned(planned))


def plan_body(planned: Planned | Prepared) -> dict[str, Any]:
    """What the agent understood and planned, as /hawk-agent/plan and the hawk_plan event
    show it."""
    understanding = planned.understanding.as_dict()
    choice = planned.request.choice
    return {
        **planned.plan.as_dict(),
        "confidence": understanding.get("confidence"),
        "evidence": understanding.get("evidence"),
        "clarification": understanding.get("clarification"),
        "template": choice.as_dict() if choice else None,
        "timings": dict(planned.timings),
    }


def context_body(prepared: Prepared) -> dict[str, Any]:
    """The whole data phase, as /hawk-agent/context shows it."""
    return {
        **plan_body(prepared),
        "records": prepared.extraction.record_count,
        "by_source": prepared.extraction.by_source(),
        "extraction_ms": round(prepared.extraction.extraction_ms, 3),
        "cache": prepared.extraction.cache,
        "facts": prepared.facts.facts,
        "warnings": prepared.facts.warnings,
        "context": prepared.context.text,
        "context_chars": prepared.context.chars,
        "truncated": prepared.context.truncated,
    }

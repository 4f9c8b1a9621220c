"""Facts: the deterministic numbers of a request, computed from the extracted records.

Pure functions, no I/O and no ORM: the records of the plan go in (sources.py shapes), the facts
of DOMAIN.md come out, JSON-ready, with warnings for whatever data was missing. Each intent
picks its sections; review intents show a section for each source their plan read.
"""

import datetime
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hawk.pipeline.facts import present
from hawk.pipeline.facts.capacity import Capacity, CapacityScope, capacity_rows
from hawk.pipeline.facts.lifecycle import (
    InstructionLine,
    LifecycleScope,
    active_allocations,
    amendment,
    closing_order,
    inquiry,
    order_instructions,
    rollover_candidates,
    termination_plan,
)
from hawk.pipeline.facts.rates import (
    USD,
    missing_rates,
    rate_quotes,
    rate_reference_time,
    rate_warnings,
    usd_conversion,
)
from hawk.pipeline.facts.records import (
    ZERO,
    Record,
    amount_of,
    code_of,
    date_of,
    of_currency,
    source_records,
    text_of,
)
from hawk.pipeline.facts.reviews import (
    HedgeBookUsd,
    booking_models,
    effectiveness_tests,
    threshold_statuses,
)
from hawk.pipeline.facts.utilisation import PbDeposit, pb_deposit, utilisation_check
from hawk.pipeline.facts.warning import WarningLog
from hawk.pipeline.facts.waterfall import (
    CLOSING,
    OPENING,
    configured_priorities,
    opening_order,
)

REVIEW_INTENTS = ("risk_analysis", "compliance", "performance", "monitoring", "general")
# Intents about an existing order: an order id that matches no instruction is worth a warning.
ORDER_INTENTS = ("rollover", "termination", "amendment", "inquiry")


@dataclass(frozen=True)
class FactsInput:
    intent: str  # inception | utilisation | rollover | ... | general
    currency: str | None
    amount: Decimal | None  # the requested amount R, in `currency`
    nav_type: str | None  # "COI" | "RE": restricts the candidate rows
    entity_id: str | None  # restricts the candidate rows
    order_id: str | None
    business_date: datetime.date  # the date the figures are for (the as-of date when asked)
    records: Mapping[str, Sequence[Mapping[str, Any]]]  # source name -> records (sources.py)
    now: datetime.datetime  # aware UTC, for rate staleness
    rate_max_age_hours: int = 72
    rollover_window_days: int = 30
    effectiveness_materiality: Decimal = Decimal("1000")
    as_of: datetime.date | None = None  # a past date the prompt asked for
    unknown_currency: str | None = None  # a code in the prompt that is no currency ("XYZ")


@dataclass
class Facts:
    facts: dict[str, Any]  # JSON-ready, DOMAIN.md format (warnings included)
    warnings: list[dict[str, str]]

    @functools.cached_property
    def numbers(self) -> frozenset[str]:
        """Every number presented; computed on demand (a walk of the whole facts tree that
        the streaming path does not need)."""
        return present.presented_numbers(self.facts)


@dataclass(frozen=True)
class _Request:
    """The input with what is resolved once: currency, its configuration, the order."""

    data: FactsInput
    currency: str | None
    currency_config: Record | None
    order_lines: tuple[InstructionLine, ...]
    log: WarningLog

    def records(self, source: str) -> Sequence[Record]:
        return source_records(self.data.records, source)

    def has_source(self, source: str) -> bool:
        return source in self.data.records


def compute_facts(data: FactsInput) -> Facts:
    """The facts of one request. Never raises for missing data: it becomes a warning."""
    request = _resolve(data)
    facts: dict[str, Any] = {
        "business_date": data.business_date.isoformat(),
        "as_of": data.business_date.isoformat(),
        "currency": request.currency,
    }
    facts.update(_SECTIONS.get(data.intent, _review_sections)(request))
    if data.as_of is not None:
        facts.update(_as_of_section(request))
    if names := entity_names(facts, request.records("entities")):
        facts["entity_names"] = names
    facts["warnings"] = request.log.as_dicts()
    return Facts(facts, request.log.as_dicts())


def entity_names(facts: Mapping[str, Any], entities: Sequence[Record]) -> dict[str, str]:
    """The names of the entities the facts mention, by id, so an answer can name them."""
    mentioned = set(_mentioned_entities(facts))
    return {
        record["entity_id"]: name
        for record in entities
        if record.get("entity_id") in mentioned and (name := text_of(record, "entity_name"))
    }


def _mentioned_entities(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if isinstance(entity_id := value.get("entity_id"), str):
            yield entity_id
        for item in value.values():
            yield from _mentioned_entities(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _mentioned_entities(item)


def _resolve(data: FactsInput) -> _Request:
    log = WarningLog()
    instructions = source_records(data.records, "instructions")
    order_lines = order_instructions(instructions, data.order_id) if data.order_id else []
    currency = data.currency.strip().upper() if data.currency else None
    if currency is None and order_lines:
        currency = order_lines[0].currency  # the order says which currency it is in
    if data.order_id and not order_lines and data.intent in ORDER_INTENTS:
        log.add("ORDER_NOT_FOUND", f"No instruction found for order {data.order_id}.")
    config = _currency_config(data.records, currency)
    if currency and config is None and "currencies" in data.records:
        log.add("UNKNOWN_CURRENCY", f"Currency {currency} is not configured.")
    return _Request(data, currency, config, tuple(order_lines), log)


def _currency_config(
    records: Mapping[str, Sequence[Record]], currency: str | None
) -> Record | None:
    if currency is None:
        return None
    for record in source_records(records, "currencies"):
        if code_of(record, "currency_code") == currency:
            return record
    return None


def _require_currency(request: _Request) -> bool:
    unknown = request.data.unknown_currency
    if request.currency is None and unknown:
        request.log.add("UNKNOWN_CURRENCY", f"{unknown} is not a currency HAWK knows.")
        return False
    if request.currency is None:
        request.log.add("MISSING_CURRENCY", f"No currency given for {request.data.intent}.")
        return False
    return True


def _as_of_section(request: _Request) -> dict[str, Any]:
    """The positions' own date when none were recorded at the as-of date asked for: the
    nearest earlier ones are used, and a warning (and notice) says so."""
    asked = request.data.business_date
    dates = sorted(
        {day for record in request.records("positions") if (day := date_of(record, "as_of_date"))}
    )
    if not dates or dates[-1] >= asked:
        return {}
    used = dates[-1].isoformat()
    request.log.add(
        "AS_OF_NOT_AVAILABLE",
        f"No positions at {asked.isoformat()}: the nearest earlier ones, of {used}, are used.",
        "info",
    )
    return {"positions_as_of": used}


def _require_config(request: _Request) -> bool:
    if request.currency_config is None:
        request.log.add("UNKNOWN_CURRENCY", f"Currency {request.currency} is not configured.")
        return False
    return True


# --- capacity and the utilisation check -----------------------------------------------------


def _capacity(request: _Request, *, nav_type: str | None, entity_id: str | None) -> Capacity:
    assert request.currency is not None
    scope = CapacityScope(request.currency, request.data.business_date, nav_type, entity_id)
    rows = capacity_rows(request.data.records, scope, request.log)
    priorities = configured_priorities(
        request.records("waterfall"), waterfall_type=OPENING, currency=request.currency
    )
    return Capacity(tuple(opening_order(rows, priorities)))


def _pb_deposit(request: _Request, requested: Decimal) -> PbDeposit:
    """PB deposit standing after `requested`; the hedged total covers every entity."""
    assert request.currency is not None
    hedged = of_currency(request.records("hedged"), request.currency)
    hedged_total = sum((amount_of(record, "hedge_amount_allocation") for record in hedged), ZERO)
    pb = pb_deposit(
        currency=request.currency,
        requested=requested,
        hedged_total=hedged_total,
        thresholds=request.records("thresholds"),
        quotes=rate_quotes(request.records("rates")),
    )
    if pb.applicable:
        request.log.extend(
            rate_warnings(
                request.currency,
                pb.conversion,
                now=rate_reference_time(request.data.business_date, request.data.now),
                max_age_hours=request.data.rate_max_age_hours,
            )
        )
    return pb


def _capacity_sections(
    request: _Request,
    requested: Decimal | None,
    *,
    nav_type: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    """capacity, and with a requested amount the check and the PB deposit standing."""
    if not _require_currency(request) or not _require_config(request):
        return {}
    assert request.currency_config is not None
    capacity = _capacity(request, nav_type=nav_type, entity_id=entity_id)
    sections: dict[str, Any] = {"capacity": present.capacity_section(capacity)}
    if requested is None:
        return sections
    pb = _pb_deposit(request, requested)
    check = utilisation_check(
        requested=requested,
        ordered_rows=capacity.rows,
        currency_config=request.currency_config,
        pb=pb,
    )
    sections["check"] = present.check_section(check)
    sections["pb_deposit"] = present.pb_deposit_section(pb)
    return sections


def _scoped_capacity_sections(request: _Request, requested: Decimal | None) -> dict[str, Any]:
    data = request.data
    return _capacity_sections(request, requested, nav_type=data.nav_type, entity_id=data.entity_id)


def _booking_section(request: _Request) -> dict[str, Any]:
    if request.currency_config is None:
        return {}
    currency_type = text_of(request.currency_config, "currency_type")
    if not currency_type:
        return {}
    models = booking_models(
        request.records("booking_models"),
        nav_type=request.data.nav_type,
        currency_type=currency_type,
    )
    return {"booking_model": present.booking_model_section(models, currency_type)}


# --- intents --------------------------------------------------------------------------------


def _utilisation_sections(request: _Request) -> dict[str, Any]:
    return _scoped_capacity_sections(request, request.data.amount)


def _inception_sections(request: _Request) -> dict[str, Any]:
    """Capacity (and the check when an amount asks to hedge) and how it would be booked."""
    sections = _scoped_capacity_sections(request, request.data.amount)
    if sections:
        sections.update(_booking_section(request))
    return sections


def _lifecycle_scope(request: _Request) -> LifecycleScope:
    """The currency's hedges, narrowed to the entity, NAV type or order asked about. An order
    that was not found narrows to nothing rather than passing off other hedges as its own."""
    data = request.data
    request_ids = None
    if data.order_id:
        request_ids = frozenset(line.instruction_id for line in request.order_lines)
    return LifecycleScope(request.currency, data.entity_id, data.nav_type, request_ids)


def _rollover_sections(request: _Request) -> dict[str, Any]:
    """Without a currency (and without an unknown one), the hedges of every currency: "which
    hedges mature in the next 30 days?" asks about all of them."""
    all_currencies = request.currency is None and not request.data.unknown_currency
    if not all_currencies and not _require_currency(request):
        return {}
    rollover = rollover_candidates(
        request.records("allocations"),
        _lifecycle_scope(request),
        business_date=request.data.business_date,
        window_days=request.data.rollover_window_days,
    )
    return {"rollover": present.rollover_section(rollover, all_currencies=all_currencies)}


def _termination_sections(request: _Request) -> dict[str, Any]:
    if not _require_currency(request):
        return {}
    assert request.currency is not None
    lines = active_allocations(request.records("allocations"), _lifecycle_scope(request))
    priorities = configured_priorities(
        request.records("waterfall"), waterfall_type=CLOSING, currency=request.currency
    )
    entity_types = {
        text_of(entity, "entity_id") or "": text_of(entity, "entity_type") or ""
        for entity in request.records("entities")
    }
    ordered = closing_order(lines, priorities, entity_types)
    termination = termination_plan(ordered, request.data.amount)
    section = present.termination_section(termination)
    if request.data.order_id:
        section["order_id"] = request.data.order_id
        section["order_instructions"] = [
            present.identifier(line.instruction_id) for line in request.order_lines
        ]
    return {"termination": section}


def _amendment_sections(request: _Request) -> dict[str, Any]:
    """Old and new notional of the order; an increase is checked like a new request for the
    difference, on the order's entity and NAV type unless the prompt named others."""
    data = request.data
    if not data.order_id:
        request.log.add("MISSING_ORDER_ID", "No order id given for the amendment.")
        return {}
    change = amendment(request.order_lines, order_id=data.order_id, new_notional=data.amount)
    sections: dict[str, Any] = {"amendment": present.amendment_section(change)}
    if change.instruction is None:
        return sections
    if data.amount is None:
        request.log.add("MISSING_AMOUNT", "No new notional given for the amendment.", "info")
    if change.delta is not None and change.delta > 0:
        sections.update(
            _capacity_sections(
                request,
                change.delta,
                nav_type=data.nav_type or change.instruction.nav_type,
                entity_id=data.entity_id or change.instruction.entity_id,
            )
        )
    return sections


def _inquiry_sections(request: _Request) -> dict[str, Any]:
    data = request.data
    if request.currency is None and not data.order_id:
        request.log.add(
            "MISSING_CURRENCY", "No currency given: instructions of every currency.", "info"
        )
    found = inquiry(
        request.records("instructions"), currency=request.currency, order_lines=request.order_lines
    )
    return {"inquiry": present.inquiry_section(found, data.order_id)}


# --- reviews --------------------------------------------------------------------------------


def _thresholds_sections(request: _Request) -> dict[str, Any]:
    if request.currency:
        _pb_deposit(request, ZERO)  # for its rate warnings: NO_RATE naming the rates, stale
    statuses = threshold_statuses(
        request.records("thresholds"), currency=request.currency, book=_hedge_book_usd(request)
    )
    return {"thresholds": present.thresholds_section(statuses)}


def _hedge_book_usd(request: _Request) -> HedgeBookUsd:
    """The hedged total of each currency read, in USD (the asked one only, when one was)."""
    quotes = rate_quotes(request.records("rates"))
    totals: dict[str, Decimal] = {}
    for record in request.records("hedged"):
        currency = code_of(record, "currency_code") or request.currency
        if currency is not None:
            amount = amount_of(record, "hedge_amount_allocation")
            totals[currency] = totals.get(currency, ZERO) + amount
    if request.currency is not None:
        totals.setdefault(request.currency, ZERO)
    book = HedgeBookUsd(complete=request.currency is None and request.has_source("hedged"))
    for currency, total in totals.items():
        conversion = usd_conversion(currency, quotes)
        if conversion is None:
            book.missing[currency] = missing_rates(currency, USD)
        else:
            book.usd[currency] = conversion.to_usd(total)
    return book


def _effectiveness_sections(request: _Request) -> dict[str, Any]:
    materiality = request.data.effectiveness_materiality
    tests = effectiveness_tests(request.records("effectiveness"), materiality=materiality)
    return {"effectiveness": present.effectiveness_section(tests, materiality)}


def _review_sections(request: _Request) -> dict[str, Any]:
    """Reviews show what their plan read: a section per source that was extracted."""
    sections: dict[str, Any] = {}
    if request.currency and request.has_source("positions"):
        sections.update(_scoped_capacity_sections(request, None))
    if request.has_source("thresholds"):
        sections.update(_thresholds_sections(request))
    if request.has_source("effectiveness"):
        sections.update(_effectiveness_sections(request))
    if request.has_source("booking_models"):
        sections.update(_booking_section(request))
    if request.currency and request.has_source("allocations"):
        sections.update(_rollover_sections(request))
    if request.has_source("instructions"):
        sections.update(_inquiry_sections(request))
    return sections


_SECTIONS: dict[str, Callable[[_Request], dict[str, Any]]] = {
    "inception": _inception_sections,
    "utilisation": _utilisation_sections,
    "rollover": _rollover_sections,
    "termination": _termination_sections,
    "amendment": _amendment_sections,
    "inquiry": _inquiry_sections,
    **dict.fromkeys(REVIEW_INTENTS, _review_sections),
}

__all__ = ["Facts", "FactsInput", "compute_facts"]

"""Plan: which sources to read, with which exact filters, for an understood prompt.

A pure function of the intent, the parameters, the business date and (optionally) a template's
data requirements. The mapping is data: which sources each intent needs, and which filter each
source takes from which binding. Every source name is checked against sources.SOURCES.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from hawk.sources import LOOKUPS, SCOPES, SOURCES, source_spec

CAPACITY = (
    "currencies", "entities", "frameworks", "buffers", "overlays", "positions", "hedged",
    "thresholds", "waterfall", "rates",
)  # fmt: skip

# Sources each intent needs. Capacity-based intents read the capacity set; the others read
# what their facts section uses (DOMAIN.md).
INTENT_SOURCES: dict[str, tuple[str, ...]] = {
    "utilisation": CAPACITY,
    "inception": (*CAPACITY, "booking_models"),
    "rollover": ("currencies", "entities", "allocations", "instructions", "rates"),
    "termination": ("currencies", "entities", "allocations", "instructions"),
    "amendment": (*CAPACITY, "instructions"),
    "inquiry": ("currencies", "instructions", "business_events"),
    "risk_analysis": (*CAPACITY, "allocations"),
    "compliance": (*CAPACITY, "effectiveness"),
    "performance": ("currencies", "allocations", "effectiveness", "rates"),
    "monitoring": ("currencies", "thresholds", "hedged", "rates", "instructions"),
    "general": ("currencies", "thresholds"),
}

# Sources that only make sense for one currency: without a currency they are not read (the
# facts then say a currency is missing) instead of scanning every currency's rows.
NEEDS_CURRENCY = frozenset(
    {"entities", "frameworks", "buffers", "overlays", "positions", "hedged", "allocations"}
)
# Sources an intent reads across every currency when none is named: a rollover question
# ("which hedges mature in the next 30 days?") is about all of them, and its maturity window
# keeps the read small (the entities name the hedges' owners).
ALL_CURRENCY_SOURCES: dict[str, frozenset[str]] = {
    "rollover": frozenset({"allocations", "entities"}),
}
# Reviews show the thresholds of every currency when none is named: they read the hedged
# totals of all currencies (a small summed source) to measure each one's PB deposit.
REVIEW_INTENTS = ("risk_analysis", "compliance", "performance", "monitoring", "general")
# Sources the PB deposit standing of thresholds needs: the hedged totals and the rates that
# convert them to USD (without them every PB threshold would read UNKNOWN or 0).
THRESHOLD_COMPANIONS = ("hedged", "rates")
# Intents whose figures are read as of a past date the prompt asks for. Lifecycle actions
# are not: their dates are when the action takes effect.
AS_OF_INTENTS = frozenset(INTENT_SOURCES) - {"rollover", "termination", "amendment"}
# Configuration with an effective date: as of a past date, rows that took effect later are
# left out (a null effective date means "always").
DATED_CONFIGURATION = ("frameworks", "buffers", "thresholds", "waterfall")

# Filters each source takes from the bindings (computed once from the parameters): pairs of
# (filter key, binding name). A binding that is None adds no filter.
FILTER_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "currencies": (("currency_code", "currency"),),
    "entities": (("currency_code", "currency"), ("entity_id", "entity_id")),
    "frameworks": (("currency_code", "currency"), ("entity_id", "entity_id")),
    "buffers": (
        ("currency_code__in_or_null", "currency_list"),
        ("entity_id__in_or_null", "entity_list"),
        ("nav_type__in_or_null", "nav_type_list"),
    ),
    "overlays": (
        ("currency_code", "currency"),
        ("entity_id", "entity_id"),
        ("nav_type", "nav_type"),
    ),
    "positions": (
        ("currency_code", "currency"),
        ("entity_id", "entity_id"),
        ("nav_type", "nav_type"),
        ("as_of_date__lte", "business_date"),
    ),
    # PB deposit needs the hedged total over all entities: never narrowed to one entity.
    "hedged": (("currency_code", "currency"),),
    "allocations": (("currency_code", "currency"), ("entity_id", "entity_id")),
    "thresholds": (("currency_code__in_or_null", "currency_list"),),
    "waterfall": (("currency_code__in_or_null", "currency_list"),),
    "rates": (("currency_pair__in", "rate_pairs"), ("effective_date__lte", "business_date")),
    "booking_models": (("nav_type", "nav_type"),),
    "instructions": (("exposure_currency", "currency"), ("order_id", "order_id")),
    "business_events": (("currency_code", "currency"),),
    "effectiveness": (("currency_code", "currency"),),
}

# Filters that depend on the intent as well as the source.
INTENT_FILTERS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("rollover", "allocations"): (
        ("allocation_status__in", "hedged_statuses"),
        ("maturity_date__range", "rollover_window"),
    ),
    ("termination", "allocations"): (("allocation_status__in", "hedged_statuses"),),
    ("risk_analysis", "allocations"): (("allocation_status__in", "hedged_statuses"),),
    ("performance", "allocations"): (("allocation_status__in", "hedged_statuses"),),
}
for _name in DATED_CONFIGURATION:
    FILTER_RULES[_name] += (("effective_date__lte_or_null", "as_of"),)


@dataclass(frozen=True)
class SourceRead:
    name: str
    filters: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "filters": self.filters}


@dataclass(frozen=True)
class Plan:
    intent: str
    template_category: str | None
    parameters: dict[str, Any]
    data_scope: str
    business_date: datetime.date  # the date the figures are for: the as-of date when asked
    sources: tuple[SourceRead, ...]
    as_of: datetime.date | None = None  # a past date the prompt asked for

    def as_dict(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "template_category": self.template_category,
            "parameters": self.parameters,
            "data_scope": self.data_scope,
            "business_date": self.business_date.isoformat(),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "sources": [read.as_dict() for read in self.sources],
        }

    def source_names(self) -> list[str]:
        return [read.name for read in self.sources]


def rate_pairs(currency: str) -> list[str]:
    """Every pair usd() may use for `currency`: direct, inverse, and both legs through SGD."""
    pairs = {"USDSGD", "SGDUSD"}
    if currency not in ("USD", "SGD"):
        pairs |= {f"{currency}USD", f"USD{currency}", f"{currency}SGD", f"SGD{currency}"}
    return sorted(pairs)


def bindings(
    parameters: dict[str, Any],
    business_date: datetime.date,
    rollover_days: int,
    as_of: datetime.date | None = None,
) -> dict[str, Any]:
    currency = parameters.get("currency")
    entity_id = parameters.get("entity_id")
    nav_type = parameters.get("nav_type")
    return {
        "currency": currency,
        "currency_list": [currency] if currency else None,
        "entity_id": entity_id,
        "entity_list": [entity_id] if entity_id else None,
        "nav_type": nav_type,
        "nav_type_list": [nav_type] if nav_type else None,
        "order_id": parameters.get("order_id"),
        "business_date": business_date.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "rate_pairs": rate_pairs(currency) if currency else None,
        "hedged_statuses": ["Approved", "Executed"],
        "rollover_window": [
            business_date.isoformat(),
            (business_date + datetime.timedelta(days=rollover_days)).isoformat(),
        ],
    }


def source_filters(intent: str, name: str, bound: dict[str, Any]) -> dict[str, Any]:
    rules = FILTER_RULES.get(name, ()) + INTENT_FILTERS.get((intent, name), ())
    filters = {key: bound[binding] for key, binding in rules if bound[binding] is not None}
    spec = source_spec(name)
    for key in filters:
        column, _, lookup = key.partition("__")
        if column not in spec.filterable and key not in spec.filterable:
            raise ValueError(f"source {name} cannot be filtered by {column}")
        if lookup and lookup not in LOOKUPS and key not in spec.filterable:
            raise ValueError(f"unknown lookup {lookup} in filter {key}")
    return filters


def data_scope(parameters: dict[str, Any], names: list[str]) -> str:
    """minimal: one order or one entity; targeted: one currency; comprehensive: no filter."""
    if parameters.get("order_id") or parameters.get("entity_id"):
        return "minimal"
    return "targeted" if parameters.get("currency") else "comprehensive"


def plan_sources(intent: str, currency: str | None, required: tuple[str, ...] = ()) -> list[str]:
    names = list(dict.fromkeys((*INTENT_SOURCES.get(intent, INTENT_SOURCES["general"]), *required)))
    if "thresholds" in names:
        names += [name for name in THRESHOLD_COMPANIONS if name not in names]
    unknown = [name for name in names if name not in SOURCES]
    if unknown:
        raise ValueError(f"unknown data source(s): {', '.join(unknown)}")
    if currency is None:
        review = intent in REVIEW_INTENTS or intent not in INTENT_SOURCES
        keep = {"hedged"} if review else ALL_CURRENCY_SOURCES.get(intent, frozenset())
        names = [name for name in names if name not in NEEDS_CURRENCY - keep]
    return names


def make_plan(
    *,
    intent: str,
    template_category: str | None,
    parameters: dict[str, Any],
    business_date: datetime.date,
    required_sources: tuple[str, ...] = (),
    scope: str | None = None,
    rollover_days: int = 30,
) -> Plan:
    """The plan for an understood prompt. `parameters` are JSON-ready (Understanding.as_dict).
    A past as-of date the prompt asked for replaces the business date in every filter."""
    names = plan_sources(intent, parameters.get("currency"), required_sources)
    as_of = requested_as_of(intent, parameters, business_date)
    dated = as_of or business_date
    bound = bindings(parameters, dated, rollover_days, as_of)
    reads = tuple(SourceRead(name, source_filters(intent, name, bound)) for name in names)
    return Plan(
        intent=intent,
        template_category=template_category,
        parameters=parameters,
        data_scope=scope if scope in SCOPES else data_scope(parameters, names),
        business_date=dated,
        sources=reads,
        as_of=as_of,
    )


def requested_as_of(
    intent: str, parameters: dict[str, Any], business_date: datetime.date
) -> datetime.date | None:
    text = parameters.get("as_of")
    if not text or intent not in AS_OF_INTENTS:
        return None
    as_of = datetime.date.fromisoformat(text)
    return as_of if as_of < business_date else None

"""Report sections of a hedge request: the check, capacity, PB deposit and booking model."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hawk.analysis.builtin.markdown import (
    MISSING,
    amount,
    bold,
    bullets,
    day,
    percent_of_ratio,
    table,
    text,
    words,
)
from hawk.analysis.builtin.section import (
    Facts,
    Lines,
    SectionReport,
    currency_of,
    entity_label,
)

# --- the check ------------------------------------------------------------------------------


def _total_available(facts: Facts) -> str:
    return amount((facts.get("capacity") or {}).get("total_available"))


def _pb(facts: Facts) -> dict[str, Any]:
    return facts.get("pb_deposit") or {}


def check_title(check: dict[str, Any], facts: Facts) -> str:
    return f"## {currency_of(facts)} {amount(check['requested'])}: {check['decision']}"


def _pass_paragraph(check: dict[str, Any], facts: Facts) -> str:
    currency = currency_of(facts)
    return (
        f"The full {amount(check['requested'])} {currency} can be hedged now: the candidate "
        f"positions have {_total_available(facts)} {currency} available, and the waterfall "
        "below allocates all of it."
    )


def _partial_paragraph(check: dict[str, Any], facts: Facts) -> str:
    currency = currency_of(facts)
    return (
        f"Only {amount(check['allocated'])} of the requested {amount(check['requested'])} "
        f"{currency} can be hedged now: the candidate positions have just "
        f"{_total_available(facts)} {currency} available, so "
        f"{amount(check['not_allocated'])} {currency} stays unallocated."
    )


def _fail_paragraph(check: dict[str, Any], facts: Facts) -> str:
    return (
        f"The request for {amount(check['requested'])} {currency_of(facts)} fails and nothing "
        "is allocated, for the reasons below:"
    )


_DECISION_PARAGRAPHS: dict[str, Callable[[dict[str, Any], Facts], str]] = {
    "PASS": _pass_paragraph,
    "PARTIAL": _partial_paragraph,
    "FAIL": _fail_paragraph,
}


def _pb_breach(check: dict[str, Any], facts: Facts) -> str:
    pb = _pb(facts)
    return (
        f"{bold('PB_BREACH')}: after this hedge the USD PB deposit would stand at USD "
        f"{amount(pb.get('projected_usd'))} (USD {amount(pb.get('current_usd'))} today), "
        f"above its maximum limit of USD {amount(pb.get('maximum_limit'))}."
    )


def _deal_size_limit(check: dict[str, Any], facts: Facts, key: str) -> str:
    """ ", of 1,000,000.00 CNY" when the limit is in the facts (older facts lack it)."""
    limit = check.get(key)
    return f", {amount(limit)} {currency_of(facts)}" if limit is not None else ""


def _min_deal_size(check: dict[str, Any], facts: Facts) -> str:
    return (
        f"{bold('MIN_DEAL_SIZE')}: {amount(check['requested'])} {currency_of(facts)} is below "
        f"the minimum deal size configured for {currency_of(facts)}"
        f"{_deal_size_limit(check, facts, 'minimum_deal_size')}."
    )


def _max_deal_size(check: dict[str, Any], facts: Facts) -> str:
    return (
        f"{bold('MAX_DEAL_SIZE')}: {amount(check['requested'])} {currency_of(facts)} is above "
        f"the maximum deal size configured for {currency_of(facts)}"
        f"{_deal_size_limit(check, facts, 'maximum_deal_size')}."
    )


def _no_capacity(check: dict[str, Any], facts: Facts) -> str:
    return (
        f"{bold('NO_CAPACITY')}: no candidate position has room left (available "
        f"{_total_available(facts)} {currency_of(facts)}): each is fully hedged, or its buffer "
        "and CAR leave nothing to hedge."
    )


_REASONS: dict[str, Callable[[dict[str, Any], Facts], str]] = {
    "PB_BREACH": _pb_breach,
    "MIN_DEAL_SIZE": _min_deal_size,
    "MAX_DEAL_SIZE": _max_deal_size,
    "NO_CAPACITY": _no_capacity,
}


def _reason(code: str, check: dict[str, Any], facts: Facts) -> str:
    explain = _REASONS.get(code)
    return explain(check, facts) if explain else bold(code)


def _entity_types(facts: Facts) -> dict[str, str]:
    rows = (facts.get("capacity") or {}).get("rows") or []
    return {row["entity_id"]: row["entity_type"] for row in rows}


def _allocation_lines(check: dict[str, Any], facts: Facts) -> Lines:
    if not check["allocations"]:
        return ["No allocations: a failed check allocates nothing."]
    types = _entity_types(facts)
    lines = table(
        ["Entity", "Type", "NAV", f"Amount ({currency_of(facts)})"],
        check["allocations"],
        lambda take: [
            entity_label(take["entity_id"], facts),
            text(types.get(take["entity_id"])),
            take["nav_type"],
            amount(take["amount"]),
        ],
        right=(3,),
    )
    lines += [
        f"| {bold('Allocated')} | | | {bold(amount(check['allocated']))} |",
        f"| Not allocated | | | {amount(check['not_allocated'])} |",
    ]
    return lines + _lot_size_lines(check)


def _lot_size_lines(check: dict[str, Any]) -> Lines:
    lot = check.get("lot_size")
    if lot is None or Decimal(lot) == 1:
        return []
    return ["", f"Allocations are whole lots of {amount(lot)}."]


def render_check(check: dict[str, Any], facts: Facts) -> Lines:
    paragraph = _DECISION_PARAGRAPHS[check["decision"]](check, facts)
    lines = [f"### Decision: {check['decision']}", "", paragraph]
    if check["reasons"]:
        lines += ["", *bullets(_reason(code, check, facts) for code in check["reasons"])]
    return [*lines, "", "#### Waterfall allocations", "", *_allocation_lines(check, facts)]


def _instruction_name(facts: Facts) -> str:
    order = (facts.get("amendment") or {}).get("order_id")
    return (
        f"the amendment (A) instruction for {order}" if order else "the inception (I) instruction"
    )


def _takes(check: dict[str, Any], facts: Facts) -> str:
    return "; ".join(
        f"{entity_label(take['entity_id'], facts)} {take['nav_type']} {amount(take['amount'])}"
        for take in check["allocations"]
    )


def _pass_steps(check: dict[str, Any], facts: Facts) -> Lines:
    return [
        f"Raise {_instruction_name(facts)} for {amount(check['requested'])} "
        f"{currency_of(facts)} with the allocations above ({_takes(check, facts)})."
    ]


def _partial_steps(check: dict[str, Any], facts: Facts) -> Lines:
    currency = currency_of(facts)
    return [
        f"Hedge the available {amount(check['allocated'])} {currency} now: raise "
        f"{_instruction_name(facts)} for the allocations above ({_takes(check, facts)}).",
        f"For the remaining {amount(check['not_allocated'])} {currency}, request an overlay "
        "(it needs approval) on the positions concerned, or wait until capacity frees up "
        "(maturities, updated positions).",
    ]


_FAIL_STEPS: dict[str, str] = {
    "PB_BREACH": "Escalate to Treasury: the USD PB deposit limit would be breached. Do not raise "
    "the instruction unless the limit is raised or existing hedges are reduced.",
    "MIN_DEAL_SIZE": "Raise the amount to at least the minimum deal size of {currency}"
    "{minimum}, or combine it with other requests.",
    "MAX_DEAL_SIZE": "Split the request into deals within the maximum deal size of {currency}"
    "{maximum}, or seek approval for an exception.",
    "NO_CAPACITY": "Check that the {currency} positions are up to date; to hedge anyway, "
    "request an overlay or a review of the buffer.",
}


def _fail_steps(check: dict[str, Any], facts: Facts) -> Lines:
    steps = (_FAIL_STEPS.get(code) for code in check["reasons"])
    limits = {
        "currency": currency_of(facts),
        "minimum": _deal_size_limit(check, facts, "minimum_deal_size"),
        "maximum": _deal_size_limit(check, facts, "maximum_deal_size"),
    }
    return [step.format(**limits) for step in steps if step]


_DECISION_STEPS: dict[str, Callable[[dict[str, Any], Facts], Lines]] = {
    "PASS": _pass_steps,
    "PARTIAL": _partial_steps,
    "FAIL": _fail_steps,
}


def check_steps(check: dict[str, Any], facts: Facts) -> Lines:
    return _DECISION_STEPS[check["decision"]](check, facts)


# --- capacity -------------------------------------------------------------------------------


def capacity_title(capacity: dict[str, Any], facts: Facts) -> str:
    return (
        f"## {currency_of(facts)} capacity: "
        f"{amount(capacity['total_available'])} available to hedge"
    )


def _capacity_cells(row: dict[str, Any], facts: Facts) -> list[str]:
    return [
        entity_label(row["entity_id"], facts),
        text(row["entity_type"]),
        row["nav_type"],
        amount(row["sfx"]),
        amount(row["car"]),
        amount(row["overlay"]),
        amount(row["buffer"]),
        amount(row["hedgeable"]),
        amount(row["hedged"]),
        amount(row["available"]),
        percent_of_ratio(row["utilisation"]),
        words(row["state"]),
    ]


CAPACITY_HEADERS = [
    "Entity", "Type", "NAV", "SFX", "CAR", "Overlay", "Buffer", "Hedgeable", "Hedged",
    "Available", "Utilisation", "State",
]  # fmt: skip
# How each row adds up (DOMAIN.md), said under the table so it can be checked on the page.
CAPACITY_FORMULA = (
    "Each row: hedgeable = SFX - CAR + overlay - buffer; available = hedgeable - hedged "
    "(0 when that is negative)."
)


def render_capacity(capacity: dict[str, Any], facts: Facts) -> Lines:
    currency = currency_of(facts)
    heading = f"### Capacity ({currency}, in waterfall order)"
    if not capacity["rows"]:
        return [heading, "", f"No positions of active entities in {currency} to hedge."]
    rows = table(
        CAPACITY_HEADERS,
        capacity["rows"],
        lambda row: _capacity_cells(row, facts),
        right=tuple(range(3, 11)),
    )
    rows += ["", CAPACITY_FORMULA]
    totals = (
        f"In all: SFX {amount(capacity['total_sfx'])}, hedged "
        f"{amount(capacity['total_hedged'])}, available "
        f"{bold(amount(capacity['total_available']))} {currency}."
    )
    return [heading, "", *rows, "", totals]


def capacity_summary(capacity: dict[str, Any], facts: Facts) -> str:
    currency = currency_of(facts)
    return (
        f"Capacity: {amount(capacity['total_available'])} {currency} available to hedge; "
        f"{amount(capacity['total_hedged'])} hedged of an SFX position of "
        f"{amount(capacity['total_sfx'])} {currency}."
    )


def capacity_steps(capacity: dict[str, Any], facts: Facts) -> Lines:
    if "check" in facts:
        return []  # the check's decision says what to do
    currency = currency_of(facts)
    if Decimal(capacity["total_available"] or 0) > 0:
        return [
            f"To hedge, name an amount up to {amount(capacity['total_available'])} {currency}: "
            "HAWK then runs the utilisation check and the waterfall."
        ]
    return [f"Nothing is available to hedge in {currency}: review the positions and buffers."]


# --- PB deposit -----------------------------------------------------------------------------

_PB_STANDING = {
    "WITHIN": "within the warning level",
    "WARN": "above the warning level, within the critical level",
    "CRITICAL": "above the critical level, within the maximum limit",
    "BREACH": "above the maximum limit",
}


def _pb_levels(pb: dict[str, Any]) -> Lines:
    levels = [
        ("Current", pb.get("current_usd")),
        ("Projected after this request", pb.get("projected_usd")),
        ("Warning level", pb.get("warning_level")),
        ("Critical level", pb.get("critical_level")),
        ("Maximum limit", pb.get("maximum_limit")),
        ("Headroom to the maximum after this request", pb.get("headroom_usd")),
    ]
    return table(
        ["PB deposit", "USD"], levels, lambda level: [level[0], amount(level[1])], right=(1,)
    )


def _rates_line(pb: dict[str, Any]) -> Lines:
    if not pb.get("rates"):
        return []
    quotes = ", ".join(
        f"{quote['pair']} {quote['rate']} (as of {day(quote['effective_date'])})"
        for quote in pb["rates"]
    )
    return ["", f"Converted to USD with the SPOT rates {quotes}."]


def render_pb_deposit(pb: dict[str, Any], facts: Facts) -> Lines:
    status, currency = pb["status"], currency_of(facts)
    heading = f"### USD PB deposit: {status}"
    if status == "NOT_APPLICABLE":
        return [heading, "", f"No USD PB deposit threshold applies to {currency}."]
    if status == "UNKNOWN":
        lead = f"The PB deposit could not be measured: no SPOT rate converts {currency} to USD."
    else:
        lead = f"After this request the PB deposit would be {_PB_STANDING.get(status, status)}."
    return [heading, "", lead, "", *_pb_levels(pb), *_rates_line(pb)]


def pb_deposit_steps(pb: dict[str, Any], facts: Facts) -> Lines:
    status = pb["status"]
    if status == "UNKNOWN":
        return [f"Load a SPOT rate for {currency_of(facts)} so that the PB deposit can be checked."]
    if status in ("WARN", "CRITICAL"):
        return [
            f"Tell Treasury: the USD PB deposit would be at {status} level (USD "
            f"{amount(pb.get('projected_usd'))} against a maximum of USD "
            f"{amount(pb.get('maximum_limit'))})."
        ]
    return []


# --- booking model --------------------------------------------------------------------------


def _model_cells(model: dict[str, Any]) -> list[str]:
    gl_entries = model.get("gl_entry_count")
    return [
        model["nav_type"],
        bold(model["booking_model"]),
        str(model["deal_count"]),
        MISSING if gl_entries is None else str(gl_entries),
        text(model.get("hedging_instrument")),
        text(model.get("accounting_method")),
        model["source"],
    ]


def render_booking_model(booking: dict[str, Any], facts: Facts) -> Lines:
    heading = f"### Booking model ({text(booking['currency_type'])} currency)"
    if not booking["models"]:
        return [heading, "", "No booking model is configured or defined for this currency type."]
    headers = ["NAV", "Model", "Deals", "GL entries", "Instrument", "Accounting", "Source"]
    return [heading, "", *table(headers, booking["models"], _model_cells, right=(2, 3))]


def booking_model_steps(booking: dict[str, Any], facts: Facts) -> Lines:
    if (facts.get("check") or {}).get("decision") == "FAIL":
        return []
    return [
        f"Book {model['nav_type']} through model {model['booking_model']}: "
        f"{model['deal_count']} Murex deals per event."
        for model in booking["models"]
    ]


SECTIONS: dict[str, SectionReport] = {
    "check": SectionReport(render_check, check_steps, title=check_title),
    "capacity": SectionReport(
        render_capacity, capacity_steps, title=capacity_title, summary=capacity_summary
    ),
    "pb_deposit": SectionReport(render_pb_deposit, pb_deposit_steps),
    "booking_model": SectionReport(render_booking_model, booking_model_steps),
}

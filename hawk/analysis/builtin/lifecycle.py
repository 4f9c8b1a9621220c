"""Report sections of existing hedges: rollover, termination, amendment and inquiry."""

from decimal import Decimal
from typing import Any

from hawk.analysis.builtin.markdown import (
    MISSING,
    amount,
    bold,
    bullets,
    day,
    magnitude,
    plural,
    table,
    text,
)
from hawk.analysis.builtin.section import (
    Facts,
    Lines,
    SectionReport,
    currency_of,
    entity_label,
)

INSTRUCTION_TYPES = {
    "I": "Inception",
    "U": "Utilisation",
    "R": "Rollover",
    "T": "Termination",
    "A": "Amendment",
    "Q": "Inquiry",
}
PENDING_STATUSES = ("Received", "Validated")


def _positive(value: Any) -> bool:
    return value is not None and Decimal(value) > 0


# --- rollover -------------------------------------------------------------------------------


def _rollover_total(rollover: dict[str, Any], facts: Facts, *, strong: bool = True) -> str:
    """The total in its currency, or each currency's total when the rollover spans several."""
    shown = bold if strong else str
    per_currency = rollover.get("total_by_currency")
    if per_currency is None:
        return f"{shown(amount(rollover['total']))} {currency_of(facts)}"
    return "; ".join(f"{shown(amount(part['total']))} {part['currency']}" for part in per_currency)


def rollover_title(rollover: dict[str, Any], facts: Facts) -> str:
    currency, end = currency_of(facts) or "All currencies,", day(rollover["window_end"])
    if not rollover["count"]:
        return f"## {currency} rollover: nothing matures by {end}"
    return f"## {currency} rollover: {plural(rollover['count'], 'hedge')} maturing by {end}"


def _rollover_cells(line: dict[str, Any], facts: Facts) -> list[str]:
    days_left = line.get("days_to_maturity")
    currency = [text(line["currency"])] if "currency" in line else []
    return [
        text(line["allocation_id"]),
        *currency,
        entity_label(line["entity_id"], facts),
        line["nav_type"],
        amount(line["amount"]),
        text(line["status"]),
        day(line["execution_date"]),
        day(line["maturity_date"]),
        MISSING if days_left is None else str(days_left),
    ]


def render_rollover(rollover: dict[str, Any], facts: Facts) -> Lines:
    heading = (
        f"### Rollover candidates (maturing {day(rollover['window_start'])} to "
        f"{day(rollover['window_end'])}, a window of {rollover['window_days']} days)"
    )
    if not rollover["count"]:
        return [heading, "", "No active hedge matures within the window."]
    lead = (
        f"Maturing within the window: {plural(rollover['count'], 'active hedge')} totalling "
        f"{_rollover_total(rollover, facts)}, soonest first:"
    )
    spans = "total_by_currency" in rollover
    headers = ["Allocation", *(["Currency"] if spans else []), "Entity", "NAV", "Amount"]
    headers += ["Status", "Executed", "Matures", "Days"]
    right = (4, 8) if spans else (3, 7)
    rows = table(
        headers, rollover["allocations"], lambda line: _rollover_cells(line, facts), right=right
    )
    return [heading, "", lead, "", *rows]


def rollover_summary(rollover: dict[str, Any], facts: Facts) -> str:
    if not rollover["count"]:
        return f"Rollover: no active hedge matures by {day(rollover['window_end'])}."
    total = _rollover_total(rollover, facts, strong=False)
    return (
        f"Rollover: {plural(rollover['count'], 'hedge')} ({total}) "
        f"mature by {day(rollover['window_end'])}."
    )


def rollover_steps(rollover: dict[str, Any], facts: Facts) -> Lines:
    if not rollover["count"]:
        return [
            f"Nothing to roll over within {rollover['window_days']} days; look again closer to "
            "the next maturity."
        ]
    first = rollover["allocations"][0]
    first_entity = entity_label(first["entity_id"], facts)
    return [
        "Raise rollover (R) instructions for the hedges listed, soonest first: allocation "
        f"{text(first['allocation_id'])} ({first_entity} {first['nav_type']}, "
        f"{amount(first['amount'])} {first.get('currency') or currency_of(facts)}) matures on "
        f"{day(first['maturity_date'])}.",
        "Before rolling, run a utilisation check: positions may have moved since inception, "
        "and a rolled hedge must still fit within capacity.",
    ]


# --- termination ----------------------------------------------------------------------------


def termination_title(termination: dict[str, Any], facts: Facts) -> str:
    currency = currency_of(facts)
    if termination["requested"] is None:
        return (
            f"## {currency} termination: close {amount(termination['closed'])} "
            f"of {amount(termination['total_active'])} active"
        )
    return (
        f"## {currency} termination of {amount(termination['requested'])}: "
        f"{amount(termination['closed'])} can be closed"
    )


def _order_legs(termination: dict[str, Any], facts: Facts) -> str:
    """Which legs (allocations) of an order are closed, and why those."""
    legs = ", ".join(
        f"{text(item['allocation_id'])} ({item['entity_id']} {item['nav_type']}, "
        f"{amount(item['amount'])})"
        for item in termination["closings"]
    )
    instructions = ", ".join(text(i) for i in termination.get("order_instructions") or [])
    why = (
        "no amount was given, so every active leg of the order is closed in full"
        if termination["requested"] is None
        else "they are closed in closing waterfall order until the requested amount is reached"
    )
    return (
        f"Order {termination['order_id']} (instruction {instructions or 'n/a'}) has "
        f"{plural(len(termination['allocations']), 'active leg')}; closing "
        f"{legs or 'none'}: {why}. Legs that are not Approved or Executed are not hedges any "
        "more and are not closed."
    )


def _termination_lead(termination: dict[str, Any], facts: Facts) -> str:
    currency = currency_of(facts)
    if termination.get("order_id"):
        return _order_legs(termination, facts)
    if termination["requested"] is None:
        return (
            "No amount was given, so every active hedge in scope is closed in full: "
            f"{bold(amount(termination['closed']))} {currency}."
        )
    return (
        f"Requested {amount(termination['requested'])} {currency}; the active hedges in scope "
        f"total {amount(termination['total_active'])}: {bold(amount(termination['closed']))} "
        f"can be closed, {amount(termination['not_closed'])} cannot."
    )


def render_termination(termination: dict[str, Any], facts: Facts) -> Lines:
    heading = "### Termination plan (in closing order)"
    if not termination["allocations"]:
        return [heading, "", f"No active hedges of {currency_of(facts)} in scope."]
    closing = {item["allocation_id"]: item["amount"] for item in termination["closings"]}

    def cells(line: dict[str, Any]) -> list[str]:
        closed = closing.get(line["allocation_id"])
        return [
            text(line["allocation_id"]),
            entity_label(line["entity_id"], facts),
            line["nav_type"],
            amount(line["amount"]),
            "-" if closed is None else amount(closed),
            day(line["maturity_date"]),
        ]

    headers = ["Allocation", "Entity", "NAV", "Active", "Close", "Matures"]
    rows = table(headers, termination["allocations"], cells, right=(3, 4))
    return [heading, "", _termination_lead(termination, facts), "", *rows]


def termination_steps(termination: dict[str, Any], facts: Facts) -> Lines:
    currency = currency_of(facts)
    if not termination["closings"]:
        return ["Nothing to terminate: check the currency, entity or order id asked about."]
    steps = [
        "Raise termination (T) instructions for the closings listed, in closing order, "
        f"totalling {amount(termination['closed'])} {currency}.",
        "Confirm with the desk that the Murex deals are unwound and the GL entries posted.",
    ]
    if _positive(termination["not_closed"]):
        steps.append(
            f"{amount(termination['not_closed'])} {currency} of the request cannot be closed: "
            "there are not enough active hedges in scope."
        )
    return steps


# --- amendment ------------------------------------------------------------------------------


def amendment_title(amendment: dict[str, Any], facts: Facts) -> str:
    order = amendment["order_id"]
    if not amendment["found"]:
        return f"## Amendment of {order}: order not found"
    if amendment["new_notional"] is None:
        return f"## Amendment of {order}: new notional needed"
    title = (
        f"## Amendment of {order}: {amount(amendment['old_notional'])} to "
        f"{amount(amendment['new_notional'])} {currency_of(facts)} ({amendment['direction']})"
    )
    decision = (facts.get("check") or {}).get("decision")
    return f"{title}, check {decision}" if decision else title


def _instruction_cells(line: dict[str, Any]) -> list[str]:
    kind = line["instruction_type"]
    return [
        text(line["instruction_id"]),
        text(line["order_id"]),
        f"{kind} ({INSTRUCTION_TYPES.get(kind, '?')})" if kind else MISSING,
        day(line["instruction_date"]),
        text(line["currency"]),
        text(line["entity_id"]),
        text(line["nav_type"]),
        amount(line["amount"]),
        text(line["status"]),
        text(line["check_status"]),
    ]


INSTRUCTION_HEADERS = [
    "Instruction",
    "Order",
    "Type",
    "Date",
    "Currency",
    "Entity",
    "NAV",
    "Amount",
    "Status",
    "Check",
]


def instruction_table(lines: list[dict[str, Any]]) -> Lines:
    return table(INSTRUCTION_HEADERS, lines, _instruction_cells, right=(7,))


def _amendment_change(amendment: dict[str, Any], facts: Facts) -> str:
    direction, currency = amendment["direction"], currency_of(facts)
    delta = magnitude(amendment["delta"])
    if direction == "INCREASE":
        return (
            f"The increase of {delta} {currency} is checked like a new hedge on the order's "
            "entity and NAV type (decision below)."
        )
    if direction == "DECREASE":
        return f"The decrease of {delta} {currency} releases capacity: no check is needed."
    return "The new notional equals the old one: there is nothing to amend."


def render_amendment(amendment: dict[str, Any], facts: Facts) -> Lines:
    heading = f"### Amendment of order {amendment['order_id']}"
    if not amendment["found"]:
        return [heading, "", f"No instruction carries order {amendment['order_id']}."]
    lines = [heading, "", "The order's latest instruction:", ""]
    lines += instruction_table([amendment["instruction"]])
    if amendment["new_notional"] is None:
        return [*lines, "", "No new notional was given."]
    change = (
        f"Notional {amount(amendment['old_notional'])} to "
        f"{bold(amount(amendment['new_notional']))} {currency_of(facts)}. "
        + _amendment_change(amendment, facts)
    )
    return [*lines, "", change]


def amendment_steps(amendment: dict[str, Any], facts: Facts) -> Lines:
    order = amendment["order_id"]
    if not amendment["found"]:
        return [f"Check the order id: no instruction carries {order}."]
    if amendment["new_notional"] is None:
        return [f"Give the new notional of {order}."]
    if amendment["direction"] == "DECREASE":
        return [
            f"Raise the amendment (A) instruction for {order} to "
            f"{amount(amendment['new_notional'])} {currency_of(facts)}, then reduce the Murex "
            f"deals by {magnitude(amendment['delta'])}."
        ]
    if amendment["direction"] == "UNCHANGED":
        return [f"Nothing to amend on {order}."]
    return []  # an increase: the check's decision says what to do


# --- inquiry --------------------------------------------------------------------------------


def _scope(facts: Facts) -> str:
    return currency_of(facts) or "All currencies"


def inquiry_title(inquiry: dict[str, Any], facts: Facts) -> str:
    if inquiry.get("order_id"):
        return f"## Status of order {inquiry['order_id']}"
    return f"## {_scope(facts)} instructions: {inquiry['total']} in total"


def notional_text(group: dict[str, Any]) -> str:
    """A group's notional per currency ("1,000.00 CNY; 5.00 JPY"): never one mixed sum."""
    parts = group.get("notional_by_currency")
    if not parts:
        return amount(group["notional"])
    return "; ".join(f"{amount(part['notional'])} {part['currency']}" for part in parts)


def _status_cells(group: dict[str, Any]) -> list[str]:
    return [text(group["status"]), str(group["count"]), notional_text(group)]


def _failure_reasons(instructions: list[dict[str, Any]]) -> Lines:
    """Why the order's instructions failed, first: that is what a question about an order
    usually asks."""
    reasons = [
        f"{bold('Failure reason')} ({line['instruction_id']}, {text(line['status'])}): "
        f"{line['failure_reason']}"
        for line in instructions
        if line.get("failure_reason")
    ]
    return [*bullets(reasons), ""] if reasons else []


def render_inquiry(inquiry: dict[str, Any], facts: Facts) -> Lines:
    lines: Lines = []
    if inquiry.get("order_id"):
        lines += [f"### Order {inquiry['order_id']}", ""]
        found = inquiry.get("order") or []
        lines += _failure_reasons(found)
        lines += instruction_table(found) if found else ["No instruction carries this order."]
        lines.append("")
    lines += [f"### Instructions by status ({_scope(facts)}, {inquiry['total']} in total)", ""]
    if not inquiry["by_status"]:
        return [*lines, "No instructions found."]
    lines += table(
        ["Status", "Count", "Notional"], inquiry["by_status"], _status_cells, right=(1, 2)
    )
    return [*lines, "", "#### Latest instructions", "", *instruction_table(inquiry["latest"])]


def inquiry_summary(inquiry: dict[str, Any], facts: Facts) -> str:
    groups = ", ".join(f"{group['count']} {group['status']}" for group in inquiry["by_status"])
    return f"Instructions: {inquiry['total']} in total" + (f" ({groups})." if groups else ".")


def inquiry_steps(inquiry: dict[str, Any], facts: Facts) -> Lines:
    steps = [
        f"Follow up the {plural(group['count'], group['status'] + ' instruction')} "
        f"({notional_text(group)} in notional) through to approval."
        for group in inquiry["by_status"]
        if group["status"] in PENDING_STATUSES
    ]
    steps += [
        f"Review the {plural(group['count'], 'rejected instruction')} and the reasons for failure."
        for group in inquiry["by_status"]
        if group["status"] == "Rejected"
    ]
    return steps


SECTIONS: dict[str, SectionReport] = {
    "rollover": SectionReport(
        render_rollover, rollover_steps, title=rollover_title, summary=rollover_summary
    ),
    "termination": SectionReport(render_termination, termination_steps, title=termination_title),
    "amendment": SectionReport(render_amendment, amendment_steps, title=amendment_title),
    "inquiry": SectionReport(
        render_inquiry, inquiry_steps, title=inquiry_title, summary=inquiry_summary
    ),
}

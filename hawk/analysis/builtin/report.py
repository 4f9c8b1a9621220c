"""The built-in report: a title with the decision, one part per facts section, the warnings
and the next steps, in Markdown. Only the facts and their warnings are read."""

from collections.abc import Sequence
from typing import Any

from hawk.analysis.builtin import capacity, lifecycle, reviews
from hawk.analysis.builtin.emphasis import emphasised_order
from hawk.analysis.builtin.markdown import bold, bullets, day
from hawk.analysis.builtin.section import Facts, Lines, SectionReport, currency_of

SECTIONS: dict[str, SectionReport] = {
    **capacity.SECTIONS,
    **lifecycle.SECTIONS,
    **reviews.SECTIONS,
}
# The order the sections appear in; the first one with a title leads the report.
REPORT_ORDER = (
    "amendment",
    "check",
    "termination",
    "rollover",
    "inquiry",
    "capacity",
    "pb_deposit",
    "booking_model",
    "thresholds",
    "effectiveness",
)
REVIEW_INTENTS = ("risk_analysis", "compliance", "performance", "monitoring", "general")
INTENT_LABELS = {
    "inception": "New hedge",
    "utilisation": "Utilisation check",
    "rollover": "Rollover",
    "termination": "Termination",
    "amendment": "Amendment",
    "inquiry": "Instruction status",
    "risk_analysis": "Risk analysis",
    "compliance": "Compliance review",
    "performance": "Hedge performance",
    "monitoring": "Threshold monitoring",
    "general": "Hedge overview",
}
ACTIONABLE_SEVERITIES = ("warning", "critical")

Warnings = Sequence[dict[str, str]]


def report_lines(facts: Facts, warnings: Warnings, intent: str, instructions: str = "") -> Lines:
    """The report, one Markdown line per item ("" for a blank line). The sections a
    template's analysis instructions mention come first (emphasis.py)."""
    keys = [key for key in REPORT_ORDER if facts.get(key) is not None]
    if not keys:
        return _details_needed(facts, warnings, intent)
    lines = [_title(keys, facts, intent), "", _scope_line(facts), *_summary(keys, facts, intent)]
    for key in emphasised_order(keys, instructions):
        lines += ["", *SECTIONS[key].render(facts[key], facts)]
    return [*lines, "", *warning_lines(warnings), "", *_next_steps(keys, facts, warnings)]


def _label(intent: str) -> str:
    return INTENT_LABELS.get(intent, intent.replace("_", " ").capitalize())


def _title(keys: list[str], facts: Facts, intent: str) -> str:
    if intent in REVIEW_INTENTS:
        return f"## {currency_of(facts) or 'All currencies'}: {_label(intent).lower()}"
    for key in keys:
        title = SECTIONS[key].title
        if title is not None:
            return title(facts[key], facts)
    return f"## {_label(intent)}"


def _scope_line(facts: Facts) -> str:
    currency = currency_of(facts)
    scope = f", currency {currency}" if currency else ", all currencies"
    line = (
        f"Figures as of {day(facts.get('as_of') or facts.get('business_date'))}{scope}; as "
        "computed by HAWK from the hedge database."
    )
    if facts.get("positions_as_of"):
        line += (
            f" No positions were recorded at that date: the nearest earlier ones, of "
            f"{day(facts['positions_as_of'])}, are used."
        )
    return line


def _summary(keys: list[str], facts: Facts, intent: str) -> Lines:
    if intent not in REVIEW_INTENTS:
        return []
    lines = []
    for key in keys:
        summary = SECTIONS[key].summary
        if summary is not None:
            lines.append(summary(facts[key], facts))
    return ["", "### Summary", "", *bullets(lines)] if lines else []


def warning_lines(warnings: Warnings) -> Lines:
    if not warnings:
        return ["### Warnings", "", "None."]
    return [
        "### Warnings",
        "",
        *bullets(f"{bold(w['severity'])} `{w['code']}`: {w['message']}" for w in warnings),
    ]


def _warning_steps(warnings: Warnings) -> Lines:
    codes = [w["code"] for w in warnings if w["severity"] in ACTIONABLE_SEVERITIES]
    if not codes:
        return []
    listed = ", ".join(dict.fromkeys(codes))
    return [f"Resolve the data warnings ({listed}) before acting on these figures."]


def _next_steps(keys: list[str], facts: Facts, warnings: Warnings) -> Lines:
    steps = []
    for key in keys:
        steps += SECTIONS[key].next_steps(facts[key], facts)
    steps += _warning_steps(warnings) or []
    if not steps:
        steps = ["No action needed."]
    return ["### Next steps", "", *(f"{index}. {step}" for index, step in enumerate(steps, 1))]


# --- a request HAWK could not compute -------------------------------------------------------

PARAMETER_HELP = {
    "currency": "the **currency**: an ISO code such as CNY, HKD or INR, or its name "
    "(yuan, Hong Kong dollar, rupee)",
    "amount": "the **amount** in that currency; K, M and bn stand for thousands, millions and "
    "billions",
    "nav_type": "optionally the **NAV type**: COI (cost of investment) or RE (retained earnings)",
    "entity": "optionally the **entity**, by id or name",
    "order_id": "the **order id** of the existing hedge, as on its instruction",
    "new_notional": "the **new notional** of the order",
    "termination_amount": "optionally the **amount** to close; without one, every active hedge "
    "in scope is closed",
}
PARAMETERS_BY_INTENT = {
    "inception": ("currency", "amount", "nav_type", "entity"),
    "utilisation": ("currency", "amount", "nav_type", "entity"),
    "rollover": ("currency", "nav_type", "entity", "order_id"),
    "termination": ("currency", "termination_amount", "nav_type", "entity"),
    "amendment": ("order_id", "new_notional"),
    "inquiry": ("currency", "order_id"),
}
EXAMPLES = {
    "inception": "Start a `<amount>` COI hedge in `<currency>`",
    "utilisation": "Check if I can hedge `<amount>` `<currency>` today",
    "rollover": "Rollover existing `<currency>` hedges",
    "termination": "Close the `<currency>` hedge position",
    "amendment": "Modify order `<order id>` notional to `<amount>`",
    "inquiry": "Status of all `<currency>` instructions",
}


def _details_needed(facts: Facts, warnings: Warnings, intent: str) -> Lines:
    """No section could be computed: say why and what the request should name."""
    currency = currency_of(facts)
    missing = any(w["code"].startswith("MISSING_") for w in warnings)
    state = "more details needed" if missing or not currency else f"no facts for {currency}"
    parameters = PARAMETERS_BY_INTENT.get(intent, ("currency",))
    lines = [
        f"## {_label(intent)}: {state}",
        "",
        "HAWK could not compute the facts of this request, and never assumes a currency or an "
        "amount. Please specify:",
        "",
        *bullets(PARAMETER_HELP[name] for name in parameters),
    ]
    example = EXAMPLES.get(intent)
    if example:
        lines += ["", f"For example: *{example}*."]
    return [*lines, "", *warning_lines(warnings)]


# --- an unclear request -------------------------------------------------------------------


def clarification_lines(clarification: dict[str, Any]) -> Lines:
    """What was understood and the question, with prompts to choose from: HAWK asks rather
    than answer a question that was not asked."""
    understood = clarification.get("understood") or "no currency, amount, order or entity"
    lines = [
        "## Your request is unclear",
        "",
        f"HAWK understood: {understood}. It could not tell which question to answer, and "
        "does not guess.",
        "",
        f"**{clarification['question']}**",
    ]
    suggestions = clarification.get("suggestions") or []
    if suggestions:
        lines += ["", "For example:", ""]
        lines += bullets(f"{s['label']}: *{s['user_prompt']}*" for s in suggestions)
    return lines

"""Unclear requests: when to ask instead of answering, and what to ask (API.md).

The agent asks when no intent word was found (nothing it can act on) or when the confidence
is below the floor; it then says what it understood and offers prompts it could answer.
"""

from decimal import Decimal

from hawk.pipeline.understand.results import Clarification, Parameters, Suggestion

INTENT_LABELS = {
    "inception": "a new hedge",
    "utilisation": "a capacity check",
    "rollover": "a rollover",
    "termination": "a termination",
    "amendment": "an amendment",
    "inquiry": "an instruction status",
    "risk_analysis": "a risk analysis",
    "compliance": "a compliance review",
    "performance": "an effectiveness review",
    "monitoring": "threshold monitoring",
    "general": "an overview",
}


def needs_clarification(*, fallback: bool, confidence: float, floor: float) -> bool:
    return fallback or confidence < floor


def clarification(intent: str | None, parameters: Parameters) -> Clarification:
    """`intent` is the low-confidence guess, None when no intent word was found."""
    understood = understood_text(parameters)
    if intent is None:
        question = "What would you like to do" + (f" with {understood}?" if understood else "?")
    else:
        question = f"Did you mean {INTENT_LABELS.get(intent, intent)}, or something else?"
    return Clarification(question, understood, tuple(suggestions(intent, parameters)))


def currency_clarification(prompt: str, amount_text: str, parameters: Parameters) -> Clarification:
    """Which currency an amount written without one is in; a suggestion per candidate, the
    prompt as written with the currency after the amount."""
    candidates = parameters.currency_candidates
    listed = ", ".join(candidates[:-1]) + f" or {candidates[-1]}" if candidates else ""
    question = f"Which currency is {amount_text} in" + (f": {listed}?" if listed else "?")
    number = amount_text.lstrip("$¥").strip()
    options = [
        Suggestion(code, prompt.replace(amount_text, f"{number} {code}", 1))
        for code in candidates[:4]
    ]
    return Clarification(question, understood_text(parameters), tuple(options))


def understood_text(parameters: Parameters) -> str:
    """The parameters understood, in words: "150,000.00 CNY, order ORD-1"."""
    parts = []
    if parameters.amount is not None:
        parts.append(f"{_amount(parameters.amount)} {parameters.currency or ''}".strip())
    elif parameters.currency:
        parts.append(parameters.currency)
    if parameters.unknown_currency:
        parts.append(f"{parameters.unknown_currency} (not a currency HAWK knows)")
    if parameters.nav_type:
        parts.append(f"NAV type {parameters.nav_type}")
    if parameters.order_id:
        parts.append(f"order {parameters.order_id}")
    if parameters.entity_id:
        parts.append(f"entity {parameters.entity_id}")
    if parameters.date:
        parts.append(f"date {parameters.date.isoformat()}")
    return ", ".join(parts)


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), ",f")


def suggestions(intent: str | None, parameters: Parameters) -> list[Suggestion]:
    """Prompts the agent can answer, built from what was understood; the guess first."""
    options = _order_options(parameters) if parameters.order_id else _currency_options(parameters)
    if intent is not None:
        options.sort(key=lambda option: option[0] != intent)
    return [Suggestion(label, prompt) for _, label, prompt in options[:4]]


def _order_options(parameters: Parameters) -> list[tuple[str, str, str]]:
    order = parameters.order_id
    return [
        ("inquiry", f"Status of order {order}", f"What is the status of order {order}?"),
        ("rollover", f"Roll over {order}", f"Roll over order {order}"),
        ("termination", f"Terminate {order}", f"Terminate order {order}"),
        ("amendment", f"Amend {order}", f"Modify order {order} notional to <amount>"),
    ]


def _currency_options(parameters: Parameters) -> list[tuple[str, str, str]]:
    """Options in the currency understood (CNY as an example when none was). A figure appears
    only when the prompt gave it: the answer's number check must find every number."""
    currency = parameters.currency or "CNY"
    scope = f" for {parameters.entity_id}" if parameters.entity_id else ""
    options = [
        (
            "utilisation",
            f"{currency} capacity",
            f"What is our hedge capacity in {currency}{scope}?",
        ),
        ("inquiry", f"{currency} instructions", f"Status of all {currency} instructions"),
        ("monitoring", f"{currency} thresholds", f"Show the {currency} thresholds and PB deposit"),
    ]
    if parameters.amount is not None:
        amount = _amount(parameters.amount)
        check = f"Check if I can hedge {amount} {currency}{scope} today"
        options.insert(0, ("utilisation", f"Can we hedge {amount} {currency}?", check))
    return options

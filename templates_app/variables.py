"""Typed template variables: each value is checked against its input field's type before a
template is rendered, so `amount: "lots"` or `currency: "ZZZ"` is a 400 naming the variable,
never a confused answer. Values are returned as the text to insert (trimmed, codes upper-case).
"""

import datetime
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from hawk.models import Currency, Entity
from hawk.web.errors import HawkError
from hawk.web.inputs import DATE_PROBLEM, date_within_bounds, has_control_characters
from templates_app.models import PromptTemplate

# Larger than any real hedge (a quadrillion in any currency unit): a typo, not a request.
MAX_AMOUNT = Decimal("1000000000000000")
ORDER_ID = re.compile(r"^ORD-[0-9A-Z-]{1,36}$")
NAV_TYPES = ("COI", "RE")
# The amounts the prompt understanding reads: 150000, 150,000.50, 150K, 25M, 1.5bn.
AMOUNT = re.compile(
    r"^(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<unit>thousand|million|billion|mln|mio|mm|mn|bn|k|m|b)?$",
    re.IGNORECASE,
)
MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand"), Decimal(1000)),
    **dict.fromkeys(("m", "mm", "mn", "mln", "mio", "million"), Decimal(1000000)),
    **dict.fromkeys(("b", "bn", "billion"), Decimal(1000000000)),
}
TEXT_MAX = 200
# "1,000,000,000,000,000.00" has 24 characters: anything much longer is not an amount.
AMOUNT_MAX_CHARS = 40
# Bidirectional embeddings, overrides and isolates: they make shown text differ from its
# order (a reviewer reads one thing, the LLM another).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


class BadValue(ValueError):
    pass


def _amount(value: str, field: dict[str, Any]) -> str:
    if len(value) > AMOUNT_MAX_CHARS:
        raise BadValue(f"not an amount (at most {AMOUNT_MAX_CHARS} characters)")
    match = AMOUNT.match(value)
    if not match:
        raise BadValue("not an amount (e.g. 150000, 150,000.50, 150K, 25M)")
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        raise BadValue("not an amount") from None
    number *= MULTIPLIERS.get((match["unit"] or "").lower(), Decimal(1))
    if not Decimal(0) < number <= MAX_AMOUNT:
        raise BadValue("the amount must be above 0 and below 10^15")
    return value


def _currency(value: str, field: dict[str, Any]) -> str:
    code = value.upper()
    if not Currency.objects.filter(currency_code=code).exists():
        raise BadValue(f"{value!r} is not a configured currency")
    return code


def _date(value: str, field: dict[str, Any]) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadValue("not a date (YYYY-MM-DD)") from None
    if not date_within_bounds(day):
        raise BadValue(DATE_PROBLEM)
    return day.isoformat()


def _entity(value: str, field: dict[str, Any]) -> str:
    entity_id = value.upper()
    if not Entity.objects.filter(entity_id=entity_id).exists():
        raise BadValue(f"{value!r} is not a known entity")
    return entity_id


def _nav_type(value: str, field: dict[str, Any]) -> str:
    if value.upper() not in NAV_TYPES:
        raise BadValue(f"a NAV type is one of {', '.join(NAV_TYPES)}")
    return value.upper()


def _order_id(value: str, field: dict[str, Any]) -> str:
    if not ORDER_ID.match(value.upper()):
        raise BadValue("an order id looks like ORD-123 or ORD-2025-011")
    return value.upper()


def _text(value: str, field: dict[str, Any]) -> str:
    if len(value) > TEXT_MAX:
        raise BadValue(f"at most {TEXT_MAX} characters")
    if any(ord(char) < 32 for char in value) or has_control_characters(value):
        raise BadValue("control characters are not allowed")
    if BIDI_CONTROLS.search(value):
        raise BadValue("bidirectional control characters are not allowed")
    return value


def _choice(value: str, field: dict[str, Any]) -> str:
    choices = [str(choice) for choice in field.get("choices", [])]
    if value not in choices:
        raise BadValue(f"one of {', '.join(choices)}")
    return value


CHECKS: dict[str, Callable[[str, dict[str, Any]], str]] = {
    "amount": _amount,
    "currency": _currency,
    "date": _date,
    "entity": _entity,
    "entity_id": _entity,
    "nav_type": _nav_type,
    "order_id": _order_id,
    "text": _text,
    "choice": _choice,
}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise BadValue("must be a string or a number")
    return str(value).strip()


def variable_problems(
    template: PromptTemplate, variables: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(clean values, problems by variable name). A required field left empty is a problem;
    so is a variable the template does not declare."""
    fields = {f["name"]: f for f in template.input_fields if isinstance(f, dict) and "name" in f}
    clean: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    for name in variables:
        if name not in fields:
            problems[name] = ["not an input field of this template"]
    for name, field in fields.items():
        try:
            value = _as_text(variables.get(name))
            if value:
                clean[name] = CHECKS.get(field.get("type", "text"), _text)(value, field)
            elif field.get("required", True):
                problems[name] = ["required"]
        except BadValue as exc:
            problems[name] = [str(exc)]
    return clean, problems


def validated_variables(
    template: PromptTemplate, variables: Mapping[str, Any], *, prefix: str = "variables"
) -> dict[str, str]:
    """The clean values, or HawkError invalid_field naming each bad one `<prefix>.<name>`."""
    clean, problems = variable_problems(template, variables)
    if problems:
        fields = {f"{prefix}.{name}": messages for name, messages in problems.items()}
        first = next(iter(fields.items()))
        raise HawkError("invalid_field", f"{first[0]}: {first[1][0]}", fields=fields)
    return clean

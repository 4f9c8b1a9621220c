"""Explicit parameters given by the caller, which replace the ones read from the prompt."""

import datetime
from collections.abc import Mapping
from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

from hawk.pipeline.understand.results import Parameters

_UPPER_CASE_PARAMETERS = ("currency", "nav_type", "order_id", "previous_order_id", "entity_id")
_OVERRIDABLE = frozenset(f.name for f in fields(Parameters)) - {"amounts", "currency_candidates"}


def apply_overrides(
    parameters: Parameters, evidence: dict[str, str], overrides: Mapping[str, object]
) -> Parameters:
    """Explicit values replace parsed ones; None or "" means "not given"."""
    given = {
        name: _explicit_value(name, value)
        for name, value in overrides.items()
        if name in _OVERRIDABLE and value is not None and value != ""
    }
    evidence.update(dict.fromkeys(given, "explicit"))
    if "currency" in given:
        given["currency_candidates"] = ()
    return replace(parameters, **given)


def _explicit_value(name: str, value: object) -> Any:
    if name == "amount" and not isinstance(value, Decimal):
        return Decimal(str(value))
    if name == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if name in _UPPER_CASE_PARAMETERS:
        return str(value).strip().upper()
    return value

"""The parameters of a prompt: each one read from its own words, the main one chosen."""

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from hawk.pipeline.understand.amounts import amount_candidates, main_amount
from hawk.pipeline.understand.currencies import (
    currency_candidates,
    currency_mentions,
    main_currency,
)
from hawk.pipeline.understand.dates import as_of_date, date_spans
from hawk.pipeline.understand.identifiers import ENTITY_ID, ORDER_ID, split_orders
from hawk.pipeline.understand.intents import KEY_PARAMETERS
from hawk.pipeline.understand.results import Parameters
from hawk.pipeline.understand.spans import Span, next_to, phrases
from hawk.pipeline.vocabulary import WORD, Vocabulary

_NAV_TYPES = (
    (re.compile(r"\bCOI\b|\bcost\s+of\s+investments?\b", re.IGNORECASE), "COI"),
    (re.compile(r"\bretained\s+earnings?\b", re.IGNORECASE), "RE"),
    # "RE" only in upper case and not as an e-mail "RE:"; lower case only before a NAV word,
    # since "re" is also "regarding".
    (re.compile(r"\bRE\b(?![:\-'])"), "RE"),
    (re.compile(r"\bre(?=\s+(?:nav|positions?|exposures?|bucket|hedges?)\b)", re.IGNORECASE), "RE"),
)
_INSTRUMENTS = (
    (re.compile(r"\bNDFs?\b", re.IGNORECASE), "NDF"),
    (re.compile(r"\b(?:fx\s+)?swaps?\b", re.IGNORECASE), "swap"),
    # "going forward" and "roll forward" are not the instrument.
    (re.compile(r"(?<!going )(?<!look )(?<!roll )\b(?:forwards?|fwds?)\b", re.IGNORECASE),
     "forward"),
)  # fmt: skip


def prompt_parameters(
    prompt: str, vocabulary: Vocabulary, intent: str, today: datetime.date
) -> tuple[Parameters, dict[str, str]]:
    orders = _found(ORDER_ID, prompt, str.upper)
    entity_ids = _found(ENTITY_ID, prompt, str.upper)
    dates = date_spans(prompt, today)
    reserved = [*orders, *entity_ids, *dates]
    tokens = list(WORD.finditer(prompt))
    entity_names = list(
        phrases(tokens, vocabulary.entity_names, vocabulary.longest_entity_name, reserved)
    )
    amount, currency, amounts = _amount_and_currency(
        prompt, tokens, vocabulary, [*reserved, *entity_names], intent
    )
    previous, current = split_orders(prompt, orders, intent)
    chosen = {
        "currency": currency,
        "amount": amount,
        "nav_type": _first_of(_NAV_TYPES, prompt),
        "order_id": current,
        "previous_order_id": previous,
        "entity_id": next(iter(entity_ids or entity_names), None),
        "date": next((found for found in dates if found.value is not None), None),
        "as_of": as_of_date(prompt, dates, today),
        "instrument": _first_of(_INSTRUMENTS, prompt),
        "unknown_currency": None if currency else _unknown_code(prompt, vocabulary, reserved),
    }
    values: dict[str, Any] = {name: span.value for name, span in chosen.items() if span}
    evidence = {name: span.text for name, span in chosen.items() if span}
    values["amounts"] = tuple(a.value for a in amounts)
    if currency is None and "currency" in KEY_PARAMETERS.get(intent, ()):
        values["currency_candidates"] = currency_candidates(amount, vocabulary)
    return Parameters(**values), evidence


# Upper-case words of three letters that are not currencies: they are never "unknown".
_NOT_CODES = frozenset(
    {
        "COI", "NAV", "NDF", "CAR", "SFX", "ORD", "PNL", "VAR", "FYI", "EOD", "EOM", "YTD",
        "MTD", "OTC", "API", "CEO", "CFO", "PLS", "THE", "AND", "FOR", "ANY", "HOW", "WHY",
        "WHO", "CAN", "MAY", "NEW", "OLD", "NOW", "ALL", "ARE", "YOU", "OUR",
    }
)  # fmt: skip
_CODE_LIKE = re.compile(r"(?<![\w-])[A-Z]{3}(?![\w-])")


def _unknown_code(prompt: str, vocabulary: Vocabulary, reserved: list[Span]) -> Span | None:
    """A three-letter upper-case word that looks like a currency code but is none ("XYZ")."""
    for match in _CODE_LIKE.finditer(prompt):
        code = match.group()
        if code in _NOT_CODES or code.lower() in vocabulary.currency_words:
            continue
        if any(span.start <= match.start() < span.end for span in reserved):
            continue
        return Span(match.start(), match.end(), code, code)
    return None


def _amount_and_currency(
    prompt: str,
    tokens: Sequence[re.Match[str]],
    vocabulary: Vocabulary,
    reserved: list[Span],
    intent: str,
) -> tuple[Span | None, Span | None, list[Span]]:
    """(main amount, main currency, every amount). Amounts and currencies decide each other:
    "TRY" is a currency next to an amount, "500" an amount next to a currency."""
    candidates = amount_candidates(prompt, reserved, vocabulary)
    mentions = currency_mentions(prompt, tokens, vocabulary, reserved, candidates)
    amounts = [a for a in candidates if a.firm or any(next_to(prompt, a, m) for m in mentions)]
    amount = main_amount(prompt, amounts, intent)
    return amount, main_currency(prompt, mentions, amount), amounts


def _found(pattern: re.Pattern[str], prompt: str, normalise: Callable[[str], str]) -> list[Span]:
    return [
        Span(m.start(), m.end(), m.group(), normalise(m.group())) for m in pattern.finditer(prompt)
    ]


def _first_of(table: Sequence[tuple[re.Pattern[str], str]], prompt: str) -> Span | None:
    """The earliest match of any pattern in the table, valued with its row's value."""
    found = [(m.start(), m, value) for pattern, value in table if (m := pattern.search(prompt))]
    if not found:
        return None
    _, match, value = min(found, key=lambda row: row[0])
    return Span(match.start(), match.end(), match.group(), value)

"""The claims an answer states besides its numbers: decisions (PASS, PARTIAL, FAIL), currency
codes and identifiers (entity ids such as ENTITY0015, order ids such as ORD-2025-011), and the
sentences that state a figure or a decision (where hedging language is out of place)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DECISIONS = ("PASS", "PARTIAL", "FAIL")
_DECISION = re.compile(r"\b(PASS|PARTIAL|FAIL)\b")
# ISO 4217 codes an answer about hedges is likely to name; other three-letter words (NAV, COI,
# SFX) are not currencies.
CURRENCIES = frozenset(
    [
        "AED",
        "AUD",
        "BRL",
        "CAD",
        "CHF",
        "CNH",
        "CNY",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "JPY",
        "KRW",
        "MXN",
        "MYR",
        "NOK",
        "NZD",
        "PHP",
        "PLN",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "TWD",
        "USD",
        "VND",
        "ZAR",
    ]
)
_CODE = re.compile(r"\b[A-Z]{3}\b")
# An id starts with letters and goes on with digits (as in the number check's masking); a
# currency code glued to an amount ("USD25M") is not one.
_IDENTIFIER = re.compile(r"\b(?![A-Z]{3}\d)[A-Za-z][A-Za-z_]*-?\d[\w-]*")
# A sentence ends at . ! ? or a line end; a point between digits (418,618,000.00) does not end it.
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+(?:[.!?]|\n|$)")
_FIGURE = re.compile(r"\d|\b(?:PASS|PARTIAL|FAIL)\b")


@dataclass(frozen=True)
class Claims:
    decisions: tuple[str, ...]  # in order, each once
    currencies: tuple[str, ...]
    identifiers: tuple[str, ...]

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "decisions": list(self.decisions),
            "currencies": list(self.currencies),
            "identifiers": list(self.identifiers),
        }


def _unique(found: Iterator[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(found))


def stated_claims(text: str) -> Claims:
    return Claims(
        decisions=_unique(match[1] for match in _DECISION.finditer(text)),
        currencies=_unique(code for code in _CODE.findall(text) if code in CURRENCIES),
        identifiers=_unique(match[0].rstrip("-") for match in _IDENTIFIER.finditer(text)),
    )


def fact_decisions(facts: Any) -> set[str]:
    """Every decision the facts hold, at any depth (the check's, a test's result)."""
    if isinstance(facts, dict):
        return set().union(*(fact_decisions(value) for value in facts.values()))
    if isinstance(facts, list):
        return set().union(*(fact_decisions(value) for value in facts))
    return {facts} if isinstance(facts, str) and facts in DECISIONS else set()


def figure_sentences(text: str) -> Iterator[str]:
    """The sentences (or lines) of a text that state a figure or a decision."""
    for match in _SENTENCE.finditer(text):
        if _FIGURE.search(match[0]):
            yield match[0].strip()

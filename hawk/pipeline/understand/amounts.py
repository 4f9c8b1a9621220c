"""Amounts in a prompt: numbers that are money, their units, and which one is meant."""

import re
from collections.abc import Sequence
from decimal import Decimal

from hawk.pipeline.understand.spans import Span, overlaps
from hawk.pipeline.vocabulary import ISO_4217_CODES, Vocabulary

# Numbers that are not amounts: tenors ("6 months", "1Y", "3M tenor", "for 3M": M after
# "for" is months only up to 24, so "for 25M" stays an amount), percentages, and rates
# ("at 1,350.50", "rate 7.8").
_NOT_AMOUNTS = (
    re.compile(r"\b\d+\s?(?:y|yrs?|years?|w|wks?|weeks?|d|days?|mos?|months?)\b", re.IGNORECASE),
    re.compile(r"\b\d+\s?m\s+tenor\b", re.IGNORECASE),
    # "for 3M" is a tenor unless a currency follows ("room for 8m twd"): see _SOFT_TENOR.
    re.compile(r"\btenor(?:\s+of)?\s+(?:[1-9]|1\d|2[0-4])\s?m\b", re.IGNORECASE),
    re.compile(
        r"\b(?:[1-9]|1\d|2[0-4])\s?m\s+(?:fx\s+)?(?:forwards?|fwds?|swaps?|ndfs?)\b", re.IGNORECASE
    ),
    # A rollover's new tenor: "for another 3M", "another 1Y", "extend ... by 6M".
    re.compile(r"\banother\s+(?:[1-9]|1\d|2[0-4])\s?m\b", re.IGNORECASE),
    re.compile(
        r"\b(?:roll|extend)\w*\b[^.?!]{0,40}?\bby\s+(?:[1-9]|1\d|2[0-4])\s?m\b", re.IGNORECASE
    ),
    re.compile(r"\d+(?:\.\d+)?\s?(?:%|(?:percent|pct|bps?)\b)", re.IGNORECASE),
    re.compile(r"(?:\bat|\brate(?:\s+of)?|@)\s*\d{1,3}(?:,\d{3})*\.\d+", re.IGNORECASE),
)
_SOFT_TENOR = re.compile(
    r"\bfor\s+(?:[1-9]|1\d|2[0-4])\s?m\b(?P<after>\s+[A-Za-z]+)?", re.IGNORECASE
)
_AMOUNT = re.compile(
    r"""(?:(?<![\w.,\-/])|(?-i:(?<=\b[A-Z]{3})))
    (?P<symbol>(?:US|HK|NT|NZ|S|A|C)\$|[$€£¥₩₹₱₫฿])?\s?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)
    (?:\s?(?P<unit>thousand|million|billion|mln|mio|mm|mn|bn|k|m|b)\b)?
    (?![\w\-/%]|[.,]\d)""",
    re.IGNORECASE | re.VERBOSE,
)
_MULTIPLIERS = {
    **dict.fromkeys(("k", "thousand"), Decimal(1000)),
    **dict.fromkeys(("m", "mm", "mn", "mln", "mio", "million"), Decimal(1000000)),
    **dict.fromkeys(("b", "bn", "billion"), Decimal(1000000000)),
}
# The new amount of an amendment follows "to" ("from 100M to 120M", "notional to USD 120M").
_NEW_AMOUNT_CUE = re.compile(r"\bto\s+(?:[A-Z]{3}\s*)?$", re.IGNORECASE)


def amount_candidates(prompt: str, reserved: list[Span], vocabulary: Vocabulary) -> list[Span]:
    """Numbers that may be amounts, outside ids, dates, tenors and percentages."""
    excluded = reserved + [
        Span(m.start(), m.end(), "") for p in _NOT_AMOUNTS for m in p.finditer(prompt)
    ]
    excluded += [
        Span(m.start(), m.start("after") if m["after"] else m.end(), "")
        for m in _SOFT_TENOR.finditer(prompt)
        if not (m["after"] and m["after"].strip().lower() in vocabulary.currency_words)
    ]
    found = []
    for match in _AMOUNT.finditer(prompt):
        if overlaps(match.start("number"), match.end("number"), excluded):
            continue
        if (
            match.start()
            and prompt[match.start() - 1].isalpha()
            and not _glued_code(prompt, match.start(), vocabulary)
        ):
            continue
        found.append(_amount_span(match))
    return found


def _glued_code(prompt: str, start: int, vocabulary: Vocabulary) -> bool:
    """Whether the letters before a number are a currency code written against it ("USD25M")."""
    code = prompt[max(start - 3, 0) : start]
    return code.isupper() and (code in ISO_4217_CODES or code in vocabulary.known_currencies)


def _amount_span(match: re.Match[str]) -> Span:
    number = match["number"].replace(",", "")
    unit = (match["unit"] or "").lower()
    value = Decimal(number) * _MULTIPLIERS.get(unit, Decimal(1))
    plain = not (unit or match["symbol"] or "," in match["number"])
    # A plain number is money only from 1000 up and when it is not a year ("in 2025"); a
    # smaller one ("top 10") counts only next to a currency ("hedge 500 CNY").
    is_year = plain and len(number) == 4 and 1900 <= int(value) <= 2100
    firm = not plain or (value >= 1000 and not is_year)
    text = match.group().strip()
    return Span(match.start(), match.end(), text, value, firm)


def main_amount(prompt: str, amounts: Sequence[Span], intent: str) -> Span | None:
    """The first amount; for an amendment the new one (after "to"), else the last."""
    if not amounts:
        return None
    if intent != "amendment":
        return amounts[0]
    after_to = [a for a in amounts if _NEW_AMOUNT_CUE.search(prompt, 0, a.start)]
    return (after_to or list(amounts))[-1]

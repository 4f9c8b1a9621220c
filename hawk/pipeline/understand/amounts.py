"""Amounts in a prompt: numbers that are money, their units, and which one is meant."""

import re
from collections.abc import Sequence
from decimal import Decimal, localcontext

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
    r"""(?:(?<![\w.,\-/])|(?-i:(?<=\b[A-Z]{3}))(?!\s))
    (?P<symbol>(?:US|HK|NT|NZ|S|A|C)\$|(?:JP|CN)¥|[$€£¥₩₹₱₫฿])?\s?
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
# Beyond any real hedge (a quadrillion in any currency unit), or finer than a ten-thousandth:
# such a number is a typo or not money. The bounds also keep every amount exact: Decimal rounds
# results past 28 digits, and an amount must be the number the text wrote.
LARGEST_AMOUNT = Decimal(10) ** 15
_FINEST_EXPONENT = -4
_MOST_DIGITS = 25
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
        if (span := _amount_span(match)) is not None:
            found.append(span)
    return found


def _glued_code(prompt: str, start: int, vocabulary: Vocabulary) -> bool:
    """Whether the letters before a number are a currency code written against it ("USD25M")."""
    code = prompt[max(start - 3, 0) : start]
    return code.isupper() and (code in ISO_4217_CODES or code in vocabulary.known_currencies)


def _amount_value(number: str, unit: str) -> Decimal | None:
    """The amount a number and its unit write, exactly; None when it cannot be money."""
    written = Decimal(number)
    if len(written.as_tuple().digits) > _MOST_DIGITS:
        return None
    with localcontext(prec=_MOST_DIGITS + 10):  # exact for any number of _MOST_DIGITS
        value = written * _MULTIPLIERS.get(unit, Decimal(1))
        exponent = value.normalize().as_tuple().exponent  # 1.5M: 1500000.0 is whole
    if value > LARGEST_AMOUNT or (isinstance(exponent, int) and exponent < _FINEST_EXPONENT):
        return None
    return value


def _amount_span(match: re.Match[str]) -> Span | None:
    number = match["number"].replace(",", "")
    unit = (match["unit"] or "").lower()
    value = _amount_value(number, unit)
    if value is None:
        return None
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

"""The number check: how many numbers of an answer can be found in the context it was given.

An answer number is verified when some context number equals it once formatting is undone
(thousands separators, currency symbols and codes, K/M/bn/million/billion suffixes, trailing
zeros) and the context number is rounded to the precision the answer wrote it with: "1.35M"
is verified by 1347500.0000, "1,347,500" by 1347499.6000. A percentage p is verified by a
context number p or p/100 ("25%" by 25.0000 or by the ratio 0.2500). Signs are ignored.

Not checked, on either side: numbers inside ISO dates and times, ids (ORD-123, ORD-2025-011,
ENTITY0015), list markers ("1." at the start of a line, also after a heading's hashes), and
in the answer small integers 0-10 written without decimals, separators or suffix: counts such
as "3 entities" or "step 2" are too common to tell a made-up figure from a real one.
"""

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, InvalidOperation

SMALL_INTEGER_LIMIT = 10

# Masked (blanked out) before numbers are read: what contains digits but is not a figure.
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\b\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\b"
)
# An id is a word that starts with letters and goes on with digits (ENTITY0015, ORD-2025-011).
# A currency code glued to an amount ("USD25M") is not an id.
_IDENTIFIER = re.compile(r"\b(?![A-Z]{3}\d)[A-Za-z][A-Za-z_]*-?\d[\w-]*")
_LIST_MARKER = re.compile(r"^([ \t]*(?:#{1,6}[ \t]+)?(?:[-*+][ \t]+)?)(\d+[.)])(?=\s)", re.M)

# A sign is not captured: answers say "a decrease of 5,000.00" for a delta of -5000.00.
_NUMBER = re.compile(
    r"(?<![\d.,])"
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:[ \t]?(?P<suffix>%|percent\b|thousand\b|million\b|billion\b|trillion\b"
    r"|[Kk]\b|mn\b|mm\b|[Mm]\b|bn\b|[Bb]\b|tn\b))?"
)
_SCALES = {
    "thousand": 3,
    "k": 3,
    "million": 6,
    "mn": 6,
    "mm": 6,
    "m": 6,
    "billion": 9,
    "bn": 9,
    "b": 9,
    "trillion": 12,
    "tn": 12,
}
_PERCENT = ("%", "percent")
# Room for the largest amounts (24 digits) at any quantum, so rounding never overflows.
_DECIMALS = Context(prec=60)
# Contexts whose numbers are kept (by text): a few kilobytes each.
CONTEXTS_KEPT = 256


@dataclass(frozen=True)
class Quality:
    score: float  # verified / checked, 1.0 when nothing was checked
    checked: int
    verified: int
    unverified_numbers: list[str] = field(default_factory=list)  # as written, first seen first

    def as_dict(self) -> dict[str, object]:
        return {
            "score": self.score,
            "checked": self.checked,
            "verified": self.verified,
            "unverified_numbers": list(self.unverified_numbers),
        }


@dataclass(frozen=True)
class WrittenNumber:
    text: str  # as written, with its suffix: "1.35M", "25.00%"
    value: Decimal  # absolute, scaled by the suffix: 1350000
    quantum: Decimal  # the precision it was written with: 1E+4 for "1.35M"
    percent: bool
    plain_integer: bool  # no decimals, separators or suffix


def check_numbers(answer: str, context: str) -> Quality:
    known = context_numbers(context)
    checked = [number for number in written_numbers(answer) if not _too_small(number)]
    unverified = [number.text for number in checked if not known.verifies(number)]
    verified = len(checked) - len(unverified)
    return Quality(
        score=_score(verified, len(checked)),
        checked=len(checked),
        verified=verified,
        unverified_numbers=list(dict.fromkeys(unverified)),
    )


def _score(verified: int, checked: int) -> float:
    if checked == 0:
        return 1.0
    return float((Decimal(verified) / Decimal(checked)).quantize(Decimal("0.0001")))


def _too_small(number: WrittenNumber) -> bool:
    return number.plain_integer and number.value <= SMALL_INTEGER_LIMIT


def written_numbers(text: str) -> Iterator[WrittenNumber]:
    """The figures of a text, in order, with dates, times, ids and list markers left out."""
    for match in _NUMBER.finditer(_masked(text)):
        yield _written_number(match)


def _masked(text: str) -> str:
    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group(0))

    text = _DATE_TIME.sub(blank, text)
    text = _IDENTIFIER.sub(blank, text)
    return _LIST_MARKER.sub(lambda match: match.group(1) + " " * len(match.group(2)), text)


def _written_number(match: re.Match[str]) -> WrittenNumber:
    digits = match.group("digits")
    suffix = (match.group("suffix") or "").lower()
    shift = _SCALES.get(suffix, 0)
    written = Decimal(digits.replace(",", ""))
    places = written.as_tuple().exponent
    assert isinstance(places, int)  # a finite number: digits only
    return WrittenNumber(
        text=match.group(0).strip(),
        value=written.scaleb(shift, _DECIMALS),
        quantum=Decimal(1).scaleb(places + shift, _DECIMALS),
        percent=suffix in _PERCENT,
        plain_integer=not suffix and "," not in digits and "." not in digits,
    )


@functools.lru_cache(maxsize=CONTEXTS_KEPT)
def context_numbers(context: str) -> "ContextNumbers":
    """The numbers of a context, read once per context text: the same context comes back run
    after run (its facts come from the data cache), and reading it was the largest part of the
    answer check, a tenth of a loaded worker's time (docs/benchmarks.md, issue 19)."""
    return ContextNumbers(number.value for number in written_numbers(context))


class ContextNumbers:
    """The absolute values of the context's numbers, sorted, to find those near a value.
    Immutable: one instance serves every run given the same context."""

    def __init__(self, values: Iterator[Decimal] | list[Decimal]) -> None:
        self.values = tuple(sorted(set(values)))

    def verifies(self, number: WrittenNumber) -> bool:
        candidates = [(number.value, number.quantum)]
        if number.percent:
            candidates.append(
                (number.value.scaleb(-2, _DECIMALS), number.quantum.scaleb(-2, _DECIMALS))
            )
        return any(self._rounds_to(value, quantum) for value, quantum in candidates)

    def _rounds_to(self, value: Decimal, quantum: Decimal) -> bool:
        """Whether a context number rounds (half up or half even) to `value` at `quantum`;
        only those within half a quantum of it can."""
        half = _DECIMALS.divide(quantum, 2)
        start = bisect.bisect_left(self.values, _DECIMALS.subtract(value, half))
        end = bisect.bisect_right(self.values, _DECIMALS.add(value, half))
        return any(_rounded_equal(known, value, quantum) for known in self.values[start:end])


def _rounded_equal(known: Decimal, value: Decimal, quantum: Decimal) -> bool:
    for rounding in (ROUND_HALF_EVEN, ROUND_HALF_UP):
        try:
            if known.quantize(quantum, rounding=rounding, context=_DECIMALS) == value:
                return True
        except InvalidOperation:
            return False
    return False

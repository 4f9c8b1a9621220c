"""Spans: the pieces of a prompt that were matched, and vocabulary phrases found among its words."""

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

# What may stand between an amount and its currency: "USD 25M", "25M USD", "$500,000 of USD".
_AMOUNT_CURRENCY_GAP = re.compile(r"\s*(?:(?:of|in)\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    value: object = None
    firm: bool = True  # amounts: a unit, a symbol, separators, or big enough to be money
    key: str = ""  # vocabulary matches: the phrase key that matched


def overlaps(start: int, end: int, spans: Sequence[Span]) -> bool:
    return any(start < span.end and span.start < end for span in spans)


def next_to(prompt: str, first: Span, second: Span) -> bool:
    """Whether two spans touch, or only blanks (or "of"/"in") stand between them."""
    left, right = sorted((first, second), key=lambda span: span.start)
    if right.start < left.end:
        return True
    return _AMOUNT_CURRENCY_GAP.fullmatch(prompt, left.end, right.start) is not None


def phrases(
    tokens: Sequence[re.Match[str]],
    words: Mapping[str, str],
    longest: int,
    reserved: Sequence[Span],
) -> Iterator[Span]:
    """Vocabulary phrases in the prompt (`longest` words at most), the longest at each place,
    outside reserved spans."""
    index = 0
    while index < len(tokens):
        found = None
        if not overlaps(tokens[index].start(), tokens[index].end(), reserved):
            found = _longest_phrase_at(tokens, index, words, longest)
        if found is None:
            index += 1
            continue
        count, key = found
        start, end = tokens[index].start(), tokens[index + count - 1].end()
        yield Span(start, end, tokens[index].string[start:end], words[key], key=key)
        index += count


def _longest_phrase_at(
    tokens: Sequence[re.Match[str]], index: int, words: Mapping[str, str], longest: int
) -> tuple[int, str] | None:
    for count in range(min(longest, len(tokens) - index), 0, -1):
        key = " ".join(token.group().lower() for token in tokens[index : index + count])
        if key in words:
            return count, key
        # Plurals of names: "euros", "Hong Kong dollars" (not "yens" or "alls").
        if key.endswith("s") and len(tokens[index + count - 1].group()) > 4 and key[:-1] in words:
            return count, key[:-1]
    return None

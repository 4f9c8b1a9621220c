"""Currencies in a prompt: codes, names and symbols, and which one goes with the amount."""

import re
from collections.abc import Sequence

from hawk.pipeline.understand.spans import Span, next_to, phrases
from hawk.pipeline.vocabulary import (
    AMBIGUOUS_SYMBOLS,
    AMBIGUOUS_WORDS,
    NOT_CURRENCY_PHRASES,
    SYMBOL_CURRENCIES,
    UPPER_CASE_ONLY_WORDS,
    Vocabulary,
)

_SYMBOL = re.compile(r"(?<![A-Za-z])(?:(?:US|HK|NT|NZ|S|A|C)\$|(?:JP|CN)¥)|[€£₩₹₱₫฿]")
# Ambiguous words that name their currency in any case after "in" ("utilisation in won"):
# unlike "in all" or "in top", "in won" is not ordinary English.
_NAMES_AFTER_IN = frozenset({"won"})
_IN_BEFORE = re.compile(r"\bin\s+$", re.IGNORECASE)


def currency_mentions(
    prompt: str,
    tokens: Sequence[re.Match[str]],
    vocabulary: Vocabulary,
    reserved: Sequence[Span],
    amounts: Sequence[Span],
) -> list[Span]:
    longest = max(key.count(" ") + 1 for key in NOT_CURRENCY_PHRASES)
    reserved = [*reserved, *phrases(tokens, NOT_CURRENCY_PHRASES, longest, reserved)]
    found = phrases(tokens, vocabulary.currency_words, vocabulary.longest_currency_phrase, reserved)
    words = [phrase for phrase in found if _is_currency(prompt, phrase, amounts)]
    symbols = [
        Span(m.start(), m.end(), m.group(), SYMBOL_CURRENCIES[m.group().upper()])
        for m in _SYMBOL.finditer(prompt)
    ]
    return sorted(words + symbols, key=lambda span: span.start)


def _is_currency(prompt: str, phrase: Span, amounts: Sequence[Span]) -> bool:
    """Whether a phrase that names a currency is meant as one (see AMBIGUOUS_WORDS)."""
    if phrase.key in UPPER_CASE_ONLY_WORDS:
        return phrase.text.isupper()
    if phrase.key not in AMBIGUOUS_WORDS:
        return True
    if any(amount.firm and next_to(prompt, phrase, amount) for amount in amounts):
        return True
    after_in = _IN_BEFORE.search(prompt, 0, phrase.start) is not None
    return after_in and (phrase.text.isupper() or phrase.key in _NAMES_AFTER_IN)


def currency_candidates(amount: Span | None, vocabulary: Vocabulary) -> tuple[str, ...]:
    """The currencies an amount written without one may be in: a bare "$" or "¥" narrows them
    to its currencies (those of the book when it has any), otherwise the book's currencies."""
    if amount is None:
        return ()
    book = sorted(vocabulary.known_currencies)
    symbol_currencies = AMBIGUOUS_SYMBOLS.get(amount.text[:1])
    if symbol_currencies is None:
        return tuple(book)
    in_book = tuple(code for code in symbol_currencies if code in book)
    return in_book or symbol_currencies


def main_currency(prompt: str, mentions: Sequence[Span], amount: Span | None) -> Span | None:
    """The currency written with the main amount (a plain name or code before a word like
    "won"), else the first one named."""
    if amount is not None:
        beside = [mention for mention in mentions if next_to(prompt, mention, amount)]
        if beside:
            return min(beside, key=lambda mention: mention.key in AMBIGUOUS_WORDS)
    return mentions[0] if mentions else None

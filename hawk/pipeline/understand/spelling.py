"""Spelling tolerance: a typo'd word of the vocabulary ("hegde", "capasity", "renmimbi") is
read as the word meant, before intents and parameters are matched.

Only words of letters are corrected, never numbers or ids, and only towards words the parser
knows (intent words, currency names, date words). Short words are left alone: a three-letter
word is one letter away from dozens of ISO codes, and "roll" from "role" or "toll".
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hawk.pipeline.vocabulary import Vocabulary

# Words the intent patterns and the date reader look for (and their common inflections are
# left alone: "hedges" is not a typo of "hedge").
INTENT_WORDS = frozenset(
    """
    hedge hedging hedged check capacity headroom available availability utilise utilize
    utilisation utilization position positions exposure exposures status instructions
    instruction pending rollover rolling extend maturing terminate termination close closing
    unwind unwinding cancel settle modify modification amend amendment notional increase
    decrease reduce update change start initiate inception create process raise book
    summary summarise summarize overview report risk analysis concentration compliance
    compliant breach breaches effectiveness effective performance perform monitor monitoring
    dashboard threshold thresholds alerts warnings deposit today tomorrow yesterday month
    order orders entity please forward forwards whether maturity mature settlement feasible
    feasibility buffer allocation
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Common words near a vocabulary word that must never be "corrected" into it.
PROTECTED = frozenset(
    """
    those these there where which while could would should about above after again other
    their house horse chose choose cheque checks chase state states stats starts stage older
    store story court count created creates closed closes ended ending posted
    positive reporting reported monthly months hedges ordered ordering update updated
    entities entity's report risks rates rated dollar dollars pound pounds
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"(?<![\w-])[A-Za-z]{4,}(?![\w-])")
_INFLECTIONS = ("s", "es", "ed", "d", "ing")


@dataclass(frozen=True)
class Correction:
    written: str
    meant: str


def corrected_prompt(prompt: str, vocabulary: Vocabulary) -> tuple[str, list[Correction]]:
    """The prompt with misspelt vocabulary words replaced, and what was replaced."""
    targets = _targets(vocabulary)
    corrections: list[Correction] = []

    def replace(match: re.Match[str]) -> str:
        written = match.group()
        meant = nearest_word(written.lower(), targets)
        if meant is None:
            return written
        corrections.append(Correction(written, meant))
        return meant.upper() if written.isupper() else meant

    return _WORD.sub(replace, prompt), corrections


def _targets(vocabulary: Vocabulary) -> frozenset[str]:
    names = (
        key
        for key in vocabulary.currency_words
        if " " not in key and key.isalpha() and len(key) >= 5
    )
    return INTENT_WORDS | frozenset(names)


def nearest_word(word: str, targets: Iterable[str]) -> str | None:
    """The one target within the allowed distance of `word` (1 up to 7 letters, 2 from 8),
    None when the word is known, protected, an inflection, or near none or several."""
    if word in PROTECTED or word in targets or _inflected(word, targets):
        return None
    distances: dict[int, set[str]] = {}
    for target in targets:
        if (distance := _distance(word, target)) is not None:
            distances.setdefault(distance, set()).add(target)
    if not distances:
        return None
    nearest = distances[min(distances)]
    return nearest.pop() if len(nearest) == 1 else None


def _inflected(word: str, targets: Iterable[str]) -> bool:
    known = set(targets)
    return any(word.endswith(end) and word[: -len(end)] in known for end in _INFLECTIONS) or any(
        word.endswith(end) and word[: -len(end)] + "e" in known for end in ("ing", "ed")
    )


def _distance(word: str, target: str) -> int | None:
    """The edit distance when within the allowed one, else None."""
    if len(target) < 5 or abs(len(word) - len(target)) > 2 or word[0] != target[0]:
        return None
    allowed = 1 if len(target) < 8 else 2
    distance = edit_distance(word, target, allowed)
    return distance if distance <= allowed else None


def edit_distance(first: str, second: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment); stops early past `limit`."""
    previous2: list[int] = []
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, 1):
        current = [i]
        for j, other in enumerate(second, 1):
            cost = char != other
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char == second[j - 2] and first[i - 2] == other:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]

"""Understand a prompt: its intent and its parameters (currency, amount, NAV type, ids, date).

Pure: no I/O. The words it knows come from the Vocabulary passed in (vocabulary.py), the date
"today" means from the `today` argument. A parameter that is not in the prompt is None: there
is never a default currency or amount.
"""

import datetime
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from hawk.pipeline.vocabulary import (
    AMBIGUOUS_WORDS,
    ISO_4217_CODES,
    NOT_CURRENCY_PHRASES,
    SYMBOL_CURRENCIES,
    UPPER_CASE_ONLY_WORDS,
    WORD,
    Vocabulary,
)

INTENTS = (
    "inception", "utilisation", "rollover", "termination", "amendment", "inquiry",
    "risk_analysis", "compliance", "performance", "monitoring", "general",
)  # fmt: skip


def _patterns(*rows: tuple[str, str, int]) -> tuple[tuple[re.Pattern[str], str, int], ...]:
    return tuple(
        (re.compile(regex, re.IGNORECASE), intent, weight) for regex, intent, weight in rows
    )


# (regex, intent, weight). An intent's score is the sum of the weights of its patterns found
# in the prompt; the highest score wins, ties going to the intent listed first. Weight 1 is
# a hint ("hedge 150K CNY" alone asks whether it can be hedged), 3-4 a clear request.
INTENT_PATTERNS = _patterns(
    (r"\bstatus\b", "inquiry", 4),
    (r"\bwhere\s+is\b", "inquiry", 4),
    (r"\bwhat\s+happened\s+to\b", "inquiry", 4),
    (r"\bshow\b[^.?!]{0,40}\binstructions?\b", "inquiry", 3),
    (r"\blist\b", "inquiry", 2),
    (r"\b(?:check\s+(?:if|whether)\s+)?(?:(?:can|could|may)\s+(?:i|we)|(?:i|we)\s+(?:can|could))"
     r"\s+(?:still\s+)?hedge\b", "utilisation", 3),
    (r"\bavailable\s+to\s+hedge\b", "utilisation", 3),
    (r"\bhow\s+much\s+(?:more\s+)?(?:can|could)\b", "utilisation", 3),
    (r"\b(?:capacity|headroom|utili[sz]ation)\b", "utilisation", 2),
    (r"\b(?:want|need|like)\s+to\s+hedge\b", "utilisation", 2),
    (r"\bhedge\s+(?:[A-Z]{3}\s?)?(?:[A-Z]{1,2}\$|[$€£¥])?\d[\d,.]*[a-z]*", "utilisation", 1),
    (r"\b(?:new\s+hedge|initiat(?:e|ing)|incept(?:ion)?|book\s+(?:a\s+)?new)\b", "inception", 3),
    (r"\bset\s+up\s+(?:a\s+)?(?:new\s+)?hedge\b", "inception", 3),
    (r"\bstart(?:ing)?\b", "inception", 2),
    (r"\b(?:roll(?:ing|ed)?[\s-]over|rollovers?)\b", "rollover", 3),
    (r"\b(?:roll(?:s|ed|ing)?|extend(?:s|ed|ing)?|maturing)\b", "rollover", 2),
    (r"\b(?:close(?!\s+to\b)|closing|terminat(?:e|ion|ing)|unwind(?:ing)?)\b", "termination", 3),
    (r"\bcancel(?:l?ing)?\s+(?:the\s+|my\s+|our\s+|this\s+)?hedge", "termination", 3),
    (r"\b(?:modify|modification|amend(?:ment)?)\b", "amendment", 3),
    (r"\bchange\b[^.?!]{0,40}\bnotional\b", "amendment", 3),
    (r"\b(?:increase|reduce|decrease)\b", "amendment", 2),
    (r"\bnotional\s+to\b", "amendment", 2),
    (r"\b(?:exposure\s+analysis|VaR|value\s+at\s+risk|concentration)\b", "risk_analysis", 3),
    (r"\brisks?\b", "risk_analysis", 2),
    (r"\b(?:monitor(?:ing)?|dashboard)\b", "monitoring", 3),
    (r"\b(?:thresholds?|alerts?|warnings?)\b", "monitoring", 2),
    (r"\b(?:complian(?:ce|t)|IFRS\s*9?|hedge\s+accounting\s+rules|limit\s+checks?)\b",
     "compliance", 3),
    (r"\bbreach(?:es|ed)?\b", "compliance", 2),
    (r"\b(?:effectiveness|performance|dollar[\s-]offset|P&L|PnL)\b", "performance", 3),
)  # fmt: skip

# Which parameters make a request of this intent actionable (any one of them). Review
# intents need none.
KEY_PARAMETERS: Mapping[str, tuple[str, ...]] = {
    "utilisation": ("currency",),
    "inception": ("currency",),
    "rollover": ("currency", "order_id", "previous_order_id"),
    "termination": ("currency", "order_id"),
    "amendment": ("order_id",),
    "inquiry": ("currency", "order_id", "entity_id"),
}

_NAV_TYPES = (
    (re.compile(r"\bCOI\b|\bcost\s+of\s+investments?\b", re.IGNORECASE), "COI"),
    (re.compile(r"\bretained\s+earnings?\b", re.IGNORECASE), "RE"),
    # "RE" only in upper case and not as an e-mail "RE:"; lower case only before a NAV word,
    # since "re" is also "regarding".
    (re.compile(r"\bRE\b(?![:\-'])"), "RE"),
    (re.compile(r"\bre(?=\s+(?:nav|positions?|exposures?|bucket)\b)", re.IGNORECASE), "RE"),
)
_INSTRUMENTS = (
    (re.compile(r"\bNDFs?\b", re.IGNORECASE), "NDF"),
    (re.compile(r"\b(?:fx\s+)?swaps?\b", re.IGNORECASE), "swap"),
    # "going forward" and "roll forward" are not the instrument.
    (re.compile(r"(?<!going )(?<!look )(?<!roll )\b(?:forwards?|fwds?)\b", re.IGNORECASE),
     "forward"),
)  # fmt: skip

_ORDER_ID = re.compile(r"\bORD-\d+(?:-\d+)*\b", re.IGNORECASE)
_ENTITY_ID = re.compile(r"\bENTITY\d+\b", re.IGNORECASE)
# An order named after one of these words is the order being replaced (rollover, amendment).
_PREVIOUS_CUE = re.compile(
    r"\b(?:previous|prior|original|old|replac(?:e|es|ed|ing)|supersed(?:e|es|ing)|from)\s+"
    r"(?:(?:order|hedge|instruction|deal)\s+)?(?:id\s+)?$",
    re.IGNORECASE,
)
_PREVIOUS_ORDER_INTENTS = ("rollover", "amendment")

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTHS})\.?,?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<month>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {
    word: datetime.timedelta(days=offset)
    for word, offset in (("yesterday", -1), ("today", 0), ("tomorrow", 1))
}
_RELATIVE_DAY = re.compile(r"\b(?:yesterday|today|tomorrow)\b", re.IGNORECASE)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}

# Numbers that are not amounts: tenors ("6 months", "1Y", "3M tenor", "for 3M": M after
# "for" is months only up to 24, so "for 25M" stays an amount), percentages, and rates
# ("at 1,350.50", "rate 7.8").
_NOT_AMOUNTS = (
    re.compile(r"\b\d+\s?(?:y|yrs?|years?|w|wks?|weeks?|d|days?|mos?|months?)\b", re.IGNORECASE),
    re.compile(r"\b\d+\s?m\s+tenor\b", re.IGNORECASE),
    re.compile(r"\b(?:for|tenor(?:\s+of)?)\s+(?:[1-9]|1\d|2[0-4])\s?m\b", re.IGNORECASE),
    re.compile(r"\d+(?:\.\d+)?\s?(?:%|(?:percent|pct|bps?)\b)", re.IGNORECASE),
    re.compile(r"(?:\bat|\brate(?:\s+of)?|@)\s*\d{1,3}(?:,\d{3})*\.\d+", re.IGNORECASE),
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
_SYMBOL = re.compile(r"(?<![A-Za-z])(?:US|HK|NT|NZ|S|A|C)\$|[€£₩₹₱₫฿]")
# What may stand between an amount and its currency: "USD 25M", "25M USD", "$500,000 of USD".
_AMOUNT_CURRENCY_GAP = re.compile(r"\s*(?:(?:of|in)\s+)?", re.IGNORECASE)
_IN_BEFORE = re.compile(r"\bin\s+$", re.IGNORECASE)
# The new amount of an amendment follows "to" ("from 100M to 120M", "notional to USD 120M").
_NEW_AMOUNT_CUE = re.compile(r"\bto\s+(?:[A-Z]{3}\s*)?$", re.IGNORECASE)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Parameters:
    currency: str | None = None
    amount: Decimal | None = None
    nav_type: str | None = None  # "COI" | "RE"
    order_id: str | None = None
    previous_order_id: str | None = None
    entity_id: str | None = None
    date: datetime.date | None = None
    instrument: str | None = None  # "forward" | "swap" | "NDF"
    amounts: tuple[Decimal, ...] = ()  # every amount in the prompt, in order

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: amounts as strings with two decimals, the date in ISO form."""
        result: dict[str, object] = asdict(self)
        result["amount"] = _money(self.amount) if self.amount is not None else None
        result["amounts"] = [_money(amount) for amount in self.amounts]
        result["date"] = self.date.isoformat() if self.date else None
        return result


@dataclass(frozen=True)
class Understanding:
    intent: str
    template_category: str | None
    parameters: Parameters
    confidence: float  # 0..1
    evidence: dict[str, str] = field(default_factory=dict)  # field -> the words that decided it

    def as_dict(self) -> dict[str, object]:
        return {
            "intent": self.intent,
            "template_category": self.template_category,
            "parameters": self.parameters.as_dict(),
            "confidence": self.confidence,
            "evidence": dict(self.evidence),
        }


def _money(amount: Decimal) -> str:
    return str(amount.quantize(_CENT, rounding=ROUND_HALF_EVEN))


def understand(
    prompt: str,
    *,
    vocabulary: Vocabulary,
    overrides: Mapping[str, object] | None = None,
    template_category: str | None = None,
    today: datetime.date,
) -> Understanding:
    """The intent and parameters of a prompt. `template_category` replaces the detected
    intent; `overrides` (currency, amount, nav_type, order_id, entity_id...) replace parsed
    values as given: the caller validates them."""
    choice = _choose_intent(prompt, template_category)
    parameters, evidence = _parameters(prompt, vocabulary, choice.intent, today)
    parameters = _apply_overrides(parameters, evidence, overrides or {})
    evidence["intent"] = choice.evidence
    return Understanding(
        intent=choice.intent,
        template_category=template_category,
        parameters=parameters,
        confidence=_confidence(choice, parameters),
        evidence=evidence,
    )


# --- intent ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _IntentChoice:
    intent: str
    source: str  # "template" | "keyword" | "fallback"
    evidence: str
    weight: int = 0  # the strongest pattern found for the intent
    clear: bool = True  # no other intent came close


def _choose_intent(prompt: str, template_category: str | None) -> _IntentChoice:
    if template_category:
        return _IntentChoice(template_category, "template", "template_category")
    scores: dict[str, int] = {}
    strongest: dict[str, tuple[int, str]] = {}
    for pattern, intent, weight in INTENT_PATTERNS:
        match = pattern.search(prompt)
        if match is None:
            continue
        scores[intent] = scores.get(intent, 0) + weight
        if weight > strongest.get(intent, (0, ""))[0]:
            strongest[intent] = (weight, match.group())
    if not scores:
        return _IntentChoice("general", "fallback", "no intent words")
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda intent: scores[intent])  # first listed wins a tie
    clear = len(ranked) == 1 or ranked[1] <= ranked[0] - 2
    weight, words = strongest[best]
    return _IntentChoice(best, "keyword", words, weight, clear)


def _confidence(choice: _IntentChoice, parameters: Parameters) -> float:
    """0.3 for the fallback; otherwise a base for how the intent was found, plus 0.3 when a
    parameter the intent needs is present and 0.1 when no other intent came close."""
    if choice.source == "fallback":
        return 0.3
    base = 0.6 if choice.source == "template" else (0.55 if choice.weight >= 2 else 0.45)
    needed = KEY_PARAMETERS.get(choice.intent, ())
    has_key = not needed or any(getattr(parameters, name) is not None for name in needed)
    score = base + (0.3 if has_key else 0.0) + (0.1 if choice.clear else 0.0)
    return round(min(score, 0.95), 2)


# --- parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    text: str
    value: object = None
    firm: bool = True  # amounts: a unit, a symbol, separators, or big enough to be money
    key: str = ""  # vocabulary matches: the phrase key that matched


def _parameters(
    prompt: str, vocabulary: Vocabulary, intent: str, today: datetime.date
) -> tuple[Parameters, dict[str, str]]:
    orders = _found(_ORDER_ID, prompt, str.upper)
    entity_ids = _found(_ENTITY_ID, prompt, str.upper)
    dates = _dates(prompt, today)
    reserved = [*orders, *entity_ids, *dates]
    tokens = list(WORD.finditer(prompt))
    entity_names = list(
        _phrases(tokens, vocabulary.entity_names, vocabulary.longest_entity_name, reserved)
    )
    amount, currency, amounts = _amount_and_currency(
        prompt, tokens, vocabulary, [*reserved, *entity_names], intent
    )
    previous, current = _split_orders(prompt, orders, intent)
    chosen = {
        "currency": currency,
        "amount": amount,
        "nav_type": _first_of(_NAV_TYPES, prompt),
        "order_id": current,
        "previous_order_id": previous,
        "entity_id": next(iter(entity_ids or entity_names), None),
        "date": next((found for found in dates if found.value is not None), None),
        "instrument": _first_of(_INSTRUMENTS, prompt),
    }
    values: dict[str, Any] = {name: span.value for name, span in chosen.items() if span}
    evidence = {name: span.text for name, span in chosen.items() if span}
    values["amounts"] = tuple(a.value for a in amounts)
    return Parameters(**values), evidence


def _amount_and_currency(
    prompt: str,
    tokens: Sequence[re.Match[str]],
    vocabulary: Vocabulary,
    reserved: list[_Span],
    intent: str,
) -> tuple[_Span | None, _Span | None, list[_Span]]:
    """(main amount, main currency, every amount). Amounts and currencies decide each other:
    "TRY" is a currency next to an amount, "500" an amount next to a currency."""
    candidates = _amount_candidates(prompt, reserved, vocabulary)
    mentions = _currency_mentions(prompt, tokens, vocabulary, reserved, candidates)
    amounts = [a for a in candidates if a.firm or any(_next_to(prompt, a, m) for m in mentions)]
    amount = _main_amount(prompt, amounts, intent)
    return amount, _main_currency(prompt, mentions, amount), amounts


def _found(pattern: re.Pattern[str], prompt: str, normalise: Callable[[str], str]) -> list[_Span]:
    return [
        _Span(m.start(), m.end(), m.group(), normalise(m.group())) for m in pattern.finditer(prompt)
    ]


def _first_of(table: Sequence[tuple[re.Pattern[str], str]], prompt: str) -> _Span | None:
    """The earliest match of any pattern in the table, valued with its row's value."""
    found = [(m.start(), m, value) for pattern, value in table if (m := pattern.search(prompt))]
    if not found:
        return None
    _, match, value = min(found, key=lambda row: row[0])
    return _Span(match.start(), match.end(), match.group(), value)


def _overlaps(start: int, end: int, spans: Sequence[_Span]) -> bool:
    return any(start < span.end and span.start < end for span in spans)


def _next_to(prompt: str, first: _Span, second: _Span) -> bool:
    """Whether two spans touch, or only blanks (or "of"/"in") stand between them."""
    left, right = sorted((first, second), key=lambda span: span.start)
    if right.start < left.end:
        return True
    return _AMOUNT_CURRENCY_GAP.fullmatch(prompt, left.end, right.start) is not None


def _dates(prompt: str, today: datetime.date) -> list[_Span]:
    """Every date in the prompt, in order; value None for an impossible date ("2026-02-30")."""
    found = [
        _Span(m.start(), m.end(), m.group(), today + _RELATIVE_DAYS[m.group().lower()])
        for m in _RELATIVE_DAY.finditer(prompt)
    ]
    for pattern in (_ISO_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        found += [
            _Span(m.start(), m.end(), m.group(), _calendar_date(m))
            for m in pattern.finditer(prompt)
        ]
    return sorted(found, key=lambda span: span.start)


def _calendar_date(match: re.Match[str]) -> datetime.date | None:
    month = match["month"]
    number = int(month) if month.isdigit() else _MONTH_NUMBERS[month[:3].lower()]
    try:
        return datetime.date(int(match["year"]), number, int(match["day"]))
    except ValueError:
        return None


def _amount_candidates(prompt: str, reserved: list[_Span], vocabulary: Vocabulary) -> list[_Span]:
    """Numbers that may be amounts, outside ids, dates, tenors and percentages."""
    excluded = reserved + [
        _Span(m.start(), m.end(), "") for p in _NOT_AMOUNTS for m in p.finditer(prompt)
    ]
    found = []
    for match in _AMOUNT.finditer(prompt):
        if _overlaps(match.start("number"), match.end("number"), excluded):
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


def _amount_span(match: re.Match[str]) -> _Span:
    number = match["number"].replace(",", "")
    unit = (match["unit"] or "").lower()
    value = Decimal(number) * _MULTIPLIERS.get(unit, Decimal(1))
    plain = not (unit or match["symbol"] or "," in match["number"])
    # A plain number is money only from 1000 up and when it is not a year ("in 2025"); a
    # smaller one ("top 10") counts only next to a currency ("hedge 500 CNY").
    is_year = plain and len(number) == 4 and 1900 <= int(value) <= 2100
    firm = not plain or (value >= 1000 and not is_year)
    text = match.group().strip()
    return _Span(match.start(), match.end(), text, value, firm)


def _phrases(
    tokens: Sequence[re.Match[str]],
    words: Mapping[str, str],
    longest: int,
    reserved: Sequence[_Span],
) -> Iterator[_Span]:
    """Vocabulary phrases in the prompt (`longest` words at most), the longest at each place,
    outside reserved spans."""
    index = 0
    while index < len(tokens):
        found = None
        if not _overlaps(tokens[index].start(), tokens[index].end(), reserved):
            found = _longest_phrase_at(tokens, index, words, longest)
        if found is None:
            index += 1
            continue
        count, key = found
        start, end = tokens[index].start(), tokens[index + count - 1].end()
        yield _Span(start, end, tokens[index].string[start:end], words[key], key=key)
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


def _currency_mentions(
    prompt: str,
    tokens: Sequence[re.Match[str]],
    vocabulary: Vocabulary,
    reserved: Sequence[_Span],
    amounts: Sequence[_Span],
) -> list[_Span]:
    longest = max(key.count(" ") + 1 for key in NOT_CURRENCY_PHRASES)
    reserved = [*reserved, *_phrases(tokens, NOT_CURRENCY_PHRASES, longest, reserved)]
    phrases = _phrases(
        tokens, vocabulary.currency_words, vocabulary.longest_currency_phrase, reserved
    )
    words = [phrase for phrase in phrases if _is_currency(prompt, phrase, amounts)]
    symbols = [
        _Span(m.start(), m.end(), m.group(), SYMBOL_CURRENCIES[m.group().upper()])
        for m in _SYMBOL.finditer(prompt)
    ]
    return sorted(words + symbols, key=lambda span: span.start)


def _is_currency(prompt: str, phrase: _Span, amounts: Sequence[_Span]) -> bool:
    """Whether a phrase that names a currency is meant as one (see AMBIGUOUS_WORDS)."""
    if phrase.key in UPPER_CASE_ONLY_WORDS:
        return phrase.text.isupper()
    if phrase.key not in AMBIGUOUS_WORDS:
        return True
    if any(amount.firm and _next_to(prompt, phrase, amount) for amount in amounts):
        return True
    return phrase.text.isupper() and _IN_BEFORE.search(prompt, 0, phrase.start) is not None


def _main_amount(prompt: str, amounts: Sequence[_Span], intent: str) -> _Span | None:
    """The first amount; for an amendment the new one (after "to"), else the last."""
    if not amounts:
        return None
    if intent != "amendment":
        return amounts[0]
    after_to = [a for a in amounts if _NEW_AMOUNT_CUE.search(prompt, 0, a.start)]
    return (after_to or list(amounts))[-1]


def _main_currency(prompt: str, mentions: Sequence[_Span], amount: _Span | None) -> _Span | None:
    """The currency written with the main amount (a plain name or code before a word like
    "won"), else the first one named."""
    if amount is not None:
        beside = [mention for mention in mentions if _next_to(prompt, mention, amount)]
        if beside:
            return min(beside, key=lambda mention: mention.key in AMBIGUOUS_WORDS)
    return mentions[0] if mentions else None


def _split_orders(
    prompt: str, orders: Sequence[_Span], intent: str
) -> tuple[_Span | None, _Span | None]:
    """(previous order, order): an order after "previous"/"replacing"/"from" in a rollover or
    amendment is the one being replaced."""
    previous = [
        order
        for order in orders
        if intent in _PREVIOUS_ORDER_INTENTS and _PREVIOUS_CUE.search(prompt, 0, order.start)
    ]
    current = [order for order in orders if order not in previous]
    return (previous[0] if previous else None), (current[0] if current else None)


# --- explicit parameters ---------------------------------------------------------------------

_UPPER_CASE_PARAMETERS = ("currency", "nav_type", "order_id", "previous_order_id", "entity_id")
_OVERRIDABLE = frozenset(f.name for f in fields(Parameters)) - {"amounts"}


def _apply_overrides(
    parameters: Parameters, evidence: dict[str, str], overrides: Mapping[str, object]
) -> Parameters:
    """Explicit values replace parsed ones; None or "" means "not given"."""
    given = {
        name: _explicit_value(name, value)
        for name, value in overrides.items()
        if name in _OVERRIDABLE and value is not None and value != ""
    }
    evidence.update(dict.fromkeys(given, "explicit"))
    return replace(parameters, **given)


def _explicit_value(name: str, value: object) -> Any:
    if name == "amount" and not isinstance(value, Decimal):
        return Decimal(str(value))
    if name == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)
    if name in _UPPER_CASE_PARAMETERS:
        return str(value).strip().upper()
    return value

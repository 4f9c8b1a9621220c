"""The intent of a prompt: the pattern table, the choice among intents and its confidence."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hawk.pipeline.understand.results import Parameters

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


@dataclass(frozen=True)
class IntentChoice:
    intent: str
    source: str  # "template" | "keyword" | "fallback"
    evidence: str
    weight: int = 0  # the strongest pattern found for the intent
    clear: bool = True  # no other intent came close


def choose_intent(prompt: str, template_category: str | None) -> IntentChoice:
    if template_category:
        return IntentChoice(template_category, "template", "template_category")
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
        return IntentChoice("general", "fallback", "no intent words")
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda intent: scores[intent])  # first listed wins a tie
    clear = len(ranked) == 1 or ranked[1] <= ranked[0] - 2
    weight, words = strongest[best]
    return IntentChoice(best, "keyword", words, weight, clear)


def intent_confidence(choice: IntentChoice, parameters: Parameters) -> float:
    """0.3 for the fallback; otherwise a base for how the intent was found, plus 0.3 when a
    parameter the intent needs is present and 0.1 when no other intent came close."""
    if choice.source == "fallback":
        return 0.3
    base = 0.6 if choice.source == "template" else (0.55 if choice.weight >= 2 else 0.45)
    needed = KEY_PARAMETERS.get(choice.intent, ())
    has_key = not needed or any(getattr(parameters, name) is not None for name in needed)
    score = base + (0.3 if has_key else 0.0) + (0.1 if choice.clear else 0.0)
    return round(min(score, 0.95), 2)

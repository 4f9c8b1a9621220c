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
    (r"(?<!threshold\s)(?<!deposit\s)(?<!compliance\s)\bstatus\b", "inquiry", 4),
    (r"\bwhere\s+(?:is|are|do|does)\b", "inquiry", 4),
    # Our hedges as they stand ("our current USD hedge positions"), not capacity.
    (r"\b(?:our|current)\s+(?:\w+\s+){0,2}hedge\s+positions\b|\bpositions\s+do\s+we\s+hold\b",
     "inquiry", 4),
    (r"\bwhat\s+happened\s+to\b", "inquiry", 4),
    (r"\bany\s+(?:news|update)\s+on\b", "inquiry", 4),
    (r"\bwhy\s+did\b", "inquiry", 3),
    (r"\bshow\b[^.?!]{0,40}\binstructions?\b", "inquiry", 3),
    (r"\binstructions?\b", "inquiry", 2),
    (r"\b(?:list|pending|awaiting)\b", "inquiry", 2),
    (r"\b(?:check\s+(?:if|whether)\s+)?(?:(?:can|could|cn|may)\s+(?:i|we)|(?:i|we)\s+(?:can|could))"
     r"\s+(?:still\s+)?(?:hedge|utili[sz]e)\b", "utilisation", 3),
    (r"\bwhat\s+can\s+(?:i|we)\s+(?:still\s+)?hedge\b", "utilisation", 3),
    (r"\bavailable\s+to\s+hedge\b|\bhedgeable\b|\butili[sz]e\b", "utilisation", 3),
    (r"\bhow\s+much\b", "utilisation", 2),
    # Asking whether a hedge can be placed is a capacity question, whatever the verb.
    (r"\b(?:(?:can|could|may)\s+(?:i|we|\w+\d+)|(?:i|we)\s+(?:can|could))"
     r"\s+(?:place|put\s+on|take|book|add)\b", "utilisation", 4),
    (r"\bcan\b[^.?!]{0,40}\bbe\s+(?:placed|booked|hedged)\b", "utilisation", 4),
    # A check named by what it checks: a processing verb before it ("process", "perform",
    # "run") adds nothing.
    (r"\b(?:utili[sz]ation|feasibility|capacity|headroom|allocation)\s+(?:check|instruction)\b",
     "utilisation", 5),
    (r"\b(?:feasib(?:le|ility)|(?<!deposit\s)headroom|buffer)\b", "utilisation", 3),
    (r"\b(?:is\s+there|any|enough|have|has)\s+(?:\w+\s+)?room\b", "utilisation", 3),
    (r"\bhedg(?:e|ing)\b[^.?!]{0,30}\bexposure\b", "utilisation", 2),
    (r"\b(?:capacity|headroom|utili[sz]ation|available|room\s+(?:to|for))\b", "utilisation", 2),
    (r"\bpositions?\b", "utilisation", 2),
    (r"\b(?:want|need|like)\s+to\s+hedge\b", "utilisation", 2),
    (r"\bhedge\s+(?:[A-Z]{3}\s?)?(?:[A-Z]{1,2}\$|[$€£¥])?\d[\d,.]*[a-z]*", "utilisation", 1),
    (r"\b(?:initiat(?:e|ing)|incept(?:ion)?|book\s+(?:a\s+)?new)\b", "inception", 3),
    (r"\bnew\b[^.?!]{0,30}\bhedge\b", "inception", 3),
    (r"\b(?:create|creating|book|raise|open)\b[^.?!]{0,25}\b(?:new|hedge)\b",
     "inception", 3),
    (r"\bset\s+up\s+(?:a\s+)?(?:new\s+)?hedge\b", "inception", 3),
    (r"\bstart(?:ing)?\b", "inception", 2),
    (r"\b(?:roll(?:ing|ed)?[\s-]over|rollovers?)\b", "rollover", 3),
    (r"\b(?:roll(?:s|ed|ing)?|maturing|matur(?:e|es|ity|ities))\b", "rollover", 2),
    (r"\bextend(?:s|ed|ing)?\b", "rollover", 3),
    (r"\broll\w*\b[^.?!]{0,40}\bforward\b|\bextend\w*\b[^.?!]{0,30}\bmaturity\b", "rollover", 4),
    (r"\b(?:close(?!\s+to\b)|closing|terminat(?:e|ion|ing)|unwind(?:ing)?|settl(?:e|ed|es|ing|ement))\b",
     "termination", 3),
    # A hedge that ends at maturity is closed, not rolled.
    (r"\bclose[sd]?\s+out\b|\bnatural\s+maturity\b|\blet\b[^.?!]{0,30}\bmature\b",
     "termination", 4),
    (r"\bcancel(?:l?ing)?\s+(?:the\s+|my\s+|our\s+|this\s+)?hedge", "termination", 3),
    (r"\bcancel\b", "termination", 2),
    (r"\b(?:modify|modification|amend(?:ment)?)\b", "amendment", 3),
    (r"\bchange\b[^.?!]{0,40}\bnotional\b", "amendment", 3),
    (r"\b(?:increase|reduce|decrease|update|change)\b", "amendment", 2),
    (r"\bnotional\s+to\b", "amendment", 2),
    (r"\b(?:update|change|amend|modify)\w*\b[^.?!]{0,30}\bmaturity\s+date\b", "amendment", 4),
    (r"\b(?:exposure\s+analysis|VaR|value\s+at\s+risk|concentration|assess)\b",
     "risk_analysis", 3),
    (r"\bdeposit\s+headroom\b", "risk_analysis", 6),
    (r"\b(?:risks?|impact)\b", "risk_analysis", 3),
    (r"\b(?:monitor(?:ing)?|stale)\b", "monitoring", 3),
    (r"\bdashboard\b", "monitoring", 5),
    (r"\b(?:thresholds?|alerts?|warnings?)\b", "monitoring", 2),
    (r"\bPB\s+deposit\b", "monitoring", 2),
    (r"\b(?:complian(?:ce|t)|IFRS\s*9?|hedge\s+accounting\s+rules|limit\s+checks?)\b",
     "compliance", 3),
    (r"\bbreach(?:es|ed)?\b", "compliance", 3),
    (r"\blimits?\b", "compliance", 2),
    (r"\b(?:effectiveness|performance|dollar[\s-]offset|P&L|PnL|effective|perform(?:ed|s|ing)?)\b(?!\s+(?:a|an|the|utili[sz]ation|feasibility)\b)",
     "performance", 3),
    (r"\b(?:summar(?:y|ise|ize)|overview|report)\b", "general", 2),
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


def needs_currency(intent: str, parameters: Parameters) -> bool:
    """An amount was named without a currency, for an intent that cannot act without one
    (and no order stands in for it): the agent asks which currency."""
    needed = KEY_PARAMETERS.get(intent, ())
    return (
        parameters.amount is not None
        and parameters.currency is None
        and "currency" in needed
        and all(getattr(parameters, name) is None for name in needed)
    )


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


def intent_confidence(choice: IntentChoice, parameters: Parameters, corrections: int = 0) -> float:
    """How sure the reading is, 0..1. 0.3 when no intent word was found. Otherwise a base for
    how the intent was found (a template 0.6; an intent pattern of weight 3 or more 0.6, of
    weight 2 0.55, a hint of weight 1 0.45), plus 0.3 when a parameter the intent needs is
    present, plus 0.1 when no other intent came close, less 0.05 per spelling correction
    (at most 0.15). Below the configured floor (HAWK_CONFIDENCE_FLOOR) the agent asks."""
    if choice.source == "fallback":
        return 0.3
    if choice.source == "template":
        base = 0.6
    else:
        base = 0.6 if choice.weight >= 3 else (0.55 if choice.weight == 2 else 0.45)
    needed = KEY_PARAMETERS.get(choice.intent, ())
    has_key = not needed or any(getattr(parameters, name) is not None for name in needed)
    score = base + (0.3 if has_key else 0.0) + (0.1 if choice.clear else 0.0)
    score -= min(corrections, 3) * 0.05
    return round(min(score, 0.95), 2)

"""Understand a prompt: its intent and its parameters (currency, amount, NAV type, ids, date)."""

# Pure: no I/O. The words it knows come from the Vocabulary passed in (vocabulary.py), the date
# "today" means from the `today` argument. A parameter that is not in the prompt is None: there
# is never a default currency or amount. Misspelt vocabulary words are corrected first
# (spelling.py); below `confidence_floor`, or with no intent word, the agent asks.

import datetime
from collections.abc import Mapping

from hawk.pipeline.understand.clarify import (
    clarification,
    currency_clarification,
    needs_clarification,
)
from hawk.pipeline.understand.intents import (
    INTENT_PATTERNS,
    INTENTS,
    KEY_PARAMETERS,
    choose_intent,
    intent_confidence,
    needs_currency,
)
from hawk.pipeline.understand.overrides import apply_overrides
from hawk.pipeline.understand.parameters import prompt_parameters
from hawk.pipeline.understand.results import Clarification, Parameters, Suggestion, Understanding
from hawk.pipeline.understand.spelling import corrected_prompt
from hawk.pipeline.vocabulary import Vocabulary

DEFAULT_CONFIDENCE_FLOOR = 0.5

__all__ = [
    "INTENTS",
    "INTENT_PATTERNS",
    "KEY_PARAMETERS",
    "Clarification",
    "Parameters",
    "Suggestion",
    "Understanding",
    "understand",
]


def understand(
    prompt: str,
    *,
    vocabulary: Vocabulary,
    overrides: Mapping[str, object] | None = None,
    template_category: str | None = None,
    today: datetime.date,
    confidence_floor: float = DEFAULT_CONFIDENCE_FLOOR,
) -> Understanding:
    """The intent and parameters of a prompt. `template_category` replaces the detected
    intent; `overrides` (currency, amount, nav_type, order_id, entity_id...) replace parsed
    values as given: the caller validates them."""
    text, corrections = corrected_prompt(prompt, vocabulary)
    choice = choose_intent(text, template_category)
    parameters, evidence = prompt_parameters(text, vocabulary, choice.intent, today)
    parameters = apply_overrides(parameters, evidence, overrides or {})
    evidence["intent"] = choice.evidence
    if corrections:
        evidence["spelling"] = ", ".join(f"{c.written} -> {c.meant}" for c in corrections)
    confidence = intent_confidence(choice, parameters, len(corrections))
    fallback = choice.source == "fallback"
    unclear = needs_clarification(fallback=fallback, confidence=confidence, floor=confidence_floor)
    asked = None
    if not fallback and needs_currency(choice.intent, parameters):
        asked = currency_clarification(text, evidence["amount"], parameters)
    elif unclear:
        asked = clarification(None if fallback else choice.intent, parameters)
    return Understanding(
        intent=choice.intent,
        template_category=template_category,
        parameters=parameters,
        confidence=confidence,
        evidence=evidence,
        clarification=asked,
    )

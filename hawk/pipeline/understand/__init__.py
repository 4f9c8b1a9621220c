"""Understand a prompt: its intent and its parameters (currency, amount, NAV type, ids, date)."""

# Pure: no I/O. The words it knows come from the Vocabulary passed in (vocabulary.py), the date
# "today" means from the `today` argument. A parameter that is not in the prompt is None: there
# is never a default currency or amount.

import datetime
from collections.abc import Mapping

from hawk.pipeline.understand.intents import (
    INTENT_PATTERNS,
    INTENTS,
    KEY_PARAMETERS,
    choose_intent,
    intent_confidence,
)
from hawk.pipeline.understand.overrides import apply_overrides
from hawk.pipeline.understand.parameters import prompt_parameters
from hawk.pipeline.understand.results import Parameters, Understanding
from hawk.pipeline.vocabulary import Vocabulary

__all__ = [
    "INTENTS",
    "INTENT_PATTERNS",
    "KEY_PARAMETERS",
    "Parameters",
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
) -> Understanding:
    """The intent and parameters of a prompt. `template_category` replaces the detected
    intent; `overrides` (currency, amount, nav_type, order_id, entity_id...) replace parsed
    values as given: the caller validates them."""
    choice = choose_intent(prompt, template_category)
    parameters, evidence = prompt_parameters(prompt, vocabulary, choice.intent, today)
    parameters = apply_overrides(parameters, evidence, overrides or {})
    evidence["intent"] = choice.evidence
    return Understanding(
        intent=choice.intent,
        template_category=template_category,
        parameters=parameters,
        confidence=intent_confidence(choice, parameters),
        evidence=evidence,
    )

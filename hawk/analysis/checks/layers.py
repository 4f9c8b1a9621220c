"""The three layers of the answer check, each a list of findings:

facts        every number, currency, entity, order id and decision the answer states is in
             the facts it was given (deterministic: the number check, extended to claims)
consistency  the answer does not contradict the previous answer to the same question over the
             same data generation (its decisions)
uncertainty  no hedging language in a sentence that states a figure or a decision: the facts
             are exact, so "possibly 1.2M" is either the fact or wrong
"""

import re
from dataclasses import dataclass
from typing import Any, Literal

from hawk.analysis.checks.claims import Claims, figure_sentences
from hawk.analysis.quality import Quality

Layer = Literal["facts", "consistency", "uncertainty"]
_HEDGES = re.compile(
    r"\b(possibly|perhaps|maybe|might|may|could be|unclear|uncertain|not sure|probably|likely"
    r"|approximately|roughly|around|about|seems?|appears? to|estimated?)\b",
    re.I,
)


@dataclass(frozen=True)
class Finding:
    layer: Layer
    kind: str  # decision, number, currency, entity, order_id, contradiction, hedging
    claim: str  # as the answer wrote it
    message: str  # what it contradicts, for the notice and the admin

    def as_dict(self) -> dict[str, str]:
        return {
            "layer": self.layer,
            "kind": self.kind,
            "claim": self.claim,
            "message": self.message,
        }


def facts_findings(
    claims: Claims, numbers: Quality, context: str, decided: frozenset[str]
) -> list[Finding]:
    """`decided`: every decision the facts hold (claims.fact_decisions)."""
    found = [
        Finding("facts", "decision", stated, _decision_message(stated, decided))
        for stated in claims.decisions
        if stated not in decided
    ]
    found += [
        Finding("facts", "number", number, f"{number} is not a figure of the facts")
        for number in numbers.unverified_numbers
    ]
    found += [
        Finding("facts", "currency", code, f"the facts do not concern {code}")
        for code in claims.currencies
        if not re.search(rf"\b{code}\b", context)
    ]
    return found + _identifier_findings(claims, context)


def _decision_message(stated: str, decided: frozenset[str]) -> str:
    if not decided:
        return f"the answer says {stated}; the facts decide nothing"
    return f"the answer says {stated}; the facts decide {', '.join(sorted(decided))}"


def _identifier_findings(claims: Claims, context: str) -> list[Finding]:
    unknown = [name for name in claims.identifiers if not re.search(rf"\b{name}\b", context)]
    return [
        Finding(
            "facts",
            "entity" if name.upper().startswith("ENTITY") else "order_id",
            name,
            f"{name} is not in the facts",
        )
        for name in unknown
    ]


def consistency_findings(claims: Claims, previous: dict[str, Any] | None) -> list[Finding]:
    """`previous`: the stated claims of the last answer to the same question over the same
    data (Claims.as_dict()), or None."""
    before = set((previous or {}).get("decisions") or [])
    now = set(claims.decisions)
    if not before or not now or before == now:
        return []
    said = ", ".join(sorted(before))
    return [
        Finding(
            "consistency",
            "contradiction",
            ", ".join(claims.decisions),
            f"the previous answer to this question over the same data said {said}",
        )
    ]


def uncertainty_findings(answer: str) -> list[Finding]:
    found = []
    for sentence in figure_sentences(answer):
        for hedge in dict.fromkeys(match[0].lower() for match in _HEDGES.finditer(sentence)):
            message = f'"{hedge}" hedges a figure the facts state exactly'
            found.append(Finding("uncertainty", "hedging", hedge, message))
    return found

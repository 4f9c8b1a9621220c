"""The answer check, whatever backend wrote the answer: three layers of findings (layers.py)
weighted into a risk (low, medium, high, critical; thresholds HAWK_RISK_*).

A layer's score is its risk on 0-1: facts 1.0 for a wrong decision, else 0.6 per wrong claim;
consistency 1.0 for a contradiction; uncertainty 0.5 per hedge (all capped at 1.0). The
answer's risk score is the largest layer score times the layer's weight, so that one wrong
decision is critical whatever the rest says.
"""

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from hawk.analysis.checks.claims import Claims, fact_decisions, stated_claims
from hawk.analysis.checks.layers import (
    Finding,
    Layer,
    consistency_findings,
    facts_findings,
    uncertainty_findings,
)
from hawk.analysis.quality import CONTEXTS_KEPT, Quality, check_numbers

WEIGHTS: dict[Layer, float] = {"facts": 1.0, "consistency": 0.7, "uncertainty": 0.3}
PER_FINDING = {"decision": 1.0, "contradiction": 1.0, "hedging": 0.5}
CLAIM_RISK = 0.6  # a wrong number, currency, entity or order id


# The risks a user is warned of: a notice in the stream, a banner in the console and the admin.
WARNED_RISKS = ("high", "critical")


@dataclass(frozen=True)
class AnswerCheck:
    numbers: Quality
    claims: Claims
    findings: list[Finding]
    layers: dict[Layer, float]
    score: float  # 0 (nothing wrong) to 1
    risk: str

    def as_dict(self) -> dict[str, Any]:
        """The quality of message_end and of the run's record: the number check's fields, then
        {risk, risk_score, layers, findings}."""
        return {
            **self.numbers.as_dict(),
            "risk": self.risk,
            "risk_score": self.score,
            "layers": dict(self.layers),
            "findings": [finding.as_dict() for finding in self.findings],
        }


@dataclass(frozen=True)
class Reading:
    """What an answer says against its context and the facts' decisions: all of the check
    but the consistency layer (which depends on the previous answer) and the risk levels
    (settings)."""

    numbers: Quality
    claims: Claims
    facts: tuple[Finding, ...]
    uncertainty: tuple[Finding, ...]


def check_answer(
    answer: str, *, context: str, facts: dict[str, Any], previous: dict[str, Any] | None = None
) -> AnswerCheck:
    return check_reading(read_answer(answer, context=context, facts=facts), previous)


def read_answer(answer: str, *, context: str, facts: dict[str, Any]) -> Reading:
    """What the answer says against its context and the facts (kept, see _read); its claims
    are what the consistency check of the next answer to the same question compares with."""
    return _read(answer, context, frozenset(fact_decisions(facts)))


def check_reading(read: Reading, previous: dict[str, Any] | None = None) -> AnswerCheck:
    """The check of an answer read already, against the previous answer's claims."""
    findings = [
        *read.facts,
        *consistency_findings(read.claims, previous),
        *read.uncertainty,
    ]
    layers = {layer: _layer_score(layer, findings) for layer in WEIGHTS}
    score = round(max(WEIGHTS[layer] * value for layer, value in layers.items()), 4)
    return AnswerCheck(read.numbers, read.claims, findings, layers, score, risk_level(score))


@functools.lru_cache(maxsize=CONTEXTS_KEPT)
def _read(answer: str, context: str, decided: frozenset[str]) -> Reading:
    """Kept by value (the texts and the decisions), so an answer replayed from the answer
    cache, or the built-in analyst's same report over the same data, is read once per worker:
    the check costs about 0.3 ms per 1,000 context characters, the largest single part of a
    run's CPU before it was kept."""
    numbers = check_numbers(answer, context)
    claims = stated_claims(answer)
    return Reading(
        numbers,
        claims,
        tuple(facts_findings(claims, numbers, context, decided)),
        tuple(uncertainty_findings(answer)),
    )


def forget_checked_answers() -> None:
    """Empty what is kept (tests)."""
    _read.cache_clear()


def _layer_score(layer: Layer, findings: list[Finding]) -> float:
    risks = [PER_FINDING.get(f.kind, CLAIM_RISK) for f in findings if f.layer == layer]
    return round(min(1.0, sum(risks)), 4)


def risk_level(score: float) -> str:
    if score >= settings.HAWK_RISK_CRITICAL:
        return "critical"
    if score >= settings.HAWK_RISK_HIGH:
        return "high"
    return "medium" if score >= settings.HAWK_RISK_MEDIUM else "low"


__all__ = ["AnswerCheck", "Finding", "check_answer", "risk_level"]

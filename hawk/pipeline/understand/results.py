"""What understanding a prompt yields: the intent with its Parameters, JSON-ready."""

import datetime
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

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
    as_of: datetime.date | None = None  # a past date the figures are asked for ("as of ...")
    unknown_currency: str | None = None  # a code written like a currency that is none ("XYZ")
    # An amount written without a currency: the currencies it may be in ("$": USD, SGD...).
    currency_candidates: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: amounts as strings with two decimals, the date in ISO form."""
        result: dict[str, object] = asdict(self)
        result["amount"] = _money(self.amount) if self.amount is not None else None
        result["amounts"] = [_money(amount) for amount in self.amounts]
        result["currency_candidates"] = list(self.currency_candidates)
        result["date"] = self.date.isoformat() if self.date else None
        result["as_of"] = self.as_of.isoformat() if self.as_of else None
        return result


@dataclass(frozen=True)
class Suggestion:
    label: str
    user_prompt: str


@dataclass(frozen=True)
class Clarification:
    """What the agent asks instead of guessing (API.md, "Unclear requests")."""

    question: str
    understood: str  # what was understood, in words
    suggestions: tuple[Suggestion, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "understood": self.understood,
            "suggestions": [asdict(suggestion) for suggestion in self.suggestions],
        }


@dataclass(frozen=True)
class Understanding:
    intent: str
    template_category: str | None
    parameters: Parameters
    confidence: float  # 0..1
    evidence: dict[str, str] = field(default_factory=dict)  # field -> the words that decided it
    clarification: Clarification | None = None  # set when the agent should ask, not answer

    def as_dict(self) -> dict[str, object]:
        return {
            "intent": self.intent,
            "template_category": self.template_category,
            "parameters": self.parameters.as_dict(),
            "confidence": self.confidence,
            "evidence": dict(self.evidence),
            "clarification": self.clarification.as_dict() if self.clarification else None,
        }


def _money(amount: Decimal) -> str:
    return str(amount.quantize(_CENT, rounding=ROUND_HALF_EVEN))

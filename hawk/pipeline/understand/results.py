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

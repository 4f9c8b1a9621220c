"""The cost of a run in USD: Dify's price when its usage gives one in USD, else the price
table (HAWK_LLM_PRICES, USD per million tokens, for the model of HAWK_LLM_MODEL, or for an
OpenAI-compatible endpoint the model of OPENAI_MODEL); for a run that ended without its
backend's usage (cancelled, failed), an estimate from what was sent and streamed, marked as
such."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.conf import settings

MILLION = Decimal(1_000_000)
ZERO = Decimal(0)
# AgentRun.total_price has 7 places: a cost is shown at them, as plain digits.
COST_PLACES = Decimal("0.0000001")
# A look-up sent to the built-in analyst would have cost about this much Dify output.
ESTIMATED_ANSWER_TOKENS = 600
CHARS_PER_TOKEN = 4

PriceSource = Literal["dify", "table", "estimate", "free"]


@dataclass(frozen=True)
class RunCost:
    usd: Decimal  # full precision; rounded only when presented
    source: PriceSource
    # Set for an estimate only: the tokens it assumed (Dify's usage has its own).
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def estimated(self) -> bool:
        return self.source == "estimate"


FREE = RunCost(ZERO, "free")


def _dify_price(usage: dict[str, Any]) -> Decimal | None:
    if str(usage.get("currency") or "").upper() != "USD" or usage.get("total_price") is None:
        return None
    try:
        price = Decimal(str(usage["total_price"]))
    except InvalidOperation:
        return None
    return price if price.is_finite() and price > 0 else None


def table_price(prompt_tokens: int, completion_tokens: int, model: str | None = None) -> Decimal:
    """The price table's cost of the tokens; 0 for a model the table does not list."""
    prices = settings.HAWK_LLM_PRICES.get(model or settings.HAWK_LLM_MODEL)
    if prices is None:
        return ZERO
    per_input, per_output = prices
    return (prompt_tokens * per_input + completion_tokens * per_output) / MILLION


def run_cost(backend: str, usage: dict[str, Any]) -> RunCost:
    """What a backend's answer cost. The built-in analyst is free; an OpenAI-compatible
    endpoint is priced by the table, for the model its usage names."""
    if backend == "openai":
        tokens_in = int(usage.get("prompt_tokens") or 0)
        tokens_out = int(usage.get("completion_tokens") or 0)
        return RunCost(table_price(tokens_in, tokens_out, usage.get("model")), "table")
    if backend != "dify":
        return FREE
    price = _dify_price(usage)
    if price is not None:
        return RunCost(price, "dify")
    tokens_in = int(usage.get("prompt_tokens") or 0)
    tokens_out = int(usage.get("completion_tokens") or 0)
    return RunCost(table_price(tokens_in, tokens_out), "table")


def ended_run_cost(
    backend: str, usage: dict[str, Any], *, sent_chars: int, answer_chars: int
) -> RunCost:
    """What a run that ended early used. Dify sends its usage only with message_end, so a
    cancelled or failed run is estimated: the whole context was read, and the streamed text
    was generated (CHARS_PER_TOKEN characters a token)."""
    if backend != "dify" or usage.get("prompt_tokens") or usage.get("total_price"):
        return run_cost(backend, usage)
    tokens_in, tokens_out = sent_chars // CHARS_PER_TOKEN, answer_chars // CHARS_PER_TOKEN
    return RunCost(table_price(tokens_in, tokens_out), "estimate", tokens_in, tokens_out)


def estimated_llm_cost(context_chars: int) -> Decimal:
    """About what Dify would have charged for a context of this size (saved by routing)."""
    return table_price(context_chars // CHARS_PER_TOKEN, ESTIMATED_ANSWER_TOKENS)


def expected_run_cost(context_chars: int) -> Decimal:
    """What a run reserves against the budgets before Dify is asked: the estimate, at least
    HAWK_BUDGET_RUN_RESERVE_USD (Dify's own price may exceed the table's)."""
    return max(estimated_llm_cost(context_chars), settings.HAWK_BUDGET_RUN_RESERVE_USD)


def usd_text(value: Decimal | float | None, places: Decimal = COST_PLACES) -> str:
    """A cost as the API shows it: rounded half-even to `places`, plain digits ("0.0000000",
    never Decimal's "0E-7"); SQLite sums decimals as floats, hence the str() first."""
    return format(Decimal(str(value or 0)).quantize(places), "f")

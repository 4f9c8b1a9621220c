"""A run's cost: Dify's USD price when given, else the price table; the built-in analyst is
free."""

from decimal import Decimal

from hawk.analysis.cost import ended_run_cost, estimated_llm_cost, run_cost, table_price
from tests.dify_server import USAGE


def test_dify_price_in_usd_is_taken_as_given():
    cost = run_cost("dify", USAGE)
    assert (cost.usd, cost.source) == (Decimal("0.0013030"), "dify")


def test_without_a_usd_price_the_price_table_prices_the_tokens(settings):
    settings.HAWK_LLM_MODEL = "gpt-4o"
    settings.HAWK_LLM_PRICES = {"gpt-4o": (Decimal("2.50"), Decimal("10.00"))}
    usage = {**USAGE, "total_price": "0.01", "currency": "RMB"}
    cost = run_cost("dify", usage)
    assert cost.source == "table"
    assert cost.usd == (1033 * Decimal("2.50") + 135 * Decimal("10.00")) / 1_000_000


def test_a_zero_price_from_dify_falls_back_to_the_table(settings):
    settings.HAWK_LLM_PRICES = {settings.HAWK_LLM_MODEL: (Decimal(1), Decimal(2))}
    cost = run_cost(
        "dify", {"prompt_tokens": 1_000_000, "completion_tokens": 0, "total_price": "0"}
    )
    assert (cost.usd, cost.source) == (Decimal(1), "table")


def test_the_builtin_analyst_costs_nothing():
    assert run_cost("builtin", USAGE).usd == 0


def test_a_model_missing_from_the_table_is_priced_at_zero(settings):
    settings.HAWK_LLM_PRICES = {}
    assert table_price(1000, 1000) == 0


def test_the_estimate_grows_with_the_context(settings):
    settings.HAWK_LLM_PRICES = {settings.HAWK_LLM_MODEL: (Decimal(1), Decimal(1))}
    assert estimated_llm_cost(40_000) > estimated_llm_cost(4_000) > 0


def test_an_ended_dify_run_without_usage_is_estimated_from_what_was_sent_and_streamed(settings):
    settings.HAWK_LLM_PRICES = {settings.HAWK_LLM_MODEL: (Decimal(1), Decimal(2))}
    cost = ended_run_cost("dify", {}, sent_chars=4000, answer_chars=400)
    assert (cost.source, cost.prompt_tokens, cost.completion_tokens) == ("estimate", 1000, 100)
    assert cost.estimated and cost.usd == Decimal("0.0012")


def test_an_ended_dify_run_with_usage_is_priced_by_it():
    cost = ended_run_cost("dify", USAGE, sent_chars=4000, answer_chars=400)
    assert (cost.usd, cost.estimated) == (Decimal("0.0013030"), False)


def test_an_ended_builtin_run_is_free():
    cost = ended_run_cost("builtin", {}, sent_chars=4000, answer_chars=400)
    assert (cost.usd, cost.source) == (Decimal(0), "free")

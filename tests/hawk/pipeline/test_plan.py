"""The plan: the right sources with exact filters, every source a real model, no currency
invented, and a template's data requirements honoured."""

import datetime

import pytest

from hawk.pipeline.plan import INTENT_SOURCES, make_plan, rate_pairs
from hawk.sources import SOURCES

DAY = datetime.date(2026, 11, 20)


def plan(intent: str, **parameters):
    return make_plan(intent=intent, template_category=None, parameters=parameters,
                     business_date=DAY)  # fmt: skip


def filters_of(result, name: str) -> dict:
    return next(read.filters for read in result.sources if read.name == name)


def test_every_source_of_every_intent_is_a_real_model():
    for names in INTENT_SOURCES.values():
        for name in names:
            assert SOURCES[name].model._meta.db_table


def test_a_capacity_check_reads_the_capacity_sources_for_its_currency():
    result = plan("utilisation", currency="CNY", amount="150000.00")
    assert result.source_names() == [
        "currencies", "entities", "frameworks", "buffers", "overlays", "positions", "hedged",
        "thresholds", "waterfall", "rates",
    ]  # fmt: skip
    assert filters_of(result, "positions") == {
        "currency_code": "CNY", "as_of_date__lte": "2026-11-20"
    }  # fmt: skip
    assert filters_of(result, "buffers") == {"currency_code__in_or_null": ["CNY"]}
    assert result.data_scope == "targeted"


def test_rates_cover_direct_inverse_and_cross_pairs():
    assert rate_pairs("CNY") == ["CNYSGD", "CNYUSD", "SGDCNY", "SGDUSD", "USDCNY", "USDSGD"]
    assert rate_pairs("USD") == ["SGDUSD", "USDSGD"]
    result = plan("utilisation", currency="CNY")
    assert filters_of(result, "rates") == {
        "currency_pair__in": rate_pairs("CNY"),
        "effective_date__lte": "2026-11-20",
    }


def test_no_currency_means_no_currency_scoped_reads_and_no_default_currency():
    result = plan("utilisation", amount="150000.00")
    assert "positions" not in result.source_names()
    assert "hedged" not in result.source_names()
    assert result.parameters.get("currency") is None
    assert filters_of(result, "currencies") == {}
    assert result.data_scope == "comprehensive"


def test_an_entity_narrows_positions_but_never_the_pb_deposit_total():
    result = plan("utilisation", currency="HKD", entity_id="ENTITY0009")
    assert filters_of(result, "positions")["entity_id"] == "ENTITY0009"
    assert filters_of(result, "hedged") == {"currency_code": "HKD"}
    assert filters_of(result, "buffers")["entity_id__in_or_null"] == ["ENTITY0009"]
    assert result.data_scope == "minimal"


def test_rollover_reads_allocations_maturing_in_the_window():
    result = make_plan(intent="rollover", template_category=None, parameters={"currency": "HKD"},
                       business_date=DAY, rollover_days=30)  # fmt: skip
    assert filters_of(result, "allocations") == {
        "currency_code": "HKD",
        "allocation_status__in": ["Approved", "Executed"],
        "maturity_date__range": ["2026-11-20", "2026-12-20"],
    }


def test_a_rollover_without_a_currency_reads_the_window_of_every_currency():
    result = make_plan(intent="rollover", template_category=None, parameters={}, business_date=DAY)
    assert filters_of(result, "allocations") == {
        "allocation_status__in": ["Approved", "Executed"],
        "maturity_date__range": ["2026-11-20", "2026-12-20"],
    }
    assert "entities" in result.source_names()


def test_an_amendment_reads_its_order():
    result = plan("amendment", order_id="ORD-123", amount="120000000.00")
    assert filters_of(result, "instructions") == {"order_id": "ORD-123"}
    assert result.data_scope == "minimal"


def test_a_template_adds_its_required_sources_and_scope():
    result = make_plan(
        intent="inquiry",
        template_category="inquiry",
        parameters={"currency": "CNY"},
        business_date=DAY,
        required_sources=("deals", "gl_entries"),
        scope="comprehensive",
    )
    assert result.source_names()[-2:] == ["deals", "gl_entries"]
    assert result.data_scope == "comprehensive"


def test_a_template_naming_a_source_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="unknown data source"):
        make_plan(intent="inquiry", template_category=None, parameters={}, business_date=DAY,
                  required_sources=("hedge_positions_v2",))  # fmt: skip


def test_an_unknown_intent_falls_back_to_the_general_sources():
    # Thresholds come with what their PB deposit standing needs: hedged totals and rates.
    assert plan("something_else").source_names() == [*INTENT_SOURCES["general"], "hedged", "rates"]


def test_every_plan_that_reads_thresholds_reads_the_rates_to_convert_them():
    result = plan("general", currency="HKD")
    assert "rates" in result.source_names()
    assert filters_of(result, "rates")["currency_pair__in"] == [
        "HKDSGD",
        "HKDUSD",
        "SGDHKD",
        "SGDUSD",
        "USDHKD",
        "USDSGD",
    ]
    assert filters_of(result, "hedged") == {"currency_code": "HKD"}


def test_an_as_of_date_replaces_the_business_date_in_every_dated_filter():
    result = plan("utilisation", currency="CNY", as_of="2026-10-01")
    assert result.as_of == datetime.date(2026, 10, 1)
    assert result.business_date == datetime.date(2026, 10, 1)
    assert filters_of(result, "positions")["as_of_date__lte"] == "2026-10-01"
    assert filters_of(result, "rates")["effective_date__lte"] == "2026-10-01"
    assert filters_of(result, "thresholds")["effective_date__lte_or_null"] == "2026-10-01"
    assert result.as_dict()["as_of"] == "2026-10-01"


def test_a_lifecycle_action_keeps_the_business_date():
    result = plan("termination", currency="CNY", as_of="2026-10-01")
    assert result.as_of is None


def test_the_plan_is_json_ready():
    import json

    body = plan("utilisation", currency="CNY", amount="150000.00").as_dict()
    assert json.loads(json.dumps(body))["sources"][0] == {
        "name": "currencies", "filters": {"currency_code": "CNY"}
    }  # fmt: skip

"""Small record builders for the facts tests: dicts shaped like the extracted records
(sources.py), amounts as Decimal the way the database returns them."""

import datetime
from decimal import Decimal
from typing import Any

from hawk.pipeline.facts import FactsInput

BUSINESS_DATE = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)
EXCESS_OF_CAR = "Hedge in Excess of Optimal CAR"

Record = dict[str, Any]


def dec(value: str | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def currency(code: str = "CNY", **overrides: Any) -> Record:
    record = {
        "currency_code": code,
        "currency_name": code,
        "currency_type": "Matched",
        "is_deliverable": True,
        "proxy_currency": None,
        "settlement_days": 2,
        "minimum_deal_size": None,
        "maximum_deal_size": None,
        "lot_size": Decimal("1"),
        "hedge_accounting_eligible": True,
        "active_flag": "Y",
    }
    return record | overrides


def entity(
    entity_id: str, entity_type: str = "Branch", *, currency_code: str = "CNY", **overrides: Any
) -> Record:
    record = {
        "entity_id": entity_id,
        "entity_name": f"Entity {entity_id}",
        "entity_type": entity_type,
        "currency_code": currency_code,
        "car_exemption_flag": "N",
        "active_flag": "Y",
        "parent_entity_id": None,
        "region": "APAC",
    }
    return record | overrides


def framework(entity_id: str, framework_type: str = EXCESS_OF_CAR, code: str = "CNY") -> Record:
    return {
        "entity_id": entity_id,
        "currency_code": code,
        "framework_type": framework_type,
        "hedge_ratio": Decimal("100"),
        "effectiveness_threshold_lower": Decimal("80"),
        "effectiveness_threshold_upper": Decimal("125"),
    }


def buffer_rule(
    rule_id: int,
    percentage: str,
    *,
    entity_id: str | None = None,
    currency_code: str | None = None,
    nav_type: str | None = None,
    priority: int = 100,
) -> Record:
    return {
        "buffer_rule_id": rule_id,
        "entity_id": entity_id,
        "currency_code": currency_code,
        "nav_type": nav_type,
        "buffer_percentage": dec(percentage),
        "rule_priority": priority,
    }


def overlay(entity_id: str, nav_type: str, amount: str) -> Record:
    return {"entity_id": entity_id, "nav_type": nav_type, "overlay_amount": dec(amount)}


def position(
    entity_id: str,
    nav_type: str,
    sfx: str,
    *,
    car: str | None = None,
    code: str = "CNY",
    as_of_date: datetime.date = BUSINESS_DATE,
    data_quality_status: str = "Validated",
) -> Record:
    return {
        "nav_id": f"{entity_id}-{nav_type}-{as_of_date}",
        "entity_id": entity_id,
        "currency_code": code,
        "nav_type": nav_type,
        "as_of_date": as_of_date,
        "current_position": dec(sfx),
        "coi_amount": None,
        "re_amount": None,
        "optimal_car_amount": dec(car),
        "data_quality_status": data_quality_status,
    }


def hedged(entity_id: str, nav_type: str, amount: str) -> Record:
    return {"entity_id": entity_id, "nav_type": nav_type, "hedge_amount_allocation": dec(amount)}


def allocation(
    allocation_id: int,
    entity_id: str,
    nav_type: str,
    amount: str,
    *,
    status: str = "Executed",
    maturity_date: datetime.date | None = None,
    request_id: int | None = None,
    code: str = "CNY",
) -> Record:
    return {
        "allocation_id": allocation_id,
        "request_id": request_id,
        "entity_id": entity_id,
        "currency_code": code,
        "nav_type": nav_type,
        "hedge_amount_allocation": dec(amount),
        "allocation_status": status,
        "execution_date": datetime.date(2026, 1, 15),
        "maturity_date": maturity_date,
        "notes": "",
    }


def threshold(
    threshold_id: int,
    warning: str,
    critical: str,
    maximum: str,
    *,
    threshold_type: str = "USD_PB_DEPOSIT",
    code: str | None = "CNY",
) -> Record:
    return {
        "threshold_id": threshold_id,
        "threshold_type": threshold_type,
        "currency_code": code,
        "entity_type": None,
        "warning_level": dec(warning),
        "critical_level": dec(critical),
        "maximum_limit": dec(maximum),
        "unit_of_measure": "USD",
    }


def waterfall_row(
    entity_type: str,
    nav_type: str,
    priority: int,
    *,
    waterfall_type: str = "Opening",
    code: str | None = None,
) -> Record:
    return {
        "waterfall_type": waterfall_type,
        "currency_code": code,
        "entity_type": entity_type,
        "nav_type": nav_type,
        "priority_level": priority,
    }


def rate(pair: str, value: str, *, hours_old: int = 1) -> Record:
    return {
        "currency_pair": pair,
        "rate_type": "SPOT",
        "rate_value": dec(value),
        # A date in the HAWK database: the day `hours_old` hours before NOW.
        "effective_date": (NOW - datetime.timedelta(hours=hours_old)).date(),
    }


def booking_model_row(
    nav_type: str, currency_type: str, booking_model: str, deal_count: int, gl_entry_count: int
) -> Record:
    return {
        "nav_type": nav_type,
        "currency_type": currency_type,
        "hedging_instrument": "FX_SWAP",
        "accounting_method": "NIH",
        "booking_model": booking_model,
        "deal_count": deal_count,
        "gl_entry_count": gl_entry_count,
    }


def instruction(
    instruction_id: int,
    order_id: str,
    amount: str,
    *,
    status: str = "Received",
    instruction_date: datetime.date = BUSINESS_DATE,
    code: str = "CNY",
    instruction_type: str = "I",
    entity_id: str | None = None,
    nav_type: str | None = None,
    failure_reason: str = "",
) -> Record:
    return {
        "instruction_id": instruction_id,
        "msg_uid": f"MSG-{instruction_id}",
        "instruction_type": instruction_type,
        "instruction_date": instruction_date,
        "exposure_currency": code,
        "entity_id": entity_id,
        "nav_type": nav_type,
        "order_id": order_id,
        "previous_order_id": "",
        "hedge_amount_order": dec(amount),
        "hedge_method": "",
        "value_date": None,
        "tenor_or_maturity": "",
        "instruction_status": status,
        "check_status": None,
        "allocated_notional": None,
        "not_allocated_notional": None,
        "usd_pb_check_status": "",
        "failure_reason": failure_reason,
    }


def effectiveness_test(
    test_id: int,
    hedged_item_change: str | None,
    instrument_change: str | None,
    result: str = "PASS",
) -> Record:
    return {
        "effectiveness_id": f"EFF-{test_id:05d}",
        "allocation_id": f"ALLOC-{100 + test_id:05d}",
        "measurement_date": BUSINESS_DATE,
        "testing_method": "dollar_offset",
        "hedged_item_change": None if hedged_item_change is None else dec(hedged_item_change),
        "instrument_change": None if instrument_change is None else dec(instrument_change),
        "effectiveness_ratio": None,
        "effectiveness_status": result,
    }


def facts_input(
    records: dict[str, list[Record]],
    *,
    intent: str = "utilisation",
    currency_code: str | None = "CNY",
    amount: str | None = None,
    **overrides: Any,
) -> FactsInput:
    values: dict[str, Any] = {
        "intent": intent,
        "currency": currency_code,
        "amount": dec(amount),
        "nav_type": None,
        "entity_id": None,
        "order_id": None,
        "business_date": BUSINESS_DATE,
        "records": records,
        "now": NOW,
    }
    return FactsInput(**(values | overrides))


def capacity_records(**sources: list[Record]) -> dict[str, list[Record]]:
    """The sources a capacity plan reads, empty unless given, CNY configured by default."""
    records: dict[str, list[Record]] = {
        name: []
        for name in (
            "entities",
            "frameworks",
            "buffers",
            "overlays",
            "positions",
            "hedged",
            "thresholds",
            "waterfall",
            "rates",
        )
    }
    records["currencies"] = [currency()]
    return records | sources

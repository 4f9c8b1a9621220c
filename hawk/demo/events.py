"""What the executed and approved orders book: business events, deals, GL entries, and the
monthly hedge effectiveness tests of the allocations."""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from hawk.demo.book import HEDGED_STATUSES, AllocationSpec, Order
from hawk.demo.dates import BUSINESS_DATE, TENOR_MONTHS
from hawk.demo.formatting import (
    FOUR_PLACES,
    TEN_PLACES,
    D,
    Row,
    created,
    hawk_id,
    money,
    optional_date,
    rate_text,
    timestamp,
)
from hawk.demo.reference import BOOKING_MODELS, CURRENCY, CurrencySpec, EntitySpec

# --- business events, deals and GL entries -----------------------------------------------------

EVENT_TYPES = {"I": "Initiation", "R": "Rollover", "T": "Termination", "A": "Amendment"}
BOOKING_MODEL = {(nav, kind): model for model, nav, kind, *_ in BOOKING_MODELS}
INSTRUMENT = {model: (instrument, method) for model, _, _, instrument, method, *_ in BOOKING_MODELS}
DEAL_COUNT = {model: deals for model, *_, deals, _ in BOOKING_MODELS}
GL_COUNT = {model[0]: model[-1] for model in BOOKING_MODELS}
PORTFOLIOS = ("NIH_HEDGE_EXT", "NIH_HEDGE_INT", "TMU_BACK_TO_BACK", "FCTR_HEDGE", "NIH_RESIDUAL")
GL_TEMPLATES = (  # (entry type, debit account, credit account, share of the SGD notional)
    ("Hedge Designation", "190100 NIH Designation Memo", "190199 NIH Designation Contra", D(1)),
    ("Derivative Initial Recognition", "141000 FX Derivative Asset",
     "241000 FX Derivative Liability", D("0.0015")),
    ("NIH Revaluation to FCTR", "141000 FX Derivative Asset",
     "351000 FX Translation Reserve (FCTR)", D("0.008")),
    ("Forward Points Accrual", "520300 Forward Points Expense", "241000 FX Derivative Liability",
     D("0.0025")),
    ("Intercompany Mirror", "180500 Due from Entity", "280500 Due to Entity", D(1)),
    ("NDF Fixing Settlement", "110200 Nostro USD", "141000 FX Derivative Asset", D("0.006")),
    ("Proxy Basis Adjustment", "351000 FX Translation Reserve (FCTR)",
     "241500 Proxy Hedge Basis Reserve", D("0.0012")),
    ("Hedge Ineffectiveness to P&L", "530100 Hedge Ineffectiveness",
     "241000 FX Derivative Liability", D("0.0004")),
)  # fmt: skip
DE_DESIGNATION = (
    "Hedge De-designation",
    "190199 NIH Designation Contra",
    "190100 NIH Designation Memo",
)


@dataclass
class EventSpec:
    number: int
    order: Order
    entity: EntitySpec
    nav: str
    notional: Decimal
    maturity: date | None

    @property
    def event_id(self) -> str:
        return hawk_id("EVT", self.number)

    @property
    def booking_model(self) -> str:
        return BOOKING_MODEL[self.nav, self.order.currency.currency_type]

    @property
    def status(self) -> tuple[str, str, str]:
        """(event status, stage 2 status, deal status)."""
        if self.order.booking_failed:
            return "Failed", "Booking_Failed", "Failed"
        if self.order.status == "Executed":
            return "Completed", "GL_Posted", "Booked"
        return "Pending", "Awaiting_Booking", "Pending"


def business_events(orders: list[Order]) -> list[EventSpec]:
    """One event per hedge leg (entity and NAV type) of every approved or executed order."""
    events: list[EventSpec] = []
    for order in orders:
        if order.instruction_type not in EVENT_TYPES or order.status not in HEDGED_STATUSES:
            continue
        legs = order.terminates if order.instruction_type == "T" else order.allocations
        parts = [(leg.entity, leg.nav, leg.amount, leg.maturity_date) for leg in legs]
        if not parts and order.entity is not None and order.nav is not None:
            parts = [(order.entity, order.nav, order.amount, order.maturity_date)]
        for entity, nav, notional, maturity in parts:
            events.append(EventSpec(len(events) + 1, order, entity, nav, notional, maturity))
    return events


def event_row(event: EventSpec) -> Row:
    order = event.order
    event_status, stage_2, _ = event.status
    instrument, accounting_method = INSTRUMENT[event.booking_model]
    return {
        "event_id": event.event_id,
        "instruction_id": order.instruction_id,
        "entity_id": event.entity.entity_id,
        "business_event_type": EVENT_TYPES[order.instruction_type],
        "nav_type": event.nav,
        "currency_type": order.currency.currency_type,
        "hedging_instrument": instrument,
        "accounting_method": accounting_method,
        "currency_code": order.currency.code,
        "notional_amount": money(event.notional),
        "trade_date": order.instruction_date.isoformat(),
        "value_date": optional_date(order.value_date),
        "maturity_date": optional_date(event.maturity),
        "event_status": event_status,
        "stage_2_status": stage_2,
        "assigned_booking_model": event.booking_model,
        **created("hawk_events", order.received),
    }


def sgd_price(code: str, day: date, months_forward: int = 0) -> Decimal:
    """SGD per unit on `day` (spot drifted back by the carry), forward by `months_forward`."""
    if code == "SGD":
        return D(1)
    spec = CURRENCY[code]
    spot = spec.sgd_rate * (1 - spec.carry * (BUSINESS_DATE - day).days / 365)
    return spot * (1 + spec.carry * months_forward / 12)


@dataclass(frozen=True)
class DealLeg:
    kind: str
    portfolio: str
    sell: str
    buy: str


def deal_legs(spec: CurrencySpec, count: int) -> list[DealLeg]:
    """The deals of a booking model, in sequence: near/far swaps for deliverable currencies,
    external/mirror NDFs for the others, and a USD/SGD swap beside each NDF when USD is the
    proxy."""
    legs = []
    for sequence in range(count):
        pair, second = divmod(sequence, 2)
        portfolio = PORTFOLIOS[pair]
        if spec.deliverable:
            sell, buy = (spec.code, "SGD") if second else ("SGD", spec.code)
            legs.append(DealLeg("FX_SWAP", portfolio, sell, buy))
        elif spec.proxy and second:
            legs.append(DealLeg("FX_SWAP", portfolio, "USD", "SGD"))
        else:
            sell, buy = ("USD", spec.code) if second else (spec.code, "USD")
            legs.append(DealLeg("NDF", portfolio, sell, buy))
    return legs


def deal_rows(events: list[EventSpec]) -> list[Row]:
    rows: list[Row] = []
    for event in events:
        legs = deal_legs(event.order.currency, DEAL_COUNT[event.booking_model])
        for sequence, leg in enumerate(legs, start=1):
            rows.append(deal_row(event, len(rows) + 1, sequence, leg))
    return rows


def deal_row(event: EventSpec, number: int, sequence: int, leg: DealLeg) -> Row:
    """Every leg carries the event's notional. fx_rate is buy units per sell unit, so
    buy_amount = sell_amount * fx_rate, rounded to 4 places; a swap's near leg is at spot."""
    order, day = event.order, event.order.instruction_date
    months = 0 if leg.sell == "SGD" else TENOR_MONTHS.get(order.tenor, 3)
    sell_price = sgd_price(leg.sell, day, months)
    fx_rate = (sell_price / sgd_price(leg.buy, day, months)).quantize(TEN_PLACES)
    notional_sgd = event.notional * sgd_price(order.currency.code, day, months)
    sell_amount = (notional_sgd / sell_price).quantize(FOUR_PLACES)
    status = event.status[2]
    return {
        "deal_booking_id": hawk_id("DEAL", number),
        "event_id": event.event_id,
        "deal_sequence": sequence,
        "deal_type": leg.kind,
        "system": "Murex",
        "portfolio": leg.portfolio,
        "sell_currency": leg.sell,
        "sell_amount": money(sell_amount),
        "buy_currency": leg.buy,
        "buy_amount": money(sell_amount * fx_rate),
        "fx_rate": rate_text(fx_rate),
        "trade_date": day.isoformat(),
        "value_date": optional_date(order.value_date),
        "maturity_date": optional_date(event.maturity),
        "deal_status": status,
        "external_reference": f"MX-{day:%y%m%d}-{number:06d}" if status == "Booked" else None,
        "created_date": timestamp(order.received),
    }


def gl_rows(events: list[EventSpec]) -> list[Row]:
    """GL entries of the completed events only: pending and failed bookings post nothing."""
    rows: list[Row] = []
    for event in (event for event in events if event.status[0] == "Completed"):
        order = event.order
        notional_sgd = event.notional * sgd_price(order.currency.code, order.instruction_date)
        for number, (entry, debit, credit, share) in enumerate(gl_templates(event)):
            rows.append(
                {
                    "gl_entry_id": hawk_id("GL", len(rows) + 1),
                    "event_id": event.event_id,
                    "entry_sequence": number + 1,
                    "entry_type": entry,
                    "posting_date": optional_date(
                        order.instruction_date if number == 0 else order.value_date
                    ),
                    "debit_account": debit,
                    "credit_account": credit,
                    "amount_sgd": money((notional_sgd * share).quantize(D("0.01"))),
                    "entity_id": event.entity.entity_id,
                    "source_system": "HAWK",
                    "created_date": timestamp(order.received),
                }
            )
    return rows


def gl_templates(event: EventSpec) -> list[tuple[str, str, str, Decimal]]:
    """The booking model's first `gl_entry_count` entries; a termination de-designates."""
    templates = list(GL_TEMPLATES[: GL_COUNT[event.booking_model]])
    if event.order.instruction_type == "T":
        templates[0] = (*DE_DESIGNATION, templates[0][3])
    return templates


# --- hedge effectiveness -----------------------------------------------------------------------

# Month moves of each currency's SGD value (September, October). HKD barely moved in October
# (the peg held and USD/SGD was flat), so its October tests fall under the materiality floor.
MONTH_MOVES = {
    "AUD": (D("-0.012"), D("0.009")),
    "CNY": (D("0.006"), D("-0.008")),
    "HKD": (D("0.004"), D("0.000001")),
    "IDR": (D("-0.015"), D("0.011")),
    "INR": (D("-0.009"), D("-0.006")),
    "JPY": (D("0.021"), D("-0.017")),
    "KRW": (D("-0.013"), D("0.010")),
    "PHP": (D("0.007"), D("-0.005")),
    "TWD": (D("0.005"), D("0.008")),
    "USD": (D("0.004"), D("-0.003")),
    "VND": (D("-0.006"), D("0.004")),
}
TEST_PERIODS = ((date(2026, 9, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 10, 31)))
# Below this change in SGD a dollar-offset ratio says nothing: the test is INCONCLUSIVE.
MATERIALITY_FLOOR_SGD = D(10_000)
EFFECTIVE_RANGE = (D("0.80"), D("1.25"))  # the frameworks' 80-125%, as ratios


def offset_ratio(rng: random.Random) -> Decimal:
    """Mostly effective hedges; about one test in seven falls outside 80-125%."""
    draw = rng.random()
    if draw < 0.08:
        return D(f"{rng.uniform(0.70, 0.78):.4f}")
    if draw < 0.14:
        return D(f"{rng.uniform(1.28, 1.40):.4f}")
    return D(f"{rng.uniform(0.88, 1.14):.4f}")


def effectiveness_result(hedged_item_change: Decimal, ratio: Decimal) -> str:
    if abs(hedged_item_change) < MATERIALITY_FLOOR_SGD:
        return "INCONCLUSIVE"
    low, high = EFFECTIVE_RANGE
    return "PASS" if low <= ratio <= high else "FAIL"


def tested(allocation: AllocationSpec, start: date, end: date) -> bool:
    """Hedges in place for the whole month: executed before it, alive at its end."""
    if allocation.status not in ("Executed", "Closed") or allocation.execution_date is None:
        return False
    alive_until = allocation.closed_on or allocation.maturity_date
    return allocation.execution_date < start and (alive_until is None or alive_until >= end)


def effectiveness_rows(orders: list[Order], rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for order in orders:
        for allocation in order.allocations:
            for month, (start, end) in enumerate(TEST_PERIODS):
                if tested(allocation, start, end):
                    move = MONTH_MOVES[order.currency.code][month]
                    test = effectiveness_row(allocation, order.currency, start, end, move, rng)
                    rows.append({"effectiveness_id": hawk_id("EFF", len(rows) + 1), **test})
    return rows


def effectiveness_row(
    allocation: AllocationSpec,
    spec: CurrencySpec,
    start: date,
    end: date,
    move: Decimal,
    rng: random.Random,
) -> Row:
    """Dollar offset over one month: ratio = -instrument_change / hedged_item_change (SGD).
    The hedge relationship is the allocation's: one designation, tested every month."""
    item = (allocation.amount * sgd_price(spec.code, start) * move).quantize(D("0.01"))
    instrument = (-item * offset_ratio(rng)).quantize(D("0.01"))
    ratio = (-instrument / item).quantize(TEN_PLACES)
    low, high = EFFECTIVE_RANGE
    return {
        "hedge_relationship_id": hawk_id("HR", allocation.number),
        "entity_id": allocation.entity.entity_id,
        "currency_code": spec.code,
        "nav_type": allocation.nav,
        "hedging_instrument": spec.hedge_method,
        "hedge_notional": money(allocation.amount),
        "measurement_period": f"{start:%Y-%m}",
        "measurement_date": end.isoformat(),
        "testing_method": "dollar_offset",
        "effectiveness_ratio": rate_text(ratio),
        "lower_threshold": rate_text(low),
        "upper_threshold": rate_text(high),
        "effectiveness_status": effectiveness_result(item, ratio),
        "hedge_inception_date": optional_date(allocation.execution_date),
        **created("hedge_accounting", end, 20),
        "allocation_id": allocation.allocation_id,
        "hedged_item_change": money(item),
        "instrument_change": money(instrument),
    }

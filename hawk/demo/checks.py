"""Today's utilisation checks: the instructions checked against the current book and the
PB deposit limits, with the waterfall proposals they make."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from hawk.demo.book import Book, Order, allocate
from hawk.demo.dates import BUSINESS_DATE
from hawk.demo.formatting import ZERO, D, deal_amount, significant
from hawk.demo.positions import RowKey
from hawk.demo.reference import CURRENCY, ENTITY_TYPES, CurrencySpec
from hawk.demo.thresholds import PbDeposit

# The Opening order of waterfall_logic_configuration (reference.waterfall_rows).
WATERFALL_TYPES = ENTITY_TYPES
CHECKS = (  # (currency, date, requested amount or None, entity the check is limited to)
    ("CNY", date(2026, 11, 10), D("50000"), None),
    ("IDR", date(2026, 11, 11), D("250000000000"), None),
    ("PHP", date(2026, 11, 16), D("800000000"), None),
    ("JPY", date(2026, 11, 17), D("5000000000"), None),
    ("HKD", date(2026, 11, 18), D("500000000"), None),
    # More than the TWD TMU has left (its COI is over-hedged): a partial allocation.
    ("TWD", date(2026, 11, 18), None, "ENTITY0036"),
    ("INR", date(2026, 11, 18), D("2000000000"), None),
    ("CNY", date(2026, 11, 19), D("150000000"), None),
    ("KRW", date(2026, 11, 19), D("30000000000"), None),
    ("USD", date(2026, 11, 19), D("25000000"), None),
    ("AUD", date(2026, 11, 20), D("75000000"), None),
)
CHECKED_INCEPTIONS = (  # (key, currency, date, amount): inceptions that fail their check
    ("INR-rejected", "INR", date(2026, 11, 19), D("3000000000")),
    ("VND-rejected", "VND", date(2026, 11, 12), D("12000000000000")),
)
CHECKED_AMENDMENTS = (  # (currency, date, new notional as a multiple of the main book)
    ("AUD", date(2026, 11, 19), D("1.05")),
    ("INR", date(2026, 11, 13), D("1.1")),
)


@dataclass
class CheckResult:
    decision: str
    reason: str
    pb_status: str
    takes: list[tuple[RowKey, Decimal]]


def waterfall_takes(
    book: Book, rows: list[RowKey], requested: Decimal
) -> list[tuple[RowKey, Decimal]]:
    """DOMAIN.md opening waterfall: entity type, RE before COI, available desc, entity id."""

    def order(key: RowKey) -> tuple:
        entity_type = book.entities[key[0]].entity_type
        nav_rank = 0 if key[1] == "RE" else 1
        return WATERFALL_TYPES.index(entity_type), nav_rank, -book.available(key), key[0]

    lot, remaining, takes = book.entities[rows[0][0]].currency.lot, requested, []
    for key in sorted(rows, key=order):
        take = (min(book.available(key), remaining) // lot) * lot
        if take > 0:
            takes.append((key, take))
            remaining -= take
    return takes


def deal_size_problem(spec: CurrencySpec, requested: Decimal) -> str:
    code = spec.code
    if requested < spec.min_deal:
        return f"MIN_DEAL_SIZE: {requested:,.0f} {code} is below the minimum {spec.min_deal:,.0f}"
    if requested > spec.max_deal:
        return f"MAX_DEAL_SIZE: {requested:,.0f} {code} is above the maximum {spec.max_deal:,.0f}"
    return ""


def utilisation_check(book: Book, order: Order, requested: Decimal, pb: PbDeposit) -> CheckResult:
    """DOMAIN.md utilisation check of `requested` in the order's currency (and entity)."""
    code = order.currency.code
    pb_status = pb.status(book, code, requested)
    if pb_status == "BREACH":
        projected, maximum = pb.projected(book, code, requested), pb.limits[code].maximum
        reason = f"PB_BREACH: projected {projected:,.0f} USD is above the maximum {maximum:,.0f}"
        return CheckResult("Fail", reason, pb_status, [])
    if problem := deal_size_problem(order.currency, requested):
        return CheckResult("Fail", problem, pb_status, [])
    rows = book.rows(code, order.entity.entity_id if order.entity else None)
    total = sum((book.available(key) for key in rows), ZERO)
    if total == 0:
        return CheckResult("Fail", f"NO_CAPACITY: no {code} capacity is left", pb_status, [])
    decision = "Pass" if total >= requested else "Partial"
    return CheckResult(decision, "", pb_status, waterfall_takes(book, rows, requested))


def checked_order(book: Book, order: Order, requested: Decimal, pb: PbDeposit) -> Order:
    """The order with the result of a utilisation check of `requested` (its amount or, for an
    amendment, the increase): a utilisation proposes allocations, a fail rejects the order."""
    result = utilisation_check(book, order, requested, pb)
    order.check_status, order.pb_status = result.decision, result.pb_status
    if result.decision == "Fail":
        order.status, order.failure_reason = "Rejected", result.reason
        order.not_allocated = requested
        return order
    if order.instruction_type == "U":
        note = f"Waterfall proposal for {{{order.key}}}"
        for key, take in result.takes:
            allocate(book, order, key, take, "Calculated", note)
        order.not_allocated = requested - sum((take for _, take in result.takes), ZERO)
    return order


def add_checked_orders(book: Book, pb: PbDeposit) -> None:
    """The instructions whose checks ran against the current book and limits."""
    for number, (code, day, requested, entity_id) in enumerate(CHECKS, start=1):
        if requested is None:  # ask for more than is left: a partial allocation
            available = sum((book.available(key) for key in book.rows(code, entity_id)), ZERO)
            requested = significant(available * D("1.6"), 2, ROUND_CEILING)
        order = Order(f"{code}-check-{number}", "U", day, CURRENCY[code], "Validated", requested)
        order.entity = book.entities[entity_id] if entity_id else None
        book.add(checked_order(book, order, requested, pb))
    unchecked = Order("USD-check-new", "U", BUSINESS_DATE, CURRENCY["USD"], "Received")
    unchecked.amount, unchecked.check_status = D("15000000"), None
    book.add(unchecked)
    for key, code, day, requested in CHECKED_INCEPTIONS:
        order = Order(key, "I", day, CURRENCY[code], "Received", requested, tenor="6M")
        book.add(checked_order(book, order, requested, pb))
    for code, day, multiple in CHECKED_AMENDMENTS:
        main = book.orders[f"{code}-main"]
        new = deal_amount(main.amount * multiple, main.currency.lot)
        order = Order(f"{code}-amendment", "A", day, main.currency, "Validated", new)
        order.previous = main.key
        book.add(checked_order(book, order, new - main.amount, pb))

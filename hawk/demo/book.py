"""The hedge book: instructions and their allocations, from the legacy order to today's
requests, sized against each row's hedgeable capacity."""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hawk.demo.dates import TENOR_MONTHS, add_business_days, add_months, subtract_business_days
from hawk.demo.formatting import ZERO, D, deal_amount, hawk_id, jitter
from hawk.demo.positions import RowKey
from hawk.demo.reference import CURRENCIES, CURRENCY, ENTITY_TYPES, CurrencySpec, EntitySpec

HEDGED_STATUSES = ("Approved", "Executed")


@dataclass
class AllocationSpec:
    entity: EntitySpec
    nav: str
    amount: Decimal
    status: str
    execution_date: date | None
    maturity_date: date | None
    notes: str  # may name orders as {order key}, resolved once order ids are assigned
    closed_on: date | None = None
    number: int = 0  # place in the allocation table, set when orders are numbered

    @property
    def allocation_id(self) -> str:
        return hawk_id("ALLOC", self.number)


@dataclass
class Order:
    key: str
    instruction_type: str
    instruction_date: date
    currency: CurrencySpec
    status: str
    amount: Decimal = ZERO
    tenor: str = ""
    entity: EntitySpec | None = None
    nav: str | None = None
    previous: str = ""  # key of the order this one rolls, terminates, amends or asks about
    check_status: str | None = "Pass"
    pb_status: str = ""  # "" on a checked order: WITHIN or NOT_APPLICABLE when written
    failure_reason: str = ""
    not_allocated: Decimal = ZERO
    booking_failed: bool = False
    order_id: str = ""
    number: int = 0  # place in chronological order, set when orders are numbered
    allocations: list[AllocationSpec] = field(default_factory=list)
    terminates: list[AllocationSpec] = field(default_factory=list)

    @property
    def instruction_id(self) -> str:
        return hawk_id("INS", self.number)

    @property
    def received(self) -> datetime:
        """From 08:00 of the instruction date, a minute apart in numbering order."""
        return datetime.combine(self.instruction_date, time(8)) + timedelta(minutes=self.number)

    @property
    def value_date(self) -> date | None:
        if self.instruction_type == "Q":
            return None
        return add_business_days(self.instruction_date, 2)

    @property
    def maturity_date(self) -> date | None:
        if not self.tenor or self.value_date is None:
            return None
        return add_months(self.value_date, TENOR_MONTHS[self.tenor])


class Book:
    """The orders built so far and what they hedge per capacity row (Approved and Executed)."""

    def __init__(self, entities: list[EntitySpec], capacity: dict[RowKey, Decimal]) -> None:
        self.entities = {entity.entity_id: entity for entity in entities}
        self.capacity = capacity
        self.orders: dict[str, Order] = {}
        self.hedged: dict[RowKey, Decimal] = defaultdict(Decimal)

    def add(self, order: Order) -> Order:
        if order.key in self.orders:
            raise ValueError(f"duplicate order key {order.key}")
        self.orders[order.key] = order
        for allocation in order.allocations:
            if allocation.status in HEDGED_STATUSES:
                self.hedged[allocation.entity.entity_id, allocation.nav] += allocation.amount
        if order.allocations and not order.amount:
            order.amount = sum((allocation.amount for allocation in order.allocations), ZERO)
        return order

    def rows(self, code: str, entity_id: str | None = None) -> list[RowKey]:
        return [
            key
            for key in self.capacity
            if self.entities[key[0]].currency.code == code and entity_id in (None, key[0])
        ]

    def share(self, key: RowKey, fraction: Decimal) -> Decimal:
        return deal_amount(self.capacity[key] * fraction, self.entities[key[0]].currency.lot)

    def available(self, key: RowKey) -> Decimal:
        return max(ZERO, self.capacity[key] - self.hedged[key])

    def hedged_total(self, code: str) -> Decimal:
        return sum((self.hedged[key] for key in self.rows(code)), ZERO)


def row_key(code: str, entity_type: str, nav: str) -> RowKey:
    number = [spec.code for spec in CURRENCIES].index(code) * 4 + ENTITY_TYPES.index(entity_type)
    return f"ENTITY{number + 1:04d}", nav


def allocate(
    book: Book,
    order: Order,
    key: RowKey,
    amount: Decimal,
    status: str,
    notes: str,
    maturity: date | None = None,
) -> AllocationSpec:
    """An allocation of `order`; executed ones carry the value date, live ones a maturity."""
    executed = order.value_date if status in ("Executed", "Closed") else None
    live = status not in ("Calculated", "Rejected")
    allocation = AllocationSpec(
        book.entities[key[0]],
        key[1],
        amount,
        status,
        executed,
        (maturity or order.maturity_date) if live else None,
        notes,
    )
    order.allocations.append(allocation)
    return allocation


ORD_123 = ("USD", date(2026, 9, 15), D("100000000"))  # the legacy order id people still quote
ROLLOVER_PAIRS = (  # (currency, inception of the 6M hedge that matured, tenor of its rollover)
    ("CNY", date(2026, 3, 4), "3M"),
    ("HKD", date(2026, 3, 6), "6M"),
    ("INR", date(2026, 3, 9), "3M"),
    ("JPY", date(2026, 3, 11), "6M"),
    ("TWD", date(2026, 3, 10), "3M"),
    ("USD", date(2026, 3, 13), "6M"),
)
ROLLED_ROWS = (("Branch", "COI"), ("Subsidiary", "RE"))
APPROVED_ORDERS = (  # (currency, instruction date, tenor, rows): approved, not yet executed
    ("AUD", date(2026, 11, 17), "6M", (("Branch", "RE"), ("Associate", "COI"))),
    ("CNY", date(2026, 11, 18), "3M", (("Branch", "RE"), ("Subsidiary", "COI"), ("TMU", "COI"))),
    ("IDR", date(2026, 11, 16), "6M", (("Branch", "COI"), ("Subsidiary", "RE"))),
    ("INR", date(2026, 11, 16), "3M", (("Branch", "RE"), ("Subsidiary", "COI"))),
    ("KRW", date(2026, 11, 19), "6M", (("Branch", "COI"), ("Associate", "RE"))),
    ("TWD", date(2026, 11, 17), "3M", (("Branch", "RE"), ("Subsidiary", "COI"))),
    ("VND", date(2026, 11, 18), "1Y", (("Branch", "COI"),)),
)
EARLY_TERMINATIONS = (  # (currency, inception, termination date, rows terminated)
    ("AUD", date(2025, 11, 10), date(2026, 10, 15), (("Associate", "COI"), ("TMU", "RE"))),
    ("PHP", date(2025, 12, 1), date(2026, 11, 2), (("Associate", "COI"), ("Subsidiary", "RE"))),
)
MAIN_BOOKS = {  # currency: (inception, tenor); 6M books from June mature within 30 days
    "AUD": (date(2026, 7, 15), "1Y"),
    "CNY": (date(2026, 6, 5), "6M"),
    "HKD": (date(2026, 6, 10), "9M"),
    "IDR": (date(2026, 8, 3), "6M"),
    "INR": (date(2026, 7, 1), "9M"),
    "JPY": (date(2026, 5, 25), "6M"),
    "KRW": (date(2026, 6, 15), "9M"),
    "PHP": (date(2026, 8, 17), "6M"),
    "TWD": (date(2026, 7, 20), "6M"),
    "USD": (date(2026, 9, 1), "3M"),
    "VND": (date(2026, 8, 24), "1Y"),
}
FULLY_HEDGED_ROW = ("ENTITY0009", "RE")  # hedged exactly to its hedgeable amount
OVER_HEDGED_ROW = ("ENTITY0036", "COI")  # hedged above it: a case for the deviation checks
OVER_HEDGE = D("1.04")
# Left unhedged: a TMU set up last month, and an INR row the PB breach keeps from being hedged.
UNHEDGED_ROWS = {("ENTITY0044", "RE"), ("ENTITY0020", "COI")}


def add_legacy_order(book: Book) -> None:
    code, day, amount = ORD_123
    order = Order("USD-123", "I", day, CURRENCY[code], "Executed", tenor="1Y", order_id="ORD-123")
    allocate(book, order, row_key(code, "Branch", "COI"), amount, "Executed", "Legacy order")
    book.add(order)


def add_rollover_pair(book: Book, code: str, start: date, tenor: str) -> None:
    """A 6M hedge that matured and was rolled at the same notional: the old allocations are
    Closed, the rollover's Executed."""
    spec = CURRENCY[code]
    old = Order(f"{code}-old", "I", start, spec, "Executed", tenor="6M")
    matured = old.maturity_date or start
    rolled_on = subtract_business_days(matured, 2)  # so the rollover's value date is maturity
    roll = Order(f"{code}-roll", "R", rolled_on, spec, "Executed", tenor=tenor, previous=old.key)
    for entity_type, nav in ROLLED_ROWS:
        key = row_key(code, entity_type, nav)
        amount = book.share(key, D("0.12"))
        closed = allocate(book, old, key, amount, "Closed", f"Matured; rolled into {{{roll.key}}}")
        closed.closed_on = matured
        allocate(book, roll, key, amount, "Executed", f"Rolled from {{{old.key}}}")
    book.add(old)
    book.add(roll)


def add_approved_order(book: Book, code: str, day: date, tenor: str, rows: Iterable) -> None:
    order = Order(f"{code}-approved", "I", day, CURRENCY[code], "Approved", tenor=tenor)
    for entity_type, nav in rows:
        key = row_key(code, entity_type, nav)
        note = f"Approved {day}; execution on value date {order.value_date}"
        allocate(book, order, key, book.share(key, D("0.08")), "Approved", note)
    if code == "INR":
        order.pb_status = "CRITICAL"  # approved while critical; it took INR over the limit
    book.add(order)


def add_early_termination(book: Book, code: str, start: date, ended: date, rows: Iterable) -> None:
    spec = CURRENCY[code]
    old = Order(f"{code}-terminated", "I", start, spec, "Executed", tenor="1Y")
    end = Order(f"{code}-termination", "T", ended, spec, "Executed", previous=old.key)
    for entity_type, nav in rows:
        key = row_key(code, entity_type, nav)
        note = f"Terminated early under {{{end.key}}}"
        closed = allocate(book, old, key, book.share(key, D("0.1")), "Closed", note)
        closed.closed_on = ended
        end.terminates.append(closed)
    book.add(old)
    end.amount = old.amount
    book.add(end)


def add_main_book(book: Book, code: str, rng: random.Random) -> None:
    """The currency's main hedge: each row topped up to its coverage of hedgeable capacity."""
    spec = CURRENCY[code]
    start, tenor = MAIN_BOOKS[code]
    order = Order(f"{code}-main", "I", start, spec, "Executed", tenor=tenor)
    for key in book.rows(code):
        if key in UNHEDGED_ROWS:
            continue
        target = book.capacity[key] * min(spec.coverage * jitter(rng, 0.12), D("0.95"))
        if key == FULLY_HEDGED_ROW:
            target = book.capacity[key]
        elif key == OVER_HEDGED_ROW:
            target = book.capacity[key] * OVER_HEDGE
        amount = target - book.hedged[key]
        if key != FULLY_HEDGED_ROW:
            amount = deal_amount(amount, spec.lot)
        if amount > 0:
            allocate(book, order, key, amount, "Executed", f"Main {tenor} {spec.hedge_method} book")
    book.add(order)


def add_cny_amendment(book: Book) -> None:
    """A notional increase on one leg of the CNY main book, booked as its own allocation."""
    main = book.orders["CNY-main"]
    order = Order(
        "CNY-amendment", "A", date(2026, 10, 20), main.currency, "Executed", previous=main.key
    )
    key = row_key("CNY", "Branch", "COI")
    delta = book.share(key, D("0.04"))
    note = f"Notional increase of {{{main.key}}} (Branch COI leg)"
    allocate(book, order, key, delta, "Executed", note, maturity=main.maturity_date)
    book.add(order)
    order.amount = main.amount + delta
    order.entity, order.nav = book.entities[key[0]], key[1]


def add_open_requests(book: Book) -> None:
    """Terminations, amendments and inquiries that changed no allocation (yet)."""
    for order in (*termination_requests(book), *amendment_requests(book), *inquiries()):
        book.add(order)


KRW_REJECTION = (
    "Rejected by Finance: the KRW Branch RE hedge covers the dividend of 2026-12-15; early "
    "de-designation needs a Finance sign-off"
)


def termination_requests(book: Book) -> list[Order]:
    """USD: approved, awaiting booking; JPY: just received; KRW: rejected by Finance."""
    usd = termination_request(book, "USD-roll", ("ENTITY0038", "RE"), date(2026, 11, 18))
    usd.status = "Approved"
    jpy = termination_request(book, "JPY-main", ("ENTITY0023", "COI"), date(2026, 11, 20))
    jpy.check_status = None
    krw = termination_request(book, "KRW-main", ("ENTITY0025", "RE"), date(2026, 11, 12))
    krw.status, krw.failure_reason = "Rejected", KRW_REJECTION
    return [usd, jpy, krw]


def termination_request(book: Book, previous: str, key: RowKey, day: date) -> Order:
    """A termination of one leg of an earlier order (the leg itself is left unchanged)."""
    earlier = book.orders[previous]
    leg = next(a for a in earlier.allocations if (a.entity.entity_id, a.nav) == key)
    code = earlier.currency.code
    return Order(
        f"{code}-termination",
        "T",
        day,
        earlier.currency,
        "Received",
        amount=leg.amount,
        entity=leg.entity,
        nav=leg.nav,
        previous=previous,
        terminates=[leg],
    )


def amendment_requests(book: Book) -> list[Order]:
    """HKD: a tenor change whose booking failed; USD: cancelled; JPY: a decrease, received."""
    hkd_leg = book.orders["HKD-roll"].allocations[0]
    hkd = Order("HKD-amendment", "A", date(2026, 11, 17), CURRENCY["HKD"], "Approved")
    hkd.amount, hkd.tenor, hkd.previous = hkd_leg.amount, "9M", "HKD-roll"
    hkd.entity, hkd.nav, hkd.booking_failed = hkd_leg.entity, hkd_leg.nav, True
    usd = Order("USD-amendment", "A", date(2026, 11, 5), CURRENCY["USD"], "Cancelled")
    usd.amount, usd.previous = D("110000000"), "USD-123"
    usd.entity, usd.nav = book.entities["ENTITY0037"], "COI"
    jpy = Order("JPY-amendment", "A", date(2026, 11, 20), CURRENCY["JPY"], "Received")
    jpy.amount = deal_amount(book.orders["JPY-main"].amount * D("0.9"), D(1000))
    jpy.previous, jpy.check_status = "JPY-main", None
    return [hkd, usd, jpy]


INQUIRIES = (  # (currency, date, status, key of the order asked about)
    ("CNY", date(2026, 11, 20), "Received", "CNY-approved"),
    ("USD", date(2026, 11, 19), "Executed", "USD-123"),
    ("JPY", date(2026, 11, 18), "Executed", ""),
    ("KRW", date(2026, 11, 17), "Executed", "KRW-main"),
    ("HKD", date(2026, 11, 13), "Executed", ""),
    ("INR", date(2026, 11, 19), "Executed", "INR-approved"),
    ("PHP", date(2026, 10, 28), "Cancelled", ""),
    ("VND", date(2026, 11, 20), "Validated", "VND-rejected"),
)


def inquiries() -> list[Order]:
    return [
        Order(
            f"{code}-inquiry", "Q", day, CURRENCY[code], status, previous=asked, check_status=None
        )
        for code, day, status, asked in INQUIRIES
    ]


def add_rejected_by_approver(book: Book) -> None:
    reason = "Rejected by Treasury approver: a 2Y tenor exceeds the 1Y policy limit for NDFs"
    order = Order("IDR-rejected", "I", date(2026, 11, 6), CURRENCY["IDR"], "Rejected", tenor="2Y")
    order.failure_reason = reason
    for entity_type, nav in (("Branch", "RE"), ("Subsidiary", "COI")):
        key = row_key("IDR", entity_type, nav)
        note = f"Rejected with {{{order.key}}}"
        allocate(book, order, key, book.share(key, D("0.05")), "Rejected", note)
    book.add(order)


def hedge_book(
    entities: list[EntitySpec], capacity: dict[RowKey, Decimal], rng: random.Random
) -> Book:
    """Everything but today's checks, which need the thresholds (set from this book)."""
    book = Book(entities, capacity)
    add_legacy_order(book)
    for code, start, tenor in ROLLOVER_PAIRS:
        add_rollover_pair(book, code, start, tenor)
    for code, day, tenor, rows in APPROVED_ORDERS:
        add_approved_order(book, code, day, tenor, rows)
    for code, start, ended, rows in EARLY_TERMINATIONS:
        add_early_termination(book, code, start, ended, rows)
    for code in MAIN_BOOKS:
        add_main_book(book, code, rng)
    add_cny_amendment(book)
    add_open_requests(book)
    add_rejected_by_approver(book)
    return book

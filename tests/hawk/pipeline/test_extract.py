"""Extraction: exact filters, shapes computed in SQL, and concurrent reads on pool threads."""

import datetime
from decimal import Decimal

import pytest

from hawk.pipeline.extract import extract, read_source
from hawk.pipeline.plan import SourceRead, make_plan
from tests.hawk.factories import (
    AllocationFactory,
    BufferConfigurationFactory,
    CurrencyFactory,
    EntityFactory,
    PositionNavFactory,
)

DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def cny_book(db):
    cny = CurrencyFactory(currency_code="CNY")
    branch = EntityFactory(entity_id="ENTITY0005", currency=cny, entity_type="Branch")
    for as_of, amount in ((DAY - datetime.timedelta(days=30), "100"), (DAY, "200"),
                          (DAY + datetime.timedelta(days=10), "999")):  # fmt: skip
        PositionNavFactory(entity=branch, as_of_date=as_of, current_position=Decimal(amount))
    PositionNavFactory(entity=branch, as_of_date=DAY, nav_type="RE", current_position=Decimal(50))
    for status, amount in (("Approved", 10), ("Executed", 20), ("Calculated", 400),
                           ("Rejected", 800), ("Closed", 1600)):  # fmt: skip
        AllocationFactory(entity=branch, allocation_status=status,
                          hedge_amount_allocation=Decimal(amount))  # fmt: skip
    return branch


def test_positions_are_the_latest_not_after_the_business_date(cny_book):
    rows = read_source(SourceRead("positions", {"currency_code": "CNY",
                                                "as_of_date__lte": DAY.isoformat()}))  # fmt: skip
    by_nav = {row["nav_type"]: row for row in rows}
    assert by_nav["COI"]["current_position"] == Decimal("200")
    assert by_nav["COI"]["as_of_date"] == DAY
    assert by_nav["RE"]["current_position"] == Decimal("50")
    assert by_nav["COI"]["currency_code"] == "CNY"  # keyed by column name, not attname
    assert len(rows) == 2


def test_hedged_sums_only_approved_and_executed_allocations_in_sql(cny_book):
    rows = read_source(SourceRead("hedged", {"currency_code": "CNY"}))
    # Grouped by currency too, so a review without a currency has each currency's total.
    assert rows == [{"currency_code": "CNY", "entity_id": "ENTITY0005", "nav_type": "COI",
                     "hedge_amount_allocation": Decimal("30")}]  # fmt: skip


def test_in_or_null_reads_global_and_matching_rules_only(cny_book):
    other = CurrencyFactory(currency_code="HKD")
    BufferConfigurationFactory(currency=None, buffer_percentage=Decimal(5))
    BufferConfigurationFactory(currency=cny_book.currency, buffer_percentage=Decimal(7))
    BufferConfigurationFactory(currency=other, buffer_percentage=Decimal(9))
    BufferConfigurationFactory(currency=None, buffer_percentage=Decimal(1), active_flag="N")
    rows = read_source(SourceRead("buffers", {"currency_code__in_or_null": ["CNY"]}))
    assert sorted(row["buffer_percentage"] for row in rows) == [Decimal(5), Decimal(7)]


def test_an_extraction_inside_a_transaction_sees_its_own_writes(cny_book):
    plan = make_plan(intent="utilisation", template_category=None,
                     parameters={"currency": "CNY"}, business_date=DAY)  # fmt: skip
    extraction = extract(plan)
    assert len(extraction.records["positions"]) == 2
    assert extraction.records["hedged"][0]["hedge_amount_allocation"] == Decimal("30")


@pytest.mark.django_db(transaction=True)
def test_sources_are_read_concurrently_on_pool_threads_with_the_same_result():
    import threading

    from hawk.pipeline import extract as extract_module

    cny = CurrencyFactory(currency_code="CNY")
    entity = EntityFactory(entity_id="ENTITY0005", currency=cny)
    PositionNavFactory(entity=entity, as_of_date=DAY, current_position=Decimal("200"))
    plan = make_plan(intent="utilisation", template_category=None,
                     parameters={"currency": "CNY"}, business_date=DAY)  # fmt: skip
    seen_threads = set()
    original = extract_module.read_source

    def recording(read):
        seen_threads.add(threading.current_thread().name)
        return original(read)

    extract_module.read_source = recording
    try:
        extraction = extract(plan, use_cache=False)
    finally:
        extract_module.read_source = original
    assert all(name.startswith("hawk-db") for name in seen_threads)
    assert len(seen_threads) > 1
    assert extraction.records["positions"][0]["current_position"] == Decimal("200")
    assert set(extraction.by_source()) == set(plan.source_names())


@pytest.mark.django_db(transaction=True)
async def test_from_the_event_loop_an_all_hit_extraction_takes_one_trip_to_a_database_thread(
    monkeypatch,
):
    """Every source a hit: the cache round and the counts' flush go in one trip (each trip is
    a wake-up of a pool thread and of the loop); misses still add their reads and a flush."""
    from asgiref.sync import sync_to_async

    from hawk.database import threads
    from hawk.datacache import stats
    from hawk.pipeline.extract import extract_async

    def book():
        cny = CurrencyFactory(currency_code="CNY")
        entity = EntityFactory(entity_id="ENTITY0005", currency=cny)
        PositionNavFactory(entity=entity, as_of_date=DAY, current_position=Decimal("200"))

    await sync_to_async(book)()
    plan = make_plan(intent="utilisation", template_category=None,
                     parameters={"currency": "CNY"}, business_date=DAY)  # fmt: skip
    trips = []
    pool = threads.db_executor()
    submit = pool.submit

    def counted(fn, *args, **kwargs):
        trips.append(fn)
        return submit(fn, *args, **kwargs)

    monkeypatch.setattr(pool, "submit", counted)
    await sync_to_async(stats.reset_counters)()
    cold = await extract_async(plan)
    misses = [name for name, result in cold.results.items() if result.cache != "hit"]
    assert "positions" in misses
    assert len(trips) == 1 + len(misses) + 1
    trips.clear()
    warm = await extract_async(plan)
    assert warm.cache == "hit"
    assert len(trips) == 1
    assert warm.records == cold.records
    counters = await sync_to_async(stats.read_counters)()
    assert counters["miss"] == len(misses)
    assert counters["hit"] == len(plan.sources) + len(plan.sources) - len(misses)

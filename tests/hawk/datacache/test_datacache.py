"""The data cache: a repeat is a hit, every kind of write makes the next read fresh, concurrent
misses read once, statistics count each lookup once, and a stopped Redis only degrades."""

import dataclasses
import datetime
import json
import threading
import time
from contextlib import suppress
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django_redis import get_redis_connection
from redis import Redis

from hawk.database.threads import call_and_release, db_executor
from hawk.datacache import stats
from hawk.datacache.store import _Down, cached_read
from hawk.models import OverlayConfiguration, PositionNav
from hawk.pipeline.extract import extract
from hawk.pipeline.plan import make_plan
from hawk.sources import SOURCES
from tests.hawk.factories import (
    CurrencyFactory,
    EntityFactory,
    OverlayConfigurationFactory,
    PositionNavFactory,
)

DAY = datetime.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _cache_up():
    _Down.until = 0.0
    yield
    _Down.until = 0.0


def make_book() -> PositionNav:
    cny = CurrencyFactory(currency_code="CNY")
    entity = EntityFactory(entity_id="ENTITY0005", currency=cny, entity_type="Branch")
    return PositionNavFactory(entity=entity, as_of_date=DAY, current_position=Decimal(100))


@pytest.fixture
def book(db):
    return make_book()


@pytest.fixture
def committed_book(transactional_db):
    """For tests of real transactions: the test's own (never committed) one is not there."""
    return make_book()


def capacity_plan():
    return make_plan(intent="utilisation", template_category=None,
                     parameters={"currency": "CNY"}, business_date=DAY)  # fmt: skip


def position_amount(extraction) -> Decimal:
    return extraction.records["positions"][0]["current_position"]


def test_a_repeat_is_a_hit_for_every_source(book):
    first = extract(capacity_plan())
    second = extract(capacity_plan())
    assert first.cache == "miss"
    assert second.cache == "hit"
    assert second.records == first.records


def test_each_lookup_is_counted_exactly_once(book):
    stats.reset_counters()
    plan = capacity_plan()
    extract(plan)
    extract(plan)
    counters = stats.read_counters()
    assert counters["miss"] == len(plan.sources)
    assert counters["hit"] == len(plan.sources)
    assert counters["hit:source:positions"] == 1
    assert counters["hit:intent:utilisation"] == len(plan.sources)


@pytest.mark.redis
def test_an_extraction_counts_in_one_command_also_on_a_server_without_the_script(book, monkeypatch):
    """A flush is one EVALSHA, not a command per counter; a server that lost the script (a
    failover, SCRIPT FLUSH) is given it again and counts all the same."""
    plan = capacity_plan()
    extract(plan)
    get_redis_connection("default").script_flush()
    stats.reset_counters()
    sent: list[str] = []
    real = Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]).upper())
        return real(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    extract(plan)
    extract(plan)
    assert stats.read_counters()["hit"] == 2 * len(plan.sources)
    assert sent.count("EVALSHA") == 3  # the first refused (NOSCRIPT), loaded, sent again
    assert sent.count("SCRIPT LOAD") + sent.count("SCRIPT") == 1


def test_an_orm_save_makes_the_next_read_fresh(book):
    assert position_amount(extract(capacity_plan())) == Decimal(100)
    book.current_position = Decimal(150)
    book.save()
    fresh = extract(capacity_plan())
    assert position_amount(fresh) == Decimal(150)
    assert fresh.results["positions"].cache == "miss"
    assert fresh.results["currencies"].cache == "hit"  # other tables keep their entries


def test_a_bulk_update_makes_the_next_read_fresh(book):
    extract(capacity_plan())
    PositionNav.objects.filter(pk=book.pk).update(current_position=Decimal(175))
    assert position_amount(extract(capacity_plan())) == Decimal(175)


def test_a_bulk_create_makes_the_next_read_fresh(book):
    assert extract(capacity_plan()).records["overlays"] == []
    OverlayConfiguration.objects.bulk_create([
        OverlayConfiguration(entity_id="ENTITY0005", currency_id="CNY", nav_type="COI",
                             overlay_amount=Decimal(25), approval_status="Approved"),
    ])  # fmt: skip
    overlays = extract(capacity_plan()).records["overlays"]
    assert overlays[0]["overlay_amount"] == Decimal(25)


def test_an_admin_change_makes_the_next_read_fresh(book, admin_client):
    overlay = OverlayConfigurationFactory(entity=book.entity, approval_status="Pending",
                                          overlay_amount=Decimal(40))  # fmt: skip
    assert extract(capacity_plan()).records["overlays"] == []
    response = admin_client.post(
        f"/admin/hawk/overlayconfiguration/{overlay.pk}/change/",
        {"entity": "ENTITY0005", "currency": "CNY", "nav_type": "COI",
         "overlay_amount": "40", "approval_status": "Approved"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:500]
    assert extract(capacity_plan()).records["overlays"][0]["overlay_amount"] == Decimal(40)


def test_an_import_makes_the_next_read_fresh(book, tmp_path):
    extract(capacity_plan())
    bundle = {"format": "hawk-bundle/1", "tables": {"position_nav_master": [{
        "nav_id": book.pk, "entity_id": "ENTITY0005", "currency_code": "CNY",
        "as_of_date": DAY.isoformat(), "nav_type": "COI", "position_type": "NET",
        "current_position": "321.0000",
    }]}}  # fmt: skip
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    call_command("import_hedge_data", str(path))
    assert position_amount(extract(capacity_plan())) == Decimal(321)


def test_use_cache_false_reads_the_database_and_still_writes_the_cache(book):
    bypass = extract(capacity_plan(), use_cache=False)
    assert bypass.cache == "bypass"
    assert extract(capacity_plan()).cache == "hit"


def test_concurrent_misses_of_one_key_read_the_database_once(db):
    calls = []

    def slow_loader():
        calls.append(1)
        time.sleep(0.05)
        return ["rows"]

    tally = stats.Tally()
    results = []

    def reader():
        results.append(cached_read(source="positions", table="position_nav_master",
                                   filters={"k": 1}, loader=slow_loader, ttl=60,
                                   tally=tally))  # fmt: skip

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert sorted(r.status for r in results) == ["hit"] * 7 + ["miss"]
    assert all(r.value == ["rows"] for r in results)


@pytest.mark.redis
def test_a_stopped_redis_serves_from_the_database_marked_degraded(book, redis_proxy):
    assert extract(capacity_plan()).cache == "miss"
    redis_proxy.stop()
    book.current_position = Decimal(222)
    book.save()  # the generation bump fails; the write itself must not
    degraded = extract(capacity_plan())
    assert degraded.cache == "degraded"
    assert position_amount(degraded) == Decimal(222)


@pytest.mark.redis
def test_after_redis_returns_a_write_made_while_it_was_down_is_not_hidden(book, redis_proxy):
    extract(capacity_plan())  # cached with 100
    redis_proxy.stop()
    book.current_position = Decimal(333)
    book.save()
    redis_proxy.start()
    _Down.until = 0.0
    assert position_amount(extract(capacity_plan())) == Decimal(333)


# --- transactions --------------------------------------------------------------------------


class Rollback(Exception):
    pass


def amount_seen_elsewhere() -> Decimal:
    """The position as another request (its own connection) reads it through the cache."""
    return db_executor().submit(call_and_release, lambda: position_amount(
        extract(capacity_plan()))).result()  # fmt: skip


def set_position(book: PositionNav, amount: int) -> None:
    PositionNav.objects.filter(pk=book.pk).update(current_position=Decimal(amount))


def test_rows_of_a_transaction_that_rolls_back_are_never_served(committed_book):
    extract(capacity_plan())
    with suppress(Rollback), transaction.atomic():
        set_position(committed_book, 999)
        inside = extract(capacity_plan())
        assert position_amount(inside) == Decimal(999)  # the transaction sees its own write
        assert inside.results["positions"].cache == "bypass"
        raise Rollback
    assert position_amount(extract(capacity_plan())) == Decimal(100)
    assert amount_seen_elsewhere() == Decimal(100)


# Another connection reading while a write is open: SQLite's shared in-memory test database
# locks the table instead.
@pytest.mark.postgres
def test_other_requests_never_see_rows_that_are_not_committed(committed_book):
    with transaction.atomic():
        set_position(committed_book, 999)
        extract(capacity_plan())
        assert amount_seen_elsewhere() == Decimal(100)
    assert amount_seen_elsewhere() == Decimal(999)
    assert position_amount(extract(capacity_plan())) == Decimal(999)


def test_tables_the_transaction_did_not_write_stay_cached_inside_it(committed_book):
    extract(capacity_plan())
    with transaction.atomic():
        set_position(committed_book, 500)
        inside = extract(capacity_plan())
    assert inside.results["currencies"].cache == "hit"
    assert inside.results["positions"].cache == "bypass"


def test_a_source_whose_columns_change_is_not_served_old_shaped_entries(book, monkeypatch):
    """A deploy that changes a source's columns (or filters, shape) keys its entries anew:
    the first read after it is a miss, with the new columns."""
    extract(capacity_plan())
    spec = SOURCES["positions"]
    fewer = dataclasses.replace(spec, columns=tuple(c for c in spec.columns if c != "nav_type"))
    monkeypatch.setitem(SOURCES, "positions", fewer)
    extraction = extract(capacity_plan())
    assert extraction.by_source()["positions"]["cache"] == "miss"
    assert "nav_type" not in extraction.records["positions"][0]

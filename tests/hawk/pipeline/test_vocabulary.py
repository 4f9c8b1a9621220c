"""The prompt vocabulary read from the database, cached under the tables' generations."""

import datetime

import pytest

from hawk.models import Currency, CurrencyType, Entity, EntityType
from hawk.pipeline import vocabulary
from hawk.pipeline.understand import understand
from hawk.pipeline.vocabulary import load_vocabulary

pytestmark = pytest.mark.django_db


@pytest.fixture
def cny(db):
    return Currency.objects.create(
        currency_code="CNY",
        currency_name="Chinese Yuan",
        currency_type=CurrencyType.MISMATCHED,
        aliases=["yuan", "renminbi", "Middle Kingdom"],
    )


@pytest.fixture
def shanghai_branch(cny):
    return Entity.objects.create(
        entity_id="ENTITY0005",
        entity_name="Shanghai Branch",
        entity_type=EntityType.BRANCH,
        currency=cny,
    )


def test_it_reads_codes_names_and_aliases_from_the_database(cny):
    words = load_vocabulary().currency_words

    assert words["cny"] == "CNY"
    assert words["chinese yuan"] == "CNY"
    assert words["middle kingdom"] == "CNY"
    assert words["eur"] == "EUR"  # built-in ISO codes stay known
    assert load_vocabulary().known_currencies == frozenset({"CNY"})


def test_it_picks_up_an_alias_saved_after_a_first_call(cny):
    assert "redback" not in load_vocabulary().currency_words

    # The save bumps the currency_configuration generation (hawk.datacache.invalidation), so
    # the next call reads the new alias instead of the cached vocabulary.
    cny.aliases = [*cny.aliases, "redback"]
    cny.save()

    fresh = load_vocabulary()
    assert fresh.currency_words["redback"] == "CNY"
    understood = understand("hedge 5M redback", vocabulary=fresh, today=datetime.date(2026, 1, 5))
    assert understood.parameters.currency == "CNY"


def test_it_includes_entity_names(shanghai_branch, cny):
    assert load_vocabulary().entity_names == {"shanghai branch": "ENTITY0005"}

    Entity.objects.create(
        entity_id="ENTITY0020",
        entity_name="Tokyo Subsidiary K.K.",
        entity_type=EntityType.SUBSIDIARY,
        currency=cny,
    )

    names = load_vocabulary().entity_names
    assert names["tokyo subsidiary k k"] == "ENTITY0020"
    understood = understand(
        "Status of Tokyo Subsidiary K.K. instructions",
        vocabulary=load_vocabulary(),
        today=datetime.date(2026, 1, 5),
    )
    assert understood.parameters.entity_id == "ENTITY0020"


def test_a_warm_call_reuses_the_loaded_vocabulary(cny, django_assert_num_queries):
    first = load_vocabulary()

    with django_assert_num_queries(0):
        assert load_vocabulary() is first


def test_another_process_reads_it_from_the_shared_cache(
    cny, monkeypatch, django_assert_num_queries
):
    loaded = load_vocabulary()
    monkeypatch.setattr(vocabulary, "_latest", None)  # as a fresh worker starts

    with django_assert_num_queries(0):
        assert load_vocabulary() == loaded


@pytest.mark.redis
def test_it_reads_the_database_when_the_cache_is_down(cny, redis_proxy):
    redis_proxy.stop()

    assert load_vocabulary().currency_words["middle kingdom"] == "CNY"

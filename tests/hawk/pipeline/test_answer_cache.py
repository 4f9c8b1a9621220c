"""The answer cache's swap: the consistency check keeps each answer's claims and reads the
previous answer's, in one round trip on Redis."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from redis import Redis

from hawk.pipeline.answer_cache import TTL_SECONDS, answer_swap

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.delete("claims:swap-test")
    yield
    cache.delete("claims:swap-test")


@pytest.mark.redis
def test_a_swap_returns_what_it_replaced_in_one_round_trip(monkeypatch):
    sent: list[tuple] = []
    real = Redis.execute_command

    def counted(self, *args, **options):
        sent.append(args)
        return real(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    assert answer_swap("claims:swap-test", {"decisions": ["PASS"]}) is None
    assert answer_swap("claims:swap-test", {"decisions": ["FAIL"]}) == {"decisions": ["PASS"]}
    assert [args[0] for args in sent] == ["SET", "SET"]
    assert cache.get("claims:swap-test") == {"decisions": ["FAIL"]}
    assert 0 < cache.ttl("claims:swap-test") <= TTL_SECONDS


def test_a_swap_on_local_memory_does_the_same():
    with override_settings(CACHES=LOCAL):
        assert answer_swap("claims:swap-test", {"n": 1}) is None
        assert answer_swap("claims:swap-test", {"n": 2}) == {"n": 1}
        assert cache.get("claims:swap-test") == {"n": 2}


def test_no_key_no_swap():
    assert answer_swap(None, {"n": 1}) is None


@pytest.mark.redis
def test_a_redis_that_fails_gives_no_previous_and_no_error(redis_proxy):
    answer_swap("claims:swap-test", {"n": 1})
    redis_proxy.stop()
    assert answer_swap("claims:swap-test", {"n": 2}) is None

"""GET /cache/stats and POST /cache/invalidate: shared counters, roles, exact invalidation."""

import pytest
from django.core.cache import cache

from tests.roles import client_with_role

CAPACITY_CHECK = {"user_prompt": "Check if I can hedge 150K CNY today"}


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


def test_stats_count_each_lookup_once_by_source_and_intent(api_client, demo_data):
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")
    stats = api_client.get("/cache/stats").json()
    sources = 10  # the capacity plan's sources
    assert stats["misses"] == sources
    assert stats["hits"] == sources
    assert stats["hit_rate"] == 0.5
    assert stats["by_source"]["positions"]["hit"] == 1
    assert stats["by_source"]["positions"]["miss"] == 1
    assert stats["by_intent"]["utilisation"]["hit"] == sources
    assert stats["degraded"] is False


def test_invalidating_a_source_makes_its_next_read_a_miss(api_client, ops_client, demo_data):
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")
    response = ops_client.post("/cache/invalidate", {"source": "positions"}, format="json")
    assert response.status_code == 200
    assert response.json()["tables"] == ["position_nav_master"]
    body = api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json").json()
    assert body["by_source"]["positions"]["cache"] == "miss"
    assert body["by_source"]["currencies"]["cache"] == "hit"
    assert api_client.get("/cache/stats").json()["invalidations"] == 1


def test_invalidating_everything_misses_every_source(api_client, ops_client, demo_data):
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")
    ops_client.post("/cache/invalidate", {}, format="json")
    body = api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json").json()
    assert body["cache"] == "miss"


def test_only_operations_may_invalidate(api_client):
    response = api_client.post("/cache/invalidate", {}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"source": "hedge_positions_v2"}, "source"),
        ({"currency": "XYZ"}, "currency"),
        ({"source": "positions", "currency": "ZZZ"}, "currency"),
    ],
)
def test_a_bad_invalidation_names_the_field(ops_client, body, field):
    response = ops_client.post("/cache/invalidate", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_there_is_no_endpoint_that_flushes_the_cache(ops_client):
    for path in ("/cache/flush", "/cache/clear", "/cache/flushall"):
        assert ops_client.post(path, {}, format="json").status_code == 404


@pytest.mark.redis
def test_stats_report_the_redis_footprint(api_client, demo_data):
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")
    stats = api_client.get("/cache/stats").json()
    assert stats["backend"] == "redis"
    assert stats["keys"] >= 10
    assert stats["memory_bytes"] > 0


@pytest.mark.redis
def test_stats_say_degraded_when_redis_is_down(api_client, redis_proxy):
    redis_proxy.stop()
    response = api_client.get("/cache/stats")
    assert response.status_code == 200
    assert response.json()["degraded"] is True
    assert response.json()["backend"] == "unreachable"


@pytest.mark.redis
def test_cache_errors_are_counted_in_the_shared_statistics(api_client, redis_proxy, demo_data):
    from hawk.datacache import stats
    from hawk.datacache.store import _Down

    redis_proxy.stop()
    degraded = api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json").json()
    assert degraded["cache"] == "degraded"
    redis_proxy.start()
    _Down.until = 0.0  # Redis is tried again at once, not after the 5 s back-off
    api_client.post("/hawk-agent/context", CAPACITY_CHECK, format="json")

    shared = stats.read_counters()  # what every worker reads
    assert shared["error"] == 1
    assert sum(v for k, v in shared.items() if k.startswith("error:source:")) == 1
    assert api_client.get("/cache/stats").json()["errors"] == 1  # not counted twice
    cache.clear()
    assert api_client.get("/cache/stats").json()["errors"] == 0  # nothing kept per process

"""/api/analytics/...: the same figures as the agent's facts, in a bounded number of queries."""

import pytest
from django.utils import timezone

from hawk.models import AgentRun, Currency
from tests.roles import client_with_role


@pytest.fixture
def viewer_client(db, django_user_model):
    return client_with_role(django_user_model, "viewer1", "viewer")


@pytest.fixture
def ops_client(db, django_user_model):
    return client_with_role(django_user_model, "ops1", "operations")


def _agent_facts(api_client, currency, category):
    body = {"user_prompt": "figures", "template_category": category, "currency": currency}
    response = api_client.post("/hawk-agent/context", body, format="json")
    assert response.status_code == 200
    return response.json()["facts"]


def test_capacity_equals_the_agent_facts_for_every_demo_currency(
    api_client, viewer_client, demo_data
):
    overview = viewer_client.get("/api/analytics/capacity").json()
    by_currency = {entry["currency"]: entry for entry in overview["currencies"]}
    codes = list(Currency.objects.values_list("currency_code", flat=True))
    assert sorted(by_currency) == sorted(codes)
    for code in codes:
        facts = _agent_facts(api_client, code, "utilisation")
        entry = by_currency[code]
        capacity = facts.get("capacity")
        if capacity is None:
            assert entry["rows"] == []
            continue
        assert {key: entry[key] for key in capacity} == capacity, code
        assert entry["warnings"] == facts["warnings"], code


def test_thresholds_equal_the_agent_facts_for_every_demo_currency(
    api_client, viewer_client, demo_data
):
    overview = viewer_client.get("/api/analytics/thresholds").json()
    assert {row["status"] for row in overview["thresholds"]} >= {"WITHIN", "NOT_COMPUTED"}
    for code in Currency.objects.values_list("currency_code", flat=True):
        facts = _agent_facts(api_client, code, "monitoring")
        own = [row for row in facts["thresholds"] if row["currency"] == code]
        assert [row for row in overview["thresholds"] if row["currency"] == code] == own, code
    not_computed = [r for r in overview["thresholds"] if r["status"] == "NOT_COMPUTED"]
    assert all(row["reason"] for row in not_computed)


def test_one_currency_and_an_as_of_date(viewer_client, demo_data):
    body = viewer_client.get(
        "/api/analytics/capacity", {"currency_code": "cny", "as_of": "2026-10-31"}
    ).json()
    assert body["business_date"] == "2026-10-31"
    assert [entry["currency"] for entry in body["currencies"]] == ["CNY"]
    assert body["currencies"][0]["rows"]


def test_effectiveness_filters_by_currency_code(viewer_client, demo_data):
    body = viewer_client.get("/api/analytics/effectiveness", {"currency_code": "CNY"}).json()
    everything = viewer_client.get("/api/analytics/effectiveness").json()
    assert 0 < len(body["tests"]) < len(everything["tests"])


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/analytics/capacity", "currency"),  # the hedge API's name is the only one
        ("/api/analytics/effectiveness", "currency"),
        ("/api/analytics/thresholds", "currency_code"),
        ("/api/analytics/exceptions", "as_of"),
        ("/api/analytics/usage", "granularty"),
    ],
)
def test_an_unknown_query_parameter_is_a_400_naming_it(viewer_client, demo_data, path, parameter):
    response = viewer_client.get(path, {parameter: "CNY"})

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid_field", [parameter])
    assert "unknown query parameter" in error["fields"][parameter][0]


def test_the_analytics_endpoints_have_their_own_openapi_tag(admin_client):
    paths = admin_client.get("/api/schema/?format=json").json()["paths"]
    tags = {path: paths[path]["get"]["tags"] for path in paths if "/api/analytics/" in path}
    assert len(tags) == 5
    assert set(map(tuple, tags.values())) == {("analytics",)}


def test_a_bad_date_is_a_400_naming_it(viewer_client, demo_data):
    response = viewer_client.get("/api/analytics/capacity", {"as_of": "soon"})
    assert response.status_code == 400
    assert "as_of" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/api/analytics/capacity", 15),
        ("/api/analytics/thresholds", 9),
        ("/api/analytics/effectiveness", 4),
        ("/api/analytics/exceptions", 12),
        ("/api/analytics/usage", 12),
    ],
)
def test_queries_do_not_grow_with_rows(
    viewer_client, demo_data, django_assert_max_num_queries, path, queries
):
    """The counts include the token (1) and the permission check (2; 1 for usage's role)."""
    viewer_client.get("/api/analytics/capacity")  # the token's user and roles are looked up once
    with django_assert_max_num_queries(queries):
        assert viewer_client.get(path).status_code == 200


def test_effectiveness_by_period_and_currency(viewer_client, demo_data):
    body = viewer_client.get(
        "/api/analytics/effectiveness",
        {"from": "2026-01-01", "to": "2026-12-31", "currency_code": "CNY"},
    ).json()
    assert body["summary"]["total"] == len(body["tests"]) > 0
    assert all(test["result"] == "FAIL" for test in body["failures"])


def test_exceptions_list_failed_checks_and_alerts(viewer_client, demo_data):
    body = viewer_client.get("/api/analytics/exceptions").json()
    assert set(body) >= {
        "failed_checks",
        "threshold_alerts",
        "rate_problems",
        "data_quality",
        "stuck_instructions",
    }
    assert body["failed_checks"]


def test_usage_counts_runs_and_only_operations_see_users(
    viewer_client, ops_client, user, demo_data
):
    AgentRun.objects.create(
        user=user, prompt="p", intent="utilisation", backend="builtin", status="completed",
        cache_status="hit", answer_cache="miss",
        timings={"total_ms": 120.0, "first_token_ms": 40.0},
        total_price="0.0100000", prompt_tokens=10, completion_tokens=5, feedback_rating="like",
    )  # fmt: skip
    AgentRun.objects.create(
        user=user, prompt="q", intent="inquiry", status="failed", created_at=timezone.now()
    )
    body = viewer_client.get("/api/analytics/usage", {"granularity": "hour"}).json()
    assert body["totals"]["runs"] == 2
    assert body["by_intent"] == {"inquiry": 1, "utilisation": 1}
    assert body["data_cache"]["hit_rate"] == 1.0
    assert body["latency_ms"]["total_ms"]["p50"] == 120.0
    assert body["totals"]["likes"] == 1 and body["totals"]["cost"] == "0.0100000"
    assert viewer_client.get("/api/analytics/usage", {"group_by": "user"}).status_code == 403
    users = ops_client.get("/api/analytics/usage", {"group_by": "user"}).json()
    assert users["most_active"][0] == {
        "user": "analyst1",
        "runs": 2,
        "tokens": 15,
        "cost": "0.0100000",
    }


def test_a_cost_of_zero_or_one_tenth_of_a_micro_dollar_is_plain_text(viewer_client, user, db):
    AgentRun.objects.create(user=user, prompt="free", total_price="0", status="completed")
    body = viewer_client.get("/api/analytics/usage").json()
    assert body["totals"]["cost"] == "0.0000000"
    AgentRun.objects.create(user=user, prompt="tiny", total_price="0.0000001", status="completed")
    body = viewer_client.get("/api/analytics/usage").json()
    assert body["totals"]["cost"] == "0.0000001"

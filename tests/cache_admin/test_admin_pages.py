"""The operators' cache pages in the admin: entries, one entry, invalidate, warm, statistics.

They run on whichever cache the suite is given: Redis in CI, local memory without REDIS_URL.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from cache_admin.snapshots import record_snapshot
from cache_admin.templatetags.cache_words import duration, percent
from hawk.datacache.entries import cache_entries
from hawk.models import AgentRun
from hawk.sources import SOURCES

pytestmark = pytest.mark.django_db


def staff_client(django_user_model, role: str) -> Client:
    member = django_user_model.objects.create_user(f"{role}-staff", password="x-9", is_staff=True)
    member.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def operator(django_user_model):
    return staff_client(django_user_model, "operations")


@pytest.fixture
def cached_cny(api_client, demo_data):
    """The data of one CNY capacity check, now in the data cache."""
    response = api_client.post(
        "/hawk-agent/context", {"user_prompt": "Check if I can hedge 150K CNY today"}, "json"
    )
    assert response.status_code == 200
    return response.json()


def test_the_page_lists_every_entry_with_size_age_and_generation(operator, cached_cny):
    page = operator.get(reverse("admin:cache_admin_cacheentry_changelist"))

    assert page.status_code == 200
    entries = page.context["entries"]
    assert {entry.source for entry in entries} == {s["name"] for s in cached_cny["sources"]}
    assert all(entry.current and entry.size_bytes > 0 for entry in entries)
    assert all(entry.age_seconds is not None and entry.age_seconds >= 0 for entry in entries)
    positions = next(entry for entry in entries if entry.source == "positions")
    assert positions.records == cached_cny["by_source"]["positions"]["records"]
    assert positions.filters["currency_code"] == "CNY"


def test_one_entry_shows_its_filters_and_rows(operator, cached_cny):
    entries = operator.get(reverse("admin:cache_admin_cacheentry_changelist")).context["entries"]
    positions = next(entry for entry in entries if entry.source == "positions")

    page = operator.get(reverse("admin:cache_admin_entry", args=[positions.key]))

    assert page.status_code == 200
    assert "ENTITY" in page.context["rows_json"]
    assert '"currency_code": "CNY"' in page.context["filters_json"]


def test_an_unknown_entry_is_a_404(operator, db):
    assert operator.get(reverse("admin:cache_admin_entry", args=["data:nope:0"])).status_code == 404


def test_invalidating_a_source_supersedes_its_entries_and_no_others(operator, cached_cny):
    url = reverse("admin:cache_invalidate")

    response = operator.post(url, {"source": "positions"})

    assert response.status_code == 302
    entries = operator.get(reverse("admin:cache_admin_cacheentry_changelist")).context["entries"]
    current = {entry.source: entry.current for entry in entries}
    assert current["positions"] is False
    assert current["currencies"] is True


def shown_after(client: Client, response) -> tuple[list[str], list]:
    """The messages and entries of the page a POST redirects to."""
    assert response.status_code == 302
    page = client.get(response["Location"])
    return [str(message) for message in page.context["messages"]], page.context["entries"]


def test_an_unknown_source_is_refused_and_nothing_is_invalidated(operator, cached_cny):
    response = operator.post(reverse("admin:cache_invalidate"), {"source": "murex"})

    shown, entries = shown_after(operator, response)
    assert shown == ["unknown source 'murex'"]
    assert all(entry.current for entry in entries)


def test_warming_fills_the_plans_people_ask_for(operator, user, demo_data):
    AgentRun.objects.create(user=user, prompt="CNY capacity", intent="utilisation",
                            parameters={"currency": "CNY"}, status="completed")  # fmt: skip

    response = operator.post(reverse("admin:cache_warm"))

    shown, entries = shown_after(operator, response)
    assert shown[0].startswith("warmed 1 plans: utilisation CNY")
    sources = {entry.source for entry in entries}
    assert {"positions", "hedged"} <= sources <= set(SOURCES)


def test_statistics_show_the_change_between_snapshots(operator, cached_cny, api_client):
    record_snapshot(force=True)
    api_client.post(
        "/hawk-agent/context", {"user_prompt": "Check if I can hedge 150K CNY today"}, "json"
    )  # fmt: skip  (every source a hit now)
    record_snapshot(force=True)

    page = operator.get(reverse("admin:cache_statistics"))

    assert page.status_code == 200
    latest = page.context["intervals"][0]
    assert latest["miss"] == 0 and latest["hit"] == len(cached_cny["sources"])
    assert latest["hit_rate"] == 1.0


@pytest.mark.parametrize("role", ["viewer", "analyst"])
def test_only_operations_and_admin_see_the_cache_pages(django_user_model, role, db):
    client = staff_client(django_user_model, role)

    page = client.get(reverse("admin:cache_admin_cacheentry_changelist"))
    invalidation = client.post(reverse("admin:cache_invalidate"), {"source": "positions"})

    assert page.status_code == 403
    assert invalidation.status_code == 403


def test_invalidating_one_currency_drops_its_entries_and_keeps_the_others(
    ops_api_client, api_client, demo_data
):
    for code in ("CNY", "HKD"):
        api_client.post("/hawk-agent/context", {"user_prompt": f"Can I hedge 150K {code} today"},
                        "json")  # fmt: skip

    response = ops_api_client.post("/cache/invalidate", {"currency": "cny"}, format="json")

    assert response.status_code == 200
    assert response.json()["currency"] == "CNY"
    assert response.json()["entries_deleted"] > 0
    left = cache_entries()
    assert not any(entry.filters.get("currency_code") == "CNY" for entry in left)
    assert any(entry.filters.get("currency_code") == "HKD" for entry in left)
    again = api_client.post("/hawk-agent/context", {"user_prompt": "Can I hedge 150K CNY today"},
                            "json").json()  # fmt: skip
    assert again["by_source"]["positions"]["cache"] == "miss"
    hkd = api_client.post("/hawk-agent/context", {"user_prompt": "Can I hedge 150K HKD today"},
                          "json").json()  # fmt: skip
    assert hkd["by_source"]["positions"]["cache"] == "hit"


@pytest.fixture
def ops_api_client(django_user_model):
    from tests.roles import client_with_role

    return client_with_role(django_user_model, "ops-api", "operations")


def test_the_page_drops_one_currencys_entries(operator, cached_cny):
    response = operator.post(reverse("admin:cache_invalidate"), {"currency": "cny"})

    shown, entries = shown_after(operator, response)
    assert shown[0].startswith("dropped ") and shown[0].endswith(" entries of CNY")
    assert not any(entry.filters.get("currency_code") == "CNY" for entry in entries)


def test_the_cache_pages_put_filters_ages_and_rates_in_words(operator, cached_cny):
    html = operator.get(reverse("admin:cache_admin_cacheentry_changelist")).content.decode()
    statistics = operator.get(reverse("admin:cache_statistics")).content.decode()

    assert "<td>currency code is CNY; as of date on or before 2026-11-20</td>" in html
    assert "{&#x27;currency_code&#x27;" not in html
    assert re.search(r"<td>\d+ s</td><td>\d+ (h|min) \d+ (min|s)</td>", html)
    assert re.search(r"<tr><th>Hit rate</th><td>(\d+\.\d %|-)</td></tr>", statistics)
    assert "Cache administration" not in operator.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("rate", [0.5743])
def test_a_hit_rate_reads_as_a_percentage(rate):
    assert percent(rate) == "57.4 %"


@pytest.mark.parametrize(
    ("seconds", "words"), [(None, "-"), (12.7, "12 s"), (252, "4 min 12 s"), (7500, "2 h 5 min")]
)
def test_durations_read_in_hours_minutes_and_seconds(seconds, words):
    assert duration(seconds) == words

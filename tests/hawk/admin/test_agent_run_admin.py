"""The run detail page of the admin: the answer's Markdown rendered (and made safe), the plan
and the timings readable."""

from django.contrib.auth.models import Group, Permission
from django.test import Client

from analytics.selectors import usage_overview
from hawk.models import AgentRun
from tests.conftest import restore_roles
from tests.hawk.admin.support import admin_url, change_url

ANSWER = """## Decision: PASS

| entity | available |
|---|---|
| ENT1 | 1,000.00 |

<script>alert(1)</script> [click](javascript:alert(2)) [docs](https://example.com)
"""


def test_the_run_page_renders_the_answer_plan_and_timings(admin_client, db):
    run = AgentRun.objects.create(
        prompt="hedge 150K CNY", answer=ANSWER, status="completed",
        plan={"intent": "utilisation", "data_scope": "targeted", "business_date": "2026-10-31",
              "parameters": {"currency": "CNY"},
              "sources": [{"name": "positions", "filters": {"currency_code": "CNY"}}]},
        timings={"plan_ms": 1.25, "extraction_ms": 12.5, "first_token_ms": None, "total_ms": 40.0},
    )  # fmt: skip

    page = admin_client.get(change_url(run)).content.decode()

    assert "<h2>Decision: PASS</h2>" in page
    assert "<td>ENT1</td>" in page
    assert "<script>alert(1)</script>" not in page
    shown = page.split('class="hawk-answer hawk-scroll"')[1].split("</div>")[0]
    assert "javascript:alert(2)" not in shown
    assert 'href="https://example.com"' in page
    assert "<strong>utilisation</strong>" in page and "<td>positions</td>" in page
    assert "<td>extraction</td>" in page


def test_a_high_risk_answer_carries_a_banner_naming_what_it_contradicts(admin_client, db):
    quality = {
        "risk": "critical",
        "findings": [{"layer": "facts", "message": "decision FAIL, the facts say PASS"}],
    }
    risky = AgentRun.objects.create(prompt="hedge", answer="FAIL", quality=quality)
    quiet = AgentRun.objects.create(prompt="hedge", answer="PASS", quality={"risk": "low"})

    page = admin_client.get(change_url(risky)).content.decode()
    assert "Critical risk: check this answer before relying on it." in page
    assert "decision FAIL, the facts say PASS" in page
    assert "check this answer" not in admin_client.get(change_url(quiet)).content.decode()


def test_an_image_in_an_answer_is_shown_as_a_link_never_loaded(admin_client, db):
    answer = "Look: ![chart](https://evil.example/pixel?d=CNY-capacity) done"
    run = AgentRun.objects.create(prompt="p", answer=answer, status="completed")
    page = admin_client.get(change_url(run)).content.decode()
    shown = page.split('class="hawk-answer hawk-scroll"')[1].split("</div>")[0]
    assert "<img" not in shown
    assert 'href="https://evil.example/pixel?d=CNY-capacity"' in shown
    assert ">chart<" in shown


def test_admin_pages_carry_a_content_security_policy(admin_client, db):
    run = AgentRun.objects.create(prompt="p", answer="a", status="completed")
    policy = admin_client.get(change_url(run))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "img-src 'self'" in policy and "script-src 'self'" in policy


def test_members_of_the_admin_and_operations_groups_open_run_history(db, client, django_user_model):
    restore_roles()
    run = AgentRun.objects.create(prompt="p", answer="a", status="completed")
    for role in ("admin", "operations"):
        member = django_user_model.objects.create_user(f"{role}-staff", is_staff=True)
        member.groups.add(Group.objects.get(name=role))
        client.force_login(member)
        assert client.get(admin_url(AgentRun, "changelist")).status_code == 200, role
        assert client.get(change_url(run)).status_code == 200, role


CAPACITY_TABLE = (
    "| Entity | Name | Type | NAV type | NAV | Buffer | Hedged | Overlay | Limit | Used | "
    "Headroom | Available |\n" + "|---" * 12 + "|\n"
    "| ENTITY0005 | Shanghai Branch | Branch | COI | 1,000,000.00 | 5 % | 200,000.00 | 0.00 | "
    "950,000.00 | 200,000.00 | 750,000.00 | 750,000.00 |\n"
)


CNY_FILTER = {"currency_code__in_or_null": ["CNY"]}


def readable_run(**changes):
    values = {
        "prompt": "Check if I can hedge 150K CNY today", "answer": CAPACITY_TABLE,
        "status": "completed", "backend": "builtin", "total_price": 0,
        "parameters": {"currency": "CNY", "amount": "150000.00", "entity_id": None},
        "usage": {"prompt_tokens": 12000, "completion_tokens": 800, "total_price": "0.0000000"},
        "quality": {"risk": "low", "score": 1.0, "findings": []},
        "plan": {"intent": "utilisation", "data_scope": "targeted", "business_date": "2026-10-31",
                 "parameters": {"currency": "CNY"},
                 "sources": [{"name": "positions", "filters": CNY_FILTER}]},
        "timings": {"total_ms": 40.0}, "feedback_rating": "dislike",
        "feedback_comment": "missed the overlay",
    }  # fmt: skip
    return AgentRun.objects.create(**{**values, **changes})


def test_the_run_pages_tables_scroll_in_their_own_box(admin_client, db):
    page = admin_client.get(change_url(readable_run())).content.decode()

    answer = page.split('<div class="hawk-answer')[1]
    assert answer.startswith(' hawk-scroll"')
    assert "<th>Available</th>" in answer
    assert "hawk/admin.css" in page


def test_the_run_page_shows_its_json_once_structured_and_foldable(admin_client, db):
    page = admin_client.get(change_url(readable_run())).content.decode()

    assert "&quot;currency&quot;" not in page and '{"currency"' not in page
    assert '<details class="hawk-json"' in page
    assert "<dt>currency</dt><dd>CNY</dd>" in page
    assert "<dt>prompt tokens</dt><dd>12,000</dd>" in page
    assert "currency code is one of (or none) CNY" in page  # the plan's filters in words


def test_the_run_page_shows_amounts_readably_and_the_rating(admin_client, db):
    page = admin_client.get(change_url(readable_run())).content.decode()

    assert "0.0000000" not in page
    assert "Disliked: missed the overlay" in page
    priced = admin_client.get(
        change_url(readable_run(total_price="0.0123400", price_currency="USD"))
    )
    assert "0.01234 USD" in priced.content.decode()


def test_rerun_asks_again_as_the_admin_and_opens_the_new_run(
    admin_client, admin_user, committed_demo
):
    old = readable_run(user=None, answer="old answer")

    response = admin_client.post(admin_url(AgentRun, "rerun", old.pk))

    new = AgentRun.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302
    assert response["Location"] == change_url(new)
    assert (new.prompt, new.user_id, new.status) == (old.prompt, admin_user.pk, "completed")
    assert "PASS" in new.answer


def test_rerun_is_a_post_and_needs_the_run_prompts_permission(client, django_user_model, db):
    run = readable_run()
    viewer = django_user_model.objects.create_user("run-viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_agentrun"))
    client.force_login(viewer)

    assert client.get(change_url(run)).status_code == 200
    assert 'value="Re-run"' not in client.get(change_url(run)).content.decode()
    assert client.get(admin_url(AgentRun, "rerun", run.pk)).status_code == 405
    assert client.post(admin_url(AgentRun, "rerun", run.pk)).status_code == 403
    assert AgentRun.objects.count() == 1


# --- rating from the run page ------------------------------------------------------------------


def test_the_asker_rates_their_run_on_its_page_and_analytics_counts_it(admin_client, admin_user):
    run = readable_run(user=admin_user, feedback_rating="", feedback_comment="")
    page = admin_client.get(change_url(run)).content.decode()
    assert '<button type="submit" name="rating" value="like">Like</button>' in page
    assert "csrfmiddlewaretoken" in page.split('id="rate-run"')[1]

    response = admin_client.post(
        admin_url(AgentRun, "rate", run.pk), {"rating": "dislike", "comment": "missed the overlay"}
    )

    assert (response.status_code, response["Location"]) == (302, change_url(run))
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("dislike", "missed the overlay")
    shown = admin_client.get(change_url(run)).content.decode()
    assert "Disliked: missed the overlay" in shown
    totals = usage_overview(runs=AgentRun.objects.all(), granularity="day")["totals"]
    assert (totals["likes"], totals["dislikes"]) == (0, 1)


def test_rating_is_a_post_with_the_csrf_token_and_a_known_rating(admin_user):
    run = readable_run(user=admin_user, feedback_rating="", feedback_comment="")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    rate = admin_url(AgentRun, "rate", run.pk)

    assert browser.get(rate).status_code == 405
    assert browser.post(rate, {"rating": "like"}).status_code == 403  # no CSRF token
    browser.get(change_url(run))
    token = browser.cookies["csrftoken"].value
    refused = browser.post(rate, {"rating": "meh", "csrfmiddlewaretoken": token}, follow=True)
    assert "rating: Select a valid choice" in refused.content.decode()
    run.refresh_from_db()
    assert run.feedback_rating == ""


def test_only_the_asker_rates_a_run_not_someone_who_may_view_it(client, django_user_model, user):
    run = readable_run(user=user, feedback_rating="like", feedback_comment="mine")
    operator = django_user_model.objects.create_user("ops-staff", is_staff=True)
    operator.groups.add(Group.objects.get(name="operations"))
    client.force_login(operator)

    page = client.get(change_url(run)).content.decode()
    response = client.post(admin_url(AgentRun, "rate", run.pk), {"rating": "dislike"})

    assert 'name="rating"' not in page
    assert "Only the person who asked rates a run" in page
    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("like", "mine")

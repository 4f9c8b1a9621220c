"""GET /console/: the page where a signed-in person asks and watches the answer stream; `/`
and the admin's "View site" lead there; its requests work with the session and CSRF."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from templates_app.models import PromptTemplate
from tests.live import analyst, committed_demo, make_user

__all__ = ["analyst", "committed_demo", "make_user"]  # fixtures of the runs, committed

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def signed_in(user):
    """The analyst signed in (a session), with Django's CSRF checks on as in a real browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def templates(demo_data):
    call_command("load_prompt_templates", verbosity=0)


@pytest.fixture
def asker(analyst, committed_demo):
    """A browser session of a committed analyst, over committed demo data: a run reads them
    from its database threads."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    client.get("/console/")  # sets the CSRF cookie, as the page does
    return client


def post_prompt(client: Client, body: dict, *, with_token: bool = True):
    token = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value} if with_token else {}
    return client.post(
        "/hawk-agent/process-prompt", json.dumps(body), content_type="application/json", **token
    )


def json_script(html: str, element_id: str) -> list:
    start = html.index(f'id="{element_id}" type="application/json">') + len(element_id) + 30
    return json.loads(html[start : html.index("</script>", start)])


def test_the_root_leads_to_the_console(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/console/")


def test_the_console_asks_for_a_login_first(client, db):
    response = client.get("/console/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/console/"


def test_the_admin_is_titled_hawk_agent_and_its_view_site_opens_the_console(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "<title>Administration | HAWK Agent</title>" in html
    assert '<a href="/console/">View site</a>' in html


def test_the_console_has_a_question_box_an_answer_region_and_a_stop_button(signed_in, templates):
    html = signed_in.get("/console/").content.decode()

    assert '<label for="question">Question</label>' in html
    assert 'role="region" aria-label="Answer"' in html
    assert '<button type="button" id="stop" disabled>Stop</button>' in html
    assert 'src="/static/console/console.js"' in html


def test_the_console_offers_the_active_templates_with_their_typed_variables(signed_in, templates):
    PromptTemplate.objects.filter(name="Order status").update(status="archived")
    html = signed_in.get("/console/").content.decode()
    offered = {template["name"]: template for template in json_script(html, "console-templates")}

    assert "Order status" not in offered
    assert [f["type"] for f in offered["Hedge capacity check"]["input_fields"]] == [
        "amount",
        "currency",
    ]
    assert {"code": "CNY", "name": "Chinese Yuan Renminbi"} in json_script(
        html, "console-currencies"
    )


def test_a_question_from_the_page_needs_the_csrf_token_of_its_session(asker):
    body = {"user_prompt": "Check if I can hedge 150K CNY today", "stream": False}

    refused = post_prompt(asker, body, with_token=False)
    answered = post_prompt(asker, body)

    assert refused.status_code == 403
    assert answered.status_code == 200
    assert answered.json()["answer"].startswith("## CNY 150,000.00: PASS")


def test_a_template_with_its_variables_needs_no_question(asker):
    call_command("load_prompt_templates", verbosity=0)
    template = PromptTemplate.objects.get(name="Hedge capacity check")
    variables = {"amount": "150K", "currency": "CNY"}

    response = post_prompt(
        asker, {"template_id": template.pk, "template_variables": variables, "stream": False}
    )

    assert response.status_code == 200
    assert response.json()["answer"].startswith("## CNY 150,000.00: PASS")


def test_without_a_template_a_question_is_required(asker):
    response = post_prompt(asker, {"stream": False})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["user_prompt"]


def test_the_console_says_a_high_risk_answer_above_the_answer(signed_in):
    page = signed_in.get("/console/").content.decode()
    script = (ROOT / "hawk" / "static" / "console" / "console.js").read_text()
    assert '<p id="risk-banner" class="risk-banner" role="alert" hidden></p>' in page
    assert 'if (event.code === "quality_warning") showRiskBanner(event.message);' in script

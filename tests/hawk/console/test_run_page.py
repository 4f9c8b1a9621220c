"""The console's own login (an analyst need not be staff) and its run page: the run link the
console shows opens the asker's run, read-only, with the answer and a rating form; other
people's runs stay hidden from an analyst."""

import json
from pathlib import Path

import pytest
from django.test import Client

from hawk.models import AgentRun
from tests.live import PROMPT, analyst, committed_demo, make_user

__all__ = ["analyst", "committed_demo", "make_user"]  # fixtures of the runs, committed

PASSWORD = "run-page-password-1"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def plain_analyst(analyst):
    """An analyst as most are: not staff, in no other group, with a password."""
    assert not analyst.is_staff
    analyst.set_password(PASSWORD)
    analyst.save()
    return analyst


def logged_in(username: str) -> Client:
    """A browser session made through the console's login form, CSRF checks on."""
    client = Client(enforce_csrf_checks=True)
    form = client.get("/accounts/login/?next=/console/")
    assert form.status_code == 200
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/?next=/console/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert (response.status_code, response["Location"]) == (302, "/console/")
    return client


def ask(client: Client) -> AgentRun:
    client.get("/console/")  # the CSRF cookie, as the page sets it
    response = client.post(
        "/hawk-agent/process-prompt",
        json.dumps({"user_prompt": PROMPT, "stream": False}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200
    return AgentRun.objects.get(run_id=response.json()["run_id"])


def test_the_console_asks_for_its_own_login_first(client, db):
    response = client.get("/console/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/console/")
    page = client.get(response["Location"]).content.decode()
    assert '<label for="id_username">Username:</label>' in page
    assert "<title>Log in | HAWK Agent</title>" in page


def test_an_analyst_who_is_not_staff_logs_in_asks_and_opens_their_runs_page(
    plain_analyst, committed_demo
):
    client = logged_in(plain_analyst.username)
    console = client.get("/console/").content.decode()
    assert client.get("/console/").status_code == 200
    assert 'href="/admin/"' not in console  # the admin would refuse them: no link to it
    run = ask(client)

    response = client.get(f"/console/runs/{run.run_id}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert PROMPT in page
    assert "<h2>CNY 150,000.00: PASS</h2>" in page  # the answer, rendered
    assert '<button type="submit" name="rating" value="like">Like</button>' in page
    assert f'href="/admin/hawk/agentrun/{run.run_id}/change/"' not in page


def test_the_console_links_each_answer_to_its_run_page():
    script = (ROOT / "hawk" / "static" / "console" / "console.js").read_text()

    assert '"/console/runs/" + state.runId + "/"' in script
    assert "/admin/hawk/agentrun/" not in script


def test_an_analyst_gets_404_for_someone_elses_run(plain_analyst, make_user):
    other = make_user("other-analyst", "analyst")
    theirs = AgentRun.objects.create(user=other, prompt="their question", answer="their answer")
    client = logged_in(plain_analyst.username)

    for url in (f"/console/runs/{theirs.run_id}/", f"/console/runs/{theirs.run_id}/rate/"):
        method = client.post if url.endswith("rate/") else client.get
        response = method(
            url, {"rating": "like"}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
        )
        assert response.status_code == 404, url
        assert "their answer" not in response.content.decode()
    assert client.get(f"/admin/hawk/agentrun/{theirs.run_id}/change/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.feedback_rating == ""


def test_the_asker_rates_the_run_from_its_page(plain_analyst, transactional_db):
    run = AgentRun.objects.create(user=plain_analyst, prompt="q", answer="a", status="completed")
    client = logged_in(plain_analyst.username)
    client.get(f"/console/runs/{run.run_id}/")

    response = client.post(
        f"/console/runs/{run.run_id}/rate/",
        {"rating": "like", "comment": "clear"},
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert (response.status_code, response["Location"]) == (302, f"/console/runs/{run.run_id}/")
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("like", "clear")
    page = client.get(f"/console/runs/{run.run_id}/").content.decode()
    assert "Liked: clear" in page


def test_operations_see_any_run_on_the_console_and_the_admin_link_but_do_not_rate_it(
    plain_analyst, make_user
):
    operator = make_user("ops-person", "operations")
    operator.is_staff = True
    operator.set_password(PASSWORD)
    operator.save()
    theirs = AgentRun.objects.create(user=plain_analyst, prompt="q", answer="their answer")
    client = logged_in(operator.username)

    page = client.get(f"/console/runs/{theirs.run_id}/").content.decode()

    assert "their answer" in page
    assert f'href="/admin/hawk/agentrun/{theirs.run_id}/change/"' in page
    assert 'name="rating"' not in page


def test_logging_out_of_the_console_is_a_post_and_ends_the_session(plain_analyst):
    client = logged_in(plain_analyst.username)
    assert 'action="/accounts/logout/"' in client.get("/console/").content.decode()

    client.post("/accounts/logout/", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert client.get("/console/").status_code == 302

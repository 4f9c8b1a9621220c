"""`manage.py hawk_ask`: a prompt run in the terminal, streamed, and recorded like any run."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hawk.models import AgentRun
from tests.live import PROMPT


def ask(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("hawk_ask", *args, stdout=out, **options)
    return out.getvalue()


@pytest.mark.usefixtures("committed_demo")
def test_it_prints_the_plan_the_pass_report_and_the_closing_line():
    lines = ask(PROMPT).splitlines()
    assert lines[0].startswith("Intent utilisation {")
    assert "'currency': 'CNY'" in lines[0] and "'amount': '150000.00'" in lines[0]
    assert lines[1].startswith("Reading: currencies, entities, ")
    assert lines[2].startswith("Read ") and lines[2].endswith("(cache: miss)")
    assert "## CNY 150,000.00: PASS" in lines
    assert "### Decision: PASS" in lines
    assert lines[-1].startswith("[builtin; answer cache miss; quality 1.0; timings {")
    run = AgentRun.objects.get()
    assert (run.status, run.channel, run.backend, run.user_id) == ("completed", "cli", "builtin",
                                                                   None)  # fmt: skip
    assert "## CNY 150,000.00: PASS" in run.answer


@pytest.mark.usefixtures("committed_demo")
def test_the_run_is_recorded_under_the_given_user(analyst):
    ask(PROMPT, user=analyst.username)
    assert AgentRun.objects.get().user_id == analyst.pk


@pytest.mark.usefixtures("committed_demo")
def test_json_prints_every_event_in_order():
    events = [json.loads(line) for line in ask(PROMPT, json=True).splitlines()]
    names = [event["event"] for event in events]
    assert names[:3] == ["hawk_plan", "hawk_context", "hawk_facts"]
    assert set(names[3:-1]) == {"message"} and names[-1] == "message_end"
    assert {event["run_id"] for event in events} == {str(AgentRun.objects.get().run_id)}


@pytest.mark.usefixtures("committed_demo")
def test_a_failed_analysis_is_a_command_error_after_the_partial_answer(dify_server):
    dify_server.scenario = "error_mid_stream"
    out = StringIO()
    with pytest.raises(CommandError, match=r"^analysis_failed: .*upstream model unavailable"):
        call_command("hawk_ask", PROMPT, stdout=out)
    assert "".join(dify_server.answers) in out.getvalue()
    assert AgentRun.objects.get().status == "failed"


def test_a_bad_currency_option_is_a_command_error_naming_currency(db):
    with pytest.raises(CommandError) as error:
        ask("hedge 1M", currency="XYZ")
    assert "currency" in json.loads(str(error.value))
    assert not AgentRun.objects.exists()


def test_an_unknown_user_is_a_command_error(db):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        ask(PROMPT, user="nobody")


@pytest.mark.usefixtures("committed_demo")
def test_an_unclear_prompt_streams_a_notice_and_an_answer_that_asks():
    events = [json.loads(line) for line in ask("CNY 150k", json=True).splitlines()]
    names = [event["event"] for event in events]
    assert names[:2] == ["hawk_plan", "hawk_notice"]
    assert events[0]["clarification"]["question"] == events[1]["message"]
    assert events[1]["code"] == "unclear_request"
    answer = "".join(event["answer"] for event in events if event["event"] == "message")
    assert answer.startswith("## Your request is unclear")
    assert "HAWK understood: 150,000.00 CNY." in answer
    assert "Check if I can hedge 150,000.00 CNY today" in answer


@pytest.mark.usefixtures("committed_demo")
def test_a_date_without_positions_streams_an_as_of_notice_and_names_the_date():
    events = [
        json.loads(line) for line in ask("CNY capacity as of 2026-10-01", json=True).splitlines()
    ]
    notices = [event for event in events if event["event"] == "hawk_notice"]
    assert [notice["code"] for notice in notices] == ["as_of_not_available"]
    answer = "".join(event["answer"] for event in events if event["event"] == "message")
    assert "Figures as of 2026-10-01" in answer
    assert "the nearest earlier ones, of 2026-09-30, are used" in answer

"""Prompt history over HTTP: GET /hawk-agent/runs and /runs/<id>, POST /runs/<id>/stop and
/runs/<id>/feedback (forwarded to Dify only for Dify's answers)."""

import datetime
import logging
import uuid
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hawk.models import AgentRun
from hawk.pipeline.run import control as run_control
from tests.live import PROMPT

RUNS = "/hawk-agent/runs"
NOW = timezone.now()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def make_run(user: Any, minutes_ago: int = 0, **fields: Any) -> AgentRun:
    values = {
        "prompt": PROMPT, "intent": "utilisation", "status": "completed", "backend": "builtin",
        "answer": "## CNY 150,000.00: PASS\n", "plan": {"intent": "utilisation", "sources": []},
        "timings": {"plan_ms": 1.5, "extraction_ms": 20.0, "first_token_ms": 25.0,
                    "total_ms": 40.0},
        "usage": {"total_tokens": 0, "total_price": "0"},
        "quality": {"score": 1.0, "checked": 3, "verified": 3, "unverified_numbers": []},
        "quality_score": Decimal("1.0000"), "message_id": str(uuid.uuid4()),
        "created_at": NOW - datetime.timedelta(minutes=minutes_ago),
    }  # fmt: skip
    return AgentRun.objects.create(user=user, **(values | fields))


def run_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [run["run_id"] for run in response.json()["results"]]


@pytest.fixture
def someone_else(db, django_user_model) -> Any:
    other = django_user_model.objects.create_user("analyst2", password="not-used-2")
    other.groups.add(Group.objects.get(name="analyst"))
    return other


# --- list and detail ----------------------------------------------------------------------------


def test_the_list_filters_by_the_apps_msg_uid_and_instruction_id(api_client, user):
    asked = make_run(user, msg_uid="MSG-20261120-00001", instruction_id="INS-00001")
    again = make_run(user, msg_uid="MSG-20261120-00002", instruction_id="INS-00001", minutes_ago=1)
    make_run(user)
    by_msg = api_client.get(RUNS, {"msg_uid": "MSG-20261120-00001"})
    assert run_ids(by_msg) == [str(asked.run_id)]
    assert by_msg.json()["results"][0]["msg_uid"] == "MSG-20261120-00001"
    assert by_msg.json()["results"][0]["instruction_id"] == "INS-00001"
    by_instruction = api_client.get(RUNS, {"instruction_id": "INS-00001"})
    assert run_ids(by_instruction) == [str(asked.run_id), str(again.run_id)]


def test_the_list_holds_only_your_runs_newest_first(api_client, user, someone_else):
    older, newer = make_run(user, minutes_ago=5), make_run(user, minutes_ago=1)
    make_run(someone_else)
    assert run_ids(api_client.get(RUNS)) == [str(newer.run_id), str(older.run_id)]


def test_the_list_filters_by_status_intent_session_and_time(api_client, user):
    failed = make_run(user, status="failed", session_id="tab-1", minutes_ago=1)
    inquiry = make_run(user, intent="inquiry", session_id="tab-2", minutes_ago=2)
    make_run(user, session_id="tab-1", minutes_ago=10)
    assert run_ids(api_client.get(RUNS, {"status": "failed"})) == [str(failed.run_id)]
    assert run_ids(api_client.get(RUNS, {"intent": "inquiry"})) == [str(inquiry.run_id)]
    assert run_ids(api_client.get(RUNS, {"session_id": "tab-2"})) == [str(inquiry.run_id)]
    both = {"session_id": "tab-1", "status": "failed"}
    assert run_ids(api_client.get(RUNS, both)) == [str(failed.run_id)]
    since = (NOW - datetime.timedelta(minutes=5)).isoformat()
    assert run_ids(api_client.get(RUNS, {"since": since})) == [
        str(failed.run_id),
        str(inquiry.run_id),
    ]


def test_an_unknown_status_filter_is_a_400_naming_status(api_client):
    response = api_client.get(RUNS, {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


def test_the_list_is_paginated(api_client, user):
    runs = [make_run(user, minutes_ago=minutes) for minutes in range(52)]
    first = api_client.get(RUNS).json()
    assert first["count"] == 52
    assert [run["run_id"] for run in first["results"]] == [str(r.run_id) for r in runs[:50]]
    second = api_client.get(first["next"]).json()
    assert [run["run_id"] for run in second["results"]] == [str(r.run_id) for r in runs[50:]]
    assert second["next"] is None


def test_operations_see_everyones_runs(user, someone_else, django_user_model):
    operator = django_user_model.objects.create_user("ops1", password="not-used-3")
    operator.groups.add(Group.objects.get(name="operations"))
    mine, theirs = make_run(user, minutes_ago=2), make_run(someone_else, minutes_ago=1)
    ops = client_for(operator)
    assert run_ids(ops.get(RUNS)) == [str(theirs.run_id), str(mine.run_id)]
    assert ops.get(f"{RUNS}/{mine.run_id}").json()["answer"] == mine.answer


def test_the_detail_has_answer_plan_timings_usage_and_quality(api_client, user):
    run = make_run(user, usage={"prompt_tokens": 1033, "total_price": "0.0013030"},
                   prompt_tokens=1033, total_price=Decimal("0.0013030"))  # fmt: skip
    detail = api_client.get(f"{RUNS}/{run.run_id}").json()
    assert detail["run_id"] == str(run.run_id)
    assert detail["answer"] == run.answer
    assert detail["plan"] == run.plan
    assert detail["timings"] == run.timings
    assert detail["usage"] == run.usage
    assert detail["quality"] == run.quality
    assert detail["quality_score"] == "1.0000"
    assert (detail["prompt_tokens"], detail["total_price"]) == (1033, "0.0013030")
    assert detail["status"] == "completed"


def test_another_users_run_is_not_found(api_client, someone_else):
    theirs = make_run(someone_else, status="running")
    for response in (
        api_client.get(f"{RUNS}/{theirs.run_id}"),
        api_client.post(f"{RUNS}/{theirs.run_id}/stop"),
        api_client.post(f"{RUNS}/{theirs.run_id}/feedback", {"rating": "like"}, format="json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert (theirs.status, theirs.feedback_rating) == ("running", "")


# --- stop ---------------------------------------------------------------------------------------


def test_stopping_a_finished_run_is_a_conflict(api_client, user):
    run = make_run(user, status="completed")
    response = api_client.post(f"{RUNS}/{run.run_id}/stop")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    run.refresh_from_db()
    assert run.status == "completed"


def test_stopping_a_run_of_another_worker_raises_the_shared_stop_flag(api_client, user):
    run = make_run(user, status="running")
    response = api_client.post(f"{RUNS}/{run.run_id}/stop")
    assert response.status_code == 200
    assert response.json() == {"run_id": str(run.run_id), "stopping": True,
                               "in_this_worker": False}  # fmt: skip
    # What the worker streaming that run checks between answer chunks:
    with pytest.raises(run_control.RunStopped):
        async_to_sync(run_control.raise_if_stopped)(run.run_id)
    run_control.unregister(run.run_id)


# --- feedback -----------------------------------------------------------------------------------


def test_feedback_on_a_builtin_run_is_stored_and_not_forwarded(api_client, user, dify_server):
    run = make_run(user, backend="builtin")
    body = {"rating": "dislike", "comment": "the buffer looks wrong"}
    response = api_client.post(f"{RUNS}/{run.run_id}/feedback", body, format="json")
    assert response.status_code == 200
    assert response.json() == {"run_id": str(run.run_id), "rating": "dislike",
                               "forwarded_to_dify": False}  # fmt: skip
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("dislike", "the buffer looks wrong")
    assert dify_server.requests == []


def test_a_null_rating_clears_the_feedback(api_client, user):
    run = make_run(user, feedback_rating="like")
    response = api_client.post(f"{RUNS}/{run.run_id}/feedback", {"rating": None}, format="json")
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.feedback_rating == ""


def test_a_bad_rating_is_a_400_naming_rating(api_client, user):
    run = make_run(user)
    response = api_client.post(f"{RUNS}/{run.run_id}/feedback", {"rating": "meh"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid_field", ["rating"])
    run.refresh_from_db()
    assert run.feedback_rating == ""


@pytest.mark.usefixtures("committed_demo")
def test_feedback_on_a_dify_run_is_forwarded_to_dify(analyst, analyst_token, dify_server):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {analyst_token}")
    body = {"user_prompt": PROMPT, "stream": False}
    answered = client.post("/hawk-agent/process-prompt", body, format="json").json()
    assert answered["backend"] == "dify"
    run = AgentRun.objects.get(run_id=answered["run_id"])

    body = {"rating": "like", "comment": "clear"}
    response = client.post(f"{RUNS}/{run.run_id}/feedback", body, format="json")
    assert response.status_code == 200
    assert response.json()["forwarded_to_dify"] is True
    [forwarded] = [r for r in dify_server.requests if r.path.endswith("/feedbacks")]
    assert forwarded.path == f"/v1/messages/{run.message_id}/feedbacks"
    assert forwarded.body == {"rating": "like", "user": f"hawk-user-{analyst.pk}",
                              "content": "clear"}  # fmt: skip
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("like", "clear")


def feedback(client: APIClient, run: AgentRun, rating: str = "like", comment: str = "") -> Any:
    body = {"rating": rating, "comment": comment}
    return client.post(f"{RUNS}/{run.run_id}/feedback", body, format="json")


def test_feedback_on_a_replayed_answer_is_stored_and_not_forwarded(api_client, user, dify_server):
    # A replay carries a message id made up for it: Dify never saw it.
    run = make_run(user, backend="dify", answer_cache="hit")
    response = feedback(api_client, run, "like", "useful")
    assert response.status_code == 200
    assert response.json()["forwarded_to_dify"] is False
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("like", "useful")
    assert dify_server.requests == []


def test_feedback_is_stored_when_dify_does_not_know_the_message(api_client, user, dify_server,
                                                                 caplog):  # fmt: skip
    run = make_run(user, backend="dify")  # a message id the stand-in never issued: its 404
    response = feedback(api_client, run, "dislike", "wrong buffer")
    assert response.status_code == 200
    assert response.json() == {
        "run_id": str(run.run_id), "rating": "dislike", "forwarded_to_dify": False,
        "forward_error": "not_found",
    }  # fmt: skip
    run.refresh_from_db()
    assert (run.feedback_rating, run.feedback_comment) == ("dislike", "wrong buffer")
    assert "feedback on run" in caplog.text and "not forwarded to Dify (not_found)" in caplog.text


def test_feedback_is_stored_when_dify_is_down(api_client, user, dify_server, caplog):
    dify_server.stop()
    run = make_run(user, backend="dify")
    with caplog.at_level(logging.WARNING, logger="hawk.pipeline.run.feedback"):
        response = feedback(api_client, run, "like")
    assert response.status_code == 200
    assert response.json()["forwarded_to_dify"] is False
    assert response.json()["forward_error"] == "connection_error"
    run.refresh_from_db()
    assert run.feedback_rating == "like"
    assert "not forwarded to Dify (connection_error)" in caplog.text


def test_operations_may_not_rate_someone_elses_run(user, django_user_model):
    operator = django_user_model.objects.create_user("ops2", password="not-used-4")
    operator.groups.add(Group.objects.get(name="operations"))
    theirs = make_run(user, feedback_rating="like", feedback_comment="mine")
    response = feedback(client_for(operator), theirs, "dislike", "overwritten")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    theirs.refresh_from_db()
    assert (theirs.feedback_rating, theirs.feedback_comment) == ("like", "mine")

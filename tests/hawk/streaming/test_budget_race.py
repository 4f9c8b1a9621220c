"""Two budgets racing across two worker processes: three users post three runs each at once,
spread over two uvicorn workers, against an overall daily budget that allows two Dify answers
(0.025 USD) and a per-user budget that allows one (0.015 USD), with Dify charging 0.01 an
answer. Each reservation is made under one Postgres advisory lock whichever worker makes it,
so exactly two runs reach Dify, of two different users; the rest get the built-in analyst."""

import asyncio
from decimal import Decimal

import httpx
import pytest
from django.db.models import Sum
from rest_framework.authtoken.models import Token

from hawk.models import AgentRun
from tests import dify_server as dify_stand_in
from tests.dify_server import API_KEY, USAGE
from tests.live import PROMPT
from tests.uvicorn_process import uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("committed_demo")]
USERS, RUNS_EACH = 3, 3


async def post_all(urls: list[str], tokens: list[str]) -> list[dict]:
    """Every user's runs at once, alternating between the workers; their last events."""
    body = {"user_prompt": PROMPT, "stream": False, "use_cache": False}
    async with httpx.AsyncClient(timeout=60) as client:
        requests = [
            client.post(
                f"{urls[(user + run) % len(urls)]}/hawk-agent/process-prompt",
                json=body,
                headers={"Authorization": f"Token {token}"},
            )
            for user, token in enumerate(tokens)
            for run in range(RUNS_EACH)
        ]
        responses = await asyncio.gather(*requests)
    assert [response.status_code for response in responses] == [200] * len(requests)
    return [response.json() for response in responses]


def test_two_workers_racing_two_budgets_never_send_more_than_both_allow(
    dify_server, make_user, monkeypatch
):
    monkeypatch.setattr(dify_stand_in, "USAGE", {**USAGE, "total_price": "0.01"})
    dify_server.scenario, dify_server.delay = "answer", 0.05
    users = [make_user(f"racer-{number}", "analyst") for number in range(USERS)]
    tokens = [Token.objects.create(user=user).key for user in users]
    env = {
        "DIFY_BASE_URL": dify_server.url,
        "DIFY_API_KEY": API_KEY,
        "HAWK_BUDGET_DAILY_USD": "0.025",
        "HAWK_BUDGET_USER_DAILY_USD": "0.015",
        "HAWK_BUDGET_RUN_RESERVE_USD": "0.01",
    }
    with uvicorn_process(**env) as first, uvicorn_process(**env) as second:
        asyncio.run(post_all([first.url, second.url], tokens))

    assert len(dify_server.chat_requests()) == 2
    runs = AgentRun.objects.filter(user__in=users)
    by_dify = runs.filter(backend="dify")
    assert by_dify.count() == 2
    assert by_dify.values("user").distinct().count() == 2  # never two of one user
    assert runs.filter(backend="builtin").count() == USERS * RUNS_EACH - 2
    spent = runs.aggregate(total=Sum("total_price"), reserved=Sum("reserved_usd"))
    assert (spent["total"], spent["reserved"]) == (Decimal("0.02"), 0)

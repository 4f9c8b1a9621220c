"""JSON columns on Postgres are written by orjson (hawk.database.postgresql: a run's history
row has four): what is stored reads back as json.dumps would have stored it, and what
json.dumps refused is still refused."""

import datetime
import json
import uuid
from typing import Any

import pytest
from django.db import connection, transaction

from hawk.database.postgresql.base import json_dumps
from hawk.models import AgentRun

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VALUES: list[Any] = [
    {"intent": "capacity", "parameters": {"currency": "CNY", "amount": "150000"}},
    {"note": 'élan 円 \u2028 "quoted" \\ back', "nested": [[1, 2.5, None, True], {}]},
    {"big": 2**70, "small": -(2**63)},  # past orjson's 64 bits: json.dumps writes it
    {1: "one", None: "none", 2.5: "half"},  # keys json.dumps turns into text
    [0.1, 1e16, -0.0, 123456789.123456789],
]


def stored(value: Any) -> Any:
    run_id = uuid.uuid4()
    AgentRun.objects.create(run_id=run_id, prompt="p", usage=value)
    return AgentRun.objects.get(run_id=run_id).usage


@pytest.mark.parametrize("value", VALUES)
def test_a_json_value_reads_back_as_json_dumps_would_have_stored_it(value):
    assert stored(value) == json.loads(json.dumps(value))


def test_the_backend_writes_json_columns_with_orjson():
    adapted = connection.ops.adapt_json_value({"a": 1}, None)
    assert adapted.dumps is json_dumps
    assert json_dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'.encode()


def test_what_json_dumps_refused_is_still_refused():
    with pytest.raises(TypeError), transaction.atomic():
        stored({"when": datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)})
    assert not AgentRun.objects.exists()

"""Parallel creates of one key: the database decides, one wins and the others are told so
(409 `conflict` naming the key for hedge rows, 400 naming `name` for templates); no silent
overwrite, no 500."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from hawk.models import Currency
from templates_app.models import PromptTemplate
from tests.templates_app.helpers import CAPACITY, role_client

pytestmark = pytest.mark.postgres
PARALLEL = 6


def in_parallel(client: APIClient, call: Callable[[int], Any]) -> list[Any]:
    """`call(i)` from PARALLEL threads released together; each closes its connection. One
    request first: the client's handler loads the middleware once, not in every thread."""
    client.get("/health/live")
    barrier = Barrier(PARALLEL)

    def each(number: int) -> Any:
        barrier.wait()
        try:
            return call(number)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(each, range(PARALLEL)))


def test_parallel_creates_of_one_currency_code_make_one_row_and_conflicts(
    transactional_db, django_user_model
):
    client = role_client(django_user_model, "operations", "ops1")

    def create(number: int) -> Any:
        body = {"currency_code": "ZZZ", "currency_name": f"Writer {number}"}
        return client.post("/api/hedge/currencies/", body, format="json")

    responses = in_parallel(client, create)
    assert sorted(r.status_code for r in responses) == [201] + [409] * (PARALLEL - 1)
    winner = next(r for r in responses if r.status_code == 201).json()
    assert Currency.objects.get(pk="ZZZ").currency_name == winner["currency_name"]
    conflicts = [r.json()["error"] for r in responses if r.status_code == 409]
    assert all(e["code"] == "conflict" and "'ZZZ'" in e["message"] for e in conflicts)


def test_parallel_template_creates_with_one_name_make_one_template_and_400s(
    transactional_db, django_user_model
):
    client = role_client(django_user_model, "analyst", "analyst1")

    def create(number: int) -> Any:
        body = {**CAPACITY, "name": "Raced", "description": f"writer {number}"}
        return client.post("/api/templates/", body, format="json")

    responses = in_parallel(client, create)
    assert sorted(r.status_code for r in responses) == [201] + [400] * (PARALLEL - 1)
    refusals = [r.json()["error"] for r in responses if r.status_code == 400]
    assert all("name" in error["fields"] for error in refusals)
    assert PromptTemplate.objects.filter(name="Raced").count() == 1

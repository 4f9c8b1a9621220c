"""Writes made outside Django (psycopg on its own connection, psql), and the capacity answer
that must show exactly what they committed."""

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import psycopg
from django.db import connection
from psycopg.conninfo import make_conninfo

from hawk.pipeline.prepare import Prepared, PromptInput, prepare

PROMPT = "Check if I can hedge 150K CNY today"


def database_conninfo() -> str:
    settings = connection.settings_dict
    parts = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": settings["NAME"],
    }
    return make_conninfo(**{key: value for key, value in parts.items() if value})


@contextmanager
def outside() -> Iterator[psycopg.Connection]:
    """A connection of its own, as an operator's psql or the platform's services have."""
    with psycopg.connect(database_conninfo(), autocommit=True) as conn:
        yield conn


def psql(statement: str, stdin: str | None = None) -> None:
    """The statement run by psql itself, as an operator would (\\copy reads `stdin`)."""
    command = ["psql", "-v", "ON_ERROR_STOP=1", "-q", database_conninfo(), "-c", statement]
    subprocess.run(command, input=stdin, text=True, check=True, capture_output=True, timeout=30)


def ask(*, use_cache: bool = True) -> Prepared:
    return prepare(PromptInput(PROMPT, use_cache=use_cache))


def assert_exact(prepared: Prepared) -> None:
    """The answer was computed from exactly what Postgres holds: every source's records and
    every fact equal a read that bypasses the cache."""
    truth = ask(use_cache=False)
    assert prepared.extraction.records == truth.extraction.records
    assert prepared.facts.facts == truth.facts.facts


def positions(prepared: Prepared) -> dict[str, Decimal]:
    """nav_id -> current_position of the CNY positions the answer was computed from."""
    return {
        row["nav_id"]: row["current_position"] for row in prepared.extraction.records["positions"]
    }

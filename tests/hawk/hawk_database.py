"""A HAWK-shaped Postgres database as the platform has it: the tables of HAWK_SCHEMA.md made
with plain CREATE TABLE (not our migrations), in a scratch database beside the test database.
Shared by the bundle round trip and the live-mode tests."""

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

from hawk.bundles.tables import TABLE_NAMES

REPOSITORY = Path(__file__).resolve().parents[2]
# CI copies shared/ beside the clone, as it sits beside a developer's checkout.
SCHEMA_PATH = REPOSITORY.parent / "shared" / "design" / "HAWK_SCHEMA.md"
HAWK_TYPES = {
    "varchar", "text", "numeric", "int", "bool", "char", "date", "time", "timestamp",
    "timestamptz", "jsonb", "daterange", "uuid", "bigint",
}  # fmt: skip
SCHEMA_ROW = re.compile(r"\| (\w+) \| (\w+ \w+(?:, \w+ \w+)*) \|")


def hawk_schema() -> dict[str, list[tuple[str, str]]]:
    """Every table of HAWK_SCHEMA.md with its (column, type) pairs, in the database's order."""
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"HAWK_SCHEMA.md not found at {SCHEMA_PATH} (shared/ beside the repository)")
    tables = {}
    for match in SCHEMA_ROW.finditer(SCHEMA_PATH.read_text(encoding="utf-8")):
        columns = []
        for pair in match.group(2).split(", "):
            column, kind = pair.split(" ")
            assert kind in HAWK_TYPES, f"{match.group(1)}.{column}: type {kind} not understood"
            columns.append((column, kind))
        tables[match.group(1)] = columns
    assert set(TABLE_NAMES) <= set(tables), "HAWK_SCHEMA.md lacks tables a bundle carries"
    return tables


def server_conninfo(dbname: str) -> str:
    """The product's Postgres server (DATABASE_URL's), another database on it."""
    settings = connection.settings_dict
    parts = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
    }
    return make_conninfo(dbname=dbname, **{key: value for key, value in parts.items() if value})


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh database beside the test database; dropped afterwards, whatever happens."""
    name = f"hawk_scratch_{secrets.token_hex(4)}"
    maintenance = server_conninfo(connection.settings_dict["NAME"])
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server_conninfo(name)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def create_tables(hawk: psycopg.Connection, schema: dict[str, list[tuple[str, str]]]) -> None:
    for table, columns in schema.items():
        definitions = sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
            for column, kind in columns
        )
        hawk.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), definitions))

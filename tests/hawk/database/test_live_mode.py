"""Live mode over a HAWK-shaped database made as the platform has it (plain CREATE TABLE from
HAWK_SCHEMA.md, no Django there): the same facts as over the imported copy, `migrate` leaves
its public schema alone, start-up refuses a database that does not fit, writes outside Django
are answered at once, and a read-only account is refused writes with 409 read_only_source."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import httpx
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql
from rest_framework.authtoken.models import Token

from hawk.bundles.tables import TABLE_NAMES
from hawk.pipeline.prepare import PromptInput, prepare
from tests.hawk.datacache.changefeed.support import database_conninfo
from tests.hawk.hawk_database import create_tables, hawk_schema, scratch_database
from tests.uvicorn_process import ROOT, server_env, uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PROMPT = "Check if I can hedge 150K CNY today"


def url_of(conninfo: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(conninfo)
    user, host = info.get("user") or "postgres", info.get("host") or "127.0.0.1"
    return f"postgres://{user}@{host}:{info.get('port') or 5432}/{info['dbname']}"


def copy_hawk_rows(source: psycopg.Connection, target: psycopg.Connection, schema) -> None:
    """The imported copy's rows into the HAWK database, the platform's columns only."""
    for table in TABLE_NAMES:
        columns = sql.SQL(", ").join(sql.Identifier(name) for name, _ in schema[table])
        out = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT").format(columns, sql.Identifier(table))
        into = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), columns)
        with source.cursor().copy(out) as reading, target.cursor().copy(into) as writing:
            for chunk in reading:
                writing.write(chunk)


@pytest.fixture
def hawk_database(committed_demo) -> Iterator[str]:
    """A scratch HAWK database holding the demo rows; its conninfo."""
    schema = hawk_schema()
    with scratch_database() as conninfo:
        with psycopg.connect(conninfo, autocommit=True) as hawk:
            create_tables(hawk, {table: schema[table] for table in TABLE_NAMES})
            with psycopg.connect(database_conninfo()) as product:
                copy_hawk_rows(product, hawk, schema)
        yield conninfo


def import_as_exported(conninfo: str, folder: Path) -> None:
    """The HAWK database exported as its operator would (COPY ... CSV HEADER), imported into
    the product: the imported copy then holds exactly the live rows."""
    folder.mkdir()
    with psycopg.connect(conninfo) as hawk:
        for table in TABLE_NAMES:
            statement = sql.SQL("COPY {} TO STDOUT WITH CSV HEADER").format(sql.Identifier(table))
            with hawk.cursor().copy(statement) as copy, (folder / f"{table}.csv").open("wb") as out:
                for chunk in copy:
                    out.write(chunk)
    (folder / "manifest.json").write_text(json.dumps({"business_date": "2026-11-20"}))
    call_command("import_hedge_data", str(folder), "--replace", stdout=StringIO())


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=server_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def public_schema(conninfo: str) -> list[tuple]:
    with psycopg.connect(conninfo) as hawk:
        return hawk.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
        ).fetchall()


def test_migrate_leaves_the_hawk_databases_public_schema_as_it_was(hawk_database):
    before = public_schema(hawk_database)
    result = manage("migrate", "--no-input", HAWK_DATABASE_URL=url_of(hawk_database))
    assert result.returncode == 0, result.stderr
    assert public_schema(hawk_database) == before


def test_a_missing_column_or_a_wrong_type_is_named_and_stops_start_up(hawk_database):
    live = {"HAWK_DATABASE_URL": url_of(hawk_database)}
    assert manage("install_change_feed", **live).returncode == 0
    assert manage("check_hawk_database", **live).returncode == 0
    with psycopg.connect(hawk_database, autocommit=True) as hawk:
        hawk.execute("ALTER TABLE position_nav_master DROP COLUMN current_position")
        hawk.execute("ALTER TABLE currency_rates ALTER COLUMN rate_value TYPE text")
    result = manage("check_hawk_database", **live)
    assert result.returncode == 1
    assert "position_nav_master.current_position is missing" in result.stderr
    assert "currency_rates.rate_value is text, expected numeric" in result.stderr
    missing = re.escape("position_nav_master.current_position is missing")
    with pytest.raises(AssertionError, match=missing), uvicorn_process(**live):
        pass


def context_facts(server_url: str, token: str) -> dict:
    response = httpx.post(
        f"{server_url}/hawk-agent/context",
        json={"user_prompt": PROMPT},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_live_database_gives_the_facts_of_the_imported_copy_and_writes_are_seen_at_once(
    hawk_database, analyst_token, tmp_path
):
    import_as_exported(hawk_database, tmp_path / "export")
    imported = prepare(PromptInput(PROMPT)).facts.facts
    live = {"HAWK_DATABASE_URL": url_of(hawk_database)}
    assert manage("install_change_feed", **live).returncode == 0
    with uvicorn_process(**live) as server:
        body = context_facts(server.url, analyst_token)
        assert body["facts"] == imported
        with psycopg.connect(hawk_database, autocommit=True) as hawk:
            hawk.execute(
                "UPDATE position_nav_master SET current_position = current_position + 1000000 "
                "WHERE currency_code = 'CNY'"
            )
        assert context_facts(server.url, analyst_token)["facts"] != imported
    assert connection.vendor == "postgresql"


def grant(conninfo: str, role: str, *statements: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as hawk:
        for statement in statements:
            hawk.execute(sql.SQL(statement).format(sql.Identifier(role)))


@pytest.fixture
def read_only_url(hawk_database) -> Iterator[str]:
    """The HAWK database as a role that may only read (the platform's and the product's
    objects), after the feed and views were installed by a writer."""
    role = f"hawk_read_only_{os.getpid()}"
    assert manage("install_change_feed", HAWK_DATABASE_URL=url_of(hawk_database)).returncode == 0
    grant(
        hawk_database,
        role,
        "CREATE ROLE {} LOGIN",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}",
        "GRANT USAGE ON SCHEMA hawk_agent TO {}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA hawk_agent TO {}",
    )
    yield url_of(hawk_database).replace("postgres://postgres@", f"postgres://{role}@")
    grant(hawk_database, role, "DROP OWNED BY {}", "DROP ROLE {}")


def test_a_read_only_account_is_refused_writes_naming_the_table(read_only_url, make_user):
    token = Token.objects.create(user=make_user("operator", "operations")).key
    with uvicorn_process(HAWK_DATABASE_URL=read_only_url) as server:
        response = httpx.post(
            f"{server.url}/api/hedge/currencies/",
            json={"currency_code": "XYZ", "currency_name": "Test"},
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )
        answered = context_facts(server.url, token)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "read_only_source"
    assert "currency_configuration" in response.json()["error"]["message"]
    assert answered["facts"]  # reading works as ever

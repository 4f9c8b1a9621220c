"""/health really queries the database and pings Redis; it says what is wrong, no secrets."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def health_in_a_fresh_process(env: dict[str, str]) -> tuple[int, dict]:
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hawk.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["status"], result["body"]


def test_it_is_healthy_with_the_database_up(client):
    body = client.get("/health").json()
    assert body["components"]["database"] == "connected"
    assert body["status"] in {"healthy", "degraded"}
    assert body["version"]


@pytest.mark.redis
def test_it_reports_connected_redis(client):
    body = client.get("/health").json()
    assert body["components"]["redis"] == "connected"
    assert body["status"] == "healthy"


@pytest.mark.redis
def test_a_stopped_redis_makes_it_degraded_not_down(client, redis_proxy):
    assert client.get("/health").json()["components"]["redis"] == "connected"
    redis_proxy.stop()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["redis"].startswith("error: ")


def test_an_unreachable_database_makes_it_unhealthy():
    status, body = health_in_a_fresh_process(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/hawk", "DATABASE_POOL_TIMEOUT": "2"}
    )
    assert status == 503
    assert body["status"] == "unhealthy"
    assert body["components"]["database"].startswith("error: ")


def test_dify_shows_as_configured_without_revealing_the_key():
    status, body = health_in_a_fresh_process(
        {"DIFY_BASE_URL": "http://127.0.0.1:9/v1", "DIFY_API_KEY": "app-test-only-value"}
    )
    assert status == 200
    assert body["components"]["dify"] == "configured"
    assert "app-test-only-value" not in json.dumps(body)

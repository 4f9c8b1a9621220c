"""/health really queries the database and pings Redis; it says what is wrong, no secrets.
/health/live checks nothing; /health/ready is 503 while draining or a dependency is down."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hawk.pipeline.run import drain

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def health_in_a_fresh_process(env: dict[str, str], path: str = "/health") -> tuple[int, dict]:
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client().get('{path}');"
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


UNREACHABLE_DATABASE = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:1/hawk",
    "DATABASE_POOL_TIMEOUT": "2",
}


@pytest.fixture
def draining():
    drain.start_draining()
    yield
    drain.stop_draining()


def test_live_checks_no_dependency_so_it_answers_with_the_database_unreachable():
    status, body = health_in_a_fresh_process(UNREACHABLE_DATABASE, "/health/live")
    assert (status, body["status"]) == (200, "alive")
    assert body["version"]


def test_ready_is_200_with_its_dependencies_up(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["components"]["database"] == "connected"


def test_ready_is_503_with_the_database_unreachable():
    status, body = health_in_a_fresh_process(UNREACHABLE_DATABASE, "/health/ready")
    assert (status, body["status"]) == (503, "unavailable")
    assert body["components"]["database"].startswith("error: ")


@pytest.mark.redis
def test_ready_is_503_while_the_configured_redis_is_down(client, redis_proxy):
    assert client.get("/health/ready").status_code == 200
    redis_proxy.stop()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["components"]["redis"].startswith("error: ")


def test_ready_is_503_while_draining_and_live_and_health_stay_200(client, draining):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "draining", "runs_in_flight": 0}
    assert client.get("/health/live").status_code == 200
    assert client.get("/health").status_code == 200

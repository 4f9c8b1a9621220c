"""Who may scrape /metrics: a bearer METRICS_TOKEN, or an address listed in METRICS_ALLOWED_IPS
when that is set explicitly. By default no address is trusted: a reverse proxy on the host
would make every client look like loopback."""

import os
import subprocess
import sys

TOKEN = "scrape-token-for-tests-only"


def test_by_default_no_address_is_trusted():
    env = {k: v for k, v in os.environ.items() if k != "METRICS_ALLOWED_IPS"}
    read = "import hawk.settings as s; print(s.METRICS_ALLOWED_IPS)"
    shown = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True)
    assert shown.stdout.strip() == "[]", shown.stderr


def test_loopback_without_a_token_is_refused_by_default(client, db, settings):
    settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN = [], TOKEN
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 403


def test_the_token_is_accepted_from_anywhere(client, db, settings):
    settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN = [], TOKEN
    response = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200


def test_an_explicitly_allowed_address_needs_no_token(client, db, settings):
    settings.METRICS_ALLOWED_IPS, settings.METRICS_TOKEN = ["10.1.2.3"], ""
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403

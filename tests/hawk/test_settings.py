"""Settings come from the environment and fail loudly, naming the variable, on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from hawk import settings as hawk_settings

ROOT = Path(__file__).resolve().parents[2]


def start_django(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with only `env` (plus PATH) set."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "hawk.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = start_django({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_starts_with_embedded_defaults_and_nothing_set():
    result = start_django({})
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("DIFY_BASE_URL", "ftp://dify.example"),
        ("DATABASE_URL", "nonsense://nowhere"),
        ("HAWK_CONTEXT_MAX_CHARS", "10"),
        ("AGENT_RATE_LIMIT", "lots"),
        ("HAWK_WS_MAX_RUNS", "0"),
    ],
)
def test_a_bad_value_names_its_variable(variable, value):
    result = start_django({variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_dify_key_is_required_with_a_dify_url():
    result = start_django({"DIFY_BASE_URL": "http://127.0.0.1:9"})
    assert result.returncode != 0
    assert "DIFY_API_KEY must be set" in result.stderr


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("HAWK_FLAG", "Yes")
    assert hawk_settings.env_bool("HAWK_FLAG", default=False) is True
    monkeypatch.setenv("HAWK_FLAG", "0")
    assert hawk_settings.env_bool("HAWK_FLAG", default=True) is False
    monkeypatch.setenv("HAWK_FLAG", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="HAWK_FLAG"):
        hawk_settings.env_bool("HAWK_FLAG", default=True)


def test_env_int_enforces_its_minimum(monkeypatch):
    monkeypatch.setenv("HAWK_NUMBER", "-3")
    with pytest.raises(ImproperlyConfigured, match="HAWK_NUMBER must be at least 0"):
        hawk_settings.env_int("HAWK_NUMBER", 5)


def test_a_missing_prometheus_multiprocess_directory_stops_start_up(tmp_path):
    result = start_django({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")})
    assert result.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR must be an existing directory" in result.stderr


@pytest.mark.redis
def test_the_channel_layer_read_timeout_outlasts_its_blocking_pop(settings):
    # Equal timeouts made idle WebSocket consumers die under load (issue 8 load benchmark).
    from channels_redis.core import RedisChannelLayer

    (host,) = settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout + 5

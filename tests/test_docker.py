"""The compose stack, read as data (no Docker engine here): Prometheus can scrape the app, and
the app's several workers are counted together (issue 8, item 12)."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

DOCKER = Path(__file__).resolve().parents[1] / "docker"
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's variable substitution, for the forms the compose file uses."""

    def substitute(match: re.Match) -> str:
        name, operator, argument = match.group(1), match.group(2) or "", match.group(3) or ""
        given = env.get(name)
        if operator.endswith("-") and (given is None or (operator == ":-" and not given)):
            return argument
        return given or ""

    return VARIABLE.sub(substitute, value)


def compose_services() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())["services"]


def scrape_hosts() -> set[str]:
    config = yaml.safe_load((DOCKER / "prometheus.yml").read_text())
    return {
        target.rsplit(":", 1)[0]
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }


def app_allowed_hosts(env: dict[str, str]) -> list[str]:
    raw = compose_services()["app"]["environment"]["ALLOWED_HOSTS"]
    return [host.strip() for host in interpolate(raw, env).split(",") if host.strip()]


def test_the_hosts_prometheus_scrapes_are_allowed_hosts_of_the_app():
    assert scrape_hosts() == {"app", "app2"}
    assert scrape_hosts() <= set(app_allowed_hosts({}))


def test_an_operators_own_allowed_hosts_keep_the_scrape_host():
    hosts = app_allowed_hosts({"ALLOWED_HOSTS": "hawk.example.com"})
    assert hosts == ["hawk.example.com", "app", "app2"]


def test_the_app_counts_all_its_workers_in_one_scrape():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    workers = re.search(r'"--workers", "(\d+)"', dockerfile)
    assert workers and int(workers.group(1)) > 1
    assert compose_services()["app"]["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert 'ENTRYPOINT ["hawk-entrypoint"]' in dockerfile


def test_the_entrypoint_empties_the_metrics_directory_before_the_workers_start(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_123.db").write_bytes(b"stale")
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    command = ["sh", str(DOCKER / "entrypoint.sh"), "sh", "-c", 'ls -A "$PROMETHEUS_MULTIPROC_DIR"']
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert result.stdout == ""
    assert metrics_dir.is_dir()


def test_the_entrypoint_creates_a_missing_metrics_directory(tmp_path):
    metrics_dir = tmp_path / "not-yet"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    subprocess.run(["sh", str(DOCKER / "entrypoint.sh"), "true"], env=env, check=True)
    assert metrics_dir.is_dir()


def test_two_app_containers_serve_behind_the_proxy_which_checks_their_readiness():
    services = compose_services()
    assert services["app2"] == services["app"]
    assert "ports" not in services["app"]
    assert services["proxy"]["ports"] == ["8000:8000"]
    assert set(services["proxy"]["depends_on"]) == {"app", "app2"}
    config = (DOCKER / "haproxy.cfg").read_text()
    servers = re.findall(r"^\s*server (\S+) (\S+) check$", config, flags=re.MULTILINE)
    assert servers == [("app", "app:8000"), ("app2", "app2:8000")]
    # The same containers unchecked, for when none is ready (Redis down: all unready).
    backups = re.findall(r"^\s*server (\S+) (\S+) backup$", config, flags=re.MULTILINE)
    assert backups == [("app_unready", "app:8000"), ("app2_unready", "app2:8000")]
    assert "option allbackups" in config
    assert "option httpchk GET /health/ready" in config  # only ready workers get requests
    assert "retry-on conn-failure empty-response 503" in config
    assert "option http-buffer-request" in config  # else a POST is not retried
    settings = [line for line in config.splitlines() if not line.lstrip().startswith("#")]
    # The streams of a draining worker go on after it is marked down.
    assert not any("on-marked-down" in line for line in settings)


@pytest.mark.parametrize("service", ["prometheus", "grafana"])
def test_the_dashboards_are_published_on_loopback_only(service):
    ports = compose_services()[service]["ports"]
    assert ports and all(str(port).startswith("127.0.0.1:") for port in ports), ports

"""The monitoring files of the compose stack: alert rules that promtool accepts and whose unit
tests pass, dashboards that are exactly what their script builds, and a compose file whose
services, volumes and mounted files all exist (read as data: no Docker engine here)."""

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKER = ROOT / "docker"
STACK = {"postgres", "redis", "migrate", "app", "app2", "proxy", "prometheus", "grafana"}
NOT_COMMITTED = {"metrics_token"}  # a secret, written by the operator next to compose.yaml


def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.skip("needs promtool: apt-get install prometheus (CI installs it)")
    return found


def dashboard_builder():
    spec = importlib.util.spec_from_file_location(
        "build_dashboards", DOCKER / "grafana" / "build_dashboards.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def alert_names() -> list[str]:
    rules = yaml.safe_load((DOCKER / "prometheus" / "rules" / "hawk.yml").read_text())
    return [
        rule["alert"] for group in rules["groups"] for rule in group["rules"] if "alert" in rule
    ]


def test_promtool_accepts_the_rules():
    rules = sorted(str(path) for path in (DOCKER / "prometheus" / "rules").glob("*.yml"))
    result = subprocess.run([promtool(), "check", "rules", *rules], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rule_unit_tests_pass():
    tests = sorted(str(path) for path in (DOCKER / "prometheus" / "tests").glob("*.yml"))
    result = subprocess.run(
        [promtool(), "test", "rules", *tests],
        capture_output=True,
        text=True,
        cwd=DOCKER / "prometheus",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_are_a_dozen_alerts_each_with_a_unit_test():
    names = alert_names()
    assert len(names) >= 12
    tested = (DOCKER / "prometheus" / "tests" / "hawk_test.yml").read_text()
    assert [name for name in names if f"alertname: {name}" not in tested] == []


def test_each_alert_has_a_runbook_entry():
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert [name for name in alert_names() if f"`{name}`" not in operations] == []


def test_the_committed_dashboards_are_what_the_script_builds():
    builder = dashboard_builder()
    committed = {
        path.name: path.read_text() for path in (DOCKER / "grafana" / "dashboards").glob("*.json")
    }
    assert committed == builder.rendered()


def test_every_panel_has_a_unit_the_datasource_variable_and_rate_interval():
    for text in dashboard_builder().rendered().values():
        dashboard = json.loads(text)
        assert dashboard["templating"]["list"][0]["type"] == "datasource"
        for panel in dashboard["panels"]:
            assert panel["fieldConfig"]["defaults"]["unit"], panel["title"]
            assert panel["datasource"]["uid"] == "${datasource}"
            for target in panel["targets"]:
                if "rate(" in target["expr"]:
                    assert "[$__rate_interval]" in target["expr"], target["expr"]


def test_the_four_dashboards_are_documented():
    operations = (ROOT / "docs" / "operations.md").read_text()
    for dashboard in dashboard_builder().DASHBOARDS:
        assert dashboard.title in operations


def test_the_stack_has_its_services_and_their_references_resolve():
    stack = compose()
    services = stack["services"]
    assert set(services) == STACK
    declared_volumes = set(stack.get("volumes") or {})
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                path = (DOCKER / source).resolve()
                assert path.exists() or path.name in NOT_COMMITTED, (name, source)
            else:
                assert source in declared_volumes, (name, source)


def test_grafana_provisions_the_prometheus_datasource_and_the_dashboards():
    grafana = compose()["services"]["grafana"]
    mounts = dict(volume.split(":")[:2] for volume in grafana["volumes"])
    provisioning = DOCKER / "grafana" / "provisioning"
    assert mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    assert datasources["datasources"][0]["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((provisioning / "dashboards" / "hawk.yml").read_text())
    assert mounts["./grafana/dashboards"] == providers["providers"][0]["options"]["path"]


def test_prometheus_loads_the_mounted_rules():
    prometheus = compose()["services"]["prometheus"]
    mounts = dict(volume.split(":")[:2] for volume in prometheus["volumes"])
    config = yaml.safe_load((DOCKER / "prometheus.yml").read_text())
    assert config["rule_files"] == [mounts["./prometheus/rules"] + "/*.yml"]

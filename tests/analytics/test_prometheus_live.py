"""A real Prometheus (Debian's `prometheus` package) scraping the real app under uvicorn with
two workers, on loopback, after a short load of runs: the scrape is clean for `promtool check
metrics` and has 30+ product families; both workers' counters add up in one scrape; every
dashboard query and every rule expression parses in Prometheus, every dashboard query returns
data, and no panel or rule names a metric the app does not export.

Without the binaries the test skips with the reason (CI installs them in .ci/run, and a skip
fails the suite there)."""

import asyncio
import importlib.util
import json
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from django.contrib.auth.models import Group, User
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token

from tests.conftest import restore_roles
from tests.dify_server import API_KEY, DifyStandIn
from tests.uvicorn_process import free_port, uvicorn_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docker" / "prometheus" / "rules"
RATE_WINDOW = "30s"  # what $__rate_interval becomes: several 1 s scrapes
# Dify answers (the stand-in), look-ups the router sends to the built-in analyst, a repeat
# (answer-cache hit) and a threshold list (threshold statuses by currency).
PROMPTS = [
    "Check if I can hedge 150K CNY today",
    "Status of all CNY instructions",
    "Any threshold alerts for CNY?",
    "Check if I can hedge 150K CNY today",
]
METRIC_NAME = re.compile(r"\b((?:hawk|gen_ai|django)_[a-z0-9_]+)\b")


def load_dashboard_builder():
    path = ROOT / "docker" / "grafana" / "build_dashboards.py"
    spec = importlib.util.spec_from_file_location("build_dashboards", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rule_expressions() -> list[tuple[str, str]]:
    found = []
    for path in sorted(RULES.glob("*.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                found.append((rule.get("alert") or rule["record"], rule["expr"]))
    return found


def binaries() -> tuple[str, str]:
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not (prometheus and promtool):
        pytest.skip("needs Prometheus: apt-get install prometheus (CI installs it)")
    return prometheus, promtool


@contextmanager
def prometheus_server(binary: str, target: str, work: Path) -> Iterator[str]:
    port = free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES / "*.yml")],
        "scrape_configs": [{"job_name": "hawk-agent", "static_configs": [{"targets": [target]}]}],
    }
    (work / "prometheus.yml").write_text(json.dumps(config))
    command = [binary, f"--config.file={work / 'prometheus.yml'}",
               f"--storage.tsdb.path={work / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
               "--log.level=warn"]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: httpx.get(f"{url}/-/ready", timeout=1).status_code == 200, 30)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s")


def query(prometheus: str, expr: str) -> dict:
    response = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10)
    return response.json()


async def run_prompts(app: str, token: str) -> None:
    """The prompts at once, each on its own connection, so that both workers take some."""
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(
        base_url=app, limits=no_reuse, headers=headers, timeout=30
    ) as client:
        responses = await asyncio.gather(*(
            client.post("/hawk-agent/process-prompt", json={"user_prompt": prompt})
            for prompt in PROMPTS
        ))  # fmt: skip
    assert {response.status_code for response in responses} == {200}
    assert all("message_end" in response.text for response in responses)


def counted_by_worker(directory: Path, sample_name: str) -> list[float]:
    counts = []
    for path in directory.glob("counter_*.db"):
        metrics = MultiProcessCollector.merge([str(path)], accumulate=True)
        counts.append(sum(s.value for m in metrics for s in m.samples if s.name == sample_name))
    return counts


def scrape(app: str) -> str:
    with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        return client.get(f"{app}/metrics", timeout=10).text


def analyst_token() -> str:
    restore_roles()  # the groups and their permissions, also after an earlier flush
    user = User.objects.create_user(username="load-analyst", password="not-used-1")
    user.groups.add(Group.objects.get(name="analyst"))
    return Token.objects.create(user=user).key


def test_prometheus_scrapes_the_app_and_every_panel_and_rule_works(transactional_db, tmp_path):
    prometheus_binary, promtool = binaries()
    from tests.hawk.demo import load_demo_data

    load_demo_data()
    token = analyst_token()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    dify = DifyStandIn()
    dify.start()
    app_env = {
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "DIFY_BASE_URL": dify.url,
        "DIFY_API_KEY": API_KEY, "HAWK_BUDGET_DAILY_USD": "100", "HAWK_BUDGET_MONTHLY_USD": "1000",
    }  # fmt: skip
    try:
        with (
            uvicorn_process(workers=2, **app_env) as app,
            prometheus_server(prometheus_binary, f"127.0.0.1:{app.port}", tmp_path) as prometheus,
        ):
            sent = load_until_both_workers_ran(app.url, token, metrics_dir)
            exposition = scrape(app.url)
            check_exposition(exposition, promtool, sent, metrics_dir)
            wait_for_samples(prometheus, sent)
            check_dashboards(prometheus, exposition)
            check_rules(prometheus, exposition)
    finally:
        dify.stop()


def load_until_both_workers_ran(app: str, token: str, metrics_dir: Path) -> int:
    sent = 0
    for _ in range(8):
        asyncio.run(run_prompts(app, token))
        sent += len(PROMPTS)
        if len([n for n in counted_by_worker(metrics_dir, "hawk_template_runs_total") if n]) == 2:
            break
    return sent


def check_exposition(exposition: str, promtool: str, sent: int, metrics_dir: Path) -> None:
    lint = subprocess.run([promtool, "check", "metrics"], input=exposition, capture_output=True,
                          text=True)  # fmt: skip
    assert lint.returncode == 0, lint.stdout + lint.stderr
    families = {family.name for family in text_string_to_metric_families(exposition)}
    product = sorted(name for name in families if name.startswith("hawk_"))
    assert len(product) >= 30, product
    assert {"gen_ai_client_token_usage", "gen_ai_client_operation_duration_seconds"} <= families
    # A new counter of two workers, added up in one scrape.
    by_worker = counted_by_worker(metrics_dir, "hawk_template_runs_total")
    assert len([n for n in by_worker if n]) == 2, by_worker
    scraped = sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "hawk_template_runs_total"
    )
    assert scraped == sum(by_worker) == sent
    assert 'hawk_threshold_statuses{currency="CNY"' in exposition


def wait_for_samples(prometheus: str, sent: int) -> None:
    """Prometheus has scraped the whole load, and a few scrapes more for the rates."""
    total = "sum(hawk_template_runs_total)"

    def scraped_all() -> bool:
        result = query(prometheus, total)["data"]["result"]
        return bool(result) and float(result[0]["value"][1]) == sent

    wait_until(scraped_all, 30)
    time.sleep(3)


def exported_samples(exposition: str) -> set[str]:
    return {
        sample.name
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def assert_names_exported(expr: str, exported: set[str], where: str) -> None:
    """Every metric name in `expr` is one the app exports (label names such as
    gen_ai_token_type look alike and are left out)."""
    label_names = set(re.findall(r"\b(gen_ai_[a-z_]+)\s*(?:[,)=!]|=~)", expr))
    missing = sorted(set(METRIC_NAME.findall(expr)) - exported - label_names)
    assert missing == [], f"{where} names metrics the app does not export: {missing}"


def check_dashboards(prometheus: str, exposition: str) -> None:
    exported = exported_samples(exposition)
    empty = []
    for uid, title, expr in load_dashboard_builder().queries():
        assert_names_exported(expr, exported, f"{uid} / {title}")
        answer = query(prometheus, expr.replace("$__rate_interval", RATE_WINDOW))
        assert answer["status"] == "success", (uid, title, answer)
        if not answer["data"]["result"]:
            empty.append(f"{uid} / {title}: {expr}")
    assert empty == [], "dashboard queries without data:\n" + "\n".join(empty)


def check_rules(prometheus: str, exposition: str) -> None:
    exported = exported_samples(exposition)
    for name, expr in rule_expressions():
        assert_names_exported(expr, exported, name)
        answer = query(prometheus, expr)
        assert answer["status"] == "success", (name, answer)
    groups = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    loaded = {rule["name"]: rule for group in groups for rule in group["rules"]}
    assert set(loaded) == {name for name, _ in rule_expressions()}
    assert {rule["health"] for rule in loaded.values()} <= {"ok", "unknown"}

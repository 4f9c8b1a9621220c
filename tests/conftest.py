"""Test set-up: real Postgres and Redis when DATABASE_URL / REDIS_URL point at them.

Without them the suite falls back to SQLite and local memory, skipping only what needs a real
server, with the reason printed. With CI=true both are required: a missing or unreachable
service stops the run, and any skipped test fails it.
"""

import os
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Support modules with assertions (helpers shared by test modules): their failures are reported
# with the same detail as the test modules' own asserts.
pytest.register_assert_rewrite(
    "tests.hawk.admin.support",
    "tests.hawk.datacache.changefeed.support",
    "tests.hawk.pipeline.run.service_support",
    "tests.hawk.pipeline.run.support",
    "tests.hawk.streaming.support",
    "tests.live",
)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 0), 2):
            return True
    except OSError:
        return False


def _service_problems() -> list[str]:
    problems = []
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != settings.POSTGRES_ENGINE:
        problems.append("DATABASE_URL does not point at PostgreSQL")
    elif not _reachable(os.environ["DATABASE_URL"]):
        problems.append("PostgreSQL at DATABASE_URL is not reachable")
    if not settings.REDIS_URL:
        problems.append("REDIS_URL is not set")
    elif not _reachable(settings.REDIS_URL):
        problems.append("Redis at REDIS_URL is not reachable")
    return problems


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--write-examples",
        action="store_true",
        help="rewrite hawk/api/examples/hedge.json from real responses of the demo data",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    problems = _service_problems()
    if IN_CI and problems:
        pytest.exit("CI needs real services: " + "; ".join(problems), returncode=3)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    using_postgres = settings.DATABASES["default"]["ENGINE"] == settings.POSTGRES_ENGINE
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL (CI requires it)")
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (CI requires it)")
    # The browser tests last: Playwright's sync API marks its event loop as running in the
    # main thread for as long as it lives (the session), which no later test could bear.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    for item in items:
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)
        if "postgres" in item.keywords and not using_postgres:
            item.add_marker(skip_postgres)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if IN_CI and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; skips are failures in CI", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (FLUSHDB of the test Redis database)."""
    from django.core.cache import cache

    cache.clear()
    yield


def restore_roles() -> None:
    """The role groups with their permissions, as the migrations made them: a transactional
    test's flush empties the tables the data migrations filled (permissions themselves come
    back with post_migrate, groups and grants do not)."""
    import importlib

    from django.apps import apps

    importlib.import_module("hawk.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("templates_app.migrations.0004_role_permissions").grant(apps, None)
    # This grant flips models_module on the app config it is given (a migration's stub);
    # the real one must keep its own.
    hawk_config = apps.get_app_config("hawk")
    models_module = hawk_config.models_module
    try:
        importlib.import_module("hawk.migrations.0007_hedge_table_permissions").grant(apps, None)
        importlib.import_module("hawk.migrations.0013_run_history_permissions").grant(apps, None)
    finally:
        hawk_config.models_module = models_module


@pytest.fixture
def user(db, django_user_model):
    """An analyst: may run prompts and edit templates."""
    from django.contrib.auth.models import Group

    restore_roles()  # also after a transactional test's flush in a reused database
    analyst = django_user_model.objects.create_user(username="analyst1", password="not-used-1")
    analyst.groups.add(Group.objects.get(name="analyst"))
    return analyst


@pytest.fixture
def api_client(user):
    """A DRF client authenticated with a real token, as the Angular app would be."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def redis_proxy(settings):
    """Points the cache at a stoppable proxy in front of the real Redis; yields the proxy."""
    from urllib.parse import urlparse

    from tests.tcp_proxy import TcpProxy

    real = urlparse(settings.REDIS_URL)
    proxy = TcpProxy(real.hostname or "127.0.0.1", real.port or 6379)
    proxy.start()
    proxied = f"redis://127.0.0.1:{proxy.port}{real.path or '/0'}"
    settings.REDIS_URL = proxied
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": proxied},
    }
    yield proxy
    proxy.stop()
    forget_redis_outage()


def forget_redis_outage() -> None:
    """The next test starts with Redis up: no process memory of this one's outage."""
    from hawk.datacache.store import _Down
    from hawk.web.throttling import _Outage

    _Down.until = 0.0
    _Outage.down = False


@pytest.fixture
def hanging_redis(settings):
    """Returns a function that points the cache at a server that accepts connections and never
    answers (a hung Redis): every cache call then takes the socket timeout, 3 s."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel completes handshakes; nothing ever reads or answers

    def hang() -> None:
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        options = {"SOCKET_CONNECT_TIMEOUT": 3.0, "SOCKET_TIMEOUT": 3.0}
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url,
                                       "OPTIONS": options}}  # fmt: skip

    yield hang
    silent.close()
    forget_redis_outage()


@pytest.fixture
def demo_data(db):
    """The demo bundle, loaded inside the test's transaction (rolled back afterwards)."""
    from tests.hawk.demo import load_demo_data

    load_demo_data()


from tests.browser import (  # noqa: E402, F401  (Debian's Chromium, 1,280 x 800)
    _django_beside_playwright,
    browser_context_args,
    browser_type_launch_args,
    playwright,
)
from tests.dify_fixtures import dify_server  # noqa: E402, F401  (the Dify stand-in fixture)
from tests.openai_fixtures import openai_server  # noqa: E402, F401  (the OpenAI stand-in)

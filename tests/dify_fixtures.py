"""The `dify_server` fixture: a Dify stand-in on 127.0.0.1 with the settings pointed at it.

Import it into a conftest (`from tests.dify_fixtures import dify_server`) to use it anywhere.
"""

from collections.abc import Iterator

import pytest

from hawk.analysis.dify import reset_dify_circuit
from tests.dify_server import API_KEY, DifyStandIn


@pytest.fixture
def dify_server(settings) -> Iterator[DifyStandIn]:
    """A running stand-in; settings use it with short timeouts and near-instant backoff, so a
    failing test fails in seconds. The circuit breaker starts closed in every test."""
    server = DifyStandIn()
    server.start()
    settings.DIFY_BASE_URL = server.url
    settings.DIFY_API_KEY = API_KEY
    settings.DIFY_API_KEYS = {}
    settings.DIFY_CONNECT_TIMEOUT = 1.0
    settings.DIFY_READ_TIMEOUT = 2.0
    settings.DIFY_RUN_DEADLINE = 10.0
    settings.DIFY_STOP_TIMEOUT = 1.0
    settings.DIFY_RETRY_ATTEMPTS = 3
    settings.DIFY_RETRY_BACKOFF = 0.01
    settings.DIFY_RETRY_BACKOFF_MAX = 0.05
    settings.DIFY_RETRY_AFTER_MAX = 0.1
    reset_dify_circuit()
    yield server
    server.stop()
    reset_dify_circuit()

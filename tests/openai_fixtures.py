"""The `openai_server` fixture: an OpenAI-compatible stand-in on 127.0.0.1 with the settings
pointed at it and short timeouts, so that a failing test fails in seconds."""

from collections.abc import Iterator

import pytest

from tests.openai_server import API_KEY, OpenAIStandIn


@pytest.fixture
def openai_server(settings) -> Iterator[OpenAIStandIn]:
    server = OpenAIStandIn()
    server.start()
    settings.OPENAI_BASE_URL = server.url
    settings.OPENAI_API_KEY = API_KEY
    settings.OPENAI_MODEL = "gpt-4o-mini"
    settings.OPENAI_AUTH_HEADER = "authorization"
    settings.OPENAI_CONNECT_TIMEOUT = 1.0
    settings.OPENAI_READ_TIMEOUT = 2.0
    settings.OPENAI_FIRST_TOKEN_TIMEOUT = 1.0
    settings.OPENAI_RUN_DEADLINE = 10.0
    yield server
    server.stop()

"""Fixtures of the analytics tests: committed demo data (runs read the database from their
own threads), the Dify stand-in, and Dify clients closed after each test."""

import pytest

from hawk.analysis.dify import close_dify_clients
from tests.dify_fixtures import dify_server

__all__ = ["dify_server"]


@pytest.fixture(autouse=True)
async def _close_dify_clients():
    yield
    await close_dify_clients()


@pytest.fixture(autouse=True)
def _builtin_unless_dify_server(settings):
    settings.DIFY_BASE_URL = ""


@pytest.fixture
def committed_demo(transactional_db) -> None:
    from tests.hawk.demo import load_demo_data

    load_demo_data()

"""Fixtures of the analysis tests: the Dify stand-in, and Dify clients closed after each test."""

import pytest

from hawk.analysis.dify import close_dify_clients
from tests.dify_fixtures import dify_server

__all__ = ["dify_server"]


@pytest.fixture(autouse=True)
async def _close_dify_clients():
    """The pooled httpx clients belong to the test's event loop, which ends with the test."""
    yield
    await close_dify_clients()

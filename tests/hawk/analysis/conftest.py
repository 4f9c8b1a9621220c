"""Fixtures of the analysis tests: the Dify stand-in, Dify clients closed after each test, the
built-in analyst unless a test asks for the stand-in, and committed demo data for the budget
tests (runs read the database from their own threads)."""

import pytest

from hawk.analysis.dify import close_dify_clients
from tests.dify_fixtures import dify_server
from tests.hawk.streaming.conftest import _builtin_unless_dify_server, committed_demo

__all__ = ["_builtin_unless_dify_server", "committed_demo", "dify_server"]


@pytest.fixture(autouse=True)
async def _close_dify_clients():
    """The pooled httpx clients belong to the test's event loop, which ends with the test."""
    yield
    await close_dify_clients()

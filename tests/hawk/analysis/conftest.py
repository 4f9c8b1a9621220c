"""Fixtures of the analysis tests (tests/live.py): Dify clients closed after each test, and the
built-in analyst unless a test asks for the Dify stand-in (the budget tests run real runs on
committed demo data, tests/hawk/conftest.py)."""

from tests.live import _builtin_unless_dify_server, _close_dify_clients

__all__ = ["_builtin_unless_dify_server", "_close_dify_clients"]

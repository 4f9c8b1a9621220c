"""Fixtures of the analytics tests (tests/live.py): Dify clients closed after each test, and the
built-in analyst unless a test asks for the Dify stand-in."""

from tests.live import _builtin_unless_dify_server, _close_dify_clients

__all__ = ["_builtin_unless_dify_server", "_close_dify_clients"]

"""Fixtures of the management command tests (tests/live.py): runs read the database from their
own threads, so the demo data is committed; the built-in analyst answers."""

from tests.live import _builtin_unless_dify_server, _close_dify_clients

__all__ = ["_builtin_unless_dify_server", "_close_dify_clients"]

"""Fixtures of the admin tests: committed demo data for the run page's re-run (the run service
reads the database from its own threads) and the built-in analyst instead of any Dify."""

from tests.live import _builtin_unless_dify_server, committed_demo

__all__ = ["_builtin_unless_dify_server", "committed_demo"]

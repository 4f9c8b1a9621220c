"""Fixtures of the run service tests (tests/live.py): committed demo data and users (runs read
the database from their own threads), the built-in analyst unless a test asks for the Dify
stand-in, and Dify clients closed after each test; the platform's hawk_agent_sessions table
(support)."""

from tests.hawk.pipeline.run.support import agent_sessions
from tests.live import (
    _builtin_unless_dify_server,
    _close_dify_clients,
    _fast_password_hashing,
    analyst,
)

__all__ = [
    "_builtin_unless_dify_server",
    "_close_dify_clients",
    "_fast_password_hashing",
    "agent_sessions",
    "analyst",
]

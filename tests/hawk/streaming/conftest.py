"""Fixtures of the streaming tests (tests/live.py): committed demo data and users, a live ASGI
server, the built-in analyst unless a test asks for the Dify stand-in, and Dify clients closed
after each test."""

from tests.live import (
    _builtin_unless_dify_server,
    _close_dify_clients,
    _fast_password_hashing,
    analyst,
    analyst_token,
)

__all__ = [
    "_builtin_unless_dify_server",
    "_close_dify_clients",
    "_fast_password_hashing",
    "analyst",
    "analyst_token",
]

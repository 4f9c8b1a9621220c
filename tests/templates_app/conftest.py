"""Fixtures shared with the streaming tests (tests/live.py): committed demo data and committed
users (real runs read the database from their own threads), and the built-in analyst instead of
any Dify."""

from tests.live import (
    _builtin_unless_dify_server,
    _fast_password_hashing,
    committed_demo,
    make_user,
)

__all__ = ["_builtin_unless_dify_server", "_fast_password_hashing", "committed_demo", "make_user"]

"""Fixtures of the HAWK tests: committed demo data, committed users and a live ASGI server, for
the tests whose code reads the database from other threads (tests/live.py)."""

from tests.live import committed_demo, live_server_url, make_user

__all__ = ["committed_demo", "live_server_url", "make_user"]

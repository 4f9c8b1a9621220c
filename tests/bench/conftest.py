"""The benchmark's own instruments, against a real server (tests/live.py)."""

from tests.live import analyst, analyst_token, committed_demo, make_user

__all__ = ["analyst", "analyst_token", "committed_demo", "make_user"]

"""Live-mode tests run a real server: committed users and tokens (tests/live.py)."""

from tests.live import analyst, analyst_token

__all__ = ["analyst", "analyst_token"]

"""The app under uvicorn in its own process, on a free loopback port, configured by environment
variables as in production: for what only a separate process shows (its own connection pool
size, several workers). It serves the test database, so the data it reads must be committed."""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30.0


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of a Postgres connection's database (the test database once it is set up)."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password)}@" if password else f"{user}@" if user else ""
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(**overrides: str) -> dict[str, str]:
    """Production-like (DEBUG off, built-in analyst) on the test database and Redis, with a
    rate limit no test reaches; `overrides` last."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": "test-only-" + secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "false",
        "DIFY_BASE_URL": "",
        "AGENT_RATE_LIMIT": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "METRICS_ALLOWED_IPS": "127.0.0.1",  # the tests scrape from loopback without a token
        # A stopped test server drains briefly: no proxy needs notice, and a run a test left
        # in flight is cut after 5 s (the drain tests set their own).
        "HAWK_DRAIN_SECONDS": "5",
        "HAWK_DRAIN_NOTICE_SECONDS": "0",
        **overrides,
    }


class UvicornProcess:
    def __init__(
        self, env: dict[str, str], log: IO[bytes], workers: int = 1, port: int | None = None
    ) -> None:
        """`port`: a fixed one (a restart on the port a proxy sends to), else a free one."""
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log
        command = [sys.executable, "-m", "uvicorn", "hawk.asgi:application",
                   "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                   "--log-level", "warning", "--timeout-graceful-shutdown", "5"]  # fmt: skip
        # Its own process group, so that stopping it ends every worker process too.
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_until_healthy(self, path: str = "/health") -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}{path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError("uvicorn did not start:\n" + self.log_text())

    def terminate(self) -> None:
        """SIGTERM only, as an orchestrator's stop: the server drains, then exits."""
        self.process.terminate()

    def wait_exited(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def stop(self) -> None:
        """SIGTERM to the parent, which stops its workers gracefully (their lifespan shutdown
        runs), then SIGKILL to whatever is left of the process group after 15 s."""
        if self.process.poll() is None:
            self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def log_text(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")


@contextmanager
def uvicorn_process(*, workers: int = 1, **env: str) -> Iterator[UvicornProcess]:
    """A healthy server with `env` on top of server_env(); stopped (gracefully) on exit."""
    with tempfile.TemporaryFile() as log:
        server = UvicornProcess(server_env(**env), log, workers=workers)
        try:
            server.wait_until_healthy()
            yield server
        finally:
            server.stop()

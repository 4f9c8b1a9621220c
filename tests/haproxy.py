"""HAProxy (Debian's /usr/sbin/haproxy) on a free loopback port in front of app workers, for the
rolling-restart test: the same choices as docker/haproxy.cfg, with checks fast enough for a
test. Started in a temporary directory, stopped after, also on failure. A support module, not a
test module."""

import csv
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.uvicorn_process import free_port

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"

# Sends only to ready workers: a draining one fails /health/ready at its next two checks
# (300 ms apart) and then gets no new request. A request that reached it meanwhile is answered 503
# server_restarting before anything ran, and HAProxy sends it again to the other worker
# (retry-on 503, redispatch); so is a connection refused by a worker that has exited.
# No `on-marked-down shutdown-sessions`: the streams in flight on a draining worker must go on.
CONFIG = """
global
    maxconn 1000

defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    timeout tunnel 60s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response 503
    option allbackups
    # Only a request HAProxy holds whole can be sent again: wait for the body before
    # connecting (a prompt is a few hundred bytes; a client sending its headers and body in
    # two writes would otherwise not be retried).
    option http-buffer-request

frontend hawk
    bind 127.0.0.1:{port}
    default_backend apps

frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats

backend apps
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    # Two failed checks take a worker out: one slow check of a loaded worker does not (with
    # both out, HAProxy would have nowhere to send).
    timeout check 2s
    default-server inter 300ms fastinter 200ms downinter 300ms fall 2 rise 1
{servers}
"""


@dataclass
class Proxy:
    port: int
    stats_port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def backend_stats(self) -> dict[str, str]:
        """The backend's row of HAProxy's CSV statistics: `wretr` (requests sent again after
        a failed attempt), `wredis` (sent to another server), `hrsp_5xx` (5xx from the
        workers, before any retry), `econ` (connections refused)."""
        text = httpx.get(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5).text
        header, *rows = text.lstrip("# ").splitlines()
        names = header.split(",")
        for row in csv.reader(rows):
            if row[:2] == ["apps", "BACKEND"]:
                return dict(zip(names, row, strict=False))
        raise AssertionError("no backend row in the statistics")


def haproxy_config(port: int, stats_port: int, backends: dict[str, int]) -> str:
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{backend} check" for name, backend in backends.items()
    )
    # The same workers again, unchecked, used only when none is ready: a dependency every
    # worker shares (Redis) down makes them all unready, and they still answer, degraded.
    servers += "\n" + "\n".join(
        f"    server {name}_unready 127.0.0.1:{backend} backup"
        for name, backend in backends.items()
    )
    return CONFIG.format(port=port, stats_port=stats_port, servers=servers)


@contextmanager
def haproxy(backends: dict[str, int]) -> Iterator[Proxy]:
    """HAProxy in the foreground (-db) in front of `backends` (name: port), answering once
    one of them is up."""
    if not Path(HAPROXY).exists():
        raise RuntimeError("needs haproxy (apt-get install haproxy)")
    root = Path(tempfile.mkdtemp(prefix="hawk-haproxy-"))
    port, stats_port = free_port(), free_port()
    config = root / "haproxy.cfg"
    config.write_text(haproxy_config(port, stats_port, backends))
    log = (root / "haproxy.log").open("wb")
    process = subprocess.Popen(
        [HAPROXY, "-db", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
    )
    proxy = Proxy(port, stats_port, process)
    try:
        _wait_until_serving(proxy, root)
        yield proxy
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_serving(proxy: Proxy, root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert proxy.process.poll() is None, (root / "haproxy.log").read_text()
        try:
            if httpx.get(f"{proxy.url}/health/live", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("haproxy did not serve: " + (root / "haproxy.log").read_text())

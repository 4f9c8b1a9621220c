"""A private Redis master, a replica and three Sentinels (Debian's redis-server and
redis-sentinel) on free ports of 127.0.0.1, for the failover tests: started in a temporary
directory, every process stopped after, also on failure. A support module, not a test module."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.tcp_proxy import TcpProxy

MASTER_NAME = "hawk"
START_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(check, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except redis.RedisError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


@dataclass
class RedisSet:
    """The processes and their ports: `servers` maps a port to its redis-server process."""

    root: Path
    servers: dict[int, subprocess.Popen] = field(default_factory=dict)
    sentinels: dict[int, subprocess.Popen] = field(default_factory=dict)
    # The replica replicates through this proxy, which a test cuts to lose writes for real.
    link: TcpProxy | None = None

    @property
    def sentinel_addresses(self) -> str:
        return ",".join(f"127.0.0.1:{port}" for port in self.sentinels)

    def master_port(self) -> int:
        port = next(iter(self.sentinels))
        sentinel = redis.Redis(port=port, socket_timeout=1)
        return int(sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)[1])

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=2)

    def wait_replicated(self) -> None:
        """Until the replica has every write the master has (WAIT), bounded."""
        assert self.client(self.master_port()).wait(1, 5000) >= 1

    def kill_master(self) -> int:
        old = self.master_port()
        self.servers[old].kill()
        self.servers[old].wait(timeout=10)
        return old

    def wait_new_master(self, old: int, timeout: float = 30.0) -> int:
        def switched() -> bool:
            port = self.master_port()
            return port != old and self.client(port).role()[0] == b"master"

        _wait_for(switched, "the Sentinels did not promote the replica", timeout)
        return self.master_port()

    def cut_replication(self) -> None:
        """From now on the master's writes reach the replica no more."""
        assert self.link is not None
        self.link.stop()

    def stop(self) -> None:
        if self.link is not None:
            self.link.stop()
        for process in [*self.sentinels.values(), *self.servers.values()]:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def _server(root: Path, port: int, *options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "redis-server",
            *("--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
            *("--dir", str(root), "--dbfilename", f"dump-{port}.rdb", *options),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _sentinel(root: Path, port: int, master_port: int) -> subprocess.Popen:
    config = root / f"sentinel-{port}.conf"
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {root}\n"
        f"sentinel monitor {MASTER_NAME} 127.0.0.1 {master_port} 2\n"
        f"sentinel down-after-milliseconds {MASTER_NAME} 1000\n"
        f"sentinel failover-timeout {MASTER_NAME} 5000\n"
        f"sentinel parallel-syncs {MASTER_NAME} 1\n"
    )
    return subprocess.Popen(
        ["redis-sentinel", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _start(redis_set: RedisSet) -> None:
    root, master = redis_set.root, _free_port()
    redis_set.servers[master] = _server(root, master)
    _wait_for(lambda: redis_set.client(master).ping(), "the master did not start", START_SECONDS)
    redis_set.link = TcpProxy("127.0.0.1", master)
    redis_set.link.start()
    replica = _free_port()
    redis_set.servers[replica] = _server(
        root, replica, "--replicaof", "127.0.0.1", str(redis_set.link.port)
    )
    for _ in range(3):
        port = _free_port()
        redis_set.sentinels[port] = _sentinel(root, port, master)

    def ready() -> bool:
        info = redis_set.client(master).info("replication")
        return info["connected_slaves"] == 1 and all(
            known["num-other-sentinels"] == 2 and known["num-slaves"] == 1
            for known in (
                redis.Redis(port=port, socket_timeout=1).sentinel_master(MASTER_NAME)
                for port in redis_set.sentinels
            )
        )

    _wait_for(ready, "the replica and the Sentinels did not come up", START_SECONDS * 3)


@contextmanager
def redis_with_sentinels() -> Iterator[RedisSet]:
    if not (shutil.which("redis-server") and shutil.which("redis-sentinel")):
        raise RuntimeError("needs redis-server and redis-sentinel (apt-get install redis-sentinel)")
    redis_set = RedisSet(Path(tempfile.mkdtemp(prefix="hawk-redis-")))
    try:
        _start(redis_set)
        yield redis_set
    finally:
        redis_set.stop()

"""Helpers of the logical-feed tests: the seed rows, the worker process's environment, and a
handle on that process (worker.py). A support module, not a test module."""

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[4]
SLOT = "hawk_agent_test"
ANSWER_SECONDS = 15.0

SEED = """
TRUNCATE position_nav_master, entity_master, currency_configuration CASCADE;
INSERT INTO currency_configuration (currency_code, currency_name, lot_size, aliases)
    VALUES ('CNY', 'Yuan', 1, '[]');
INSERT INTO entity_master (entity_id, entity_name, currency_code)
    VALUES ('E1', 'Entity one', 'CNY');
INSERT INTO position_nav_master
    (nav_id, entity_id, currency_code, as_of_date, nav_type, current_position)
VALUES ('NAV1', 'E1', 'CNY', '2024-01-31', 'COI', 100),
       ('NAV2', 'E1', 'CNY', '2024-02-29', 'COI', 200);
"""


def worker_environment(database_url: str, feed: str = "logical") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"HAWK_DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url,
        HAWK_CHANGE_FEED=feed,
        HAWK_CHANGE_FEED_SLOT=SLOT,
        HAWK_CHANGE_FEED_POLL_SECONDS="0.05",
        HAWK_CHANGE_FEED_RECONNECT_SECONDS="0.1",
        DJANGO_SETTINGS_MODULE="hawk.settings",
    )
    if redis_url := os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = redis_url  # the test's own Redis database, emptied before each test
    return env


def drop_slot(connection: psycopg.Connection) -> None:
    connection.execute(
        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = %s",
        [SLOT],
    )


class Worker:
    """The product's worker process: `call(op, ...)` sends one command, returns its answer."""

    def __init__(
        self, database_url: str, feed: str = "logical", extra_env: dict[str, str] | None = None
    ) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.hawk.datacache.changefeed.worker"],
            cwd=ROOT,
            env={**worker_environment(database_url, feed), **(extra_env or {})},
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.answers: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._collect, daemon=True).start()
        assert self._answer() == {"ready": True}

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.answers.put(line)

    def _answer(self) -> Any:
        try:
            return json.loads(self.answers.get(timeout=ANSWER_SECONDS))
        except queue.Empty:
            raise AssertionError("the worker did not answer in time") from None

    def call(self, op: str, **arguments: Any) -> Any:
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        assert "error" not in answer, answer["error"]
        return answer["ok"]

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

"""A small circuit breaker, so that a failing analysis backend is skipped at once instead of
being waited on by every run.

closed    -> calls go through; `failure_threshold` consecutive failures open the circuit.
open      -> calls are refused without touching the network, for `cooldown_seconds`.
half_open -> after the cool-down one trial call goes through (others are still refused);
             its success closes the circuit, its failure opens it for another cool-down.

Process-local and thread-safe. The clock is injectable so that tests need not sleep.
"""

import threading
import time
from collections.abc import Callable
from typing import Literal

CircuitState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._current_state()

    def allow(self) -> bool:
        """True when a call may go ahead. In half-open state only the first caller gets True:
        it is the trial, and must report back with record_success, record_failure or release."""
        with self._lock:
            state = self._current_state()
            if state == "closed":
                return True
            if state == "open" or self._trial_running:
                return False
            self._trial_running = True
            return True

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._trial_running = False
            if self._opened_at is not None:
                # A failed trial (or a call that started before the circuit opened and failed
                # late): the backend is still down, so wait a whole cool-down again.
                self._opened_at = self._clock()
                return
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._opened_at = self._clock()

    def release(self) -> None:
        """The call ended without telling whether the backend works (it was cancelled): free
        the half-open trial slot so that the next call can be the trial."""
        with self._lock:
            self._trial_running = False

    def _current_state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_seconds:
            return "half_open"
        return "open"

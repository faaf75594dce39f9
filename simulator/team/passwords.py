"""Password hashing with bcrypt (a maintained library), and throttling of repeated failed sign-ins."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import bcrypt

from simulator.team.model import check_password

ROUNDS = 12
_DECOYS: dict[int, bytes] = {}
_DECOY_LOCK = threading.Lock()


def decoy_hash(rounds: int) -> bytes:
    """A hash no password matches, at the same cost as real ones: checked when a name is unknown, so an unknown
    name takes as long as a wrong password and the time of an answer does not tell which names exist."""
    with _DECOY_LOCK:
        if rounds not in _DECOYS:
            _DECOYS[rounds] = bcrypt.hashpw(secrets.token_bytes(32).hex().encode(), bcrypt.gensalt(rounds))
        return _DECOYS[rounds]


def cost_of(hashed: str | None, default: int = ROUNDS) -> int:
    """The bcrypt cost written in a hash (`$2b$12$…` → 12); `default` when there is none to read."""
    parts = (hashed or "").split("$")
    return int(parts[2]) if len(parts) > 3 and parts[2].isdigit() and 4 <= int(parts[2]) <= 31 else default


def hash_password(password: str, rounds: int = ROUNDS) -> str:
    return bcrypt.hashpw(check_password(password).encode(), bcrypt.gensalt(rounds)).decode()


def verify(password: str, hashed: str | None, rounds: int = ROUNDS) -> bool:
    """Whether `password` matches `hashed`; with no hash (an unknown name) the same work is done on a decoy."""
    # surrogatepass: a password no browser could type (sent through the API) is just a wrong one.
    encoded = password.encode("utf-8", "surrogatepass")[:72]
    if hashed is None or not hashed.startswith("$2"):
        # No hash, or an account that signs in elsewhere only (single sign-on): the same work on a decoy.
        bcrypt.checkpw(encoded, decoy_hash(rounds))
        return False
    return bcrypt.checkpw(encoded, hashed.encode())


class FailureLog(Protocol):
    """Where sign-in attempts are counted: the database, so every app instance throttles alike
    (`adapters/sql_sign_in.py`), or one process's memory (`MemoryFailures`, for a store-less service).

    An attempt is written before its password is checked and stays when the password was wrong, so the rows are
    the failures plus the attempts still being checked."""

    def begin_attempt(self, key: str, at: float, since: float, wait: Callable[[list[float]], float]) -> float:
        """Atomically (one transaction, one attempt for `key` at a time): read the times of `key`'s attempts at or
        after `since`, oldest first; `wait(times)` says how long this attempt must wait; when that is 0, record
        the attempt at `at`. Returns the wait. So however many sign-ins for one name arrive at once, each sees the
        ones before it."""
        ...

    def clear_failures(self, key: str, before: float | None = None) -> None:
        """Forget `key`'s attempts (all of them, or those before `before`)."""
        ...


@dataclass
class MemoryFailures:
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin_attempt(self, key: str, at: float, since: float, wait: Callable[[list[float]], float]) -> float:
        with self._lock:
            left = wait([t for t in self._failures.get(key, []) if t >= since])
            if left <= 0:
                self._failures.setdefault(key, []).append(at)
            return left

    def clear_failures(self, key: str, before: float | None = None) -> None:
        with self._lock:
            if before is None:
                self._failures.pop(key, None)
            else:
                self._failures[key] = [t for t in self._failures.get(key, []) if t >= before]


@dataclass
class Throttle:
    """After `limit` failures within `window` seconds a name is refused for `pause` seconds, right or wrong.
    Wall-clock time, since instances on different machines compare the times they wrote."""

    limit: int = 5
    window: float = 900.0
    pause: float = 300.0
    clock: Callable[[], float] = time.time
    log: FailureLog = field(default_factory=MemoryFailures)
    on_failure: Callable[[], None] | None = None  # told of each failed sign-in (the operators' metrics)

    def begin(self, name: str) -> float:
        """Count a sign-in attempt for `name` before its password is checked. Returns the seconds to wait (the
        attempt was refused and not counted), or 0 (it was counted: call `failed` or `succeeded` after)."""
        now = self.clock()

        def wait(recent: list[float]) -> float:
            if len(recent) < self.limit:
                return 0.0
            return max(0.0, recent[-1] + self.pause - now)

        return self.log.begin_attempt(name.lower(), now, now - self.window, wait)

    def failed(self, name: str) -> None:
        """The attempt `begin` counted failed: it stays counted."""
        if self.on_failure is not None:
            self.on_failure()
        # Rows older than the window no longer count; dropping them keeps the table small.
        self.log.clear_failures(name.lower(), before=self.clock() - self.window)

    def succeeded(self, name: str) -> None:
        self.log.clear_failures(name.lower())

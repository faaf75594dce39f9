"""Password hashing with bcrypt (a maintained library), and throttling of repeated failed sign-ins."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
    if hashed is None:
        bcrypt.checkpw(encoded, decoy_hash(rounds))
        return False
    return bcrypt.checkpw(encoded, hashed.encode())


@dataclass
class Throttle:
    """After `limit` failures within `window` seconds a name is refused for `pause` seconds, right or wrong."""

    limit: int = 5
    window: float = 900.0
    pause: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_left(self, name: str) -> float:
        """Seconds until `name` may try again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            recent = [t for t in self._failures.get(name.lower(), []) if now - t < self.window]
            self._failures[name.lower()] = recent
            if len(recent) >= self.limit:
                return max(0.0, recent[-1] + self.pause - now)
            return 0.0

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name.lower(), []).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.lower(), None)

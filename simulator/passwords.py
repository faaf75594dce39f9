"""Password hashing with bcrypt (a maintained library), and throttling of repeated failed sign-ins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import bcrypt

from simulator.team import check_password

ROUNDS = 12
# Checked when a name is unknown, so a wrong name costs as long as a wrong password and timing tells nothing.
_DECOY = bcrypt.hashpw(b"no account has this password", bcrypt.gensalt(4))


def hash_password(password: str, rounds: int = ROUNDS) -> str:
    return bcrypt.hashpw(check_password(password).encode(), bcrypt.gensalt(rounds)).decode()


def verify(password: str, hashed: str | None) -> bool:
    encoded = password.encode()[:72]
    if hashed is None:
        bcrypt.checkpw(encoded, _DECOY)
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

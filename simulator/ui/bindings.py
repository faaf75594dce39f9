"""Who may use each Gradio session hash and event id: the first signed-in user who uses it, bounded per user."""

from __future__ import annotations

import threading
from collections import OrderedDict

BINDINGS = 200_000  # session hashes and event ids remembered in all
PER_USER = 2_000  # … and per user: a day of tabs and events for one person, far below what one flood needs


class Bindings:
    """Who first used each session hash or event id. Each user may hold at most `per_user` of them (their own
    oldest forgotten first), so nobody can flood the table and push out another user's bindings; `size` bounds the
    whole table (the user holding the most gives way)."""

    def __init__(self, size: int = BINDINGS, per_user: int = PER_USER) -> None:
        self.size = size
        self.per_user = per_user
        self._owners: dict[str, str] = {}
        self._held: dict[str, OrderedDict[str, None]] = {}  # user -> their keys, oldest first
        self._lock = threading.Lock()

    def claim(self, key: str, user: str) -> bool:
        """True when `user` may use `key`: it is theirs, or it was nobody's and now is."""
        with self._lock:
            owner = self._owners.get(key)
            if owner is not None:
                if owner == user:
                    self._held[user].move_to_end(key)
                return owner == user
            mine = self._held.setdefault(user, OrderedDict())
            mine[key] = None
            self._owners[key] = user
            if len(mine) > self.per_user:
                self._forget(user)
            if len(self._owners) > self.size:
                self._forget(max(self._held, key=lambda u: len(self._held[u])))
            return True

    def _forget(self, user: str) -> None:
        old, _ = self._held[user].popitem(last=False)
        del self._owners[old]

    def held_by(self, user: str) -> int:
        with self._lock:
            return len(self._held.get(user, ()))

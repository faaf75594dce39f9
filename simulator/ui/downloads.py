"""Export downloads: a one-time link for whoever asked, with the file made by the team service when it is fetched.

Nothing is written to disk (Gradio's shared temp folder served any file in it to anyone signed in who had its
URL). The link names an export, not a file: fetching it runs the export again as the person fetching, so the
service decides, at that moment, whether they may read those sessions.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from simulator.errors import SimulatorError

DOWNLOAD = "/parley/download/"  # the guard serves it
# (signed-in name or None in single-user mode) -> (file name, content); raises SimulatorError when refused.
Maker = Callable[[str | None], tuple[str, str | bytes]]
MEDIA_TYPES = {
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".yaml": "application/yaml; charset=utf-8",
    ".png": "image/png",
}


@dataclass(frozen=True)
class _Ticket:
    owner: str | None
    make: Maker
    expires: float


class Downloads:
    """Tickets that expire after `ttl` seconds or at their first download, whichever comes first."""

    def __init__(self, ttl: float = 600.0, per_owner: int = 20, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.per_owner = per_owner
        self.clock = clock
        self._tickets: dict[str, _Ticket] = {}
        self._lock = threading.Lock()

    def issue(self, owner: str | None, make: Maker) -> str:
        now = self.clock()
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tickets = {k: t for k, t in self._tickets.items() if t.expires > now}
            mine = [k for k, t in self._tickets.items() if t.owner == owner]
            for old in mine[: max(0, len(mine) - self.per_owner + 1)]:
                del self._tickets[old]  # oldest first: a person keeps their latest exports
            self._tickets[token] = _Ticket(owner, make, now + self.ttl)
        return token

    def redeem(self, token: str, user: str | None) -> tuple[str, bytes] | None:
        """(file name, bytes), or None when the ticket is unknown, expired, someone else's or refused now."""
        with self._lock:
            ticket = self._tickets.get(token)
            if ticket is None or ticket.owner != user:
                return None  # another person's ticket stays usable by its owner
            del self._tickets[token]
        if ticket.expires <= self.clock():
            return None
        try:
            name, content = ticket.make(user)
        except SimulatorError:
            return None
        return name, content.encode("utf-8") if isinstance(content, str) else content

    def link(self, owner: str | None, name: str, make: Maker) -> str:
        """A one-time download link, for `owner` only; the file is made again, as them, when it is fetched."""
        token = self.issue(owner, make)
        minutes = int(self.ttl // 60)
        return (
            f"<p><a class='download' href='{DOWNLOAD[1:]}{token}' download='{escape(name)}'>Download "
            f"{escape(name)}</a> <small>(works once, for {minutes} minutes, only for you)</small></p>"
        )

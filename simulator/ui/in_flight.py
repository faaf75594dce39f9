"""Turns being answered, per conversation, in this instance: what End and "Try another way" wait for."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class TurnsInFlight:
    """The turn each conversation is answering in this instance. End and "Try another way" wait for it: pressed
    mid-reply, they used to meet a turn still half done (the turn was refused as if another tab had played it, or
    the retry found no answered message)."""

    WAIT_S = 60.0  # a turn stuck longer than this (a stream the browser left) no longer holds the others back

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, session_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(session_id, threading.Lock())

    @contextmanager
    def answering(self, h: Any) -> Iterator[None]:
        """Held while a turn is answered; a second turn of the same conversation (another tab) does not wait:
        the session store decides which one stands."""
        lock = self._lock(h.session_id) if h is not None else None
        held = lock.acquire(blocking=False) if lock is not None else False
        try:
            yield
        finally:
            if held and lock is not None:
                lock.release()

    @contextmanager
    def settled(self, h: Any, ending: bool = True) -> Iterator[None]:
        """Waits for the turn being answered, if any, then holds the conversation still (`ending`: for good)."""
        lock = self._lock(h.session_id) if h is not None else None
        held = lock.acquire(timeout=self.WAIT_S) if lock is not None else False
        try:
            yield
        finally:
            if held and lock is not None:
                lock.release()
            if ending and h is not None:
                with self._guard:  # an ended conversation takes no more turns: its lock need not stay
                    self._locks.pop(h.session_id, None)

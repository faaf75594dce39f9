"""Turns being answered, per conversation, in this instance: what End and "Try another way" wait for, and when
the last one finished (a second press of Send for the same message is told apart by it)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Conversation:
    lock: threading.Lock = field(default_factory=threading.Lock)
    finished: float = -math.inf  # monotonic time the last send of this conversation finished


class TurnsInFlight:
    """The turn each conversation is answering in this instance. End and "Try another way" wait for it: pressed
    mid-reply, they used to meet a turn still half done (the turn was refused as if another tab had played it, or
    the retry found no answered message)."""

    WAIT_S = 60.0  # a turn stuck longer than this (a stream the browser left) no longer holds the others back

    def __init__(self) -> None:
        self._conversations: dict[str, _Conversation] = {}
        self._guard = threading.Lock()

    def _of(self, h: Any) -> _Conversation | None:
        if h is None:
            return None
        with self._guard:
            return self._conversations.setdefault(h.session_id, _Conversation())

    def finished_within(self, h: Any, seconds: float) -> bool:
        """Whether a send of this conversation finished less than `seconds` ago."""
        c = self._of(h)
        return c is not None and time.monotonic() - c.finished < seconds

    @contextmanager
    def answering(self, h: Any) -> Iterator[None]:
        """Held while a turn is answered; a second turn of the same conversation (another tab) does not wait:
        the session store decides which one stands."""
        c = self._of(h)
        held = c.lock.acquire(blocking=False) if c is not None else False
        try:
            yield
        finally:
            if c is not None:
                c.finished = time.monotonic()
                if held:
                    c.lock.release()

    @contextmanager
    def settled(self, h: Any, ending: bool = True) -> Iterator[None]:
        """Waits for the turn being answered, if any, then holds the conversation still (`ending`: for good)."""
        c = self._of(h)
        held = c.lock.acquire(timeout=self.WAIT_S) if c is not None else False
        try:
            yield
        finally:
            if held and c is not None:
                c.lock.release()
            if ending and h is not None:
                with self._guard:  # an ended conversation takes no more turns: its entry need not stay
                    self._conversations.pop(h.session_id, None)

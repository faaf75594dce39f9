"""Sign-in state in the database, so any app instance can serve any signed-in browser.

- `SqlFailureLog`: the sign-in throttle's attempts, counted before each password is checked
  (`team/passwords.Throttle`).
- `SqlSignIns`: who each sign-in token belongs to. Gradio keeps its token table in one process's memory (a
  plain dict, `App.tokens`); the app gives Gradio this mapping instead (`ui/server.py`). Only the sha256 of a
  token is stored, so a copy of the database gives nobody a live sign-in; an expired token, a removed account
  or a disabled one reads as signed out at once.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping

from sqlalchemy import delete, func, select

from simulator.adapters.sql_schema import sign_in_failures, sign_in_tokens, users
from simulator.adapters.sql_store import SqlStore
from simulator.text import storable

HOURS = 12.0  # a sign-in lasts a working day
CACHE_SECONDS = 2.0  # a browser's burst of requests costs one query; a sign-out elsewhere is seen this fast


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class SqlFailureLog:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def begin_attempt(self, key: str, at: float, since: float, wait: Callable[[list[float]], float]) -> float:
        key = storable(key)  # a name no browser sends (a lone surrogate) is still a name to count, not an error
        query = (
            select(sign_in_failures.c.at)
            .where(sign_in_failures.c.key == key, sign_in_failures.c.at >= _ms(since))
            .order_by(sign_in_failures.c.at)
        )
        with self.store._write() as db:
            # One attempt per name at a time, so parallel sign-ins each count the ones before them: SQLite's
            # writes are already one at a time (BEGIN IMMEDIATE); PostgreSQL takes a lock on the name until commit.
            if db.dialect.name == "postgresql":
                db.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"parley-sign-in:{key}"))))
            left = wait([int(t) / 1000 for (t,) in db.execute(query)])
            if left <= 0:
                db.execute(sign_in_failures.insert().values(key=key, at=_ms(at)))
        return left

    def clear_failures(self, key: str, before: float | None = None) -> None:
        query = delete(sign_in_failures).where(sign_in_failures.c.key == storable(key))
        if before is not None:
            query = query.where(sign_in_failures.c.at < _ms(before))
        with self.store._write() as db:
            db.execute(query)


class SqlSignIns(MutableMapping[str, str]):
    """token → account name, as Gradio's `App.tokens` is used (`get`, `[token] = name`, `del`, `in`).

    Iterating yields nothing: only digests are stored. Signing out everywhere is `forget(name)`, which the
    guard calls on `/logout`, before Gradio's own loop over the (empty) keys."""

    def __init__(self, store: SqlStore, *, hours: float = HOURS, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.hours = hours
        self.clock = clock
        self._cache: dict[str, tuple[str, float]] = {}  # digest → (name, read at)
        self._lock = threading.Lock()

    def issue(self, name: str) -> str:
        """A new token for `name` (the JSON API's bearer token and single sign-on use it)."""
        token = secrets.token_urlsafe(32)
        self[token] = name
        return token

    def __getitem__(self, token: str) -> str:
        if not isinstance(token, str) or not token:
            raise KeyError(token)
        digest = _digest(token)
        now = self.clock()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and now - cached[1] < CACHE_SECONDS:
            return cached[0]
        query = (
            select(users.c.name)
            .select_from(sign_in_tokens.join(users, func.lower(users.c.name) == func.lower(sign_in_tokens.c.name)))
            .where(
                sign_in_tokens.c.token_hash == digest,
                sign_in_tokens.c.expires_at > _ms(now),
                users.c.disabled == 0,
            )
        )
        with self.store._reading() as db:
            found = db.execute(query).first()
        with self._lock:
            if found is None:
                self._cache.pop(digest, None)
                raise KeyError(token)
            self._cache[digest] = (str(found[0]), now)
            if len(self._cache) > 10_000:
                self._cache.clear()
        return str(found[0])

    def __setitem__(self, token: str, name: str) -> None:
        now = self.clock()
        with self.store._write() as db:
            # Expired rows go as new ones come, so the table holds only live sign-ins.
            db.execute(delete(sign_in_tokens).where(sign_in_tokens.c.expires_at <= _ms(now)))
            db.execute(
                sign_in_tokens.insert().values(
                    token_hash=_digest(token),
                    name=name,
                    created_at=_ms(now),
                    expires_at=_ms(now + self.hours * 3600),
                )
            )

    def __delitem__(self, token: str) -> None:
        digest = _digest(token)
        with self._lock:
            self._cache.pop(digest, None)
        with self.store._write() as db:
            db.execute(delete(sign_in_tokens).where(sign_in_tokens.c.token_hash == digest))

    def forget(self, name: str) -> None:
        """Sign `name` out of every browser and API client, on every instance."""
        with self._lock:
            self._cache = {k: v for k, v in self._cache.items() if v[0].lower() != name.lower()}
        with self.store._write() as db:
            db.execute(delete(sign_in_tokens).where(func.lower(sign_in_tokens.c.name) == func.lower(name)))

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        with self.store._reading() as db:
            query = (
                select(func.count()).select_from(sign_in_tokens).where(sign_in_tokens.c.expires_at > _ms(self.clock()))
            )
            return int(db.execute(query).scalar() or 0)

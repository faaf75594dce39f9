"""The SQLite adapter's health checks and the words it uses: what a user sees, and what the log gets."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

# What a user sees; the detail (file, SQLite's words) goes to the log and the operator's CLI.
NOT_SAVED = "this could not be saved, so nothing of this step was kept: try again, and if it keeps failing tell whoever runs Parley"
UNAVAILABLE = (
    "saving is switched off because the database was damaged while the app was running: nothing more is saved. "
    "Tell whoever runs Parley (the server log says what happened)"
)
NOT_READ = "the stored sessions could not be read just now: try again, and if it keeps failing tell whoever runs Parley"
UNENCODABLE = "the text holds a character that cannot be saved (an unpaired surrogate): remove it and try again"
STALE = "this conversation moved on in another tab or window: reopen it from Past sessions to continue"


class Damaged(Exception):
    """Raised inside a write when the file on disk is no longer the database we opened."""


def first_line(exc: BaseException | None, limit: int = 200) -> str:
    """SQLite's integrity reports run to hundreds of lines; one short line is enough to say what happened."""
    if exc is None:
        return "the database driver gave no reason"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "…"


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_IOERR)


_HELD: dict[tuple[int, int], int] = {}
_HELD_LOCK = threading.Lock()


def _held(path: Path, identity: tuple[int, int]) -> int:
    """A descriptor of the database file kept open for the life of the process, never closed.

    Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's included
    (SQLite works around this for its own opens only). A header read through a fresh open() and close()
    would silently release the app's locks: another process (the CLI) then believes it is the file's last
    user, checkpoints and deletes the WAL under the running app, whose later commits go to a deleted file."""
    with _HELD_LOCK:
        fd = _HELD.get(identity)
        if fd is None:
            fd = os.open(path, os.O_RDONLY)
            opened = os.fstat(fd)
            if (opened.st_dev, opened.st_ino) != identity:
                os.close(fd)  # not the database file (replaced between stat and open): nothing of ours is on it
                raise OSError(0, "the file was replaced while it was being checked")
            _HELD[identity] = fd
        return fd


def file_problem(path: Path, identity: tuple[int, int]) -> str | None:
    """What is wrong with the database file on disk, if anything: cheap enough to ask before every commit.

    SQLite keeps acknowledging commits into its WAL after the main file was truncated, overwritten or
    replaced under it; the damage shows only at the next checkpoint or start, when those turns are lost.

    A checkpoint running at the same moment (another thread or app instance) may have written the header's
    new page count before the pages that grow the file: a file that reads shorter is looked at again for
    a moment, and reported only if it stays short, as a truncated file does."""
    problem = _file_problem(path, identity)
    for _ in range(SETTLE_TRIES):
        if problem is None or not problem.startswith(SHORTER):
            return problem
        time.sleep(SETTLE_S)
        problem = _file_problem(path, identity)
    return problem


SHORTER = "the file is shorter"
SETTLE_TRIES = 20
SETTLE_S = 0.025  # half a second in all: longer than a checkpoint's writes take, shorter than anyone waits


def _file_problem(path: Path, identity: tuple[int, int]) -> str | None:
    try:
        found = os.stat(path)
        if (found.st_dev, found.st_ino) != identity:
            return "the file was replaced by another one"
        header = os.pread(_held(path, identity), 100, 0)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "the file's header is gone (it was truncated or overwritten)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]  # the page count is trustworthy only when these agree
    if header_valid and found.st_size < pages * page_size:
        return f"{SHORTER} ({found.st_size:,} bytes) than the {pages * page_size:,} it holds"
    return None


def save_wal(path: Path) -> str:
    """Copy the WAL (acknowledged commits not yet in the main file) beside it; what to tell, or "" if none."""
    wal = path.with_name(path.name + "-wal")
    if not wal.exists():
        return ""
    saved = wal.with_name(f"{wal.name}.saved-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    try:
        shutil.copy2(wal, saved)
    except OSError:
        return ""
    return f"; the recent writes were copied to {saved}"

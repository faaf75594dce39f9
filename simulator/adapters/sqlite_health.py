"""The SQLite adapter's health checks and the words it uses: what a user sees, and what the log gets."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import struct
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from simulator.errors import StorageError

log = logging.getLogger(__name__)

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

    def __init__(self, problem: str, *, wal: bool = False) -> None:
        super().__init__(problem)
        self.wal = wal  # the WAL was lost, while the main file is sound: its commits can still be moved there


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
    """What is wrong with the database file's identity or header, if anything: cheap enough for every commit.

    SQLite keeps acknowledging commits into its WAL after the main file was truncated, overwritten or
    replaced under it; the damage shows only at the next checkpoint or start, when those turns are lost.

    Only what no healthy state shows is judged here: another file at the path, or no SQLite header. The file's
    size is not: a checkpoint writes page 1, with the new page count, before the pages that grow the file, and
    one that stops part way (readers hold older snapshots) may leave the file shorter than that count until a
    later one completes, so size and page count disagree in health (issue 28: saving was switched off so).
    Whether the pages hold a database is SQLite's own call (`pages_problem`), asked when the file changed."""
    try:
        found = os.stat(path)
        if (found.st_dev, found.st_ino) != identity:
            return "the file was replaced by another one"
        header = os.pread(_held(path, identity), 100, 0)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror})"
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return "the file's header is gone (it was truncated or overwritten)"
    return None


def stamp(path: Path) -> tuple[int, int, int] | None:
    """The file's size and change times: equal stamps mean nobody wrote it in between (None: it is gone)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ctime_ns


def pages_problem(path: Path) -> str | None:
    """SQLite's own verdict on every page (`PRAGMA quick_check`), through a connection of its own.

    A fresh connection has no cached pages, so it reads what is on disk now; SQLite reads it at one snapshot,
    consistent with any checkpoint running meanwhile, so a healthy file is never called damaged. Closing it is
    safe for the process's locks: SQLite closes its own descriptors with care. "" when SQLite could not look
    just now (busy past its timeout): no verdict, and the caller asks again at its next commit."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=10, check_same_thread=False)
    except sqlite3.Error as exc:
        return f"the file cannot be opened ({first_line(exc)})"
    try:
        db.execute("PRAGMA query_only=ON")
        found = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        return (
            "" if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) else f"its pages are damaged ({first_line(exc)})"
        )
    finally:
        db.close()
    return None if found == ["ok"] else f"its pages are damaged ({first_line(Exception('; '.join(found)))})"


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def wal_identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(wal_path(path))
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _open_identities() -> set[tuple[int, int]] | None:
    """The files this process holds open (Linux's /proc); None where that cannot be known."""
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    found = set()
    for name in names:
        try:
            held = os.stat(f"/proc/self/fd/{name}")
        except OSError:
            continue  # closed meanwhile
        found.add((held.st_dev, held.st_ino))
    return found


def wal_problem(path: Path, known: tuple[int, int] | None) -> str | None:
    """Whether the WAL SQLite writes into is still the file at its path; ask only while a connection is open.

    While any connection is open SQLite never deletes its WAL, so a missing one was deleted by someone else,
    and commits would go on into the deleted file, to vanish at the next crash. Another file at the path is
    healthy only if SQLite made it (every connection had closed): then no descriptor still holds the old one."""
    now = wal_identity(path)
    if now is None:
        return "its write-ahead log was deleted"
    if known is None or now == known:
        return None
    held = _open_identities()
    if held is None or known in held:
        return "its write-ahead log was replaced by another file"
    return None


def _held_wal(path: Path, known: tuple[int, int] | None) -> Path | None:
    """Where to read the WAL SQLite still writes into: its path, or (deleted or replaced) its open descriptor."""
    if known is None or wal_identity(path) == known:
        return wal_path(path) if wal_path(path).exists() else None
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for name in names:
        try:
            held = os.stat(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if (held.st_dev, held.st_ino) == known:
            return Path(f"/proc/self/fd/{name}")
    return None


def save_wal(path: Path, known: tuple[int, int] | None = None) -> str:
    """Copy the WAL (acknowledged commits not yet in the main file) beside it; what to tell, or "" if none.
    `known`: the WAL SQLite writes into, which is read through its descriptor when its path lost it."""
    wal = _held_wal(path, known)
    if wal is None:
        return ""
    saved = wal_path(path).with_name(f"{wal_path(path).name}.saved-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    try:
        shutil.copyfile(wal, saved)
    except OSError:
        return ""
    return f"; the recent writes were copied to {saved}"


def _wal_sums(data: bytes, big: bool, s0: int, s1: int) -> tuple[int, int]:
    """SQLite's WAL checksum over `data` (a multiple of 8 bytes), continued from (s0, s1)."""
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_tail_problem(path: Path) -> str | None:
    """Whether the WAL holds frames of its current generation that SQLite's recovery would drop as unreadable.

    After a crash SQLite replays the WAL up to the first frame whose checksum fails and silently forgets the rest:
    acknowledged commits, an account among them. A frame cut off by a write in progress is the only healthy
    cause, so a WAL that still changes (another instance writing) is not judged; one at rest with a bad frame
    of its own generation is damaged. Ask before the first connection: recovery rewrites nothing, but the next
    commit overwrites the evidence."""
    wal = wal_path(path)
    before = stamp(wal)
    try:
        data = wal.read_bytes()
    except OSError:
        return None  # no WAL: nothing to replay
    if len(data) < 32 or int.from_bytes(data[:4], "big") not in (0x377F0682, 0x377F0683):
        return None  # empty or never written: SQLite starts it afresh
    big = data[3] == 0x83
    page_size = int.from_bytes(data[8:12], "big")
    salts = data[16:24]
    if not 512 <= page_size <= 65536 or _wal_sums(data[:24], big, 0, 0) != struct.unpack(">II", data[24:32]):
        return None  # a header SQLite itself would reject: it ignores the whole file, as it always has
    sums = struct.unpack(">II", data[24:32])
    size = 24 + page_size
    frames = (len(data) - 32) // size
    for n in range(frames):
        frame = data[32 + n * size : 32 + (n + 1) * size]
        if frame[8:16] != salts:
            return None  # an older generation's frames: SQLite stops here, and rightly so
        sums = _wal_sums(frame[:8] + frame[24:], big, *sums)
        if sums != struct.unpack(">II", frame[16:24]):
            if stamp(wal) != before or _still_changing(wal, before):
                return None  # being written by another connection right now
            return f"its write-ahead log is damaged at frame {n + 1} of {frames}: {frames - n} frame(s) cannot be read"
    return None


def _still_changing(wal: Path, before: tuple[int, int, int] | None) -> bool:
    time.sleep(0.2)  # a write in progress finishes within this; damage stays
    return stamp(wal) != before


class FileWatch:
    """What a store knows of its SQLite files, to tell its own writes from anyone else's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        found = os.stat(path)
        self.identity = (found.st_dev, found.st_ino)
        self.wal = wal_identity(path)  # the WAL SQLite writes into
        self.seen = stamp(path)  # the file as the store last wrote or verified it

    def problem(self) -> str | None:
        """What no healthy state shows (another file, no header, a lost WAL): safe to ask at any moment."""
        return file_problem(self.path, self.identity) or wal_problem(self.path, self.wal)

    def before_commit(self) -> Damaged | None:
        """Asked under SQLite's write lock, before a commit is acknowledged: the files are still the ones SQLite
        writes into, and when anyone but the store wrote the main file since, SQLite still reads every page."""
        problem = file_problem(self.path, self.identity)
        if problem is not None:
            return Damaged(problem)
        problem = wal_problem(self.path, self.wal)
        if problem is not None:
            return Damaged(problem, wal=True)
        self.wal = wal_identity(self.path)  # SQLite made a new one after every connection had closed
        now = stamp(self.path)
        if now != self.seen:  # another instance's checkpoint, or damage: SQLite's own check tells which
            problem = pages_problem(self.path)
            if problem:
                return Damaged(problem)
            if problem is None:
                self.seen = now
        return None

    def committed(self) -> None:
        """The commit's own checkpoint wrote the file: what it left is what the next commit compares to."""
        self.seen = stamp(self.path)

    def save_wal(self) -> str:
        return save_wal(self.path, self.wal)

    def rescue(self, raw: sqlite3.Connection, where: str) -> None:
        """The WAL was deleted or replaced under a sound main file: its acknowledged commits live on only in the
        descriptor the connection `raw` holds, so they are checkpointed into the main file before a crash loses
        them. `raw` is the driver's connection, outside any transaction (a checkpoint runs outside one)."""
        try:
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(FULL)").fetchone()
        except sqlite3.Error as exc:
            log.error("database %s: the lost WAL could not be checkpointed: %s", where, first_line(exc))
            return
        if busy:
            log.error("database %s: the lost WAL was checkpointed only in part (readers held it)", where)


def torn_wal(path: Path, problem: str) -> StorageError:
    """Acknowledged writes SQLite would drop without a word: a person decides, with a copy of them kept."""
    kept = save_wal(path)
    return StorageError(
        f"the database {path} cannot start as it is: {problem}, so acknowledged writes would be lost{kept}. "
        "Restore a backup, or, to go on without those writes, open the file once with SQLite (python -c "
        f"\"import sqlite3; sqlite3.connect('{path}').execute('PRAGMA quick_check').fetchall()\") and start again"
    )


def damaged_at_start(where: str, reason: str) -> StorageError:
    return StorageError(
        f"the database {where} is damaged or is not a Parley database ({reason}). It was left untouched: move it "
        "aside (or restore a backup) and start again, or set PARLEY_DATA_DIR to another folder"
    )

"""Storage on SQLite and PostgreSQL: committed before the reply, reopened after a restart, never overwriting a damaged file."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.adapters import sql_migrate
from simulator.adapters.sql_store import SqlStore
from simulator.counterpart.scripted import Said, ScriptedVoice
from simulator.errors import StorageError, UnknownSessionError
from simulator.game.state import GameState, Move
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.session.practice import Practice
from tests.db import read_rows, write_rows

MESSAGES = [
    "I hear you. What would a good outcome look like for you?",
    "To be open, our margin is thin. Who else will judge how this renewal turns out?",
]


class PeekingVoice(ScriptedVoice):
    """Reads the database through its own connection at the moment the reply is being made."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.seen: list[tuple[object, ...]] = []

    def say(self, persona: Persona, state: GameState, moves: list[Move]) -> Said:
        rows = read_rows(self.store, "SELECT user_text, grade_json, reply FROM turns ORDER BY turn DESC LIMIT 1")
        self.seen.append(rows[0])
        return super().say(persona, state, moves)


class CrashingVoice(ScriptedVoice):
    def say(self, persona: Persona, state: GameState, moves: list[Move]) -> Said:
        raise RuntimeError("process died while replying")


def test_message_and_grade_are_committed_before_the_reply(catalog: PersonaCatalog, store: SqlStore) -> None:
    voice = PeekingVoice(store)
    practice = Practice(catalog, store, voice=voice)
    handle = practice.start("procurement_discount")
    for text in MESSAGES:
        practice.send(handle, text)
    assert [row[0] for row in voice.seen] == MESSAGES
    assert all(row[1] and json.loads(str(row[1]))["questions"]["score"] == 2 for row in voice.seen)
    assert all(row[2] is None for row in voice.seen)


def test_crash_mid_turn_loses_nothing_and_resume_finishes_it(
    catalog: PersonaCatalog, database: Path | str, new_database: Callable[[str], Path | str]
) -> None:
    path = database
    crashing = Practice(catalog, SqlStore(path), voice=CrashingVoice())
    handle = crashing.start("procurement_discount")
    with pytest.raises(RuntimeError):
        crashing.send(handle, MESSAGES[0])
    reopened = Practice(catalog, SqlStore(path))
    resumed, record = reopened.resume(handle.session_id)
    assert record.turns[0].user_text == MESSAGES[0] and record.turns[0].grade is not None
    assert record.turns[0].reply  # finished on resume, by the same deterministic rules
    # Exactly what an uninterrupted run produces.
    clean = Practice(catalog, SqlStore(new_database("clean.sqlite3")))
    fresh = clean.start("procurement_discount")
    expected = clean.send(fresh, MESSAGES[0])
    assert record.turns[0].reply == expected.reply
    assert resumed.state == expected.state


def test_sessions_reopen_after_a_restart(catalog: PersonaCatalog, database: Path | str) -> None:
    path = database
    first = Practice(catalog, SqlStore(path))
    handle = first.start("salary_offer")
    first.send(handle, MESSAGES[0])
    # A different process reads the same file.
    code = (
        "import json,sys; from pathlib import Path; from simulator.adapters.sql_store import SqlStore; "
        "a=sys.argv[1]; s=SqlStore(a if '://' in a else Path(a)); print(json.dumps([x.id for x in s.list_sessions()]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == [handle.session_id]
    second = Practice(catalog, SqlStore(path))
    resumed, _record = second.resume(handle.session_id)
    assert resumed.state == handle.state
    result = second.send(resumed, MESSAGES[1])
    assert result.turn == 2
    assert [t.turn for t in second.store.get_session(handle.session_id).turns] == [1, 2]


def test_unknown_session(store: SqlStore) -> None:
    with pytest.raises(UnknownSessionError, match="python -m simulator sessions"):
        store.get_session("nope")


@pytest.mark.parametrize(
    "damage",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "bad-pages"],
)
def test_corrupt_database_is_reported_and_left_untouched(data_dir: Path, damage: bytes) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / "parley.sqlite3"
    path.write_bytes(damage)
    with pytest.raises(StorageError) as caught:
        SqlStore(path)
    message = str(caught.value)
    assert str(path) in message and "left untouched" in message and "PARLEY_DATA_DIR" in message
    assert path.read_bytes() == damage


def test_corrupt_database_cli_message(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "parley.sqlite3").write_bytes(b"garbage" * 500)
    result = subprocess.run([sys.executable, "-m", "simulator", "sessions"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "damaged" in result.stderr and "Traceback" not in result.stderr


def test_version_1_database_is_upgraded_in_place(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    path = data_dir / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, persona_id TEXT NOT NULL, persona_name TEXT NOT NULL, user TEXT NOT NULL,"
            " opening TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, outcome TEXT, state_json TEXT NOT NULL, debrief_json TEXT);"
            "CREATE TABLE turns (session_id TEXT NOT NULL, turn INTEGER NOT NULL, user_text TEXT NOT NULL, grade_json TEXT, reply TEXT,"
            " moves_json TEXT NOT NULL DEFAULT '[]', state_json TEXT, created_at TEXT NOT NULL, replied_at TEXT,"
            " PRIMARY KEY (session_id, turn));"
            "INSERT INTO sessions VALUES ('s1', 'p', 'P', 'local', 'hi', '2026-01-01', NULL, NULL, "
            f"'{json.dumps(GameState(trust=40, patience=60).to_dict())}', NULL);"
            "INSERT INTO turns VALUES ('s1', 1, 'hello there', NULL, NULL, '[]', NULL, '2026-01-01', NULL);"
            "PRAGMA user_version=1;"
        )
    store = SqlStore(path)
    record = store.get_session("s1")
    assert record.turns[0].user_text == "hello there" and record.turns[0].tokens is None
    store.add_reply("s1", 1, "hi again", [], record.state, {"prompt": 5, "completion": 2})
    assert store.get_session("s1").turns[0].tokens == {"prompt": 5, "completion": 2}
    assert record.voice == "scripted" and record.assignment_id is None
    # Version 4 and 5 tables arrive with the upgrade: accounts and team personas can be added to an old database.
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == int(sql_migrate.head())
    assert sqlite3.connect(path).execute("SELECT version_num FROM alembic_version").fetchall() == [
        (sql_migrate.head(),)
    ]
    assert store.list_sessions(10, users=["local"])[0].id == "s1"
    assert store.list_sessions(10, users=["someone else"]) == []
    store.close()


def test_a_damaged_stored_state_names_its_session(store: SqlStore, catalog: PersonaCatalog) -> None:
    practice = Practice(catalog, store)
    handle = practice.start(catalog.ordered()[0].id)
    write_rows(store, "UPDATE sessions SET state_json='{\"trust\": 1}' WHERE id=:id", id=handle.session_id)
    with pytest.raises(StorageError, match=f"game state of session {handle.session_id} is damaged"):
        store.get_session(handle.session_id)


def test_another_process_closing_the_file_leaves_a_running_store_its_wal(data_dir: Path) -> None:
    """The store's own file checks must not drop SQLite's locks (closing any descriptor of a file drops all of
    a process's POSIX locks on it). Without the locks, a CLI command that closes its connection believes it
    is the file's last user and deletes the WAL under the running app, whose later commits are then lost."""
    from simulator.adapters.sql_team import SqlTeamStore
    from simulator.team.model import Role

    path = data_dir / "parley.sqlite3"
    team = SqlTeamStore(SqlStore(path))
    team.add_account("ann", Role.TRAINEE, "h", None)  # a commit: the file is checked before it
    other = (
        "import sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute(\"INSERT INTO users (name, role, password_hash, created_at) VALUES ('bob', 'trainee', 'h', 'x')\")\n"
        "db.commit()\n"
        "db.close()\n"
    )
    subprocess.run([sys.executable, "-c", other, str(path)], check=True, timeout=60)
    assert path.with_name("parley.sqlite3-wal").exists()
    assert team.account("bob") is not None  # the store sees the other process's commit
    team.add_account("cy", Role.TRAINEE, "h", None)
    with sqlite3.connect(path) as fresh:
        assert [n for (n,) in fresh.execute("SELECT name FROM users ORDER BY name")] == ["ann", "bob", "cy"]


def test_constant_checkpoints_under_many_writers_never_switch_saving_off(
    data_dir: Path, catalog: PersonaCatalog
) -> None:
    """Issue 28: under load the file check called a healthy file "shorter than the pages it holds" around a
    checkpoint and switched saving off. SQLite leaves the main file shorter than its header's page count for
    a while in health (a checkpoint writes page 1 first; a partial checkpoint, with readers holding old
    snapshots, need not extend the file to its new size), so only SQLite's own reading of the pages may call it
    damaged. Here checkpoints run after every few pages, with writers and readers at once, and every
    acknowledged turn must be in the file afterwards."""
    import threading
    import time

    from sqlalchemy import event

    from simulator.adapters.sql_sign_in import SqlSignIns

    path = data_dir / "parley.sqlite3"
    store = SqlStore(path)

    @event.listens_for(store.engine, "connect")
    def _checkpoint_often(dbapi: sqlite3.Connection, _record: object) -> None:
        dbapi.execute("PRAGMA wal_autocheckpoint=4")  # a checkpoint after every commit of 4 pages or more

    store.engine.dispose()  # from here on, every connection checkpoints that often
    practice = Practice(catalog, store)
    tokens = SqlSignIns(store)
    acknowledged: dict[str, int] = {}  # session → its last turn the store acknowledged
    failures: list[str] = []
    lock = threading.Lock()
    until = time.monotonic() + 20
    personas = [p.id for p in catalog.ordered()]

    def player(n: int) -> None:
        while time.monotonic() < until and not failures:
            try:
                handle = practice.start(personas[n % len(personas)])
                for message in ("What matters most to you here?", "What would make this work for you?") * 3:
                    practice.send(handle, message)
                    with lock:
                        acknowledged[handle.session_id] = handle.state.turn
                    if handle.state.ended:
                        break
            except StorageError as exc:
                failures.append(f"{exc} ({exc.detail})")

    def churn() -> None:  # sign-ins come and go: pages are allocated and freed between checkpoints
        while time.monotonic() < until and not failures:
            try:
                del tokens[tokens.issue("nobody")]
            except StorageError as exc:
                failures.append(f"{exc} ({exc.detail})")

    def reader() -> None:  # readers hold snapshots, so many checkpoints stop part way
        while time.monotonic() < until and not failures:
            for summary in store.list_sessions(20):
                store.get_session(summary.id)
            problem = store.reachable()
            if problem is not None:
                failures.append(f"/healthz: {problem}")

    threads = [threading.Thread(target=player, args=(n,)) for n in range(8)]
    threads += [threading.Thread(target=churn) for _ in range(2)] + [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.reachable() is None  # saving is still on
    store.close()
    assert sum(acknowledged.values()) > 50  # enough turns for many checkpoints (one every few pages)
    reopened = SqlStore(path)
    for session_id, turn in acknowledged.items():
        stored = reopened.get_session(session_id).turns
        assert len(stored) >= turn and all(t.reply is not None for t in stored[:turn])
    reopened.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

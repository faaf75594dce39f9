"""Findings of the attacker's probe that live below the web layer, each with the test that caught it.

Sign-in timing, a transaction left open by an unencodable message, stale tabs, spreadsheet formulas in CSV,
a database damaged while the app runs, and error messages that named server paths and SQL constraints.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.errors import SessionConflictError, SessionEndedError, SignInError, SimulatorError, StorageError
from simulator.reports.exports import export_sessions
from simulator.session.practice import Practice
from simulator.team.passwords import Throttle
from simulator.team.service import Team
from simulator.ui.handlers import Handlers
from tests.conftest import PERSONAS_DIR

PASSWORD = "correct horse"
OPENERS = [
    "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
    "To be open with you, our margin is thin too. Who else in your organisation will judge how this turns out?",
    "That makes sense. What would you want other suppliers to take from how this deal was done?",
    "What matters most to you about next year's budget?",
]


@pytest.fixture
def team(practice: Practice, store: SqlStore) -> Team:
    return Team(practice, SqlTeamStore(store), today=lambda: date(2026, 11, 26), rounds=4)


def _timed_ms(attempt: Callable[[], None]) -> float:
    start = time.perf_counter()
    attempt()
    return (time.perf_counter() - start) * 1000


def test_an_unknown_name_costs_the_same_bcrypt_work_as_a_wrong_password(practice: Practice, store: SqlStore) -> None:
    # Real cost (10 rounds, about 60 ms); no throttle, so every one of the 20 tries reaches bcrypt.
    team = Team(practice, SqlTeamStore(store), rounds=10, throttle=Throttle(limit=10**6))
    team.add_user("ann", "trainee", PASSWORD)

    def sign_in(name: str) -> None:
        with pytest.raises(SignInError) as refused:
            team.sign_in(name, "a wrong guess")
        assert str(refused.value) == "Sign-in failed: the name or the password is wrong."

    # Interleaved, so a change in the machine's load touches both series alike.
    pairs = [(_timed_ms(lambda: sign_in("ann")), _timed_ms(lambda: sign_in("nobody-by-this-name"))) for _ in range(20)]
    known = statistics.median(k for k, _ in pairs)
    unknown = statistics.median(u for _, u in pairs)
    assert known > 20, "the check must do real bcrypt work"
    assert abs(known - unknown) / known < 0.25, (known, unknown)


def test_a_write_that_fails_outside_sqlite_rolls_back_and_leaves_the_database_free(
    practice: Practice, store: SqlStore, data_dir: Path
) -> None:
    handle = practice.start("salary_offer")
    with pytest.raises(StorageError) as caught:
        store.add_user_message(handle.session_id, 1, "a lone surrogate \ud800")
    assert "cannot be saved" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(RuntimeError), store._write() as db:
        db.exec_driver_sql("UPDATE sessions SET outcome='x'")
        raise RuntimeError("any exception, not only SQLite's")
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # the connection went back, rolled back
    # Another connection (another process: `users add`, a second app) can write at once, without waiting.
    other = sqlite3.connect(data_dir / "parley.sqlite3", timeout=0.5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")
    other.close()
    assert store.get_session(handle.session_id).outcome is None
    result = practice.send(handle, "What matters most to you in this offer?")
    assert result.turn == 1


def test_a_lone_surrogate_through_any_text_field_is_saved_cleaned(team: Team) -> None:
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    ui = Handlers(team)
    screen = ui.start("salary_offer", None, None, username="ann")
    screen = ui.send("What \ud800 matters most to you?", screen.handle, screen.chat, username="ann")
    assert screen.notice == "" and screen.handle is not None
    stored = team.practice.store.get_session(screen.handle.session_id).turns[0].user_text
    assert stored == "What \ufffd matters most to you?"
    tess = team.caller("tess")
    assert team.comment(tess, screen.handle.session_id, 1, "odd \udfff character").text == "odd \ufffd character"
    (job,) = team.assign(tess, ["ann"], ["salary_offer"], note="note \ud800")
    assert job.note == "note \ufffd"
    with pytest.raises(SignInError):
        team.sign_in("ann\ud800", "pass\ud800")
    with pytest.raises(SimulatorError):
        team.transcript(tess, "id\ud800")


def test_a_stale_tab_cannot_end_or_extend_a_session_another_tab_moved_on(team: Team) -> None:
    team.add_user("ann", "trainee", PASSWORD)
    ann = team.caller("ann")
    ui = Handlers(team)
    first = ui.start("procurement_discount", None, None, username="ann")
    assert first.handle is not None
    ui.send(OPENERS[0], first.handle, first.chat, username="ann")
    stale, _ = team.resume(ann, first.handle.session_id)  # the second tab, opened after turn 1
    for text in OPENERS[1:]:
        ui.send(text, first.handle, first.chat, username="ann")
    before = team.practice.store.get_session(first.handle.session_id)
    assert len(before.turns) == 4 and before.ended_at is None

    # The stale tab's End would write turn-1 state over four turns; its Send would fork the conversation.
    ended = ui.end(stale, [], username="ann")
    assert "moved on in another tab" in ended.notice and not stale.state.ended
    sent = ui.send("Shall we split the difference?", stale, [], username="ann")
    assert "moved on in another tab" in sent.notice and sent.draft == "Shall we split the difference?"
    after = team.practice.store.get_session(first.handle.session_id)
    assert after.state == before.state and len(after.turns) == 4 and after.ended_at is None

    # The live tab ends it; then the stale tab cannot add a turn to the ended session, nor end it again.
    ui.end(first.handle, first.chat, username="ann")
    debrief = team.practice.store.get_session(first.handle.session_id).debrief
    fresh, _ = team.resume(ann, first.handle.session_id)
    with pytest.raises(SessionEndedError):
        team.practice.store.add_user_message(first.handle.session_id, 5, "One more thing")
    assert "has ended" in ui.end(stale, [], username="ann").notice
    assert team.practice.end(fresh) == debrief  # asking again only reads it
    final = team.practice.store.get_session(first.handle.session_id)
    assert len(final.turns) == 4 and final.debrief == debrief


def test_two_sends_at_once_from_two_tabs_store_one_turn(team: Team) -> None:
    team.add_user("ann", "trainee", PASSWORD)
    ann = team.caller("ann")
    handle = team.start(ann, "salary_offer")
    other, _ = team.resume(ann, handle.session_id)
    results: list[object] = []

    def send(h: object, text: str) -> None:
        try:
            results.append(team.practice.send(h, text))  # type: ignore[arg-type]
        except SessionConflictError as exc:
            results.append(exc)

    threads = [
        threading.Thread(target=send, args=(handle, "What matters most to you?")),
        threading.Thread(target=send, args=(other, "What would make this work for you?")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(isinstance(r, SessionConflictError) for r in results) == 1
    assert len(team.practice.store.get_session(handle.session_id).turns) == 1


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(team: Team) -> None:
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    handle = team.start(team.caller("ann"), "salary_offer")
    payloads = ['=HYPERLINK("http://example.invalid","x")', "+1+1", "@SUM(1+1)", "-2+3", "\t=1+1", "\r=1+1"]
    for text in payloads:
        team.practice.send(handle, text + " What matters most to you?")
    team.comment(team.caller("tess"), handle.session_id, 1, "=1+2")
    _, content = export_sessions(team, team.caller("tess"), [handle.session_id], "csv")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == len(payloads)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    assert rows[0]["user"].startswith("'=HYPERLINK(") and rows[0]["comments"] == "tess: =1+2"
    assert rows[2]["user"].startswith("'@SUM(1+1)")
    assert int(rows[0]["trust"]) == team.practice.store.get_session(handle.session_id).turns[0].state.trust


@pytest.mark.parametrize("damage", ["truncate", "overwrite", "replace", "middle page", "wal deleted"])
def test_damage_while_running_stops_acknowledging_turns(
    practice: Practice, store: SqlStore, data_dir: Path, damage: str
) -> None:
    handle = practice.start("salary_offer")
    practice.send(handle, "What matters most to you in this offer?")
    path = data_dir / "parley.sqlite3"
    with store.engine.connect() as db:  # the main file holds everything: damage costs data
        db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    if damage == "truncate":
        with path.open("r+b") as file:
            file.truncate(4096)
    elif damage == "overwrite":
        with path.open("r+b") as file:
            file.write(b"\0" * 100)
    elif damage == "replace":
        path.rename(path.with_name("moved-away.sqlite3"))
        path.write_bytes(b"")
    elif damage == "middle page":  # a table no turn reads: only SQLite's own check of every page sees it
        with store.engine.connect() as db:
            page = db.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'comments'").scalar()
        with path.open("r+b") as file:
            file.seek((int(page) - 1) * 4096)
            file.write(b"\xa5" * 4096)
    else:  # commits would go on into the deleted file, and vanish at the next crash
        path.with_name("parley.sqlite3-wal").unlink()
    with pytest.raises(StorageError) as caught:
        practice.send(handle, "And what would make it work for your family?")
    message = str(caught.value)
    assert "damaged while the app was running" in message and "\n" not in message and len(message) < 300
    assert str(data_dir) not in message  # the path is for the operator's log, not the page
    assert caught.value.detail is not None and str(path) in caught.value.detail
    # Every later write is refused too: nothing more is acknowledged into a file that will not open.
    with pytest.raises(StorageError):
        practice.start("salary_offer")
    with pytest.raises(StorageError):
        store.add_grade(handle.session_id, 1, store.get_session(handle.session_id).turns[0].grade)  # type: ignore[arg-type]


def test_a_failed_write_shows_a_plain_message_and_logs_the_detail(
    team: Team, caplog: pytest.LogCaptureFixture, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    team.add_user("ann", "trainee", PASSWORD)
    ui = Handlers(team)
    # Two sessions with one id: the second insert fails on SQLite's UNIQUE constraint.
    monkeypatch.setattr("simulator.session.practice.uuid.uuid4", lambda: uuid.UUID(int=7))
    assert ui.start("salary_offer", None, None, username="ann").handle is not None
    with caplog.at_level("WARNING"):
        screen = ui.start("salary_offer", None, None, username="ann")
    assert screen.handle is None and "could not be saved" in screen.notice
    for word in ("constraint", "UNIQUE", "sessions.id", "sqlite", str(data_dir), "Traceback"):
        assert word not in screen.notice
    assert "UNIQUE constraint failed" in caplog.text  # the operator's log keeps what happened


def test_the_page_never_lists_server_paths_for_skipped_persona_files(tmp_path: Path) -> None:
    from simulator.config import Settings
    from simulator.ui.app import build_app

    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\n")
    shutil.copy(PERSONAS_DIR / "salary_offer.yaml", folder)
    app = build_app(Settings(data_dir=tmp_path / "data", personas_dir=folder))
    texts = [str(getattr(b, "value", "")) for b in app.blocks.values()]
    skipped = next(t for t in texts if "were skipped" in t)
    assert "broken.yaml" in skipped and str(folder) not in skipped

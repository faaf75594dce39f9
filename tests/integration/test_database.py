"""The database layer's own promises: a file from the hand-written SQLite schema upgrades with every row kept,
and `db copy` moves a whole team into PostgreSQL, verified."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.adapters import sql_migrate
from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.game.state import GameState
from simulator.session.store import Regrade
from simulator.team.model import Role
from tests.postgres import PostgresServer

LEGACY = Path(__file__).parents[1] / "data" / "legacy_schema_v6.sql"
STATE = json.dumps(GameState(trust=40, patience=60).to_dict())


def _legacy_file(path: Path) -> None:
    """A file exactly as the hand-written SQLite code left it (schema 6), with a row in every table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(LEGACY.read_text())
        db.executescript(
            "INSERT INTO users VALUES ('Tess', 'trainer', 'h1', NULL, '2026-01-01');"
            "INSERT INTO users VALUES ('ann', 'trainee', 'h2', 'Tess', '2026-01-02');"
            "INSERT INTO assignments VALUES ('a1', 'Tess', 'ann', 'salary_offer', '2026-02-01', 70, 3, 'go', '2026-01-03', NULL);"
            f"INSERT INTO sessions VALUES ('s1', 'salary_offer', 'Sam', 'ann', 'hi', '2026-01-04', NULL, NULL, '{STATE}', "
            "NULL, 'scripted', 'rules', 'a1', NULL);"
            "INSERT INTO turns VALUES ('s1', 1, 'What matters to you?', NULL, 'Fair pay.', '[]', NULL, '2026-01-04', NULL, NULL);"
            "INSERT INTO comments (session_id, turn, author, text, created_at) VALUES ('s1', 1, 'Tess', 'Good open', '2026-01-05');"
            "INSERT INTO team_personas VALUES ('p1', 'Tess', 0, '2026-01-01');"
            "INSERT INTO persona_versions VALUES ('p1', 1, 'published', 'Tess', '{\"id\": \"p1\"}', NULL, '2026-01-01', '2026-01-01');"
            "PRAGMA user_version=6;"
        )


def _everything(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        tables = ["users", "assignments", "sessions", "turns", "comments", "team_personas", "persona_versions"]
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}


def test_a_schema_6_file_upgrades_in_place_with_every_row_kept(data_dir: Path) -> None:
    path = data_dir / "parley.sqlite3"
    _legacy_file(path)
    before = _everything(path)
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "db", "upgrade"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert f"upgraded from schema 0006 to {sql_migrate.head()}" in out.stdout
    after = _everything(path)
    # Every old row and value is kept; columns added since (users.disabled) follow the old ones with defaults.
    width = {t: len(rows[0]) for t, rows in before.items() if rows}
    assert {t: [r[: width.get(t, len(r))] for r in rows] for t, rows in after.items()} == before
    assert [r[width["users"] :] for r in after["users"]] == [(0,), (0,)]
    store = SqlStore(path)
    team = SqlTeamStore(store)
    assert team.account("TESS") is not None and [a.id for a in team.assignments(["ANN"])] == ["a1"]
    assert store.get_session("s1").turns[0].reply == "Fair pay."
    # What the new schema adds works on the old file: a new comment continues after the old ids.
    assert team.add_comment("s1", 1, "Tess", "Again").id == 2
    store.close()
    again = subprocess.run(
        [sys.executable, "-m", "simulator", "db", "upgrade"], capture_output=True, text=True, timeout=120
    )
    assert "already at the newest schema" in again.stdout


def test_a_file_from_a_newer_parley_is_refused(data_dir: Path) -> None:
    path = data_dir / "parley.sqlite3"
    _legacy_file(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(Exception, match="newer Parley"):
        SqlStore(path)


def test_db_copy_moves_a_whole_team_to_postgresql_verified(data_dir: Path, postgres_server: PostgresServer) -> None:
    path = data_dir / "parley.sqlite3"
    _legacy_file(path)
    upgraded = SqlStore(path)
    upgraded.add_regrade(Regrade("s1", 1, "questions", 2, 1, "Closed, really.", "Tess", ""))
    SqlTeamStore(upgraded).mark_reviewed("s1", "Tess", "2026-12-01T10:00:00.000+00:00")
    upgraded.close()
    target = postgres_server.new_database(empty=True)
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "db", "copy", "--to", target], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert (
        "users 2, sessions 1, turns 1, assignments 1, comments 1, regrades 1, reviews 1" in out.stdout
        and "1 transcripts match" in out.stdout
    )
    copied = SqlStore(target)
    team = SqlTeamStore(copied)
    assert {a.name for a in team.accounts()} == {"Tess", "ann"} and team.account("ann")[0].trainer == "Tess"  # type: ignore[index]
    assert copied.get_session("s1") == SqlStore(path).get_session("s1")
    assert team.add_comment("s1", 1, "Tess", "New").id == 2  # the id sequence continues after the copied ones
    assert [r.reason for r in copied.regrades("s1")] == ["Closed, really."] and team.reviewed("Tess") == {
        "s1": "2026-12-01T10:00:00.000+00:00"
    }
    copied.add_regrade(Regrade("s1", 1, "questions", 1, 2, "Back again.", "Tess", ""))  # its sequence continues too
    team.add_account("zoe", Role.TRAINEE, "h", "Tess")
    copied.close()
    # A target that already holds a team is refused, and nothing is written into it.
    refused = subprocess.run(
        [sys.executable, "-m", "simulator", "db", "copy", "--to", target], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2 and "is not empty" in refused.stderr and "secret" not in refused.stderr

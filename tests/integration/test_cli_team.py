"""`python -m simulator users|assign|assignments|export|import`, run as an operator would run them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.integration.test_cli import run

PASSWORD = "correct horse"


def test_users_assign_and_bad_input(data_dir: Path) -> None:
    assert run("users", "list").stdout.startswith("no accounts")
    assert run("users", "add", "tess", "--role", "trainer", "--password-stdin", stdin=PASSWORD).returncode == 0
    added = run("users", "add", "ann", "--role", "trainee", "--trainer", "tess", stdin=PASSWORD + "\n")
    assert added.returncode == 0 and "added trainee ann, trainer tess" in added.stdout
    duplicate = run("users", "add", "Ann", "--role", "trainee", stdin=PASSWORD)
    assert duplicate.returncode == 2 and "already an account named 'Ann'" in duplicate.stderr
    short = run("users", "add", "cy", "--role", "trainee", stdin="abc")
    assert short.returncode == 2 and "too short" in short.stderr
    listed = run("users", "list").stdout.split()
    assert "tess" in listed and "ann" in listed and "cy" not in listed

    past = run("assign", "--trainer", "tess", "--trainee", "ann", "--persona", "shared_lab", "--due", "2020-01-01")
    assert past.returncode == 2 and "in the past" in past.stderr
    unknown = run("assign", "--trainer", "tess", "--trainee", "ann", "--persona", "shared_lab,nobody")
    assert unknown.returncode == 2 and "unknown persona 'nobody'" in unknown.stderr
    not_trainer = run("assign", "--trainer", "ann", "--trainee", "ann", "--persona", "shared_lab")
    assert not_trainer.returncode == 2 and "no trainer account named 'ann'" in not_trainer.stderr
    with sqlite3.connect(data_dir / "parley.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM assignments").fetchone()[0] == 0
    made = run(
        "assign", "--trainer", "tess", "--trainee", "ann", "--persona", "shared_lab,salary_offer", "--attempts", "2"
    )
    assert made.returncode == 0 and len(made.stdout.splitlines()) == 2
    mine = run("assignments", "--as", "ann").stdout
    assert mine.count("not started") == 2 and "attempts 0/2" in mine


def test_export_and_import_round_trip_through_the_cli(data_dir: Path, tmp_path: Path) -> None:
    played = run(
        "play",
        "procurement_discount",
        "--script",
        "-",
        "--json",
        "--user",
        "ann",
        stdin=(
            "I hear you, and I know renewals are tough. What would a good outcome look like for you?\n"
            "Who else in your organisation will judge how this renewal turns out?\n"
        ),
    )
    assert played.returncode == 0, played.stderr
    session_id = run("sessions").stdout.split()[0]
    out = tmp_path / "export.json"
    assert run("export", session_id, "--format", "json", "-o", str(out)).returncode == 0
    csv_text = run("export", session_id, "--format", "csv", "-o", "-").stdout
    assert len(csv_text.strip().splitlines()) == 1 + 2
    fresh = tmp_path / "fresh"
    env = {**os.environ, "PARLEY_DATA_DIR": str(fresh)}

    def in_fresh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "simulator", *args], env=env, capture_output=True, text=True, timeout=120
        )

    imported = in_fresh("import", str(out))
    assert imported.returncode == 0 and "imported 1 of 1" in imported.stdout
    shown = in_fresh("sessions", session_id, "--json")
    original = json.loads(run("sessions", session_id, "--json").stdout)
    assert json.loads(shown.stdout) == original
    again = in_fresh("import", str(out))
    assert again.returncode == 1 and "already in this database" in again.stderr
    # Imported sessions were never indexed for search: search indexes them from the record first, once.
    searched = in_fresh("search", "who judges the outcome", "--json")
    assert searched.returncode == 0 and "indexed 2 recorded message(s)" in searched.stderr, searched.stderr
    assert {json.loads(line)["session"] for line in searched.stdout.splitlines()} == {session_id}
    assert "indexed" not in in_fresh("search", "who judges the outcome").stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "something else"}')
    bad = run("import", str(broken))
    assert bad.returncode == 2 and "broken.json: not a Parley export" in bad.stderr

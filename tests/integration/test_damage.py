"""Damage to the SQLite files, through a real app process and real restarts (issue 28): once accounts existed the
app never serves without sign-in, and no turn is acknowledged that the damage would lose."""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from simulator.config import REPO_ROOT
from tests.postgres import PostgresServer
from tests.teamstack import ApiError, Process, add_user, call, free_port, start_instance

API = "parley/api/v1"
PASSWORD = "a long enough password"
MARKER = "accounts-exist"


@contextmanager
def app(data: Path, settings: dict[str, str] | None = None) -> Iterator[Process]:
    instance = start_instance(data, settings or {})
    try:
        yield instance.ready()
    finally:
        instance.stop()


def sign_in(url: str) -> str:
    return str(call(url, "POST", f"{API}/sign-in", {"name": "ann", "password": PASSWORD})["token"])


def play(url: str, token: str, session_id: str, turn: int) -> dict[str, object]:
    return call(
        url, "POST", f"{API}/sessions/{session_id}/turns", {"turn": turn, "text": f"What matters most ({turn})?"}, token
    )


def started_with_turns(url: str, turns: int) -> tuple[str, str]:
    """Signed in as ann, a session with `turns` acknowledged turns: (token, session id)."""
    token = sign_in(url)
    session_id = str(call(url, "POST", f"{API}/sessions", {"persona": "salary_offer"}, token)["session_id"])
    for turn in range(1, turns + 1):
        play(url, token, session_id, turn)
    return token, session_id


def refused(url: str, token: str, session_id: str, turn: int) -> ApiError:
    with pytest.raises(ApiError) as caught:
        play(url, token, session_id, turn)
    return caught.value


def health(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url + "healthz", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def start_fails(data: Path) -> str:
    """The app's start on `data`, which must stop with one clear line and serve nothing; that line."""
    env = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_PORT": str(free_port())}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "Running on" not in result.stdout
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("parley: cannot start: ")
    return line


def turns_stored(database: Path, session_id: str) -> list[tuple[int, bool]]:
    with closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT turn, reply IS NOT NULL FROM turns WHERE session_id = ? ORDER BY turn", (session_id,))
        return [(turn, bool(replied)) for turn, replied in rows]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with one account, made through the real CLI (which writes the marker beside the database)."""
    folder = tmp_path / "data"
    add_user_here(folder, "ann")
    assert (folder / MARKER).exists()
    return folder


def add_user_here(folder: Path, name: str) -> None:
    add_user({"PARLEY_DATA_DIR": str(folder)}, name, "trainee", PASSWORD)


def test_a_wal_deleted_while_running_stops_acknowledging_and_keeps_what_was(data: Path) -> None:
    database = data / "parley.sqlite3"
    with app(data) as instance:
        token, session_id = started_with_turns(instance.url, 2)
        database.with_name("parley.sqlite3-wal").unlink()
        error = refused(instance.url, token, session_id, 3)
        assert error.status == 503 and "switched off" in error.body["error"]
        assert health(instance.url)[0] == 503
        instance.kill()  # a crash: what was acknowledged must not have lived only in the deleted WAL
    assert turns_stored(database, session_id) == [(1, True), (2, True)]
    with app(data) as instance:
        with pytest.raises(ApiError) as anonymous:
            call(instance.url, "GET", f"{API}/me")
        assert anonymous.value.status == 401  # sign-in is on
        token = sign_in(instance.url)
        turns = call(instance.url, "GET", f"{API}/sessions/{session_id}", token=token)["turns"]
        assert [t["turn"] for t in turns] == [1, 2]  # type: ignore[index]


def test_an_overwritten_middle_page_is_not_acknowledged_and_stops_the_next_start(data: Path) -> None:
    database = data / "parley.sqlite3"
    with app(data) as instance:
        token, session_id = started_with_turns(instance.url, 2)
        with closing(sqlite3.connect(database)) as db:  # as another process would: the main file holds it all now
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'comments'").fetchone()[0]
            size = db.execute("PRAGMA page_size").fetchone()[0]
        with database.open("r+b") as file:
            file.seek((page - 1) * size)
            file.write(random.Random(7).randbytes(size))
        error = refused(instance.url, token, session_id, 3)
        assert error.status == 503 and "switched off" in error.body["error"]
        assert health(instance.url)[0] == 503
    assert "damaged" in start_fails(data)


def test_a_main_file_deleted_stops_saving_and_the_next_start(data: Path) -> None:
    database = data / "parley.sqlite3"
    with app(data) as instance:
        token, session_id = started_with_turns(instance.url, 1)
        database.unlink()
        error = refused(instance.url, token, session_id, 2)
        assert error.status == 503 and "switched off" in error.body["error"]
        instance.kill()
    for leftover in data.glob("parley.sqlite3*"):
        leftover.unlink()  # whatever remains, nothing says the accounts are gone but the marker
    line = start_fails(data)
    assert "is missing" in line and MARKER in line
    assert not database.exists()  # no new, empty database was made in its place


def test_a_flipped_byte_in_the_last_wal_frame_never_starts_the_app_without_sign_in(tmp_path: Path) -> None:
    """The only account was added while the app ran, so it lives in the WAL's last frames; a crash, then one
    flipped byte there, and SQLite's recovery drops that commit: the data alone says there were never accounts."""
    folder = tmp_path / "data"
    with app(folder) as instance:
        call(instance.url, "GET", f"{API}/me")  # no accounts yet: the local user, no sign-in
        add_user_here(folder, "ann")  # the app holds the file open, so this commit stays in the WAL
        instance.kill()
    wal = folder / "parley.sqlite3-wal"
    size = wal.stat().st_size
    assert size > 32
    with wal.open("r+b") as file:
        file.seek(size - 100)
        byte = file.read(1)
        file.seek(size - 100)
        file.write(bytes([byte[0] ^ 0x01]))
    line = start_fails(folder)  # before SQLite's recovery forgets the frame, and the commit with it
    assert "write-ahead log is damaged" in line and "acknowledged writes would be lost" in line
    assert list(folder.glob("parley.sqlite3-wal.saved-*"))  # a copy of them is kept for whoever can mend them
    # The operator goes on without those writes, as the line says; the account was among them.
    with closing(sqlite3.connect(folder / "parley.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)
    line = start_fails(folder)  # the data alone now says there never were accounts; the marker says otherwise
    assert "holds no accounts" in line and MARKER in line


def test_a_full_disk_answers_sign_in_with_a_clear_503_and_healthz_says_so(tmp_path: Path) -> None:
    """The database on a small tmpfs (root mounts it; the test suite runs as root), filled to the last byte."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], check=True)
    try:
        settings = {"PARLEY_DATABASE_URL": f"sqlite:///{disk / 'parley.sqlite3'}"}
        folder = tmp_path / "data"
        add_user({"PARLEY_DATA_DIR": str(folder), **settings}, "ann", "trainee", PASSWORD)
        with app(folder, settings) as instance:
            sign_in(instance.url)
            fill(disk / "filler")
            with pytest.raises(ApiError) as caught:
                sign_in(instance.url)
            assert caught.value.status == 503 and "could not be saved" in caught.value.body["error"]
            form = urllib.request.Request(instance.url + "login", data=b"username=ann&password=a+long+enough+password")
            with pytest.raises(urllib.error.HTTPError) as login:
                urllib.request.urlopen(form, timeout=60)
            assert login.value.code == 503 and login.value.headers["Retry-After"]
            assert "could not be saved" in login.value.read().decode()
            status, body = health(instance.url)
            assert status == 503 and "saving is failing" in body and str(disk) not in body
            (disk / "filler").unlink()
            sign_in(instance.url)  # a full disk is not damage: saving comes back with the space
            assert health(instance.url)[0] == 200
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        pass  # ENOSPC: not one byte more fits
    finally:
        os.close(descriptor)


def test_a_postgresql_restart_gets_a_clear_retryable_503_and_healthz_names_no_host(tmp_path: Path) -> None:
    server = PostgresServer()
    running = True
    try:
        settings = {"PARLEY_DATABASE_URL": server.new_database()}
        folder = tmp_path / "data"
        add_user({"PARLEY_DATA_DIR": str(folder), **settings}, "ann", "trainee", PASSWORD)
        with app(folder, settings) as instance:
            token, session_id = started_with_turns(instance.url, 1)
            cluster = str(server.root / "data")
            server._run("pg_ctl", "-D", cluster, "-m", "fast", "-w", "stop")
            running = False
            turn = urllib.request.Request(
                instance.url + f"{API}/sessions/{session_id}/turns",
                data=json.dumps({"turn": 2, "text": "What matters most (2)?"}).encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                method="POST",
            )
            with pytest.raises(urllib.error.HTTPError) as caught:
                urllib.request.urlopen(turn, timeout=60)
            assert caught.value.code == 503 and caught.value.headers["Retry-After"] == "5"
            assert "try again" in json.loads(caught.value.read())["error"]
            status, body = health(instance.url)
            assert status == 503 and "database unreachable" in body
            assert str(server.port) not in body and "127.0.0.1" not in body  # the detail is in the log only
            options = f"-p {server.port} -k {server.root} -c listen_addresses=127.0.0.1 -c fsync=off"
            server._run("pg_ctl", "-D", cluster, "-o", options, "-l", str(server.root / "log"), "-w", "start")
            running = True
            play(instance.url, token, session_id, 2)  # the same turn, sent again, is stored
            assert health(instance.url)[0] == 200
    finally:
        if running:
            server.stop()
        else:  # stopped by the test: only its folder is left
            shutil.rmtree(server.root, ignore_errors=True)


def test_the_marker_names_each_database_that_had_accounts(tmp_path: Path) -> None:
    from simulator.config import Settings
    from simulator.wiring import build_services
    from tests.conftest import PERSONAS_DIR

    services = build_services(Settings(data_dir=tmp_path, personas_dir=PERSONAS_DIR), meaning=False)
    assert not services.sign_in_required() and not (tmp_path / MARKER).exists()
    services.team.add_user("ann", "trainee", PASSWORD)  # the committed insert writes the marker
    assert services.sign_in_required()
    assert (tmp_path / MARKER).read_text().splitlines()[-1] == "parley.sqlite3"
    services.close()
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    fresh = build_services(Settings(data_dir=tmp_path, personas_dir=PERSONAS_DIR, database_url=other), meaning=False)
    assert not fresh.sign_in_required()  # another database in the same folder is judged by its own line
    fresh.check_accounts()
    fresh.close()


def test_a_start_while_the_port_is_still_held_stops_with_one_clear_line(tmp_path: Path) -> None:
    """A restart a few seconds after a stop can find the old process still on the port: no raw traceback."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        env = {**os.environ, "PARLEY_DATA_DIR": str(tmp_path / "data"), "PARLEY_PORT": str(port)}
        result = subprocess.run(
            [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=180
        )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith(f"parley: cannot start: cannot listen on 127.0.0.1:{port}") and "wait a few seconds" in line


def test_a_wal_left_by_a_crash_opens_whole_and_one_with_a_damaged_frame_does_not(tmp_path: Path) -> None:
    """SQLite's recovery replays a WAL up to its first unreadable frame and forgets the rest without a word."""
    from simulator.adapters.sql_store import SqlStore
    from simulator.errors import StorageError

    path = tmp_path / "parley.sqlite3"
    SqlStore(path).close()
    crash = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('CREATE TABLE crashed (n INTEGER, text TEXT)')\n"
        "for n in range(40):\n"
        "    db.execute('INSERT INTO crashed VALUES (?, ?)', (n, 'x' * 2000))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(path)], check=False, timeout=60)
    wal = path.with_name("parley.sqlite3-wal")
    whole = wal.read_bytes()
    flipped = bytearray(whole)
    flipped[-100] ^= 0x01  # one bit of the last frame: its commit would vanish on recovery
    wal.write_bytes(bytes(flipped))
    with pytest.raises(StorageError) as caught:
        SqlStore(path)
    assert "write-ahead log is damaged" in str(caught.value) and wal.read_bytes() == bytes(flipped)
    wal.write_bytes(whole)  # the same crash, undamaged: every commit is there
    store = SqlStore(path)
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT count(*) FROM crashed").fetchone() == (40,)
    store.close()

"""A real PostgreSQL server for the tests, started from Debian's `postgresql` binaries in a temporary folder.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user Debian's package makes.
fsync is off: these clusters are thrown away, and durability on PostgreSQL is its commit, which still happens."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found and Path(found).resolve().parent.joinpath("initdb").exists():
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not versions:
        raise RuntimeError("PostgreSQL is not installed: run `sh tests/setup.sh` (it installs Debian's postgresql)")
    return Path(versions[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="parley-pg-"))
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._names = itertools.count(1)
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        self.admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._template: str | None = None

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self._as, str(self.bindir / tool), *args], check=True, capture_output=True, timeout=120)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def new_database(self, *, empty: bool = False) -> str:
        """A new database (already at the newest schema, copied from a template, unless `empty`); its URL."""
        name = f"parley_{next(self._names)}"
        template = "" if empty else f" TEMPLATE {self._migrated()}"
        with psycopg.connect(self.admin, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}{template}")
        return self.url(name)

    def _migrated(self) -> str:
        """One database upgraded by Parley's own migrations; the others copy it (Alembic once, not per test)."""
        if self._template is None:
            from simulator.adapters.sql_store import SqlStore

            url = self.new_database(empty=True)
            SqlStore(url).close()
            self._template = url.rsplit("/", 1)[1]
        return self._template

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

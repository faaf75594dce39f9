"""The SQLite schema and the upgrades that bring an older file up to it, in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from simulator.errors import StorageError

SCHEMA_VERSION = 6
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    persona_id TEXT NOT NULL,
    persona_name TEXT NOT NULL,
    user TEXT NOT NULL,
    opening TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT,
    state_json TEXT NOT NULL,
    debrief_json TEXT,
    voice TEXT NOT NULL DEFAULT 'scripted',
    coach TEXT NOT NULL DEFAULT 'rules',
    assignment_id TEXT,
    persona_version INTEGER
);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    turn INTEGER NOT NULL,
    user_text TEXT NOT NULL,
    grade_json TEXT,
    reply TEXT,
    moves_json TEXT NOT NULL DEFAULT '[]',
    state_json TEXT,
    created_at TEXT NOT NULL,
    replied_at TEXT,
    tokens_json TEXT,
    PRIMARY KEY (session_id, turn)
);
CREATE INDEX IF NOT EXISTS sessions_started ON sessions(started_at);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('trainer', 'trainee')),
    password_hash TEXT NOT NULL,
    trainer TEXT REFERENCES users(name),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignments (
    id TEXT PRIMARY KEY,
    trainer TEXT NOT NULL REFERENCES users(name),
    trainee TEXT NOT NULL REFERENCES users(name),
    persona_id TEXT NOT NULL,
    due TEXT,
    target INTEGER NOT NULL,
    attempts INTEGER,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    persona_version INTEGER
);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    turn INTEGER NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS team_personas (
    id TEXT PRIMARY KEY,
    author TEXT NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS persona_versions (
    persona_id TEXT NOT NULL REFERENCES team_personas(id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    author TEXT NOT NULL,
    data_json TEXT NOT NULL,
    check_json TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (persona_id, version)
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);
CREATE INDEX IF NOT EXISTS sessions_assignment ON sessions(assignment_id);
"""


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Upgrade the file at `path` to SCHEMA_VERSION, keeping every row; refuse one from a newer Parley."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StorageError(f"the database {path} was written by a newer Parley (schema {version}); upgrade Parley")
    if 0 < version < 2:
        # Version 2 stores the tokens each turn's model calls used.
        db.execute("ALTER TABLE turns ADD COLUMN tokens_json TEXT")
    if 0 < version < 3:
        # Version 3 remembers which voice and coach a session was started with.
        db.execute("ALTER TABLE sessions ADD COLUMN voice TEXT NOT NULL DEFAULT 'scripted'")
        db.execute("ALTER TABLE sessions ADD COLUMN coach TEXT NOT NULL DEFAULT 'rules'")
    if 0 < version < 4:
        # Version 4 adds accounts, assignments and trainer comments; a session may count toward an assignment.
        db.execute("ALTER TABLE sessions ADD COLUMN assignment_id TEXT")
    if 0 < version < 5:
        # Version 5 adds team personas with versions; a session pins the version it was played with.
        db.execute("ALTER TABLE sessions ADD COLUMN persona_version INTEGER")
    if 3 < version < 6:
        # Version 6 lets an assignment pin a team persona version (tables from before 4 are made new).
        db.execute("ALTER TABLE assignments ADD COLUMN persona_version INTEGER")
    db.executescript(SCHEMA)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

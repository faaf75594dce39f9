-- The SQLite schema Parley wrote by hand before SQLAlchemy and Alembic (PRAGMA user_version 6),
-- kept so a test can build a file exactly as that code left it and upgrade it.
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

"""The tables, written once for SQLite and PostgreSQL (SQLAlchemy Core). Alembic's migrations create and
upgrade them (`adapters/migrations/`); this module is what the stores query.

JSON travels as text so that a SQLite file from before SQLAlchemy reads the same, and so `db copy` moves
every value byte for byte."""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, MetaData, Table, Text, func

metadata = MetaData()

# SQLite compares account names without case through the column's collation; PostgreSQL has no NOCASE, so
# the stores compare lower(name) and a unique index on lower(name) keeps "Ana" and "ana" one account there.
NAME = Text().with_variant(Text(collation="NOCASE"), "sqlite")

sessions = Table(
    "sessions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("persona_id", Text, nullable=False),
    Column("persona_name", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("opening", Text, nullable=False),
    Column("started_at", Text, nullable=False),
    Column("ended_at", Text),
    Column("outcome", Text),
    Column("state_json", Text, nullable=False),
    Column("debrief_json", Text),
    Column("voice", Text, nullable=False, server_default="scripted"),
    Column("coach", Text, nullable=False, server_default="rules"),
    Column("assignment_id", Text),
    Column("persona_version", Integer),
    Column("parent_id", Text),  # an attempt branched from a turn of this session
    Column("branch_turn", Integer),  # the parent's turn it replays (turns before it are copied)
    Column("root_id", Text),  # the first session of the family, for the attempts tree
    Index("sessions_started", "started_at"),
    Index("sessions_root", "root_id"),
    Index("sessions_user", "user"),
    Index("sessions_assignment", "assignment_id"),
)

turns = Table(
    "turns",
    metadata,
    Column("session_id", Text, ForeignKey("sessions.id"), primary_key=True),
    Column("turn", Integer, primary_key=True),
    Column("user_text", Text, nullable=False),
    Column("grade_json", Text),
    Column("reply", Text),
    Column("moves_json", Text, nullable=False, server_default="[]"),
    Column("state_json", Text),
    Column("created_at", Text, nullable=False),
    Column("replied_at", Text),
    Column("tokens_json", Text),
)

regrades = Table(
    "regrades",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("criterion", Text, nullable=False),
    Column("before", Integer, nullable=False),
    Column("after", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("by", Text, nullable=False),
    Column("at", Text, nullable=False),
    Index("regrades_session", "session_id", "turn"),
)

users = Table(
    "users",
    metadata,
    Column("name", NAME, primary_key=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("trainer", NAME, ForeignKey("users.name")),
    Column("created_at", Text, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),  # 1: may not sign in
    CheckConstraint("role IN ('trainer', 'trainee')"),
)
Index("users_name_lower", func.lower(users.c.name), unique=True)

# Which provider's person (issuer and subject, the ID token's `iss` and `sub`) made which single sign-on account:
# the only way an external sign-in finds its account, so a name chosen at the provider never opens another's.
external_identities = Table(
    "external_identities",
    metadata,
    Column("issuer", Text, primary_key=True),
    Column("subject", Text, primary_key=True),
    Column("name", NAME, ForeignKey("users.name"), nullable=False),
    Column("created_at", Text, nullable=False),
    Index("external_identities_name", "name", unique=True),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Text, primary_key=True),
    Column("trainer", NAME, ForeignKey("users.name"), nullable=False),
    Column("trainee", NAME, ForeignKey("users.name"), nullable=False),
    Column("persona_id", Text, nullable=False),
    Column("due", Text),
    Column("target", Integer, nullable=False),
    Column("attempts", Integer),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False),
    Column("persona_version", Integer),
    Column("assessment", Integer, nullable=False, server_default="0"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Text, ForeignKey("sessions.id"), nullable=False),
    Column("turn", Integer, nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    sqlite_autoincrement=True,
)

team_personas = Table(
    "team_personas",
    metadata,
    Column("id", Text, primary_key=True),
    Column("author", Text, nullable=False),
    Column("archived", Integer, nullable=False, server_default="0"),
    Column("created_at", Text, nullable=False),
)

persona_versions = Table(
    "persona_versions",
    metadata,
    Column("persona_id", Text, ForeignKey("team_personas.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("status", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("data_json", Text, nullable=False),
    Column("check_json", Text),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    CheckConstraint("status IN ('draft', 'published')"),
)

# Who created, edited, published, archived or restored a team persona, and when: its history, never changed.
persona_events = Table(
    "persona_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("persona_id", Text, ForeignKey("team_personas.id"), nullable=False),
    Column("version", Integer),  # None for archiving and restoring, which apply to the whole persona
    Column("action", Text, nullable=False),
    Column("by", Text, nullable=False),
    Column("at", Text, nullable=False),
    Index("persona_events_persona", "persona_id", "id"),
    sqlite_autoincrement=True,
)

# When each trainer last opened a session in review, so their home lists the sessions that are new to them.
reviews = Table(
    "reviews",
    metadata,
    Column("session_id", Text, ForeignKey("sessions.id"), primary_key=True),
    Column("reviewer", Text, primary_key=True),
    Column("at", Text, nullable=False),
    Index("reviews_reviewer", "reviewer"),
)

# Failed sign-ins, shared by every app instance: the throttle counts them here, not in one process's memory.
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),
    Column("at", BigInteger, nullable=False),  # milliseconds since the epoch
    Index("sign_in_failures_key", "key", "at"),
    sqlite_autoincrement=True,
)

# Who is signed in: the sha256 of each sign-in cookie's token, so any app instance knows the browser and a
# copy of the database gives nobody a live sign-in.
sign_in_tokens = Table(
    "sign_in_tokens",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),  # milliseconds since the epoch
    Column("expires_at", BigInteger, nullable=False),
    Index("sign_in_tokens_name", "name"),
)

# Every table `db copy` moves, parents before children (the throttle's and sign-ins' rows are transient and stay behind).
TABLES = (
    users,
    sessions,
    turns,
    assignments,
    comments,
    regrades,
    reviews,
    team_personas,
    persona_versions,
    persona_events,
    external_identities,
)

"""`python -m simulator db …`: the operator's database commands (schema upgrades, moving to a server)."""

from __future__ import annotations

import argparse
from typing import Any

from simulator.config import Settings
from simulator.wiring import copy_database_to, upgrade_database


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    done = upgrade_database(settings)
    if done.before == done.after:
        print(f"{done.where}: already at the newest schema ({done.after}); nothing to do")
    elif done.before is None:
        print(f"{done.where}: new database created at schema {done.after}")
    else:
        print(f"{done.where}: upgraded from schema {done.before} to {done.after}, every row kept")
    return 0


def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    source, target, report = copy_database_to(settings, args.to)
    rows = ", ".join(f"{name} {n}" for name, n in report.counts.items())
    print(f"copied {source} to {target}: {rows}")
    print(f"verified: row counts match, and {report.transcripts} transcripts match by sha256 (all: {report.digest})")
    print("Point the app at the new database with PARLEY_DATABASE_URL; the old one was not changed.")
    return 0


def add_db_commands(sub: Any) -> None:
    p = sub.add_parser("db", help="the database: upgrade its schema, or copy it whole to another database")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser(
        "upgrade", help="bring the database (PARLEY_DATABASE_URL, else the data folder's SQLite file) to this schema"
    )
    a.set_defaults(func=cmd_upgrade)
    a = actions.add_parser("copy", help="copy every account, session, grade and persona into an empty database")
    a.add_argument("--to", required=True, metavar="URL", help="e.g. postgresql+psycopg://parley:secret@db:5432/parley")
    a.set_defaults(func=cmd_copy)

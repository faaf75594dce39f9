"""`python -m simulator users|assign|assignments|export|import`: the operator's side of trainer accounts.

Whoever runs these holds the database file, so they act as the operator; `--as NAME` makes `export` and
`assignments` act as one account instead, with the same checks as the browser.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from simulator.config import Settings
from simulator.errors import SimulatorError, TeamInputError
from simulator.reports.exports import FORMATS, export_cohort, export_sessions, read_json, read_regrades
from simulator.team.model import LOCAL, Caller, Role
from simulator.team.service import Team
from simulator.wiring import build_services


def open_team(settings: Settings) -> Team:
    """The team service over the SQLite file; no Chroma or MiniLM is needed for these commands."""
    return build_services(settings, meaning=False).team


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise TeamInputError("no password on standard input: pipe one line with the password")
        return line
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise TeamInputError("the two passwords differ: nothing was changed")
    return first


def _caller(team: Team, name: str | None) -> Caller:
    return team.caller(name) if name else LOCAL


def cmd_users(args: argparse.Namespace, settings: Settings) -> int:
    team = open_team(settings)
    if args.action == "add":
        account = team.add_user(args.name, args.role, _password(args), trainer=args.trainer)
        extra = f", trainer {account.trainer}" if account.trainer else ""
        print(f"added {account.role.value} {account.name}{extra}")
    elif args.action == "passwd":
        team.set_password(args.name, _password(args))
        print(f"changed the password of {args.name}")
    elif args.action == "remove":
        team.remove_user(args.name)
        print(f"removed {args.name}")
    elif args.action in ("disable", "enable"):
        account = team.set_disabled(args.name, args.action == "disable")
        done = "disabled (signed out everywhere; sessions kept)" if account.disabled else "enabled"
        print(f"{account.name}: {done}")
    else:
        accounts = team.users()
        if not accounts:
            print("no accounts: the app runs in local single-user mode (add one with `users add NAME --role trainer`)")
        for a in accounts:
            off = "  disabled" if a.disabled else ""
            print(f"{a.name:<20} {a.role.value:<8} {a.trainer or '':<20} {a.created_at[:10]}{off}")
    return 0


def cmd_assign(args: argparse.Namespace, settings: Settings) -> int:
    team = open_team(settings)
    trainer = next((Caller(a.name, a.role) for a in team.users() if a.name.lower() == args.trainer.lower()), None)
    if trainer is None or trainer.role is not Role.TRAINER:
        raise TeamInputError(f"no trainer account named '{args.trainer}' (`python -m simulator users list` shows them)")
    made = team.assign(
        trainer,
        args.trainee.split(","),
        args.persona.split(","),
        due=args.due,
        target=args.target,
        attempts=args.attempts,
        note=args.note,
        version=args.version,
        assessment=args.assessment,
    )
    for a in made:
        kind = "  assessment" if a.assessment else ""
        print(f"{a.id}  {a.trainee:<16} {a.persona_id:<24} due {a.due or '-'}  target {a.target}%{kind}")
    return 0


def cmd_assignments(args: argparse.Namespace, settings: Settings) -> int:
    team = open_team(settings)
    for v in team.assignments(_caller(team, args.as_user)):
        a = v.assignment
        best = f"best {v.best}%" if v.best is not None else ""
        print(
            f"{a.id}  {a.trainee:<16} {a.persona_id:<24} due {a.due or '-'}  target {a.target}%  "
            f"attempts {len(v.attempts)}/{a.attempts or '∞'}  {v.status.value}  {best}"
        )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    team = open_team(settings)
    caller = _caller(team, args.as_user)
    if args.cohort:
        name, content = export_cohort(team, caller, args.format, args.persona)
    else:
        if not args.session_ids:
            raise TeamInputError("name one or more SESSION_IDs, or use --cohort")
        name, content = export_sessions(team, caller, args.session_ids, args.format)
    if args.output == "-":
        sys.stdout.write(content)
        return 0
    target = Path(args.output) if args.output else Path(name)
    target.write_text(content, encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    team = open_team(settings)
    path = Path(args.file)
    text = path.read_text(encoding="utf-8")
    sessions = read_json(text, str(path))
    regrades = read_regrades(text)
    imported, problems = 0, []
    for record, comments in sessions:
        try:
            team.import_record(record, comments, regrades.get(record.id, []))
            imported += 1
        except SimulatorError as exc:
            problems.append(str(exc))
    for p in problems:
        print(f"skipped: {p}", file=sys.stderr)
    print(f"imported {imported} of {len(sessions)} sessions from {path}")
    return 0 if not problems else 1


def add_commands(sub: Any) -> None:
    p = sub.add_parser("users", help="trainer and trainee accounts (with none, the app runs for one local user)")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help="add an account; the password is asked for, or read from standard input")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=["trainer", "trainee"])
    a.add_argument("--trainer", help="a trainee's own trainer (default: none, so every trainer sees them)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    a = actions.add_parser("passwd", help="set a new password")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true")
    a = actions.add_parser("remove", help="remove an account that has no sessions or assignments")
    a.add_argument("name")
    for action, text in (("disable", "stop an account signing in (its sessions are kept)"), ("enable", "undo disable")):
        a = actions.add_parser(action, help=text)
        a.add_argument("name")
    actions.add_parser("list", help="list the accounts")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("assign", help="assign counterparts to trainees")
    p.add_argument("--trainer", required=True, help="the trainer account making the assignment")
    p.add_argument("--trainee", required=True, help="one name, or several separated by commas")
    p.add_argument("--persona", required=True, help="one persona id, or several separated by commas")
    p.add_argument("--due", help="due date, YYYY-MM-DD")
    p.add_argument("--target", type=int, default=70, help="overall score in percent that passes (default 70)")
    p.add_argument("--attempts", type=int, help="the most sessions that count (default: no limit)")
    p.add_argument("--note", default="", help="a note the trainee reads with the assignment")
    p.add_argument("--version", type=int, help="pin this published version of a Studio persona (default: the latest)")
    p.add_argument(
        "--assessment",
        action="store_true",
        help="an assessment: no rewind, grades only at the end (needs --attempts)",
    )
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("assignments", help="list assignments and how each stands")
    p.add_argument("--as", dest="as_user", help="only what this account may see")
    p.set_defaults(func=cmd_assignments)

    p = sub.add_parser("export", help="export transcripts or the cohort table: json (re-importable), csv, html")
    p.add_argument("session_ids", nargs="*", metavar="SESSION_ID")
    p.add_argument("--cohort", action="store_true", help="the cohort table with every session behind it")
    p.add_argument("--persona", help="with --cohort: only this persona")
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument(
        "--output", "-o", help="file to write ('-' for standard output; default: a name like parley-ID.json)"
    )
    p.add_argument("--as", dest="as_user", help="export as this account, with its permissions")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", help="import sessions from a JSON export")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)

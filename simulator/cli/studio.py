"""`python -m simulator check|personas …`: the Studio's work at the terminal, as the local operator.

`check` takes a persona id or a file; `personas` lists, `personas export|import|publish|archive` share and
publish team personas through the same Studio service the browser uses, and `personas history` shows who
created, edited, published, archived or restored one, and when. The operator may do all of it to any persona.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from simulator.config import Settings
from simulator.persona.cards import read_persona_file
from simulator.studio.check import check_data
from simulator.studio.service import EXPORT_FORMATS
from simulator.team.model import LOCAL
from simulator.wiring import build_services


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    studio = services.studio
    target = Path(args.target)
    if target.is_file():
        imported = read_persona_file(target.name, target.read_bytes())
        report = check_data(imported.data, str(target), studio.coach, studio.peers())
    else:
        report = studio.check(LOCAL, args.target)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.text())
    return 0 if report.passed else 1


def cmd_personas(args: argparse.Namespace, settings: Settings) -> int:
    # Checking needs the coach's meaning; listing and sharing do not.
    services = build_services(settings, meaning=args.action == "publish")
    studio = services.studio
    if args.action == "list":
        for p in services.catalog.ordered():
            version = services.catalog.version_of(p.id)
            source = f"team v{version}" if version else "file"
            print(f"{p.id:<24} {p.name:<22} {p.archetype.value:<13} {p.difficulty.value:<7} {source:<8} {p.role}")
        for problem in services.problems:
            print(problem, file=sys.stderr)
        return 0
    if not args.target:
        print(
            f"error: personas {args.action} needs a {'FILE' if args.action == 'import' else 'PERSONA_ID'}",
            file=sys.stderr,
        )
        return 2
    if args.action == "export":
        name, blob = studio.export(LOCAL, args.target, args.format)
        out = Path(args.output or name)
        out.write_bytes(blob)
        print(f"wrote {out}")
    elif args.action == "import":
        path = Path(args.target)
        draft, imported = studio.import_file(LOCAL, path.name, path.read_bytes())
        print(f"imported {path} as draft '{draft.persona_id}' version {draft.version} ({imported.source})")
        if imported.missing:
            print("to complete before it can be published: " + ", ".join(imported.missing))
        problems = studio.problems(draft.data)
        for problem in problems[:10]:
            print(f"  - {problem}")
    elif args.action == "publish":
        published = studio.publish(LOCAL, args.target)
        print(f"published '{published.persona_id}' version {published.version}")
    elif args.action == "archive":
        studio.archive(LOCAL, args.target, archived=not args.restore)
        print(f"{'restored' if args.restore else 'archived'} '{args.target}'")
    elif args.action == "history":
        for event in studio.history(LOCAL, args.target):
            which = f"version {event.version}" if event.version is not None else "the persona"
            print(f"{event.at}  {event.by:<20} {event.action.value:<9} {which}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="check a persona before publishing: reachable, winnable, no leaks, coachable")
    p.add_argument("target", help="a persona id, or a persona file (Parley YAML/JSON or a Character Card)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser(
        "personas", help="list personas; export, import, publish, archive team personas, or their history"
    )
    p.add_argument(
        "action", nargs="?", default="list", choices=["list", "export", "import", "publish", "archive", "history"]
    )
    p.add_argument("target", nargs="?", help="PERSONA_ID (export, publish, archive, history) or FILE (import)")
    p.add_argument("--format", default="yaml", choices=EXPORT_FORMATS, help="export format")
    p.add_argument("--output", "-o", help="file to write (export; default: named after the persona)")
    p.add_argument("--restore", action="store_true", help="archive: bring an archived persona back")
    p.set_defaults(func=cmd_personas)

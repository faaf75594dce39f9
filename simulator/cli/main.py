"""`python -m simulator …`: the same engine as the browser, in a terminal."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator.cli.db import add_db_commands
from simulator.cli.studio import add_commands as add_studio_commands
from simulator.cli.team import add_commands as add_team_commands
from simulator.coach.reading import read_message
from simulator.coach.suggestions import Visible
from simulator.coach.transcript import grade_conversation, parse_conversation, summary
from simulator.config import ModelSettings, Settings
from simulator.errors import InvalidMessageError, PersonaFileError, SimulatorError
from simulator.persona.files import load_folders, load_persona, persona_json_schema, persona_paths
from simulator.reports.exports import session_export
from simulator.session.debrief import Debrief
from simulator.session.practice import Handle, TurnResult
from simulator.team.model import LOCAL, Caller, Role
from simulator.team.service import Team
from simulator.text import clean_message
from simulator.wiring import Services, build_rule_coach, build_services, build_transcript_index

END_COMMANDS = {"/end", "/quit", "/exit"}


def _emit(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def _services(settings: Settings) -> Services:
    services = build_services(settings)
    for problem in services.problems:
        print(problem, file=sys.stderr)
    return services


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    given = [Path(p) for p in args.paths] or settings.persona_dirs
    # A folder stands for the persona files in it, so `validate personas/` checks every one.
    paths = [found for p in given for found in (persona_paths(p) if p.is_dir() else [p])]
    if not paths:
        print(f"no persona files found in {', '.join(str(p) for p in given)}", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        try:
            persona = load_persona(path)
        except PersonaFileError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
        else:
            print(f"ok: {path} ({persona.id})")
    if failed:
        print(f"{failed} of {len(paths)} file(s) failed validation", file=sys.stderr)
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    text = json.dumps(persona_json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def _print_turn(result: TurnResult, persona_name: str) -> None:
    view = result.trainee_view()
    for name in ("questions", "interests", "collaboration"):
        c = view["grade"][name]
        evidence = f' "{c["evidence"]}"' if c["evidence"] else ""
        print(f"  {name:<13} {c['score']}/2 {c['reason']}{evidence}")
    print(f"  tip: {view['grade']['suggestion']}")
    for notice in view["grade"]["notices"]:
        print(f"  note: {notice}")
    print(f"{persona_name}: {result.reply}")
    s = view["state"]
    print(
        f"  [trust {s['trust']} · patience {s['patience']} · {s['phase']} · uncovered: {', '.join(s['uncovered']) or 'none'}]"
    )


def _print_debrief(debrief: Debrief) -> None:
    print("\n== Debrief ==")
    print(debrief.outcome_text)
    print(
        f"Scores (0-2): questions {debrief.overall['questions']}, interests {debrief.overall['interests']}, "
        f"collaboration {debrief.overall['collaboration']} · overall {debrief.overall_percent}%"
    )
    for row in debrief.uncovered:
        print(f"  uncovered at turn {row['turn']} ({row['level']}): {row['summary']}\n    by asking: {row['question']}")
    if debrief.still_hidden:
        print(f"  {debrief.still_hidden} interest(s) stayed hidden.")
    print("Phases: " + ", ".join(f"{k} (turn {v})" for k, v in debrief.phases.items()))
    if debrief.proposal_before_understanding:
        print("You proposed before you understood their interests.")
    print("Depths reached: " + (", ".join(debrief.depths_reached) or "none"))
    print("Value levers used: " + (", ".join(v["lever"] for v in debrief.value_levers) or "none"))
    print(f"Would the agreement last? {debrief.durability['verdict']}")
    print("Try next time:")
    for tip in debrief.try_next:
        print(f"  - {tip}")


def _messages(args: argparse.Namespace) -> Iterator[str]:
    if args.script:
        stream = sys.stdin if args.script == "-" else open(args.script, encoding="utf-8")  # noqa: SIM115
        with stream:
            for line in stream:
                if line.strip():
                    yield line.rstrip("\n")
        return
    while True:
        try:
            yield input("You: ")
        except EOFError:
            return


def cmd_play(args: argparse.Namespace, settings: Settings) -> int:
    if args.base_url or args.model:
        configured = settings.counterpart_model
        base_url = args.base_url or (configured.base_url if configured else None)
        if not base_url:
            raise SimulatorError("--model needs an endpoint: pass --base-url or set PARLEY_COUNTERPART_BASE_URL")
        values = configured.model_dump() if configured else {}
        values.update({"base_url": base_url, "model": args.model or values.get("model", "gpt-4o-mini")})
        settings = dataclasses.replace(settings, counterpart_model=ModelSettings.model_validate(values))
    team = _services(settings).team
    # The terminal is the operator's: they play as the local user, under the name given with --user.
    player = Caller(args.user or LOCAL.name, Role.LOCAL)
    if args.resume:
        handle, _record = team.resume(player, args.resume)
        persona = team.persona(handle.persona_id)
        if not args.json:
            print(f"Resumed session {handle.session_id} with {persona.name} at turn {handle.state.turn}.")
    else:
        persona = team.persona(args.persona_id)
        handle = team.start(player, persona.id)
        if not args.json:
            print(f"{persona.name}, {persona.role} [{persona.archetype.value}, {persona.difficulty.value}]")
            print(f"\n{persona.scenario}\n\nSession {handle.session_id}. Type /end to finish.\n")
            print(f"{persona.name}: {persona.opening}")
    if args.json:
        # Standard output carries only turn objects and the debrief; the session id goes to stderr.
        print(f"session {handle.session_id}", file=sys.stderr)
    debrief = _run_turns(team, player, handle, args, persona.name)
    if debrief is None:
        debrief = team.end(player, handle)
    if args.json:
        _emit({"debrief": debrief.model_dump(mode="json")}, sys.stdout)
    else:
        _print_debrief(debrief)
    return 0


def _run_turns(team: Team, player: Caller, handle: Handle, args: argparse.Namespace, name: str) -> Debrief | None:
    for message in _messages(args):
        if message.strip().lower() in END_COMMANDS:
            return None
        try:
            result = team.send(player, handle, message)
        except InvalidMessageError as exc:
            if args.json:
                _emit({"turn": None, "error": str(exc)}, sys.stdout)
            else:
                print(f"  (not sent: {exc})")
            continue
        if args.json:
            _emit(result.trainee_view(), sys.stdout)
        else:
            if args.script:
                print(f"You: {result.user}")
            _print_turn(result, name)
        if result.debrief is not None:
            return result.debrief
    return None


def _grade_inputs(source: Iterable[str]) -> Iterator[str | None]:
    """Texts to grade: plain lines, or JSONL objects with a `text` field (None marks a bad line)."""
    for raw in source:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                yield None
                continue
            yield item.get("text") if isinstance(item, dict) and isinstance(item.get("text"), str) else None
        else:
            yield line


def cmd_grade(args: argparse.Namespace, settings: Settings) -> int:
    catalog = load_folders(settings.persona_dirs)
    persona = catalog.get(args.persona) if args.persona else None
    coach = build_rule_coach(settings, catalog)
    source = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")  # noqa: SIM115
    with source:
        lines = source.read().splitlines()
    conversation = parse_conversation(lines)
    if conversation is not None:
        speakers = list(dict.fromkeys(t.speaker for t in conversation))
        speaker = args.speaker or speakers[0]
        if speaker.casefold() not in {s.casefold() for s in speakers}:
            raise SimulatorError(
                f"no speaker '{speaker}' in the conversation: choose one of {', '.join(speakers)} with --speaker"
            )
        graded = grade_conversation(conversation, speaker, coach, persona)
        for item in graded:
            _emit(item.as_json(), sys.stdout)
        _emit({"summary": {"speaker": speaker, **summary(graded)}}, sys.stdout)
        return 0
    visible = Visible(persona=persona, uncovered=(), terms=(), turn=1)
    ready: list[tuple[int, str]] = []
    outputs: dict[int, dict[str, Any]] = {}
    for number, text in enumerate(_grade_inputs(lines), start=1):
        if text is None:
            outputs[number] = {"line": number, "error": "not a JSON object with a string 'text' field"}
            continue
        try:
            ready.append((number, clean_message(text, settings.max_message_chars)))
        except InvalidMessageError as exc:
            outputs[number] = {"line": number, "error": str(exc)}
    grades = coach.grade_many([(read_message(text), visible) for _, text in ready])
    for (number, _), grade in zip(ready, grades, strict=True):
        outputs[number] = grade.model_dump(mode="json")
    for number in sorted(outputs):
        _emit(outputs[number], sys.stdout)
    return 0


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    index = build_transcript_index(settings)
    # SQLite is the record: messages search missed (a failed write, imported sessions) are indexed first.
    services = build_services(settings, meaning=False)
    try:
        added = index.catch_up(services.team.graded_messages(LOCAL))
    finally:
        services.close()
    if added:
        print(f"indexed {added} recorded message(s) that search did not hold yet", file=sys.stderr)
    if index.count() == 0:
        print(
            "no transcripts indexed yet: play a session first (`python -m simulator play …` or the app)",
            file=sys.stderr,
        )
        return 0
    for match in index.search(args.query, limit=args.limit, persona_id=args.persona, min_total=args.min_score):
        if args.json:
            _emit(
                {
                    "session": match.session_id,
                    "turn": match.turn,
                    "persona": match.persona_id,
                    "text": match.text,
                    "similarity": match.similarity,
                    "grade": match.grade.model_dump(mode="json"),
                },
                sys.stdout,
            )
        else:
            scores = match.grade.scores()
            print(
                f"{match.similarity:.2f}  {match.session_id} turn {match.turn} ({match.persona_id}) "
                f"Q{scores['questions']} I{scores['interests']} C{scores['collaboration']}: {match.text}"
            )
    return 0


def cmd_sessions(args: argparse.Namespace, settings: Settings) -> int:
    # The operator holds the database file, so reads go through the team service as the local caller.
    team = build_services(settings, meaning=False).team
    if args.session_id:
        record = team.record(LOCAL, args.session_id)
        if args.json:
            _emit(session_export(record, []).model_dump(mode="json")["session"], sys.stdout)
            return 0
        print(
            f"Session {record.id} · {record.persona_name} · started {record.started_at} · outcome {record.outcome or 'open'}"
        )
        print(f"{record.persona_name}: {record.opening}")
        for t in record.turns:
            scores = t.grade.scores() if t.grade else {}
            print(f"[{t.turn}] You: {t.user_text}\n     grade: {scores}")
            print(f"     {record.persona_name}: {t.reply if t.reply is not None else '(no reply stored)'}")
        return 0
    for s in team.summaries(LOCAL, args.limit):
        print(f"{s.id}  {s.started_at}  {s.user:<16} {s.persona_id:<24} turns {s.turns:<3} {s.outcome or 'open'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simulator", description="Parley negotiation practice")
    sub = parser.add_subparsers(dest="command", required=True)
    add_studio_commands(sub)
    p = sub.add_parser("validate", help="check persona files")
    p.add_argument("paths", nargs="*", help="files to check (default: every file in the personas folder)")
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser("schema", help="write the persona JSON Schema")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("play", help="negotiate in the terminal")
    p.add_argument("persona_id", nargs="?", help="who to negotiate with (see `personas`)")
    p.add_argument("--script", help="file with one user message per line ('-' for standard input)")
    p.add_argument("--json", action="store_true", help="print one JSON object per turn, then the debrief")
    p.add_argument("--resume", metavar="SESSION_ID", help="continue a stored session")
    p.add_argument("--user", default="local", help="name stored with the session")
    p.add_argument(
        "--base-url", help="an OpenAI-compatible endpoint for the counterpart's voice (e.g. http://127.0.0.1:8080/v1)"
    )
    p.add_argument("--model", help="the model name at that endpoint (default: PARLEY_COUNTERPART_MODEL or gpt-4o-mini)")
    p.set_defaults(func=cmd_play)
    p = sub.add_parser("grade", help="grade messages, or one speaker's turns in a whole conversation")
    p.add_argument(
        "file",
        nargs="?",
        help="plain lines, JSONL with 'text', a conversation as 'Name: text' lines or JSONL with 'speaker' and 'text' "
        "('-' or nothing: standard input)",
    )
    p.add_argument("--persona", help="also name which of this persona's hidden interests each message goes after")
    p.add_argument("--speaker", help="in a conversation, whose turns to grade (default: the first speaker)")
    p.set_defaults(func=cmd_grade)
    p = sub.add_parser("search", help="find graded turns in stored transcripts by meaning")
    p.add_argument("query", help="e.g. 'handling a budget objection'")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--persona", help="only turns played against this persona")
    p.add_argument("--min-score", type=int, default=0, help="only turns whose total grade (0-6) is at least this")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)
    p = sub.add_parser("sessions", help="list stored sessions, or show one")
    p.add_argument("session_id", nargs="?")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sessions)
    add_team_commands(sub)
    add_db_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "play" and not (args.persona_id or args.resume):
        parser.error("play needs a PERSONA_ID or --resume SESSION_ID")
    try:
        return int(args.func(args, Settings.from_env()))
    except SimulatorError as exc:
        detail = getattr(exc, "detail", None)  # the operator at the terminal may see what the page does not
        print(f"error: {exc}" + (f" ({detail})" if detail else ""), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130

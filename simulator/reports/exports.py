"""Transcript and cohort exports: JSON (everything, re-importable), CSV (one row per turn), HTML (`report_html`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from simulator.coach.grade import CRITERIA
from simulator.errors import SimulatorError
from simulator.reports.html import cohort_html, page, transcript_body
from simulator.session.store import Regrade, SessionRecord
from simulator.team.model import Caller, Comment
from simulator.team.service import Team
from simulator.team.views import TranscriptView

FORMAT = "parley-export"
FORMATS = ("json", "csv", "html")
VERSION = 1


class CommentExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: int
    author: str
    text: str
    created_at: str


class SessionExport(BaseModel):
    """One stored session exactly as the store holds it (pydantic validates the dataclasses), with its comments."""

    model_config = ConfigDict(extra="forbid")

    session: SessionRecord
    comments: list[CommentExport] = []
    regrades: list[Regrade] = []  # trainers' re-grades; the coach's own grades stay in the session's turns


class ExportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["parley-export"]
    version: Literal[1]
    exported_at: str
    cohort: list[dict[str, Any]] | None = None
    sessions: list[SessionExport]


def session_export(record: SessionRecord, comments: list[Comment], regrades: Sequence[Regrade] = ()) -> SessionExport:
    return SessionExport(
        session=record,
        comments=[CommentExport(turn=c.turn, author=c.author, text=c.text, created_at=c.created_at) for c in comments],
        regrades=list(regrades),
    )


def to_json(sessions: list[SessionExport], exported_at: str, cohort: list[dict[str, Any]] | None = None) -> str:
    payload = ExportFile(format=FORMAT, version=VERSION, exported_at=exported_at, cohort=cohort, sessions=sessions)
    return payload.model_dump_json(indent=2)


def read_json(text: str, source: str) -> list[tuple[SessionRecord, list[Comment]]]:
    """Parse an export; a bad file is named with the field that is wrong, and nothing is returned from it."""
    try:
        parsed = ExportFile.model_validate(json.loads(text))
    except json.JSONDecodeError as exc:
        raise SimulatorError(
            f"{source}: not JSON ({exc}); import only files written by `simulator export --format json`"
        ) from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        raise SimulatorError(f"{source}: not a Parley export ({problems})") from None
    return [
        (s.session, [Comment(0, s.session.id, c.turn, c.author, c.text, c.created_at) for c in s.comments])
        for s in parsed.sessions
    ]


def read_regrades(text: str) -> dict[str, list[Regrade]]:
    """The re-grades of each session in an export (read after `read_json` has accepted the file)."""
    parsed = ExportFile.model_validate(json.loads(text))
    return {s.session.id: s.regrades for s in parsed.sessions}


CSV_COLUMNS = [
    "session_id",
    "trainee",
    "persona_id",
    "started_at",
    "outcome",
    "turn",
    "user",
    "reply",
    *[f"{c}_score" for c in CRITERIA],
    *[f"{c}_evidence" for c in CRITERIA],
    "targets",
    "suggestion",
    "trust",
    "patience",
    "uncovered",
    "comments",
    "regrades",
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1+1`, `@SUM(…)`) gets a leading
    apostrophe, which spreadsheet tools read as "this is text"; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(views: list[TranscriptView]) -> str:
    """One row per turn across every session given."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for view in views:
        notes: dict[int, list[str]] = {}
        for note in view.comments:
            notes.setdefault(note.turn, []).append(f"{note.author}: {note.text}")
        for t in view.turns:
            grade = t["grade"] or {}
            state = t["state"] or {}
            row: dict[str, Any] = {
                "session_id": view.session_id,
                "trainee": view.trainee,
                "persona_id": view.persona_id,
                "started_at": view.started_at,
                "outcome": view.outcome or "",
                "turn": t["turn"],
                "user": t["user"],
                "reply": t["reply"] or "",
                "targets": " ".join(grade.get("interests", {}).get("targets", [])),
                "suggestion": grade.get("suggestion", ""),
                "trust": state.get("trust", ""),
                "patience": state.get("patience", ""),
                "uncovered": " ".join(state.get("uncovered", [])),
                "comments": " | ".join(notes.get(t["turn"], [])),
                "regrades": " | ".join(
                    f"{r['criterion']} {r['before']}->{r['after']} by {r['by']} at {r['at']}: {r['reason']}"
                    for r in t.get("regrades", [])
                ),
            }
            for c in CRITERIA:
                row[f"{c}_score"] = grade.get(c, {}).get("score", "")
                row[f"{c}_evidence"] = grade.get(c, {}).get("evidence", "")
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def export_sessions(team: Team, caller: Caller, session_ids: list[str], fmt: str) -> tuple[str, str]:
    """(file name, content) of one or more transcripts; trainers only, each session checked."""
    if fmt not in FORMATS:
        raise SimulatorError(f"unknown export format '{fmt}': use {', '.join(FORMATS)}")
    if not session_ids:
        raise SimulatorError("choose a session to export")
    records = [team.export_record(caller, sid) for sid in session_ids]
    views = [team.transcript(caller, sid) for sid in session_ids]
    stem = f"parley-{session_ids[0]}" if len(session_ids) == 1 else f"parley-{len(session_ids)}-sessions"
    if fmt == "json":
        exported = [session_export(r, c, team.regrades(caller, r.id)) for r, c in records]
        return f"{stem}.json", to_json(exported, _now())
    if fmt == "csv":
        return f"{stem}.csv", to_csv(views)
    body = "".join(transcript_body(v) for v in views)
    return f"{stem}.html", page(f"Parley transcript {', '.join(session_ids)}", body)


def export_cohort(team: Team, caller: Caller, fmt: str, persona_id: str | None = None) -> tuple[str, str]:
    """(file name, content) of the cohort table with every session behind it."""
    if fmt not in FORMATS:
        raise SimulatorError(f"unknown export format '{fmt}': use {', '.join(FORMATS)}")
    rows = team.cohort(caller, persona_id)
    ids = [r.session_id for r in team.review_rows(caller, persona_id=persona_id) if r.trainee != caller.name]
    stem = f"parley-cohort-{persona_id}" if persona_id else "parley-cohort"
    if fmt == "json":
        records = [team.export_record(caller, sid) for sid in ids]
        return f"{stem}.json", to_json(
            [session_export(r, c, team.regrades(caller, r.id)) for r, c in records], _now(), cohort=rows
        )
    views = [team.transcript(caller, sid) for sid in ids]
    if fmt == "csv":
        return f"{stem}.csv", to_csv(views)
    return f"{stem}.html", cohort_html(rows, views)

"""Transcript and cohort exports: JSON (everything, re-importable), CSV (one row per turn), HTML (with plots)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from html import escape
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from simulator.errors import SimulatorError
from simulator.grade import CRITERIA, Grade
from simulator.plots import line_chart
from simulator.review import Team, TranscriptView
from simulator.store import SessionRecord, TurnRecord
from simulator.team import Caller, Comment

FORMAT = "parley-export"
FORMATS = ("json", "csv", "html")
VERSION = 1
LABELS = {"questions": "Questions", "interests": "Interests", "collaboration": "Collaboration"}


class TurnExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: int
    user_text: str
    grade: Grade | None
    reply: str | None
    moves: list[str]
    state: dict[str, Any] | None
    created_at: str
    replied_at: str | None = None
    tokens: dict[str, int] | None = None


class CommentExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn: int
    author: str
    text: str
    created_at: str


class SessionExport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    persona_id: str
    persona_name: str
    user: str
    started_at: str
    opening: str
    state: dict[str, Any]
    ended_at: str | None = None
    outcome: str | None = None
    debrief: dict[str, Any] | None = None
    voice: str = "scripted"
    coach: str = "rules"
    assignment_id: str | None = None
    turns: list[TurnExport]
    comments: list[CommentExport] = []


class ExportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["parley-export"]
    version: Literal[1]
    exported_at: str
    cohort: list[dict[str, Any]] | None = None
    sessions: list[SessionExport]


def session_export(record: SessionRecord, comments: list[Comment]) -> SessionExport:
    return SessionExport(
        id=record.id,
        persona_id=record.persona_id,
        persona_name=record.persona_name,
        user=record.user,
        started_at=record.started_at,
        opening=record.opening,
        state=record.state,
        ended_at=record.ended_at,
        outcome=record.outcome,
        debrief=record.debrief,
        voice=record.voice,
        coach=record.coach,
        assignment_id=record.assignment_id,
        turns=[
            TurnExport(
                turn=t.turn,
                user_text=t.user_text,
                grade=t.grade,
                reply=t.reply,
                moves=t.moves,
                state=t.state,
                created_at=t.created_at,
                replied_at=t.replied_at,
                tokens=t.tokens,
            )
            for t in record.turns
        ],
        comments=[CommentExport(turn=c.turn, author=c.author, text=c.text, created_at=c.created_at) for c in comments],
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
    out = []
    for s in parsed.sessions:
        record = SessionRecord(
            id=s.id,
            persona_id=s.persona_id,
            persona_name=s.persona_name,
            user=s.user,
            started_at=s.started_at,
            opening=s.opening,
            state=s.state,
            ended_at=s.ended_at,
            outcome=s.outcome,
            debrief=s.debrief,
            voice=s.voice,
            coach=s.coach,
            assignment_id=s.assignment_id,
            turns=[TurnRecord(**t.model_dump(exclude={"grade"}), grade=t.grade) for t in s.turns],
        )
        comments = [Comment(0, s.id, c.turn, c.author, c.text, c.created_at) for c in s.comments]
        out.append((record, comments))
    return out


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
]


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
            }
            for c in CRITERIA:
                row[f"{c}_score"] = grade.get(c, {}).get("score", "")
                row[f"{c}_evidence"] = grade.get(c, {}).get("evidence", "")
            writer.writerow(row)
    return out.getvalue()


def score_chart(view: TranscriptView) -> str:
    series: dict[str, list[float | None]] = {
        LABELS[c]: [float(t["grade"][c]["score"]) if t["grade"] else None for t in view.turns] for c in CRITERIA
    }
    labels = [str(t["turn"]) for t in view.turns]
    return line_chart("Score per message", series, y_max=2, x_labels=labels, chart_id="score-chart", y_label="0-2")


def trust_chart(view: TranscriptView) -> str:
    values: list[float | None] = [float(t["state"]["trust"]) if t["state"] else None for t in view.turns]
    labels = [str(t["turn"]) for t in view.turns]
    return line_chart(
        "Trust over the conversation", {"Trust": values}, y_max=100, x_labels=labels, chart_id="trust-chart"
    )


def progress_chart(trainee: str, points: list[tuple[str, int]]) -> str:
    """A trainee's overall score per finished session, oldest first."""
    return line_chart(
        f"Progress of {trainee} across sessions",
        {"Overall %": [float(p) for _, p in points]},
        y_max=100,
        x_labels=[d[5:10] for d, _ in points],
        chart_id=f"progress-{trainee}",
    )


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; }
.turn { border-left: 4px solid #1565c0; padding: .3em .8em; margin: .8em 0; }
.reply { color: #444; margin-left: 1.5em; } .comment { background: #fff8e1; padding: .3em .5em; margin: .3em 0; }
.score-0 { color: #c62828; } .score-1 { color: #f9a825; } .score-2 { color: #2e7d32; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def transcript_body(view: TranscriptView) -> str:
    """The transcript as HTML: meta, plots, every message with its grade and comments, interests, debrief."""
    notes: dict[int, list[Comment]] = {}
    for c in view.comments:
        notes.setdefault(c.turn, []).append(c)
    head = (
        f"<h2>{escape(view.trainee)} with {escape(view.persona_name)}</h2>"
        f"<p>Session <code>{escape(view.session_id)}</code> · started {escape(view.started_at[:16].replace('T', ' '))} · "
        f"outcome: <b>{escape((view.outcome or 'still open').replace('_', ' '))}</b>"
        + (f" · overall {view.percent}%" if view.percent is not None else "")
        + (f" · assignment target {view.assignment['target']}%" if view.assignment else "")
        + "</p>"
    )
    plots = f"<div class='plots'>{score_chart(view)}{trust_chart(view)}</div>"
    items = [
        f"<div class='turn opening'><p class='reply'><b>{escape(view.persona_name)}:</b> {escape(view.opening)}</p></div>"
    ]
    for t in view.turns:
        grade = t["grade"]
        graded = ""
        if grade:
            cells = "".join(
                f"<td class='score-{grade[c]['score']}'><b>{LABELS[c]} {grade[c]['score']}/2</b><br>"
                f"{escape(grade[c]['reason'])}"
                + (f"<br><q>{escape(grade[c]['evidence'])}</q>" if grade[c]["evidence"] else "")
                + "</td>"
                for c in CRITERIA
            )
            targets = grade["interests"].get("targets") or []
            graded = (
                f"<table class='grade'><tr>{cells}</tr></table>"
                + (f"<p>Went after: {escape(', '.join(targets))}</p>" if targets else "")
                + f"<p><i>Try:</i> {escape(grade['suggestion'])}</p>"
            )
        state = t["state"]
        meter = (
            f"<p class='state'>trust {state['trust']} · patience {state['patience']} · phase {escape(state['phase'])}"
            f" · uncovered: {escape(', '.join(state['uncovered']) or 'none')}</p>"
            if state
            else ""
        )
        comments = "".join(
            f"<div class='comment' data-turn='{t['turn']}'><b>{escape(c.author)}</b>: {escape(c.text)}</div>"
            for c in notes.get(t["turn"], [])
        )
        reply = f"<p class='reply'><b>{escape(view.persona_name)}:</b> {escape(t['reply'])}</p>" if t["reply"] else ""
        items.append(
            f"<div class='turn' data-turn='{t['turn']}'><p><b>{t['turn']}. {escape(view.trainee)}:</b> "
            f"{escape(t['user'])}</p>{graded}{meter}{comments}{reply}</div>"
        )
    interests = "".join(
        f"<li><b>{escape(i['level'])}</b> {escape(i['summary'])} · "
        + (f"uncovered at message {i['uncovered_turn']}" if i["uncovered_turn"] else "never uncovered")
        + "</li>"
        for i in view.interests
    )
    debrief = ""
    if view.debrief:
        d = view.debrief
        debrief = (
            f"<h3>Debrief</h3><p>{escape(d['outcome_text'])} Overall {d['overall_percent']}%.</p><ul>"
            + "".join(f"<li>{escape(tip)}</li>" for tip in d.get("try_next", []))
            + "</ul>"
        )
    return (
        head + plots + "".join(items) + f"<h3>Interests</h3><ul>{interests or '<li>none uncovered</li>'}</ul>" + debrief
    )


def transcript_html(view: TranscriptView) -> str:
    return _page(f"Parley transcript {view.session_id}", transcript_body(view))


COHORT_COLUMNS = [
    ("persona", "Counterpart"),
    ("trainee", "Trainee"),
    ("sessions", "Sessions"),
    ("finished", "Finished"),
    ("best_percent", "Best %"),
    ("mean_percent", "Mean %"),
    ("questions_avg", "Questions"),
    ("interests_avg", "Interests"),
    ("collaboration_avg", "Collaboration"),
    ("mean_uncovered", "Interests found"),
    ("agreements", "Agreements"),
    ("passed", "Passed"),
]


def cohort_table_html(rows: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for _, label in COHORT_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if r[k] is None else str(r[k]))}</td>" for k, _ in COHORT_COLUMNS) + "</tr>"
        for r in rows
    )
    return f"<table id='cohort-table'><tr>{head}</tr>{body}</table>"


def cohort_html(rows: list[dict[str, Any]], views: list[TranscriptView]) -> str:
    by_trainee: dict[str, list[tuple[str, int]]] = {}
    for v in sorted(views, key=lambda v: v.started_at):
        if v.percent is not None:
            by_trainee.setdefault(v.trainee, []).append((v.started_at, v.percent))
    charts = "".join(progress_chart(t, pts) for t, pts in sorted(by_trainee.items()))
    sessions = "".join(f"<hr>{transcript_body(v)}" for v in views)
    return _page("Parley cohort report", f"<h1>Cohort</h1>{cohort_table_html(rows)}{charts}{sessions}")


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
        return f"{stem}.json", to_json([session_export(r, c) for r, c in records], _now())
    if fmt == "csv":
        return f"{stem}.csv", to_csv(views)
    body = "".join(transcript_body(v) for v in views)
    return f"{stem}.html", _page(f"Parley transcript {', '.join(session_ids)}", body)


def export_cohort(team: Team, caller: Caller, fmt: str, persona_id: str | None = None) -> tuple[str, str]:
    """(file name, content) of the cohort table with every session behind it."""
    if fmt not in FORMATS:
        raise SimulatorError(f"unknown export format '{fmt}': use {', '.join(FORMATS)}")
    rows = team.cohort(caller, persona_id)
    ids = [r.session_id for r in team.review_rows(caller, persona_id=persona_id)]
    stem = f"parley-cohort-{persona_id}" if persona_id else "parley-cohort"
    if fmt == "json":
        records = [team.export_record(caller, sid) for sid in ids]
        return f"{stem}.json", to_json([session_export(r, c) for r, c in records], _now(), cohort=rows)
    views = [team.transcript(caller, sid) for sid in ids]
    if fmt == "csv":
        return f"{stem}.csv", to_csv(views)
    return f"{stem}.html", cohort_html(rows, views)

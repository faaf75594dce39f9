"""Handlers for the assignments, review, cohort and assign panels.

Each takes the signed-in name last (None when the app has no accounts) and asks the team service, which
checks every read and write; the UI only decides what is worth showing.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from simulator.errors import SimulatorError
from simulator.reports.exports import export_cohort, export_sessions
from simulator.reports.html import cohort_table_html, progress_chart, progress_table, transcript_body, tree_html
from simulator.team.model import Caller, Role
from simulator.team.service import Team
from simulator.ui import team_render
from simulator.ui.downloads import Downloads
from simulator.ui.render import persona_label

FILTER_ALL = ""


def _warn(exc: Exception) -> str:
    return f"⚠️ {exc}"


@dataclass
class Landing:
    """What the page shows a caller when it loads: who they are and which panels are theirs."""

    header: str
    trainee: bool
    trainer: bool
    assigns: bool  # only a signed-in trainer has trainees to assign to
    trainee_choices: list[str]
    session_choices: list[tuple[str, str]]
    table: str


class TeamHandlers:
    def __init__(self, team: Team, downloads: Downloads | None = None) -> None:
        self.team = team
        self.downloads = downloads or Downloads()

    def _caller(self, username: str | None) -> tuple[Team, Caller]:
        return self.team, self.team.caller(username)

    def landing(self, username: str | None) -> Landing:
        try:
            team, caller = self._caller(username)
        except SimulatorError as exc:
            return Landing(f"<p>{escape(_warn(exc))}</p>", False, False, False, [], [], "")
        if caller.role is Role.LOCAL:
            header = (
                "<p>Local single-user mode: no accounts (add them with <code>python -m simulator users add</code>).</p>"
            )
        else:
            # HTML, not markdown: Gradio's markdown opens links in a new tab, and sign-out must leave this one.
            header = (
                f"<p>Signed in as <strong>{escape(caller.name)}</strong> ({caller.role.value}) · "
                "<a href='logout' id='sign-out'>Sign out</a></p>"
            )
        table, sessions = self.sessions(FILTER_ALL, FILTER_ALL, FILTER_ALL, username)
        return Landing(
            header=header,
            trainee=caller.role is Role.TRAINEE,
            trainer=caller.is_trainer,
            assigns=caller.role is Role.TRAINER,
            trainee_choices=[a.name for a in team.trainees_of(caller)],
            session_choices=sessions,
            table=table,
        )

    def assigned_table(self, username: str | None) -> str:
        """The assignments the caller may see (a trainer: their trainees'), as the Assign tab's table."""
        try:
            team, caller = self._caller(username)
            views = team.assignments(caller)
        except SimulatorError as exc:
            return _warn(exc)
        return team_render.assignments_table(views, for_trainee=caller.role is Role.TRAINEE)

    def my_progress(self, username: str | None) -> str:
        """The caller's own first, best and latest score per counterpart, with a plot across attempts."""
        try:
            team, caller = self._caller(username)
            return "<h4>My progress</h4>" + progress_table(team.progress_by_persona(caller, caller.name))
        except SimulatorError as exc:
            return _warn(exc)

    def sessions(
        self, trainee: str | None, persona_id: str | None, only: str | None, username: str | None
    ) -> tuple[str, list[tuple[str, str]]]:
        """(table, picker choices) for the review panel, filtered."""
        try:
            team, caller = self._caller(username)
            rows = team.review_rows(caller, trainee=trainee or None, persona_id=persona_id or None, only=only or None)
        except SimulatorError as exc:
            return _warn(exc), []
        return team_render.sessions_table(rows), [(team_render.session_label(r), r.session_id) for r in rows]

    def open_session(self, session_id: str | None, username: str | None) -> tuple[str, list[int], str]:
        """(transcript with plots, its turn numbers for comments, notice)."""
        if not session_id:
            return "", [], "⚠️ Choose a session to open."
        try:
            team, caller = self._caller(username)
            view = team.open_for_review(caller, session_id)  # a trainer's opening marks it seen on their home
            rows = team.progress(caller, view.trainee)
            progress = progress_chart(view.trainee, [(r.started_at, r.percent) for r in rows if r.percent is not None])
        except SimulatorError as exc:
            return "", [], _warn(exc)
        family = team.attempts(caller, session_id)
        tree = f"<h3>Attempts</h3>{tree_html(family, session_id)}" if len(family) > 1 else ""
        body = transcript_body(view) + tree + progress + progress_table(team.progress_by_persona(caller, view.trainee))
        return (
            f"<div id='transcript' data-session='{view.session_id}'>{body}</div>",
            [t["turn"] for t in view.turns],
            "",
        )

    def comment(
        self, session_id: str | None, turn: float | int | None, text: str, username: str | None
    ) -> tuple[str, str, str]:
        """(transcript, comment box, notice): the box keeps the text when the comment could not be saved."""
        if not session_id or turn is None:
            return "", text, "⚠️ Open a session and choose a message to comment on."
        try:
            team, caller = self._caller(username)
            team.comment(caller, session_id, int(turn), text)
        except SimulatorError as exc:
            transcript, _, _ = self.open_session(session_id, username)
            return transcript, text, _warn(exc)
        transcript, _, _ = self.open_session(session_id, username)
        return transcript, "", f"Comment added to message {int(turn)}."

    def regrade(
        self,
        session_id: str | None,
        turn: float | int | None,
        criterion: str | None,
        score: float | int | None,
        reason: str,
        username: str | None,
    ) -> tuple[str, str, str]:
        """(transcript, reason box, notice): a trainer's new score for one criterion of one message, with why."""
        if not session_id or turn is None:
            return "", reason, "⚠️ Open a session and choose a message to re-grade."
        number, new = _whole(turn), _whole(score)  # not a whole number: the service names what is wrong
        try:
            team, caller = self._caller(username)
            team.regrade(caller, session_id, number, criterion or "", new, reason)
        except SimulatorError as exc:
            transcript, _, _ = self.open_session(session_id, username)
            return transcript, reason, _warn(exc)
        transcript, _, _ = self.open_session(session_id, username)
        return transcript, "", f"Message {number} re-graded: {criterion} is now {new}/2."

    def export_session(self, session_id: str | None, fmt: str, username: str | None) -> tuple[str, str]:
        """(download link, notice); the export is checked now, and again as whoever downloads it."""
        ids = [session_id] if session_id else []

        def make(user: str | None) -> tuple[str, str]:
            team, caller = self._caller(user)
            return export_sessions(team, caller, ids, fmt or "json")

        try:
            name, _ = make(username)
        except SimulatorError as exc:
            return "", _warn(exc)
        return self.downloads.link(username, name, make), f"Exported {name}."

    def cohort(self, persona_id: str | None, username: str | None) -> str:
        try:
            team, caller = self._caller(username)
            rows = team.cohort(caller, persona_id or None)
        except SimulatorError as exc:
            return _warn(exc)
        return cohort_table_html(rows) if rows else "<p class='empty'>No sessions yet.</p>"

    def export_cohort(self, persona_id: str | None, fmt: str, username: str | None) -> tuple[str, str]:
        def make(user: str | None) -> tuple[str, str]:
            team, caller = self._caller(user)
            return export_cohort(team, caller, fmt or "json", persona_id or None)

        try:
            name, _ = make(username)
        except SimulatorError as exc:
            return "", _warn(exc)
        return self.downloads.link(username, name, make), f"Exported {name}."

    def assign(
        self,
        trainees: list[str] | str | None,
        personas: list[str] | str | None,
        due: str | None,
        target: float | int | None,
        attempts: float | int | None,
        note: str | None,
        username: str | None,
        version: float | int | None = None,
        assessment: bool = False,
    ) -> tuple[str, str]:
        """(notice, the trainer's assignments table); nothing is written unless all of it is valid."""
        names = [trainees] if isinstance(trainees, str) else list(trainees or [])
        ids = [personas] if isinstance(personas, str) else list(personas or [])
        try:
            team, caller = self._caller(username)
            made = team.assign(
                caller,
                names,
                ids,
                due=due or None,
                target=int(target if target is not None else 70),
                attempts=int(attempts) if attempts else None,
                note=note or "",
                version=int(version) if version else None,  # 0 or empty: follow the latest version
                assessment=bool(assessment),
            )
            table = team_render.assignments_table(team.assignments(caller), for_trainee=False)
        except SimulatorError as exc:
            return _warn(exc), self.assigned_table(username)
        return f"Assigned {len(made)}: " + ", ".join(f"{a.persona_id} to {a.trainee}" for a in made) + ".", table

    def persona_choices(self) -> list[tuple[str, str]]:
        return [(persona_label(p), p.id) for p in self.team.personas()]


def _whole(value: float | int | str | None) -> int:
    try:
        return int(value) if value is not None else -1
    except ValueError:
        return -1

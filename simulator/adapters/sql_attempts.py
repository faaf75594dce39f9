"""Attempts and re-grades in the same database as the sessions: branches copy their parent's earlier turns, and
every trainer's change to a grade is one row that is never updated."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select

from simulator.adapters.sql_engine import _now
from simulator.adapters.sql_schema import regrades, sessions, turns
from simulator.game.state import GameState
from simulator.session.store import Regrade, SessionRecord, SessionSummary


def summaries_select() -> Select[Any]:
    """Sessions as `SessionSummary` rows (with their turn counts); callers add the filter and the order."""
    return (
        select(
            sessions.c.id,
            sessions.c.persona_id,
            sessions.c.persona_name,
            sessions.c.user,
            sessions.c.started_at,
            func.count(turns.c.turn),
            sessions.c.outcome,
            sessions.c.assignment_id,
            sessions.c.parent_id,
            sessions.c.branch_turn,
        )
        .select_from(sessions.outerjoin(turns, turns.c.session_id == sessions.c.id))
        .group_by(sessions.c.id)
    )


class SqlAttempts:
    """The branch and re-grade part of `SqlStore` (mixed in: it uses the store's connections)."""

    def _write(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # SqlStore's own

    def _reading(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError  # SqlStore's own

    def create_branch(
        self,
        *,
        session_id: str,
        parent: SessionRecord,
        branch_turn: int,
        user: str,
        state: GameState,
        assignment_id: str | None,
    ) -> None:
        with self._write() as db:
            db.execute(
                sessions.insert().values(
                    id=session_id,
                    persona_id=parent.persona_id,
                    persona_name=parent.persona_name,
                    user=user,
                    opening=parent.opening,
                    started_at=_now(),
                    state_json=json.dumps(state.to_dict()),
                    voice=parent.voice,
                    coach=parent.coach,
                    assignment_id=assignment_id,
                    persona_version=parent.persona_version,
                    parent_id=parent.id,
                    branch_turn=branch_turn,
                    root_id=parent.family,
                )
            )
            copied = [t for t in parent.turns if t.turn < branch_turn]
            if copied:
                db.execute(
                    turns.insert(),
                    [
                        {
                            "session_id": session_id,
                            "turn": t.turn,
                            "user_text": t.user_text,
                            "grade_json": t.grade.model_dump_json() if t.grade else None,
                            "reply": t.reply,
                            "moves_json": json.dumps(t.moves),
                            "state_json": json.dumps(t.state.to_dict()) if t.state else None,
                            "created_at": t.created_at,
                            "replied_at": t.replied_at,
                            "tokens_json": json.dumps(t.tokens) if t.tokens else None,
                        }
                        for t in copied
                    ],
                )

    def family(self, root_id: str) -> list[SessionSummary]:
        query = (
            summaries_select()
            .where(or_(sessions.c.id == root_id, sessions.c.root_id == root_id))
            .order_by(sessions.c.started_at, sessions.c.id)
        )
        with self._reading() as db:
            return [SessionSummary(*row) for row in db.execute(query).all()]

    def add_regrade(self, regrade: Regrade) -> None:
        with self._write() as db:
            db.execute(regrades.insert().values(**asdict(regrade) | {"at": regrade.at or _now()}))

    def regrades(self, session_id: str) -> list[Regrade]:
        query = select(regrades).where(regrades.c.session_id == session_id).order_by(regrades.c.id)
        with self._reading() as db:
            rows = db.execute(query).all()
        return [Regrade(r.session_id, r.turn, r.criterion, r.before, r.after, r.reason, r.by, r.at) for r in rows]

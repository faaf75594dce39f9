"""The storage interface for accounts, assignments, comments and review marks; `adapters/sql_team.py` implements it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from simulator.session.store import Regrade, SessionRecord
from simulator.team.model import Account, Assignment, Attempt, Comment, Role


class TeamStore(Protocol):
    """Every write is one transaction: it is all there, or none of it is."""

    def count_accounts(self) -> int: ...

    def add_account(self, name: str, role: Role, password_hash: str, trainer: str | None) -> Account: ...

    def account(self, name: str) -> tuple[Account, str] | None:
        """The account and its password hash, by name (any letter case)."""

    def accounts(self) -> list[Account]: ...

    def external_account(self, issuer: str, subject: str) -> tuple[Account, str] | None:
        """The account (and its password hash) that single sign-on made for this provider's subject; None when
        this subject has none yet. Only ever by issuer and subject: never by a name."""

    def add_external_account(self, issuer: str, subject: str, name: str, role: Role, password_hash: str) -> Account:
        """A new account and its link to the provider's subject, in one transaction. `TeamInputError` when the
        name is taken or the subject already has an account (then neither is written)."""
        ...

    def newest_password_hash(self) -> str | None:
        """The most recently set password hash, whose bcrypt cost the decoy for unknown names matches."""
        ...

    def set_password(self, name: str, password_hash: str) -> None: ...

    def set_role(self, name: str, role: Role) -> None: ...

    def set_disabled(self, name: str, disabled: bool) -> None: ...

    def remove_account(self, name: str) -> None: ...

    def add_assignments(self, assignments: list[Assignment]) -> None: ...

    def assignment(self, assignment_id: str) -> Assignment | None: ...

    def assignments(self, trainees: Collection[str] | None = None) -> list[Assignment]: ...

    def attempts(self, assignment_ids: Collection[str]) -> dict[str, list[Attempt]]: ...

    def add_comment(self, session_id: str, turn: int, author: str, text: str) -> Comment: ...

    def comments(self, session_id: str) -> list[Comment]: ...

    def mark_reviewed(self, session_id: str, reviewer: str, at: str) -> None:
        """Remember that `reviewer` opened the session at `at` (ISO time); a later opening replaces it."""

    def reviewed(self, reviewer: str) -> dict[str, str]:
        """Session id to when `reviewer` last opened it."""
        ...

    def import_session(
        self, record: SessionRecord, comments: list[Comment], regrades: Sequence[Regrade] = ()
    ) -> None: ...

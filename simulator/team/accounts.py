"""Accounts and who may read whose sessions: sign-in with bcrypt and throttling, callers, trainers' trainees."""

from __future__ import annotations

from simulator.errors import NotAllowedError, SignInError, TeamInputError
from simulator.session.store import Store
from simulator.team.model import LOCAL, Account, Caller, Role, check_name
from simulator.team.passwords import Throttle, cost_of, decoy_hash, hash_password, verify
from simulator.team.store import TeamStore
from simulator.text import storable

WRONG_SIGN_IN = "Sign-in failed: the name or the password is wrong."
DISABLED = "This account is disabled: ask your trainer or the operator to enable it."
NO_PASSWORD = "!external"  # not a bcrypt hash, so no password ever matches it (single sign-on accounts)


class Accounts:
    def __init__(
        self, store: TeamStore, sessions: Store, *, throttle: Throttle | None = None, rounds: int = 12
    ) -> None:
        self.store = store
        self.sessions = sessions
        self.throttle = throttle or Throttle()
        self.rounds = rounds  # bcrypt's cost; tests lower it to stay quick
        # Made now, so the first unknown name does not pay for making it (and stand out).
        decoy_hash(cost_of(store.newest_password_hash(), rounds))

    def accounts_exist(self) -> bool:
        return self.store.count_accounts() > 0

    def add_user(self, name: str, role: Role | str, password: str, trainer: str | None = None) -> Account:
        """For the operator (the CLI): no caller, since whoever holds the database file holds everything."""
        name = check_name(name)
        try:
            role = Role(role)
        except ValueError:
            raise TeamInputError(f"unknown role '{role}': use trainer or trainee") from None
        if role is Role.LOCAL:
            raise TeamInputError("unknown role 'local': use trainer or trainee")
        if trainer is not None:
            if role is not Role.TRAINEE:
                raise TeamInputError("only a trainee has a trainer: drop --trainer for a trainer account")
            found = self.store.account(trainer)
            if found is None or found[0].role is not Role.TRAINER:
                raise TeamInputError(f"no trainer account named '{trainer}': add it first, or leave --trainer out")
            trainer = found[0].name
        if self.store.account(name) is not None:
            raise TeamInputError(f"there is already an account named '{name}': choose another name")
        return self.store.add_account(name, role, hash_password(password, self.rounds), trainer)

    def set_password(self, name: str, password: str) -> None:
        found = self.store.account(name)
        if found is None:
            raise TeamInputError(f"no account named '{name}' (`python -m simulator users list` shows them)")
        self.store.set_password(found[0].name, hash_password(password, self.rounds))

    def remove_user(self, name: str) -> None:
        found = self.store.account(name)
        if found is None:
            raise TeamInputError(f"no account named '{name}' (`python -m simulator users list` shows them)")
        account = found[0]
        if self.sessions.list_sessions(1, users=[account.name]) or self.store.assignments([account.name]):
            raise TeamInputError(
                f"'{account.name}' has sessions or assignments; they are kept, so the account stays. "
                "Change its password to lock it instead"
            )
        if any(a.trainer == account.name for a in self.store.accounts()):
            raise TeamInputError(f"'{account.name}' is the trainer of other accounts: move those trainees first")
        self.store.remove_account(account.name)

    def users(self) -> list[Account]:
        return self.store.accounts()

    def sign_in(self, name: str, password: str) -> Caller:
        """Raises `SignInError` with the same words whatever was wrong; a name is paused after repeated failures."""
        # A lone surrogate (only an API call can send one) can name no account: cleaned, it fails like any name.
        name = storable(name.strip())
        # Counted before bcrypt, in one transaction with the count, so parallel tries cannot all slip through.
        wait = self.throttle.begin(name)
        if wait > 0:
            raise SignInError(f"Too many failed sign-ins for this name: wait {int(wait) + 1} seconds and try again.")
        found = self.store.account(name) if name else None
        # Asked for every sign-in, known name or not, so both take the same path to bcrypt.
        rounds = cost_of(self.store.newest_password_hash(), self.rounds)
        if not verify(password, found[1] if found else None, rounds) or found is None:
            self.throttle.failed(name)
            raise SignInError(WRONG_SIGN_IN)
        self.throttle.succeeded(name)
        if found[0].disabled:
            # Said only to whoever knows the password, so it tells a stranger nothing.
            raise SignInError(DISABLED)
        return Caller(found[0].name, found[0].role)

    def sign_in_external(self, issuer: str, subject: str, name: str, role: Role | str) -> Caller:
        """A sign-in the identity provider vouched for (single sign-on), found by the provider's issuer and subject
        only. The first one creates an account with a password nobody knows, named after `name` (the name the
        person chose at the provider) or, when that is taken in any letter case, the name with a number: it never
        opens an account it did not make. Later ones follow the provider's role, unless the operator has since
        given the account a password. A disabled account is refused."""
        try:
            role = Role(role)
        except ValueError:
            raise SignInError(
                f"the identity provider gave the role '{role}': it must map to trainer or trainee"
            ) from None
        if role is Role.LOCAL:
            raise SignInError("the identity provider gave the role 'local': it must map to trainer or trainee")
        issuer, subject = storable(issuer.strip()), storable(subject.strip())
        if not issuer or not subject:
            raise SignInError("the identity provider's answer names no issuer or subject: sign in with a password")
        found = self.store.external_account(issuer, subject) or self._new_external(issuer, subject, name, role)
        account, password_hash = found
        if account.disabled:
            raise SignInError(DISABLED)
        if account.role is role or password_hash.startswith("$2"):
            # An account the operator gave a password to is theirs to manage: the provider's role is not applied.
            return Caller(account.name, account.role)
        if any(a.trainer == account.name for a in self.store.accounts()) or account.trainer is not None:
            raise SignInError(
                f"the identity provider now says '{account.name}' is a {role.value}, but the account is a "
                f"{account.role.value} with trainees or a trainer: a trainer must change it"
            )
        self.store.set_role(account.name, role)
        return Caller(account.name, role)

    def _new_external(self, issuer: str, subject: str, name: str, role: Role) -> tuple[Account, str]:
        """The account for a subject's first sign-in, under the first free name of `name`, `name_2`, `name_3`, …"""
        try:
            base = check_name(name)
        except TeamInputError:
            base = "user"  # the provider gave no usable name: the number makes it unique
        for n in range(1, 1000):
            candidate = base if n == 1 else f"{base[:34]}_{n}"
            if self.store.account(candidate) is not None:
                continue
            try:
                account = self.store.add_external_account(issuer, subject, candidate, role, NO_PASSWORD)
            except TeamInputError:
                # Another sign-in took the name, or this same subject signed in twice at once: look again.
                again = self.store.external_account(issuer, subject)
                if again is not None:
                    return again
                continue
            return account, NO_PASSWORD
        raise SignInError(f"no free account name like '{base}': ask the operator to add your account")

    def set_disabled(self, name: str, disabled: bool) -> Account:
        """For the operator (the CLI). A disabled account keeps its sessions and cannot sign in."""
        found = self.store.account(name)
        if found is None:
            raise TeamInputError(f"no account named '{name}' (`python -m simulator users list` shows them)")
        self.store.set_disabled(found[0].name, disabled)
        return self.store.account(found[0].name)[0]  # type: ignore[index]

    def check_credentials(self, name: str, password: str) -> bool:
        """Gradio's login hook: True or False, with throttling applied."""
        try:
            self.sign_in(name, password)
        except SignInError:
            return False
        return True

    def caller(self, username: str | None) -> Caller:
        """Who a request comes from: a signed-in account, or the local user when the app has no accounts."""
        if not username:
            if self.accounts_exist():
                raise NotAllowedError(
                    "sign in first: this app has accounts (if they were added after it started, restart it)"
                )
            return LOCAL
        found = self.store.account(username)
        if found is None:
            raise NotAllowedError("your account no longer exists: ask a trainer")
        if found[0].disabled:
            raise NotAllowedError(DISABLED)
        return Caller(found[0].name, found[0].role)

    def trainees_of(self, caller: Caller) -> list[Account]:
        """The trainees a trainer looks after: their own, plus those with no trainer yet."""
        if not caller.is_trainer:
            return []
        return [
            a
            for a in self.store.accounts()
            if a.role is Role.TRAINEE and (caller.role is Role.LOCAL or a.trainer in (None, caller.name))
        ]

    def _visible_users(self, caller: Caller) -> set[str] | None:
        """Whose sessions the caller may read; None means everyone's (the local single user)."""
        if caller.role is Role.LOCAL:
            return None
        if caller.role is Role.TRAINEE:
            return {caller.name}
        return {a.name for a in self.trainees_of(caller)} | {caller.name}

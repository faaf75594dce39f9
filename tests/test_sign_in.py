"""Sign-in state shared through the database, as two app instances see it: each instance here is its own
SqlStore (its own engine and connections) on one database, SQLite file or PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from simulator.adapters.sql_sign_in import SqlFailureLog, SqlSignIns
from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.errors import NotAllowedError, SignInError
from simulator.persona.files import PersonaCatalog
from simulator.session.practice import Practice
from simulator.team.accounts import WRONG_SIGN_IN
from simulator.team.model import Role
from simulator.team.passwords import Throttle
from simulator.team.service import Team


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


def _instance(catalog: PersonaCatalog, database: Path | str, clock: Clock) -> tuple[Team, SqlSignIns]:
    store = SqlStore(database)
    throttle = Throttle(clock=clock, log=SqlFailureLog(store))
    return Team(Practice(catalog, store), SqlTeamStore(store), throttle=throttle, rounds=4), SqlSignIns(
        store, hours=1, clock=clock
    )


@pytest.fixture
def two(
    catalog: PersonaCatalog, database: Path | str
) -> tuple[Clock, tuple[Team, SqlSignIns], tuple[Team, SqlSignIns]]:
    clock = Clock()
    first = _instance(catalog, database, clock)
    first[0].add_user("ann", "trainee", "a long password")
    return clock, first, _instance(catalog, database, clock)


def test_failed_sign_ins_on_one_instance_pause_the_name_on_the_other(two: tuple) -> None:  # type: ignore[type-arg]
    clock, (a, _), (b, _) = two
    for _ in range(5):
        with pytest.raises(SignInError):
            (a if clock.now % 2 else b).sign_in("ANN", "wrong")
        clock.now += 1
    with pytest.raises(SignInError, match="Too many failed sign-ins"):
        b.sign_in("ann", "a long password")  # right, but paused: the failures were counted in the database
    clock.now += 301
    assert b.sign_in("ann", "a long password").name == "ann"
    # Success clears the count everywhere: four more failures do not pause the name.
    for _ in range(4):
        with pytest.raises(SignInError, match="wrong"):
            a.sign_in("ann", "wrong")
    assert a.sign_in("ann", "a long password").name == "ann"


def test_a_token_from_one_instance_signs_in_on_the_other_until_sign_out_expiry_or_disable(two: tuple) -> None:  # type: ignore[type-arg]
    clock, (a, tokens_a), (b, tokens_b) = two
    token = tokens_a.issue("ann")
    assert tokens_b.get(token) == "ann" and token in tokens_b
    assert tokens_b.get("not a token") is None
    assert list(tokens_b) == []  # only digests are stored: nothing can list live tokens
    tokens_a.forget("ANN")
    clock.now += 3  # past the other instance's short cache
    assert tokens_b.get(token) is None
    # Disabling the account signs it out at once, and it cannot sign in again until enabled.
    token = tokens_b.issue("ann")
    a.set_disabled("ann", True)
    clock.now += 3
    assert tokens_a.get(token) is None and tokens_b.get(token) is None
    with pytest.raises(SignInError, match="disabled"):
        b.sign_in("ann", "a long password")
    with pytest.raises(NotAllowedError, match="disabled"):
        b.caller("ann")
    assert [u.disabled for u in b.users()] == [True]
    b.set_disabled("ann", False)
    assert tokens_a.get(token) == "ann"
    clock.now += 3601  # the sign-in lasts an hour here
    assert tokens_a.get(token) is None and tokens_b.get(token) is None


def test_an_external_sign_in_creates_the_account_once_and_follows_the_providers_role(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    first = a.sign_in_external("Tess", "trainer")
    assert first.role is Role.TRAINER and b.caller("tess").role is Role.TRAINER
    with pytest.raises(SignInError, match="wrong"):
        b.sign_in("tess", "!external")  # an account from the provider has no password that works
    assert b.sign_in_external("tess", "trainee").role is Role.TRAINEE  # the provider changed its mind
    with pytest.raises(SignInError, match="role 'admin'"):
        a.sign_in_external("tess", "admin")
    a.set_disabled("tess", True)
    with pytest.raises(SignInError, match="disabled"):
        b.sign_in_external("tess", "trainee")


def test_parallel_wrong_passwords_for_one_name_let_at_most_the_limit_reach_bcrypt(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    answers: list[str] = []

    def attempt(i: int) -> None:
        try:
            (a if i % 2 else b).sign_in("ann", "wrong")
        except SignInError as exc:
            answers.append(str(exc))

    # Forty at once over both instances: each is counted before its password is checked, in one transaction.
    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 40
    checked = [m for m in answers if m == WRONG_SIGN_IN]
    paused = [m for m in answers if m.startswith("Too many failed sign-ins")]
    assert len(checked) <= 5 and len(paused) >= 35 and len(checked) + len(paused) == 40
    with pytest.raises(SignInError, match="Too many failed sign-ins"):
        a.sign_in("ann", "a long password")


def test_a_right_password_after_fewer_failures_than_the_limit_signs_in(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    for instance in (a, b, a, b):
        with pytest.raises(SignInError, match="wrong"):
            instance.sign_in("ann", "wrong")
    assert b.sign_in("ann", "a long password").name == "ann"
    # The success cleared the count: four more failures still leave room for the right password.
    for _ in range(4):
        with pytest.raises(SignInError, match="wrong"):
            a.sign_in("ann", "wrong")
    assert a.sign_in("ann", "a long password").name == "ann"


def test_a_lone_surrogate_in_a_name_is_an_ordinary_failed_sign_in(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), _ = two
    for _ in range(2):
        with pytest.raises(SignInError) as refused:
            a.sign_in("t\ud800", "a long password")
        assert str(refused.value) == WRONG_SIGN_IN
    assert a.sign_in("ann", "a long password").name == "ann"  # nothing was left holding the database

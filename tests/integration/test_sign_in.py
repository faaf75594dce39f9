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
from simulator.team.model import Caller, Role
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


ISSUER = "https://id.example.com"


def test_an_external_sign_in_creates_the_account_once_and_follows_the_providers_role(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    first = a.sign_in_external(ISSUER, "s-tess", "Tess", "trainer")
    assert first == b.sign_in_external(ISSUER, "s-tess", "Tess", "trainer")  # the same subject, the same account
    assert first.role is Role.TRAINER and b.caller("tess").role is Role.TRAINER
    with pytest.raises(SignInError, match="wrong"):
        b.sign_in("tess", "!external")  # an account from the provider has no password that works
    # The provider changed its mind, and the person their name: the account is found by the subject all the same.
    assert b.sign_in_external(ISSUER, "s-tess", "someone_else", "trainee") == Caller("Tess", Role.TRAINEE)
    with pytest.raises(SignInError, match="role 'admin'"):
        a.sign_in_external(ISSUER, "s-tess", "Tess", "admin")
    a.set_disabled("tess", True)
    with pytest.raises(SignInError, match="disabled"):
        b.sign_in_external(ISSUER, "s-tess", "Tess", "trainee")
    assert {u.name for u in a.users()} == {"Tess", "ann"}


def test_an_external_sign_in_never_opens_or_changes_a_password_account(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    a.add_user("t1", "trainer", "a long password")
    a.add_user("tess", "trainee", "a long password", trainer="t1")
    # A provider's person who calls themselves t1 gets an account of their own, with none of t1's trainees.
    taker = b.sign_in_external(ISSUER, "s-mallory", "t1", "trainee")
    assert taker.name == "t1_2" and taker.role is Role.TRAINEE
    assert b.trainees_of(b.caller("t1")) and not b.trainees_of(taker)
    # A trainer group and a password trainee's name, in another letter case: a new trainer, tess untouched.
    promoted = a.sign_in_external(ISSUER, "s-eve", "TESS", "trainer")
    assert promoted.name == "TESS_2" and promoted.role is Role.TRAINER
    assert b.caller("tess") == Caller("tess", Role.TRAINEE) and b.store.account("tess")[0].trainer == "t1"  # type: ignore[index]
    assert "tess" not in {t.name for t in b.trainees_of(promoted)}
    assert (
        b.sign_in("tess", "a long password").name == "tess" and b.sign_in("t1", "a long password").role is Role.TRAINER
    )
    # Two subjects with the same chosen name: two accounts; each subject keeps finding its own.
    other = b.sign_in_external(ISSUER, "s-trent", "t1", "trainee")
    assert other.name == "t1_3"
    assert a.sign_in_external(ISSUER, "s-mallory", "t1", "trainee").name == "t1_2"
    assert a.sign_in_external(ISSUER, "s-trent", "t1", "trainee").name == "t1_3"
    # The same subject from another issuer is another person.
    assert a.sign_in_external("https://other.example.com", "s-mallory", "t1", "trainee").name == "t1_4"


def test_a_provider_role_never_changes_an_account_the_operator_gave_a_password(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), (b, _) = two
    made = a.sign_in_external(ISSUER, "s-pat", "pat", "trainee")
    a.set_password(made.name, "a long password")
    assert b.sign_in_external(ISSUER, "s-pat", "pat", "trainer") == Caller("pat", Role.TRAINEE)
    assert b.caller("pat").role is Role.TRAINEE


def test_a_first_external_sign_in_with_no_usable_name_gets_a_made_up_one(two: tuple) -> None:  # type: ignore[type-arg]
    _, (a, _), _ = two
    assert a.sign_in_external(ISSUER, "s-1", "", "trainee").name == "user"
    assert a.sign_in_external(ISSUER, "s-2", "-", "trainee").name == "user_2"
    with pytest.raises(SignInError, match="no issuer or subject"):
        a.sign_in_external(ISSUER, "", "ann", "trainee")


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

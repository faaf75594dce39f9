"""Every event handler the app exposes over HTTP, called by a signed-in trainee with other people's ids.

Gradio serves each handler as an API endpoint, so these calls must be checked exactly like clicks: the sweep
asserts that nothing of anyone else's sessions, assignments or comments comes back, that no hidden interest
is ever returned, and that nothing is written on anyone else's behalf.
"""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from simulator.adapters.sql_personas import SqlPersonaStore
from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.persona.files import PersonaCatalog, load_folder
from simulator.session.practice import Practice
from simulator.team.service import Team
from tests.appserver import queue_call, running_app, signed_in
from tests.conftest import PERSONAS_DIR

PASSWORD = "correct horse"
TABLES = ("assignments", "comments", "team_personas", "persona_versions", "regrades")
SECRET_MESSAGE = "Bob-only words: what keeps the quarterly figures awake at night?"
SECRET_NOTE = "Note meant for Bob alone"
SECRET_COMMENT = "Comment meant for Bob alone"
SECRET_DRAFT = "Draft persona only trainers see"
SECRET_REGRADE = "Re-grade reason meant for Bob alone"


def seed(data: Path, catalog: PersonaCatalog) -> dict[str, str]:
    """Two trainers and two trainees; Bob (Tom's) has a session, an assignment and a comment."""
    store = SqlStore(data / "parley.sqlite3")
    team = Team(Practice(catalog, store), SqlTeamStore(store), rounds=4)
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("tom", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    team.add_user("bob", "trainee", PASSWORD, trainer="tom")
    team.add_user("cy", "trainee", PASSWORD)  # only for the throttling test
    tom, bob = team.caller("tom"), team.caller("bob")
    (job,) = team.assign(tom, ["bob"], ["procurement_discount"], note=SECRET_NOTE, due=date.today() + timedelta(days=9))
    handle = team.start_assignment(bob, job.id)
    team.practice.send(handle, SECRET_MESSAGE)
    # Uncover something in Bob's session, so his transcript holds a hidden interest's words.
    for text in [
        "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
        "To be open with you, our margin is thin too. Who else in your organisation will judge how this turns out?",
    ]:
        team.practice.send(handle, text)
    team.comment(tom, handle.session_id, 1, SECRET_COMMENT)
    team.regrade(tom, handle.session_id, 1, "questions", 1, SECRET_REGRADE)
    ann_own = team.start(team.caller("ann"), "shared_lab")
    # A trainer's draft in the Studio: no trainee may read it, publish it or write beside it.
    draft = catalog.get("salary_offer").model_dump(mode="json")
    draft["id"], draft["name"] = "tess_draft", SECRET_DRAFT
    SqlPersonaStore(store).save_draft("tess_draft", draft, "tess")
    store.close()
    return {
        "bob_session": handle.session_id,
        "bob_assignment": job.id,
        "ann_session": ann_own.session_id,
        "draft": "tess_draft",
    }


def forbidden(catalog: PersonaCatalog) -> list[str]:
    """Strings a trainee who uncovered nothing must never receive."""
    words = [SECRET_MESSAGE, SECRET_NOTE, SECRET_COMMENT, SECRET_DRAFT, SECRET_REGRADE]
    for persona in catalog.ordered():
        for interest in persona.hidden_interests:
            words += [interest.summary, interest.reveal, interest.id]
    return words


@pytest.fixture(scope="module")
def sweep_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str], PersonaCatalog]]:
    data = tmp_path_factory.mktemp("sweep-data")
    catalog = load_folder(PERSONAS_DIR)
    ids = seed(data, catalog)
    with running_app(data) as url:
        yield url, data, ids, catalog


def _values(component: dict[str, Any], candidate: str) -> Any:
    kind = component.get("type")
    props = component.get("props", {})
    if kind in {"number", "slider"}:
        return 1
    if kind == "dropdown" and props.get("multiselect"):
        return [candidate]
    if kind in {"checkboxgroup"}:
        return [candidate]
    if kind == "chatbot":
        return []
    if kind == "radio":
        return props.get("value")  # a fixed choice (voice, coach, format): ids travel in the other inputs
    if kind == "file":
        return None
    return candidate


def test_a_trainee_gets_nothing_of_anyone_else_from_any_endpoint(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    url, data, ids, catalog = sweep_app
    client = Client(url, auth=("ann", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    components = {c["id"]: c for c in client.config["components"]}
    dependencies = client.config["dependencies"]
    candidates = [
        ids["bob_session"],
        ids["bob_assignment"],
        ids["ann_session"],
        ids["draft"],
        "bob",
        "tom",
        "procurement_discount",
        "",
    ]
    words = forbidden(catalog)
    with sqlite3.connect(data / "parley.sqlite3") as db:
        before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        bob_turns = db.execute("SELECT count(*) FROM turns WHERE session_id=?", (ids["bob_session"],)).fetchone()[0]
    calls: list[tuple[dict[str, Any], list[str], list[Any]]] = []
    for dep in dependencies:
        inputs = [components[i] for i in dep["inputs"] if components[i].get("type") != "state"]
        if len(inputs) > 3:
            combos = [[c] * len(inputs) for c in candidates]
        elif len(inputs) == 3:
            # Every pair of candidates in every pair of positions (a Latin square), not all 512 triples: an id
            # reaches each input beside each other id, at an eighth of the calls.
            n = len(candidates)
            combos = [[candidates[a], candidates[b], candidates[(a + b) % n]] for a in range(n) for b in range(n)]
        else:
            combos = [list(p) for p in itertools.product(candidates, repeat=len(inputs))]
        for combo in combos:
            calls.append((dep, combo, [_values(comp, value) for comp, value in zip(inputs, combo, strict=True)]))

    def one(call: tuple[dict[str, Any], list[str], list[Any]]) -> str:
        dep, _combo, args = call
        try:
            result = client.predict(*args, fn_index=dep["id"])
        except Exception as exc:  # an error from the app is a refusal; it must not carry data either
            result = str(exc)
        return json.dumps(result, default=str)

    # Several calls in flight at once, as several browser tabs would send them: the answers are the same, sooner.
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(one, calls))
    called = len(texts)
    leaks = [
        (dep.get("api_name"), combo, w[:40])
        for (dep, combo, _), text in zip(calls, texts, strict=True)
        for w in words
        if w in text
    ]
    assert called > 100 and len(dependencies) >= 20
    assert leaks == []
    # The sweep reached the service layer: it refused the foreign ids and served Ann her own session.
    assert sum("you have no session" in t for t in texts) >= 3
    assert any(f"data-session='{ids['ann_session']}'" in t for t in texts)
    with sqlite3.connect(data / "parley.sqlite3") as db:
        after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        users = {r[0] for r in db.execute("SELECT DISTINCT user FROM sessions")}
        bob_after = db.execute("SELECT count(*) FROM turns WHERE session_id=?", (ids["bob_session"],)).fetchone()[0]
    assert after == before, "a trainee's calls wrote assignments, comments or personas"
    assert sum("only a trainer can use the Studio" in t for t in texts) >= 10
    assert sum("only a trainer can re-grade" in t for t in texts) >= 1  # the re-grade route refused her
    assert users == {"ann", "bob"} and bob_after == bob_turns


def test_another_trainer_gets_nothing_of_a_draft_from_any_endpoint(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    """Tom, a trainer, calls every handler (the Studio's included) with Tess's unpublished draft: he reads none of
    it, and nothing of it is written, published or archived."""
    url, data, ids, _ = sweep_app
    client = Client(url, auth=("tom", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    components = {c["id"]: c for c in client.config["components"]}
    candidates = [ids["draft"], "tess", ""]
    # Tom may make drafts of his own on the way; Tess's must stay exactly as they were.
    query = "SELECT version, status, author, data_json FROM persona_versions WHERE persona_id = ? ORDER BY version"
    with sqlite3.connect(data / "parley.sqlite3") as db:
        before = db.execute(query, (ids["draft"],)).fetchall()
    texts = []
    for dep in client.config["dependencies"]:
        inputs = [components[i] for i in dep["inputs"] if components[i].get("type") != "state"]
        combos = (
            [[c] * len(inputs) for c in candidates]
            if len(inputs) > 2
            else [list(p) for p in itertools.product(candidates, repeat=len(inputs))]
        )
        for combo in combos:
            try:
                result = client.predict(
                    *[_values(c, v) for c, v in zip(inputs, combo, strict=True)], fn_index=dep["id"]
                )
            except Exception as exc:  # a refusal; it must not carry the draft either
                result = str(exc)
            texts.append(json.dumps(result, default=str))
    assert len(texts) > 50
    assert [t[:200] for t in texts if SECRET_DRAFT in t] == []
    print(sorted({t[:160] for t in texts if "tess_draft" in t})[:20])
    # The draft's id reached the Studio's handlers and was refused there (by its pickers' choices, which hold only
    # what Tom may open, or by the Studio service itself).
    refused = ("only its author can open it", "is not in the list of choices")
    assert sum(ids["draft"] in t and any(r in t for r in refused) for t in texts) >= 3
    with sqlite3.connect(data / "parley.sqlite3") as db:
        assert db.execute(query, (ids["draft"],)).fetchall() == before


def test_the_home_panels_clicks_carry_ids_that_are_checked_like_any_input(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    """The homes' buttons send their ids as the click's event data, which no form field holds: every panel is called
    with every id under every action, as a crafted request could, and nothing of Bob's comes back or is written."""
    url, data, ids, catalog = sweep_app
    ann = signed_in(url, "ann", PASSWORD)
    config = json.loads(ann.open(url + "config", timeout=30).read())
    kinds = {c["id"]: c.get("type") for c in config["components"]}
    panels = [
        d for d in config["dependencies"] if d.get("api_name") in {"start_assignment", "recent_session", "needs_you"}
    ]
    assert len(panels) == 3
    candidates = [ids["bob_session"], ids["bob_assignment"], "bob", "tom", "procurement_discount", ""]
    words = forbidden(catalog)
    with sqlite3.connect(data / "parley.sqlite3") as db:
        before = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        sessions_before = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    answers = []
    for n, dep in enumerate(panels):
        inputs = [{"chatbot": [], "radio": None}.get(kinds[i] or "") for i in dep["inputs"]]
        for action in ("start", "reopen", "review", "open", "sessions"):
            for value in candidates:
                clicked = {"action": action, "assignment": value, "session": value, "trainee": value, "persona": value}
                answers.append(json.dumps(queue_call(ann, url, dep["id"], inputs, f"sweep{n}{action}", clicked)))
    assert [w[:40] for text in answers for w in words if w in text] == []
    assert any("you have no assignment" in a for a in answers)  # the card's Start reached the service and was refused
    assert any("you have no session" in a for a in answers)
    with sqlite3.connect(data / "parley.sqlite3") as db:
        after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        sessions_after = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    assert after == before and sessions_after == sessions_before


def test_without_signing_in_every_endpoint_is_refused(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    url, _, _, _ = sweep_app
    for path in ["config", "gradio_api/info", "gradio_api/queue/join", "gradio_api/call/transcript"]:
        request = urllib.request.Request(url + path, data=b"{}" if "queue" in path or "call" in path else None)
        request.add_header("Content-Type", "application/json")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code in {401, 403}, path


def test_a_trainer_reads_their_trainee_but_not_another_trainers(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    url, _, ids, _ = sweep_app
    tom = Client(url, auth=("tom", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    html, _, notice = tom.predict(ids["bob_session"], api_name="/transcript")
    assert SECRET_MESSAGE in html and SECRET_COMMENT in html and notice == ""
    tess = Client(url, auth=("tess", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    html, _, notice = tess.predict(ids["bob_session"], api_name="/transcript")
    assert html == "" and "you have no session" in notice


def _login(url: str, name: str, password: str) -> int:
    form = urllib.parse.urlencode({"username": name, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=form), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_the_login_route_is_throttled_after_repeated_failures(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    url, _, _, _ = sweep_app
    assert _login(url, "cy", PASSWORD) == 200
    assert [_login(url, "cy", "wrong guess") for _ in range(5)] == [400] * 5
    # Paused now: the right password is refused too, with the same answer.
    assert _login(url, "cy", PASSWORD) == 400
    assert _login(url, "ann", PASSWORD) == 200  # other names are not affected


def test_every_endpoint_refuses_a_replayed_session_hash(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    """Ann, signed in, sends each event with Bob's live session hash: every one is refused, nothing of Bob's
    comes back, and Bob's own conversation goes on untouched."""
    url, _, _, catalog = sweep_app
    bob = Client(url, auth=("bob", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    chat, *_ = bob.predict("salary_offer", [], "scripted", "rules", api_name="/start")
    ann = Client(url, auth=("ann", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    ann.session_hash = bob.session_hash
    components = {c["id"]: c for c in ann.config["components"]}
    words = forbidden(catalog)
    refused = 0
    for dep in ann.config["dependencies"]:
        inputs = [components[i] for i in dep["inputs"] if components[i].get("type") != "state"]
        args = [_values(comp, "bob") for comp in inputs]
        try:
            result: Any = ann.predict(*args, fn_index=dep["id"])
        except Exception as exc:
            result, refused = str(exc), refused + 1
        text = json.dumps(result, default=str)
        assert not [w for w in words if w in text], dep.get("api_name")
    assert refused == len(ann.config["dependencies"])
    chat, coach, *_ = bob.predict("What matters most to you in this offer?", chat, api_name="/send")
    assert len(chat) == 3 and "Message 1" in coach


def test_file_routes_and_downloads_serve_only_their_owner(
    sweep_app: tuple[str, Path, dict[str, str], PersonaCatalog],
) -> None:
    url, _, ids, _ = sweep_app
    tom = Client(url, auth=("tom", PASSWORD), verbose=False, analytics_enabled=False, download_files=False)
    link, _ = tom.predict(ids["bob_session"], "csv", api_name="/export_transcript")
    found = re.search(r"href='(parley/download/[^']+)'", link)
    assert found is not None
    target = url + found.group(1)
    for name in ("ann", "bob", "tess"):  # (cy is paused by the throttling test)
        opener = signed_in(url, name, PASSWORD)
        for path in ["gradio_api/file=/etc/hostname", "gradio_api/file=..%2F..%2Fetc%2Fhostname", "gradio_api/upload"]:
            with pytest.raises(urllib.error.HTTPError) as refused:
                opener.open(url + path, timeout=10)
            assert refused.value.code == 403, (name, path)
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(target, timeout=10)
        assert refused.value.code == 404, name
    with signed_in(url, "tom", PASSWORD).open(target, timeout=10) as response:
        assert SECRET_MESSAGE in response.read().decode("utf-8")

"""The team server stack, from real parts: PostgreSQL, a `chroma run` server, two app instances (`python app.py`)
and an OpenAI-protocol model server for the counterpart's voice (the fake one, since a model that is still
thinking when its caller is killed is a fault no real server can be made to produce on cue).

Turns alternate between the instances with no stickiness; a trainee signed in on one instance is signed in on
the other; a turn whose instance is killed mid-turn is retried on the other, and nothing is lost or doubled."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, start
from tests.fake_openai_server import FakeOpenAI, fake_openai
from tests.postgres import PostgresServer
from tests.teamstack import (
    API,
    SCRIPT,
    ApiError,
    Process,
    Trainee,
    add_user,
    call,
    start_chroma,
    start_instance,
    start_proxy,
)

pytestmark = pytest.mark.timeout(600)
PASSWORD = "a long enough password"
REPLY = "ok:Fair enough. Tell me more about what you need."


class Stack:
    def __init__(self, database: str, chroma: Process, fake: FakeOpenAI, a: Process, b: Process, root: Path) -> None:
        self.database, self.chroma, self.fake, self.a, self.b, self.root = database, chroma, fake, a, b, root

    def turns(self, session_id: str) -> list[tuple[int, str, str | None]]:
        with psycopg.connect(self.database.replace("+psycopg", "")) as db:
            rows = db.execute(
                "SELECT turn, user_text, reply FROM turns WHERE session_id = %s ORDER BY turn", (session_id,)
            ).fetchall()
        return [(int(t), str(u), r) for t, u, r in rows]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("stack")
    database = postgres_server.new_database()
    chroma = start_chroma(root / "chroma")
    with fake_openai([REPLY]) as (model_url, fake):
        env = {
            "PARLEY_DATABASE_URL": database,
            "PARLEY_CHROMA_URL": chroma.url,
            "PARLEY_COUNTERPART_BASE_URL": model_url,
            "PARLEY_COUNTERPART_MODEL": "fake",
            "PARLEY_COUNTERPART_TIMEOUT": "30",
            "PARLEY_COUNTERPART_RETRIES": "0",
        }
        add_user(env, "ann", "trainee", PASSWORD)
        add_user(env, "bea", "trainee", PASSWORD)
        a, b = start_instance(root / "a", env), start_instance(root / "b", env)
        try:
            yield Stack(database, chroma, fake, a.ready(), b.ready(), root)
        finally:
            fake.release.set()
            for p in (a, b, chroma):
                p.stop()


def test_whole_conversations_alternate_between_instances_and_sign_in_holds_on_both(stack: Stack) -> None:
    ann = Trainee([stack.a.url, stack.b.url], "ann", PASSWORD)
    ann.sign_in()  # on instance a
    session_id, played = ann.play("salary_offer")  # turn 1 on b, 2 on a, …
    assert [t["turn"] for t in played] == list(range(1, len(played) + 1)) and len(played) >= 4
    assert all(t["reply"] and t["grade"] for t in played) and ann.retries == 0
    assert [(n, u) for n, u, _ in stack.turns(session_id)] == [(t["turn"], t["user"]) for t in played]
    # Either instance reads the whole session; the other trainee cannot.
    assert call(stack.b.url, "GET", f"{API}/sessions/{session_id}", token=ann.token)["ended"] is True
    bea = Trainee([stack.b.url], "bea", PASSWORD)
    bea.sign_in()
    with pytest.raises(ApiError) as refused:
        call(stack.a.url, "GET", f"{API}/sessions/{session_id}", token=bea.token)
    assert refused.value.status == 403
    # The browser's way in: Gradio's own /login on a, its cookie then accepted by b, until sign-out on b.
    import http.cookiejar
    import urllib.request

    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = urllib.parse.urlencode({"username": "bea", "password": PASSWORD}).encode()
    browser.open(urllib.request.Request(stack.a.url + "login", data=form), timeout=30).close()
    with browser.open(stack.b.url + "gradio_api/login_check", timeout=30) as response:
        assert response.status == 200
    browser.open(stack.b.url + "logout", timeout=30).close()
    for cookie in list(jar):  # a browser that kept its cookie anyway gets nothing after sign-out
        jar.set_cookie(cookie)
    time.sleep(2.5)  # past each instance's short token cache
    with (
        pytest.raises(urllib.error.HTTPError) as signed_out,
        urllib.request.urlopen(
            urllib.request.Request(
                stack.a.url + "gradio_api/login_check",
                headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in jar)},
            ),
            timeout=30,
        ),
    ):
        pass
    assert signed_out.value.code == 401


def test_two_tabs_sending_the_same_turn_to_both_instances_store_it_once(stack: Stack) -> None:
    ann = Trainee([stack.a.url], "ann", PASSWORD)
    ann.sign_in()
    session_id = ann.start("failed_delivery")["session_id"]
    answers: list[object] = []

    def tab(url: str, text: str) -> None:
        try:
            answers.append(
                call(url, "POST", f"{API}/sessions/{session_id}/turns", {"turn": 1, "text": text}, ann.token)
            )
        except ApiError as exc:
            answers.append(exc.status)

    tabs = [
        threading.Thread(target=tab, args=(u, f"What matters most to you, {n}?"))
        for n, u in enumerate([stack.a.url, stack.b.url])
    ]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    stored = stack.turns(session_id)
    assert len(stored) == 1 and stored[0][2]  # one turn 1, answered
    played = [a for a in answers if isinstance(a, dict)]
    assert len(played) == 1 and answers.count(409) == 1 and played[0]["user"] == stored[0][1]


def _turns_counted(url: str) -> float:
    with urllib.request.urlopen(url + "metrics", timeout=10) as response:
        text = response.read().decode()
    return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith("parley_turns_total"))


def test_the_deployments_proxy_spreads_api_turns_over_both_instances_and_hides_metrics(stack: Stack) -> None:
    hosts = [urllib.parse.urlsplit(p.url).netloc for p in (stack.a, stack.b)]
    proxy = start_proxy(stack.root / "proxy", hosts)
    try:
        before = [_turns_counted(p.url) for p in (stack.a, stack.b)]
        bea = Trainee([proxy.url], "bea", PASSWORD)
        bea.sign_in()
        session_id, played = bea.play("shared_lab")
        assert [t["turn"] for t in played] == list(range(1, len(played) + 1)) and bea.retries == 0
        after = [_turns_counted(p.url) for p in (stack.a, stack.b)]
        took = [n - m for n, m in zip(after, before, strict=True)]
        assert sum(took) == len(played) and min(took) >= 1  # no stickiness: both instances played turns
        assert [n for n, _, _ in stack.turns(session_id)] == [t["turn"] for t in played]
        with pytest.raises(urllib.error.HTTPError) as hidden:
            urllib.request.urlopen(proxy.url + "metrics", timeout=10)
        assert hidden.value.code == 404
        with urllib.request.urlopen(proxy.url, timeout=30) as page:  # the browser's way: pinned by a cookie
            assert page.status == 200 and "parley_instance=" in (page.headers.get("Set-Cookie") or "")
    finally:
        proxy.stop()


def _browser_turn(page: Page, text: str, replies: int) -> None:
    page.locator("#draft textarea").fill(text)
    page.locator("#send").click()
    expect(page.locator("[data-testid='bot']")).to_have_count(replies, timeout=20_000)
    # The bubble shows with the reply's first words; the turn is stored and counted once the whole page follows.
    expect(page.locator("#status")).to_contain_text(f"replied to message {replies - 1}", timeout=20_000)


def test_a_turn_survives_its_instance_being_killed_mid_turn(stack: Stack) -> None:
    """A browser through the deployment's proxy and an API client both lose the instance they were using:
    the API client's turn, cut off while the model was thinking, is finished on the other instance; the browser,
    reloaded, is still signed in there and reopens its conversation where it was."""
    hosts = [urllib.parse.urlsplit(p.url).netloc for p in (stack.a, stack.b)]
    proxy = start_proxy(stack.root / "proxy-browser", hosts)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(proxy.url)
            page.locator("input[data-testid='textbox']").fill("ann")
            page.locator("input[type='password']").fill(PASSWORD)
            page.get_by_role("button", name="Login").click()
            expect(page.locator("#who")).to_contain_text("Signed in as ann")
            picker = page.locator("#persona-picker input")
            picker.click()
            picker.fill("Kwame Asante")
            page.get_by_role("option", name="Kwame Asante", exact=False).first.click()
            before = [_turns_counted(p.url) for p in (stack.a, stack.b)]
            start(page)
            _browser_turn(page, SCRIPT[0], 2)
            after = [_turns_counted(p.url) for p in (stack.a, stack.b)]
            pinned, other = (stack.a, stack.b) if after[0] > before[0] else (stack.b, stack.a)
            assert sum(after) - sum(before) == 1  # the tab's turn was played on one instance: `pinned`

            # The API client's turn goes to `pinned`, whose model call thinks until `pinned` is killed.
            ann = Trainee([pinned.url, other.url], "ann", PASSWORD)
            ann.sign_in()
            ann._next = 1  # sessions/start goes to `other`, turn 1 to `pinned`
            session_id = ann.start("launch_deadline")["session_id"]
            seen = len(stack.fake.requests)
            stack.fake.plan = ["hold:This one never arrives.", REPLY]
            outcome: dict[str, object] = {}
            client = threading.Thread(target=lambda: outcome.update(ann.turn(session_id, 1, SCRIPT[0])))
            client.start()
            deadline = time.monotonic() + 30
            while len(stack.fake.requests) == seen and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(stack.fake.requests) > seen, "the instance never reached the model"
            assert stack.turns(session_id) == [(1, SCRIPT[0], None)]  # stored before the model answers
            pinned.kill()
            client.join(60)
            stack.fake.release.set()
            assert outcome["turn"] == 1 and outcome["reply"] and ann.retries >= 1

            # The browser, reloaded, lands on the other instance, still signed in, and picks up its session.
            page.reload()
            expect(page.locator("#who")).to_contain_text("Signed in as ann", timeout=30_000)
            with psycopg.connect(stack.database.replace("+psycopg", "")) as db:
                (mine,) = db.execute(
                    "SELECT id FROM sessions WHERE persona_id = 'failed_delivery' AND \"user\" = 'ann' "
                    "ORDER BY started_at DESC LIMIT 1"
                ).fetchone()
            page.get_by_text("All my sessions and progress").click()
            past = page.locator("#past-sessions input")
            past.fill(mine)
            past.press("Enter")
            page.locator("#reopen").click()
            expect(page.locator("[data-testid='user']")).to_have_count(1, timeout=20_000)
            expect(page.locator("[data-testid='user']").first).to_contain_text(SCRIPT[0][:30])
            _browser_turn(page, SCRIPT[1], 3)
            page.screenshot(path=str(stack.root / "after-failover.png"))
            assert [n for n, _, _ in stack.turns(mine)] == [1, 2]
        finally:
            browser.close()
            proxy.stop()

    # The API client's next turns go on, on the surviving instance alone, numbered on from the finished one.
    stack.b = other  # what is left, for the checks below
    ann.instances = [other.url]
    for number, text in enumerate(SCRIPT[1:3], start=2):
        assert ann.turn(session_id, number, text)["turn"] == number
    stored = stack.turns(session_id)
    assert [n for n, _, _ in stored] == [1, 2, 3] and all(r for _, _, r in stored)
    assert [u for _, u, _ in stored] == list(SCRIPT[:3])
    # Operators see it: b is healthy and counted its turns; with Chroma gone, /healthz says so.
    health = call(stack.b.url, "GET", "healthz")
    assert health == {"status": "ok", "database": "ok", "chroma": "ok"}
    with urllib.request.urlopen(stack.b.url + "metrics", timeout=10) as response:
        metrics = response.read().decode()
    turns = next(float(line.split()[-1]) for line in metrics.splitlines() if line.startswith("parley_turns_total"))
    assert turns >= 3 and 'parley_model_fallbacks_total{part="voice"}' in metrics
    assert "parley_turn_seconds_bucket" in metrics
    stack.chroma.kill()
    with pytest.raises(ApiError) as failing:
        call(stack.b.url, "GET", "healthz")
    assert failing.value.status == 503 and failing.value.body["database"] == "ok"
    assert failing.value.body["chroma"] != "ok"

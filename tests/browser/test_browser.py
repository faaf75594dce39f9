"""A whole conversation in a real Chromium against the running app (`python app.py`)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.appserver import running_app

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("browser-data")
    with running_app(data) as url:
        yield url, data / "parley.sqlite3"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run tests/setup.sh"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def choose(page: Page, name: str) -> None:
    picker = page.locator("#persona-picker input")
    picker.click()
    picker.fill(name)
    page.get_by_role("option", name=name, exact=False).first.click()
    expect(page.locator("#brief")).to_contain_text(name)


def start(page: Page, button: Locator | None = None) -> None:
    """Press Start (or `button`) and wait, as a person does, for the cursor in the message box: Gradio sets a tab's
    initial values a frame after it first shows, so words typed before the cursor lands can be wiped."""
    (button or page.locator("#start")).click()
    expect(page.locator("[data-testid='bot']").first).to_be_visible(timeout=20_000)
    expect(page.locator("#draft textarea")).to_be_focused()


def show_tab(page: Page, name: str) -> None:
    """Click a tab and let two frames pass before typing in it, as a person would: the first time a tab shows,
    Gradio sets its components' values in a frame after they appear, wiping what a robot typed sooner."""
    page.get_by_role("tab", name=name, exact=True).click()
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def send(page: Page, text: str, replies: int) -> None:
    page.locator("#draft textarea").fill(text)
    page.locator("#send").click()
    expect(page.locator("[data-testid='bot']")).to_have_count(replies, timeout=30_000)


def test_whole_conversation(app_url: tuple[str, Path], browser: Browser) -> None:
    url, database = app_url
    page = browser.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(url.rstrip("/")) else None)
    page.goto(url)
    choose(page, "Dana Whitlock")
    expect(page.locator("#brief")).to_contain_text("Larkfield")
    start(page)
    expect(page.locator("[data-testid='bot']").first).to_contain_text("twenty-five percent")

    # An empty message is refused with a clear notice and nothing is added.
    page.locator("#send").click()
    expect(page.locator("#notice")).to_contain_text("empty")
    expect(page.locator("[data-testid='user']")).to_have_count(0)

    send(page, "I hear you, and I know renewals are tough. What would a good outcome look like for you?", 2)
    grade = page.locator("#coach-grade")
    expect(grade.locator("[data-criterion='questions']")).to_have_attribute("data-score", "2")
    expect(grade.locator("[data-criterion='collaboration']")).to_have_attribute("data-score", "2")
    expect(grade).to_contain_text("What would a good outcome look like for you?")
    expect(grade.locator(".suggestion")).to_contain_text("Try:")
    expect(page.locator("#trust-meter")).to_contain_text("Trust")
    expect(page.locator("#ledger")).to_contain_text("Interests uncovered")

    send(page, "Take it or leave it.", 3)
    expect(grade.locator("[data-criterion='collaboration']")).to_have_attribute("data-score", "0")

    page.locator("#end").click()
    expect(page.locator("#debrief")).to_contain_text("Debrief", timeout=15_000)
    expect(page.locator("#debrief")).to_contain_text("Try next time")

    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT user_text, grade_json IS NOT NULL, reply IS NOT NULL FROM turns ORDER BY turn"
        ).fetchall()
        outcome = db.execute("SELECT outcome FROM sessions").fetchall()
    assert [r[0][:10] for r in rows] == ["I hear you", "Take it or"]
    assert all(r[1] and r[2] for r in rows)
    assert ("ended_by_user",) in outcome
    page.screenshot(path=str(database.parent / "conversation.png"), full_page=True)
    # The page itself asks nothing of the outside world: no fonts, analytics or CDN.
    assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []


def test_agreement_in_the_browser_and_separate_users(app_url: tuple[str, Path], browser: Browser) -> None:
    url, _ = app_url
    alice, bob = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (alice, bob):
        page.goto(url)
    choose(alice, "Dana Whitlock")
    start(alice)
    choose(bob, "Graham Petrosyan")
    start(bob)
    messages = [
        "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
        "To be open with you, our margin is thin too. Who else in your organisation will judge how this renewal turns out?",
        "That makes sense. What would you want other suppliers to take from how this deal was done?",
        "What if we spread the payments so next year's spend fits your budget, and lock the price for three years "
        "as a documented saving, in exchange for a reference?",
    ]
    for n, text in enumerate(messages, start=2):
        send(alice, text, n)
    # Agreed in principle: the closing step asks how the deal will work, with a checklist beside the chat.
    expect(alice.locator("#notice")).to_contain_text("agree in principle")
    expect(alice.locator("#closing li[data-settled='false']")).to_have_count(4)
    send(alice, "Agreed.", 6)  # a bare yes: this counterpart insists on a measure of success first
    expect(alice.locator("[data-testid='bot']").last).to_contain_text("measure of success")
    send(alice, "We'll measure success by the documented saving each quarter and hold a monthly call. Agreed?", 7)
    expect(alice.locator("#notice")).to_contain_text("agreement")
    expect(alice.locator("#debrief")).to_contain_text("You reached an agreement")
    # The practice debrief has the review's plots: each criterion per message, and trust.
    expect(alice.locator("#debrief-plots svg.score-chart")).to_have_count(1)
    expect(alice.locator("#debrief-plots svg.trust-chart")).to_have_count(1)
    expect(alice.locator("#ledger li")).to_have_count(3)
    # Bob's conversation is his own.
    expect(bob.locator("[data-testid='user']")).to_have_count(0)
    expect(bob.locator("[data-testid='bot']")).to_have_count(1)


# --- rewind, try another way, compare ---------------------------------------------------------------------

SHOTS = Path(os.environ.get("PARLEY_SCREENSHOTS", "tests/screenshots"))
FIRST = "I hear you, and I know renewals are tough. What would a good outcome look like for you?"
SECOND = "Can you do 15%?"
BETTER = (
    "To be open with you, our margin is thin too. Who else in your organisation will judge how this renewal turns out?"
)
OTHER = "That makes sense. What constraints are you working within on the budget?"


def pick_option(page: Page, elem_id: str, option: str) -> None:
    box = page.locator(f"#{elem_id} input").first
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=False).first.click()


def test_rewind_retry_and_compare_in_the_browser(app_url: tuple[str, Path], browser: Browser) -> None:
    url, db = app_url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(url)
    choose(page, "Dana Whitlock")
    start(page)
    send(page, FIRST, 2)
    send(page, SECOND, 3)
    first_id = page.locator("#notice").inner_text()
    # Rewind to before message 2: the chat goes back, and message 2's words wait in the box to be said again.
    page.locator("#rewind-to input").fill("2")
    page.locator("#rewind").click()
    expect(page.locator("#notice")).to_contain_text("Rewound to before message 2")
    expect(page.locator("[data-testid='user']")).to_have_count(1)
    expect(page.locator("#draft textarea")).to_have_value(SECOND)
    send(page, BETTER, 3)
    expect(page.locator("[data-testid='user']").last).to_contain_text("Who else in your organisation")
    # Try another way: the last message replayed with new words, in a further attempt.
    page.locator("#draft textarea").fill(OTHER)
    page.locator("#retry").click()
    expect(page.locator("[data-testid='user']").last).to_contain_text("What constraints", timeout=30_000)
    expect(page.locator("[data-testid='user']")).to_have_count(2)
    expect(page.locator("#draft textarea")).to_have_value("")  # sent, so the box empties
    # The tree: the first attempt, its branch from message 2, and that branch's retry of message 2 under it.
    page.locator("#attempts").get_by_text("Attempts").first.click()
    tree = page.locator("#attempts-tree")
    expect(tree.locator("li")).to_have_count(3)
    expect(tree.locator("li li[data-branch-turn='2']")).to_have_count(2)
    ids = tree.locator("li").evaluate_all("els => els.map(e => e.dataset.session)")
    pick_option(page, "compare-a", ids[0])
    pick_option(page, "compare-b", ids[1])
    page.locator("#compare").click()
    table = page.locator("#comparison")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr.differs")).to_have_count(1)  # message 1 is shared; message 2 differs
    expect(table.locator("tfoot")).to_contain_text("interests uncovered")
    # The transcript in Review shows the same tree.
    show_tab(page, "Review")
    page.locator("#review-session input").first.fill(ids[1])
    page.locator("#review-session input").first.press("Enter")  # a session id typed in
    page.locator("#open-transcript").click()
    expect(page.locator("#transcript #attempts-tree li")).to_have_count(3)
    expect(page.locator("#transcript .branch")).to_contain_text("an attempt from message 2")
    show_tab(page, "Conversation")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "attempts-compare-1280.png"), full_page=True)
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT parent_id, branch_turn FROM sessions WHERE id IN (?, ?, ?) ORDER BY started_at", ids
        ).fetchall()
    assert rows[0] == (None, None) and rows[1] == (ids[0], 2) and rows[2] == (ids[1], 2), (rows, first_id)


def test_a_recent_session_continues_from_the_home(app_url: tuple[str, Path], browser: Browser) -> None:
    url, _ = app_url
    page = browser.new_context().new_page()
    page.goto(url)
    choose(page, "Ines Carvalho")
    start(page)
    send(page, "What would make the shared chamber work for you?", 2)
    show_tab(page, "My practice")
    row = page.locator("#recent-sessions li").first
    expect(row).to_contain_text("Ines Carvalho")
    expect(row).to_contain_text("1 message · open")
    page.reload()  # a new page has no conversation on screen: the home is the way back to it
    row.locator("button[data-action='reopen']").click()
    expect(page.locator("[data-testid='user']")).to_have_count(1)
    expect(page.locator("#notice")).to_contain_text("Reopened session")
    expect(page.locator("#brief-box")).to_contain_text("Brief: Ines Carvalho")
    expect(page.locator("#draft textarea")).to_be_focused()


def test_words_typed_once_the_cursor_lands_are_kept_on_a_slow_device(
    app_url: tuple[str, Path], browser: Browser
) -> None:
    """The cursor in the box is the sign it takes typing. On a slow device (each animation frame 300 ms late), the
    frame in which Gradio sets a newly shown tab's values comes after the conversation shows: the cursor waits
    for it, so words typed at once are not wiped by it."""
    url, _ = app_url
    page = browser.new_context().new_page()
    page.add_init_script(
        "const frame = window.requestAnimationFrame.bind(window);"
        "window.requestAnimationFrame = (f) => { setTimeout(() => frame(f), 300); return 0; };"
    )
    page.goto(url)
    start(page)
    box = page.locator("#draft textarea")
    box.fill("What would a good outcome look like for you?")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert box.input_value() == "What would a good outcome look like for you?"

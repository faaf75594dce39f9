"""Every screen at a laptop's size (1280×800) and a phone's (390×844), for a trainee and a trainer, in a real
Chromium: no horizontal overflow and no table wider than the screen (measured in the DOM), the message box in
view during a conversation, and axe-core (bundled with axe-playwright-python, no download) finding no serious or
critical accessibility violation. Each screen is written to `tests/screenshots/` (PARLEY_SCREENSHOTS) to look at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.persona.files import load_folder
from simulator.session.practice import Practice
from simulator.session.sparring import BadNegotiator
from simulator.team.service import Team
from tests.appserver import running_app
from tests.browser.test_browser import browser  # noqa: F401  (the shared Chromium fixture)
from tests.browser.test_browser_team import PASSWORD, sign_in
from tests.conftest import PERSONAS_DIR

SHOTS = Path(os.environ.get("PARLEY_SCREENSHOTS", "tests/screenshots"))
SIZES = {"1280": {"width": 1280, "height": 800}, "390": {"width": 390, "height": 844}}
AXE = Axe()
GOOD = "I hear you, and I know renewals are tough. What would a good outcome look like for you?"


def seed(data: Path) -> dict[str, str]:
    """A trainer and a trainee with cards of every kind, a finished session to review and an overdue assignment."""
    store = SqlStore(data / "parley.sqlite3")
    catalog = load_folder(PERSONAS_DIR)
    earlier = Team(Practice(catalog, store), SqlTeamStore(store), rounds=4, today=lambda: date.today() - timedelta(9))
    earlier.add_user("tess", "trainer", PASSWORD)
    earlier.add_user("ann", "trainee", PASSWORD, trainer="tess")
    tess = earlier.caller("tess")
    earlier.assign(tess, ["ann"], ["salary_offer"], due=date.today() - timedelta(2), note="Overdue on purpose.")
    team = Team(Practice(catalog, store), SqlTeamStore(store), rounds=4)
    (dana,) = team.assign(
        tess, ["ann"], ["procurement_discount"], due=date.today() + timedelta(9), note="Find out why first."
    )
    team.assign(tess, ["ann"], ["exclusive_distributor"], due=date.today() + timedelta(2))  # due soon, never played
    (lab,) = team.assign(tess, ["ann"], ["shared_lab"], target=95, attempts=1)
    team.assign(tess, ["ann"], ["launch_deadline"], attempts=1, assessment=True)
    ann = team.caller("ann")
    played = team.start_assignment(ann, lab.id)
    bot = BadNegotiator(catalog.get("shared_lab"))
    while not played.state.ended:
        team.practice.send(played, bot.next_message(played.state))
    store.close()
    return {"dana": dana.id, "played": played.session_id}


@pytest.fixture(scope="module")
def layout_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data = tmp_path_factory.mktemp("layout-data")
    ids = seed(data)
    with running_app(data) as url:
        yield url, ids


def check(page: Page, screen: str, size: str) -> None:
    """The screen fits the width, every table fits, axe finds nothing serious; then its screenshot."""
    page.wait_for_timeout(300)  # let Gradio finish laying out what the last event changed
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{screen} at {size} scrolls sideways"
    wide = page.evaluate(
        "[...document.querySelectorAll('table')].filter(t => t.offsetParent !== null)"
        ".map(t => t.getBoundingClientRect()).filter(r => r.right > window.innerWidth + 1).length"
    )
    assert wide == 0, f"{wide} table(s) cut off on {screen} at {size}"
    found = AXE.run(page).response["violations"]
    serious = [
        (
            v["id"],
            v["help"],
            [(n["target"], n["html"][:120], n.get("failureSummary", "")[-160:]) for n in v["nodes"][:3]],
        )
        for v in found
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{screen} at {size}: {serious}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{screen}-{size}.png"), full_page=True)


def in_view(page: Page, selector: str) -> bool:
    box: dict[str, Any] | None = page.locator(selector).bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def go_to(page: Page, name: str) -> None:
    """A tab by name; on a narrow screen the tabs that do not fit are behind Gradio's "More tabs" menu."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.is_visible():
        tab.click()
        return
    page.get_by_role("button", name="More tabs").click()
    page.locator(".overflow-dropdown button", has_text=name).click()
    expect(page.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true")


def open_page(browser: Browser, url: str, name: str, size: str, dark: bool = False) -> Page:  # noqa: F811
    page = sign_in(browser, url, name, viewport=SIZES[size])
    expect(page.locator("#who")).to_contain_text(f"Signed in as {name}")
    if dark:
        page.goto(url + "?__theme=dark")
        expect(page.locator("#who")).to_contain_text(f"Signed in as {name}")
    return page


@pytest.mark.parametrize("size", list(SIZES))
def test_a_trainee_home_conversation_debrief_and_review_fit_and_pass_axe(
    layout_app: tuple[str, dict[str, str]],
    browser: Browser,  # noqa: F811
    size: str,
) -> None:
    url, ids = layout_app
    signing_in = browser.new_context(viewport=SIZES[size]).new_page()
    signing_in.goto(url)
    expect(signing_in.get_by_role("button", name="Login")).to_be_visible()
    check(signing_in, "sign-in", size)
    signing_in.close()
    page = open_page(browser, url, "ann", size)
    # Home: one card per assignment, with its Start on the card; the overdue one says why it cannot start.
    cards = page.locator("#my-assignments .card")
    expect(cards).to_have_count(5)
    dana = page.locator(f"#my-assignments .card[data-assignment='{ids['dana']}']")
    expect(dana).to_contain_text("Find out why first.")
    expect(dana.locator("button[data-action='start']")).to_be_visible()
    expect(page.locator("#my-assignments .card[data-status='missed'] .why-not").first).to_be_visible()
    expect(page.locator(f"#recent-sessions li[data-session='{ids['played']}']")).to_contain_text("%")
    check(page, "trainee-home", size)

    # The card's own Start opens the conversation: brief folded, message box in view with the cursor in it.
    page.evaluate(
        "window.__said = []; new MutationObserver(() => window.__said.push("
        "document.querySelector('#status')?.innerText || '')).observe(document.body, "
        "{subtree: true, childList: true, characterData: true})"
    )
    dana.locator("button[data-action='start']").click()
    expect(page.locator("[data-testid='bot']")).to_have_count(1)
    expect(page.locator("#brief-box")).to_contain_text("Brief: Dana Whitlock")
    expect(page.locator("#session-brief")).to_be_hidden()  # folded once started
    expect(page.locator("#draft textarea")).to_be_focused()
    assert in_view(page, "#draft textarea")
    check(page, "conversation-start", size)

    # Keyboard only: Shift+Enter is a new line, Enter sends.
    box = page.locator("#draft textarea")
    box.type("I hear you, and I know renewals are tough.")
    box.press("Shift+Enter")
    box.type("What would a good outcome look like for you?")
    expect(box).to_have_value(GOOD.replace("tough. ", "tough.\n"))
    expect(page.locator("[data-testid='user']")).to_have_count(0)
    box.press("Enter")
    expect(page.locator("[data-testid='bot']")).to_have_count(2, timeout=30_000)
    # The live region said who was thinking, then announced the reply and the grade.
    status = page.locator("#status [role='status'][aria-live='polite']")
    expect(status).to_contain_text("Coach: questions 2/2")
    assert any("is thinking" in s for s in page.evaluate("window.__said"))
    assert in_view(page, "#draft textarea")
    if size == "390":
        # A narrow screen shows the chat or the coach, switched like tabs; the grade is one tap away.
        expect(page.locator("#coach-pane")).to_be_hidden()
        page.locator("#pane-switch").get_by_text("Coach").click()
        expect(page.locator("#coach-grade [data-criterion='questions']")).to_have_attribute("data-score", "2")
        expect(page.locator("#chat-pane")).to_be_hidden()
        check(page, "conversation-coach", size)
        page.locator("#pane-switch").get_by_text("Conversation").click()
    else:
        expect(page.locator("#coach-grade [data-criterion='questions']")).to_have_attribute("data-score", "2")
    check(page, "conversation", size)

    # The visual debrief: scores and trust per message, the depth ladder with the opening question, the deal.
    page.locator("#end").click()
    plots = page.locator("#debrief-plots")
    expect(plots.locator("svg.score-chart circle")).to_have_count(3)
    expect(plots.locator("svg.trust-chart")).to_have_count(1)
    expect(plots.locator(".rung")).to_have_count(5)
    expect(plots.locator(".rung[data-depth='practical'] .found q")).to_contain_text("good outcome")
    expect(plots.locator(".checklist li")).to_have_count(4)
    expect(plots.locator(".missed")).to_have_count(0)  # what stayed hidden is never named to the player
    check(page, "debrief", size)

    # Review of their own finished session, opened from the home's recent list.
    go_to(page, "My practice")
    page.locator(f"#recent-sessions li[data-session='{ids['played']}'] button[data-action='review']").click()
    expect(page.locator("#transcript .visual-debrief .rung")).to_have_count(5)
    check(page, "trainee-review", size)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_trainer_home_review_and_studio_fit_and_pass_axe(
    layout_app: tuple[str, dict[str, str]],
    browser: Browser,  # noqa: F811
    size: str,
) -> None:
    url, ids = layout_app
    page = open_page(browser, url, "tess", size)
    expect(page.get_by_role("tab", name="Home", exact=True)).to_be_visible()
    needs = page.locator("#needs-you")
    expect(needs.locator("section[data-queue='overdue'] li")).to_contain_text("ann")
    expect(needs.locator("section[data-queue='due-soon'] li")).to_have_count(1)
    # The session Ann played may have been opened by the trainer at the other size already.
    check(page, "trainer-home", size)
    opened = needs.locator(f"section[data-queue='review'] li[data-session='{ids['played']}'] button")
    if opened.count():
        opened.click()
    else:
        needs.locator("section[data-queue='out-of-attempts'] button[data-action='sessions']").first.click()
        expect(page.locator("#sessions-table tr[data-session]").first).to_be_visible()
        page.locator("#review-session input").first.fill(ids["played"])
        page.locator("#review-session input").first.press("Enter")
        page.locator("#open-transcript").click()
    transcript = page.locator("#transcript")
    expect(transcript.locator(".visual-debrief .rung")).to_have_count(5)
    expect(transcript.locator(".missed").first).to_be_visible()  # the trainer sees what stayed hidden
    check(page, "trainer-review", size)
    go_to(page, "Home")
    expect(needs.locator(f"section[data-queue='review'] li[data-session='{ids['played']}']")).to_have_count(0)

    for tab, screen in (("Studio", "studio"), ("Assign", "assign"), ("Cohort", "cohort")):
        go_to(page, tab)
        if tab == "Cohort":
            page.locator("#show-cohort").click()
            expect(page.locator("#cohort-table tr[data-label], #cohort-table tbody tr").first).to_be_visible()
        if tab == "Studio":
            expect(page.locator("#studio-library")).to_contain_text("Dana Whitlock")
        check(page, screen, size)


def test_the_visual_debrief_reads_in_dark_mode(
    layout_app: tuple[str, dict[str, str]],
    browser: Browser,  # noqa: F811
) -> None:
    url, ids = layout_app
    page = open_page(browser, url, "tess", "1280", dark=True)
    assert page.evaluate("document.body.classList.contains('dark')")
    go_to(page, "Review")
    page.locator("#review-session input").first.fill(ids["played"])
    page.locator("#review-session input").first.press("Enter")
    page.locator("#open-transcript").click()
    expect(page.locator("#transcript .visual-debrief .rung")).to_have_count(5)
    # Chart text takes the page's own (light) colour, not black on the dark background.
    fill = page.evaluate("getComputedStyle(document.querySelector('#transcript svg.score-chart text')).fill")
    assert fill not in ("rgb(0, 0, 0)", "black"), fill
    check(page, "review-dark", "1280")

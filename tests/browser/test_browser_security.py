"""A shared training-room browser in real Chromium: nothing of the last user stays in it after sign-out, and
a chat message cannot make the trainee's browser fetch anything from elsewhere."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from playwright.sync_api import Browser, Page, expect

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.persona.files import PersonaCatalog, load_folder
from simulator.session.practice import Practice
from simulator.team.service import Team
from tests.appserver import running_app
from tests.browser.test_browser import browser, send, show_tab, start  # noqa: F401  (the shared Chromium fixture)
from tests.browser.test_browser_team import pick
from tests.conftest import PERSONAS_DIR

PASSWORD = "correct horse"
SECRET = "Bob-only words: what keeps the quarterly figures awake at night?"
COMMENT = "Tess to Bob: name the director's worry before you offer."
UNCOVER = [
    "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
    "To be open with you, our margin is thin too. Who else in your organisation will judge how this turns out?",
]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PersonaCatalog]]:
    data = tmp_path_factory.mktemp("room-data")
    catalog = load_folder(PERSONAS_DIR)
    store = SqlStore(data / "parley.sqlite3")
    team = Team(Practice(catalog, store), SqlTeamStore(store), rounds=4)
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    team.add_user("bob", "trainee", PASSWORD, trainer="tess")
    handle = team.start(team.caller("bob"), "procurement_discount")
    for text in [SECRET, *UNCOVER]:
        team.practice.send(handle, text)
    team.comment(team.caller("tess"), handle.session_id, 1, COMMENT)
    store.close()
    with running_app(data) as url:
        yield url, catalog


def _sign_in(page: Page, url: str, name: str) -> None:
    page.goto(url)
    page.locator("input[data-testid='textbox']").fill(name)
    page.locator("input[type='password']").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    expect(page.locator("#who")).to_contain_text(f"Signed in as {name}")


def _browser_storage(page: Page) -> str:
    return str(page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"))


def test_nothing_of_the_last_user_stays_in_the_browser_after_sign_out(
    room: tuple[str, PersonaCatalog],
    browser: Browser,  # noqa: F811
) -> None:
    url, catalog = room
    page = browser.new_context().new_page()
    _sign_in(page, url, "tess")
    show_tab(page, "Review")
    page.locator("#apply-filter").click()
    pick(page, "review-session", "bob")
    page.locator("#open-transcript").click()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(SECRET)
    expect(transcript).to_contain_text(COMMENT)
    dana = catalog.get("procurement_discount")
    secrets = [SECRET, COMMENT, *(i.summary for i in dana.hidden_interests), *(i.reveal for i in dana.hidden_interests)]
    assert any(s in transcript.inner_text() for s in secrets[2:]), "the trainer's view holds hidden interests"

    page.locator("#sign-out").click()
    expect(page.get_by_role("button", name="Login")).to_be_visible()
    left = _browser_storage(page)
    assert not [s for s in secrets if s[:40] in left], left[:500]

    _sign_in(page, url, "ann")
    left = _browser_storage(page)
    assert not [s for s in secrets if s[:40] in left], left[:500]
    show_tab(page, "Review")
    page.locator("#apply-filter").click()
    expect(page.locator("#sessions-table tr[data-session]")).to_have_count(0)
    assert SECRET not in page.content()


class _Pixel(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Pixel.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

    def log_message(self, *args: object) -> None:
        pass


def test_a_chat_message_makes_the_browser_fetch_nothing_from_elsewhere(
    room: tuple[str, PersonaCatalog],
    browser: Browser,  # noqa: F811
) -> None:
    url, _ = room
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pixel = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = browser.new_context().new_page()
        _sign_in(page, url, "ann")
        start(page)
        message = f"![logo]({pixel}/markdown.gif) <img src='{pixel}/html.gif'> What matters most to you here?"
        send(page, message, 2)
        bubble = page.locator("[data-testid='user']").last
        expect(bubble).to_contain_text("What matters most to you here?")
        expect(bubble).to_contain_text(f"<img src='{pixel}/html.gif'>")  # shown as written, not drawn
        expect(page.locator("#coach")).to_contain_text("Message 1")
        page.wait_for_timeout(1500)
        assert _Pixel.hits == []
        assert page.locator("#chat img[src*='127.0.0.1']").count() == 0
    finally:
        server.shutdown()

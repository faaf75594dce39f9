"""Trainer and trainee in a real Chromium: assign, sign in, complete, review, comment, export."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.appserver import add_user, running_app
from tests.browser.test_browser import browser, choose, send, show_tab, start  # noqa: F401  (the shared Chromium fixture)

PASSWORD = "correct horse"
AGREEMENT = [
    "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
    "To be open with you, our margin is thin too. Who else in your organisation will judge how this renewal turns out?",
    "That makes sense. What would you want other suppliers to take from how this deal was done?",
    "What if we spread the payments so next year's spend fits your budget, and lock the price for three years "
    "as a documented saving, in exchange for a reference?",
    # The closing step: how the deal will last, then confirmed.
    "We'll measure success by the documented saving each quarter and hold a monthly call. Agreed?",
]


@pytest.fixture(scope="module")
def team_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("team-data")
    add_user(data, "tess", "trainer", PASSWORD)
    add_user(data, "ann", "trainee", PASSWORD, trainer="tess")
    with running_app(data) as url:
        yield url, data


def sign_in(browser: Browser, url: str, name: str, password: str = PASSWORD, **context: Any) -> Page:  # noqa: F811
    page = browser.new_context(accept_downloads=True, **context).new_page()
    page.goto(url)
    page.locator("input[data-testid='textbox']").fill(name)
    page.locator("input[type='password']").fill(password)
    page.get_by_role("button", name="Login").click()
    return page


def pick(page: Page, elem_id: str, option: str) -> None:
    box = page.locator(f"#{elem_id} input").first
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=False).first.click()


def start_card(page: Page, text: str) -> None:
    """The Start button on the trainee's assignment card that says `text`."""
    card = page.locator("#my-assignments .card", has_text=text).first
    start(page, card.locator("button[data-action='start']"))


def test_trainer_assigns_trainee_completes_trainer_reviews(
    team_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, data = team_app
    # Without signing in nothing of the app is served: the page is the login form.
    anonymous = browser.new_page()
    anonymous.goto(url)
    expect(anonymous.get_by_role("button", name="Login")).to_be_visible()
    expect(anonymous.locator("#chat")).to_have_count(0)

    trainer = sign_in(browser, url, "tess")
    expect(trainer.locator("#who")).to_contain_text("Signed in as tess (trainer)")
    show_tab(trainer, "Assign")
    pick(trainer, "assign-trainees", "ann")
    pick(trainer, "assign-personas", "Dana Whitlock")
    trainer.locator("#assign-due textarea, #assign-due input").first.fill(
        (date.today() - timedelta(days=2)).isoformat()
    )
    trainer.locator("#assign").click()
    expect(trainer.locator("#assign-notice")).to_contain_text("in the past")
    trainer.locator("#assign-due textarea, #assign-due input").first.fill(
        (date.today() + timedelta(days=14)).isoformat()
    )
    trainer.locator("#assign-note textarea, #assign-note input").first.fill("Find out why before you offer anything.")
    trainer.locator("#assign").click()
    expect(trainer.locator("#assign-notice")).to_contain_text("Assigned 1: procurement_discount to ann")
    expect(trainer.locator("#assigned-table")).to_contain_text("not started")

    # A wrong password gets no hint; the right one gets in.
    wrong = sign_in(browser, url, "ann", "not the password")
    expect(wrong.get_by_text("Incorrect Credentials", exact=False)).to_be_visible()
    trainee = sign_in(browser, url, "ann")
    expect(trainee.locator("#who")).to_contain_text("Signed in as ann (trainee)")
    expect(trainee.get_by_role("tab", name="Assign")).to_have_count(0)
    expect(trainee.get_by_role("tab", name="Cohort")).to_have_count(0)
    expect(trainee.locator("#my-assignments")).to_contain_text("Dana Whitlock")
    expect(trainee.locator("#my-assignments")).to_contain_text("Find out why before you offer anything.")
    expect(trainee.locator("#my-assignments [data-status='not started']")).to_have_count(1)
    start_card(trainee, "Dana Whitlock")
    expect(trainee.locator("#notice")).to_contain_text("for your assignment")
    for n, text in enumerate(AGREEMENT, start=2):
        send(trainee, text, n)
    expect(trainee.locator("#debrief")).to_contain_text("You reached an agreement")
    show_tab(trainee, "My practice")  # back home, the card shows what the session did
    expect(trainee.locator("#my-assignments [data-status='passed']")).to_have_count(1)
    trainee.get_by_text("All my sessions and progress").click()
    expect(trainee.locator("#my-progress tr[data-persona='procurement_discount']")).to_contain_text("agreement")

    show_tab(trainer, "Review")
    trainer.locator("#apply-filter").click()
    row = trainer.locator("#sessions-table tr[data-session]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("ann")
    expect(row).to_contain_text("passed")
    pick(trainer, "review-session", "ann")
    trainer.locator("#open-transcript").click()
    transcript = trainer.locator("#transcript")
    expect(transcript).to_contain_text("Who else in your organisation")
    expect(transcript.locator("svg#score-chart circle")).to_have_count(3 * len(AGREEMENT))
    expect(transcript.locator("svg#trust-chart")).to_have_count(1)
    expect(transcript.locator("svg#progress-ann")).to_have_count(1)
    pick(trainer, "comment-turn", "2")
    trainer.locator("#comment-text textarea, #comment-text input").first.fill(
        "Naming your own margin built trust here."
    )
    trainer.locator("#add-comment").click()
    expect(transcript.locator(".comment[data-turn='2']")).to_contain_text("Naming your own margin built trust here.")
    # A re-grade, with its reason, kept beside the coach's score.
    pick(trainer, "regrade-criterion", "collaboration")
    trainer.locator("#regrade-score input").fill("1")
    trainer.locator("#regrade-reason textarea, #regrade-reason input").first.fill("Warm, but it conceded too early.")
    trainer.locator("#regrade").click()
    expect(trainer.locator("#review-notice")).to_contain_text("re-graded")
    expect(transcript.locator(".turn[data-turn='2'] .regrade")).to_contain_text("Warm, but it conceded too early.")
    # The trainer tries message 2 of Ann's session their own way: a branch of their own, opened in Practice.
    trainer.locator("#rewind-review").click()
    expect(trainer.locator("#review-notice")).to_contain_text("Opened in the Conversation tab")
    expect(trainer.locator("#notice")).to_contain_text("Your own attempt from before message 2 of ann's session")
    expect(trainer.locator("#chat [data-testid='user']")).to_have_count(1)
    expect(trainer.locator("#draft textarea")).to_have_value(AGREEMENT[1])
    show_tab(trainer, "Review")

    trainer.screenshot(path=str(data / "review.png"), full_page=True)
    trainer.locator("#export-format").get_by_text("html").click()
    trainer.locator("#export-transcript").click()
    expect(trainer.locator("#review-notice")).to_contain_text("Exported")
    with trainer.expect_download() as download:
        trainer.locator("#export-file a").first.click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<svg" in report and "Naming your own margin built trust here." in report

    # The cohort view compares trainees per counterpart, and exports as CSV, one row per turn.
    show_tab(trainer, "Cohort")
    trainer.locator("#show-cohort").click()
    expect(trainer.locator("#cohort-table tr")).to_have_count(2)
    expect(trainer.locator("#cohort-table")).to_contain_text("Dana Whitlock")
    trainer.locator("#export-cohort").click()
    expect(trainer.locator("#cohort-notice")).to_contain_text("Exported parley-cohort.csv")
    with trainer.expect_download() as download:
        trainer.locator("#cohort-file a").first.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").strip().splitlines()
    assert lines[0].startswith("session_id,trainee") and len(lines) == 1 + len(AGREEMENT)

    # The trainee sees the comment on their own transcript, and only their own sessions.
    show_tab(trainee, "Review")
    trainee.locator("#apply-filter").click()
    expect(trainee.locator("#sessions-table tr[data-session]")).to_have_count(1)
    pick(trainee, "review-session", "Dana")
    trainee.locator("#open-transcript").click()
    expect(trainee.locator("#transcript .comment")).to_contain_text("Naming your own margin built trust here.")
    regrade = trainee.locator("#transcript .regrade[data-criterion='collaboration']")
    expect(regrade).to_contain_text("tess re-graded Collaboration 2/2 → 1/2")  # both scores, and who
    expect(trainee.locator("#regrade")).to_have_count(0)
    expect(trainee.locator("#transcript svg#progress-ann circle")).to_have_count(1)
    expect(trainee.locator("#add-comment")).to_have_count(0)
    trainee.screenshot(path=str(data / "trainee-review.png"), full_page=True)

    with sqlite3.connect(data / "parley.sqlite3") as db:
        (user, assignment) = db.execute("SELECT user, assignment_id FROM sessions").fetchone()
        comments = db.execute("SELECT author, turn FROM comments").fetchall()
    assert user == "ann" and assignment is not None and comments == [("tess", 2)]


def test_an_assessment_shows_no_grades_until_the_end_and_cannot_be_rewound(
    team_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, _data = team_app
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Assign")
    pick(trainer, "assign-trainees", "ann")
    pick(trainer, "assign-personas", "Graham Petrosyan")
    trainer.locator("#assign-attempts input").fill("1")
    trainer.locator("#assign-assessment input").check()
    trainer.locator("#assign").click()
    expect(trainer.locator("#assign-notice")).to_contain_text("Assigned 1")
    expect(trainer.locator("#assigned-table tr[data-assessment='true']")).to_have_count(1)

    trainee = sign_in(browser, url, "ann")
    start_card(trainee, "assessment")
    expect(trainee.locator("#notice")).to_contain_text("for your assignment")
    send(trainee, "I hear you. What would a good outcome look like for you?", 2)
    send(trainee, "That makes sense. What matters most to you about the timing?", 3)
    coach = trainee.locator("#coach")
    expect(coach.locator("[data-assessment='open']")).to_contain_text("when the conversation ends")
    expect(coach.locator(".criterion")).to_have_count(0)
    trainee.locator("#rewind-to input").fill("1")
    trainee.locator("#rewind").click()
    expect(trainee.locator("#notice")).to_contain_text("cannot be rewound")
    expect(trainee.locator("[data-testid='user']")).to_have_count(2)  # still the same conversation
    trainee.locator("#end").click()
    expect(trainee.locator("#debrief")).to_contain_text("Debrief")
    expect(coach.locator(".criterion")).to_have_count(3 * 2)  # every grade, now it has ended

"""The Studio in a real Chromium: a trainer builds a persona from the template, fixes a validation error and a
near-tie, test-plays, publishes and assigns it; a trainee plays it; version 2 leaves the first transcript on 1."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from simulator.persona.cards import to_yaml
from simulator.persona.files import PersonaCatalog
from tests.appserver import add_user, running_app
from tests.browser.test_browser import browser, send, show_tab  # noqa: F401  (the shared Chromium fixture)
from tests.browser.test_browser_team import PASSWORD, pick, sign_in, start_card


@pytest.fixture(scope="module")
def studio_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("studio-data")
    add_user(data, "tess", "trainer", PASSWORD)
    add_user(data, "ann", "trainee", PASSWORD, trainer="tess")
    with running_app(data) as url:
        yield url, data


def put_yaml(page: Page, data: dict[str, Any]) -> None:
    """Replace the editor's text, as a person pasting would."""
    editor = page.locator("#studio-yaml .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(to_yaml(data))


def test_trainer_builds_checks_publishes_and_versions_a_persona(
    studio_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
    catalog: PersonaCatalog,
) -> None:
    url, data_dir = studio_app
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Studio")
    expect(trainer.locator("#studio-library")).to_contain_text("Dana Whitlock")
    trainer.locator("#studio-archetype").get_by_text("competitive").click()
    trainer.locator("#studio-new").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("New draft new_competitive")
    expect(trainer.locator("#studio-notice")).to_contain_text("created version 1 by tess")  # the persona's history
    expect(trainer.locator("#studio-library")).to_contain_text("new_competitive")

    # The template is the first built-in competitive persona under a new id and name.
    example = next(p for p in catalog.ordered() if p.archetype.value == "competitive")
    good = example.model_dump(mode="json")
    good["id"], good["name"] = "new_competitive", "New counterpart"

    # A validation error: shown live beside the text, saved as typed, nothing lost.
    broken = copy.deepcopy(good)
    broken["hidden_interests"][0]["trust_needed"] = 150
    put_yaml(trainer, broken)
    expect(trainer.locator("#studio-problems")).to_contain_text("trust_needed")
    trainer.locator("#studio-save").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("saved, with problems to fix")
    trainer.locator("#studio-publish").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("cannot be published")

    # Fixed, but with two interests the coach cannot tell apart: the check warns and shows the pair.
    tied = copy.deepcopy(good)
    first, second = tied["hidden_interests"][0], tied["hidden_interests"][1]
    second["probes"], second["cues"] = list(first["probes"]), list(first["cues"])
    put_yaml(trainer, tied)
    expect(trainer.locator("#studio-problems")).to_contain_text("Valid")
    trainer.locator("#studio-save").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Draft version 1 saved.")
    trainer.locator("#studio-check").click()
    report = trainer.locator("#studio-report")
    expect(report).to_contain_text("near-tie", timeout=60_000)
    expect(report).to_contain_text(first["id"])

    put_yaml(trainer, good)
    trainer.locator("#studio-save").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Draft version 1 saved.")
    trainer.locator("#studio-check").click()
    expect(report).to_contain_text("check passed", timeout=60_000)
    expect(report).not_to_contain_text("near-tie")
    expect(trainer.locator("#studio-library")).to_contain_text("check passed")

    # Test-play in the author view: targets and the hidden ledger, nothing stored.
    trainer.get_by_text("Test-play", exact=False).click()
    trainer.locator("#studio-trial-start").click()
    log = trainer.locator("#studio-trial-log")
    expect(log).to_contain_text("nothing is stored")
    trainer.locator("#studio-trial-text textarea, #studio-trial-text input").first.fill(
        f"I appreciate your time. {first['probes'][0]}"
    )
    trainer.locator("#studio-trial-send").click()
    expect(log).to_contain_text(f"targets: {first['id']}")
    expect(log).to_contain_text("Ledger")
    box = trainer.locator("#studio-trial-text textarea, #studio-trial-text input").first
    expect(box).to_have_value("")
    box.fill("What would success look like for you by the end of the year?")  # Enter sends too
    box.press("Enter")
    expect(log).to_contain_text("What would success look like for you by the end of the year?")
    expect(box).to_have_value("")
    trainer.screenshot(path=str(data_dir / "studio.png"), full_page=True)

    trainer.locator("#studio-publish").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Published new_competitive version 1", timeout=60_000)

    # Assign it (the page lists it on its next load: no restart).
    trainer.reload()
    show_tab(trainer, "Assign")
    pick(trainer, "assign-trainees", "ann")
    pick(trainer, "assign-personas", "New counterpart")
    trainer.locator("#assign").click()
    expect(trainer.locator("#assign-notice")).to_contain_text("Assigned 1: new_competitive to ann")

    trainee = sign_in(browser, url, "ann")
    expect(trainee.get_by_role("tab", name="Studio")).to_have_count(0)  # trainees never see the Studio
    expect(trainee.locator("#my-assignments")).to_contain_text("New counterpart")
    start_card(trainee, "New counterpart")
    expect(trainee.locator("#notice")).to_contain_text("for your assignment")  # started: the draft box is clear
    send(trainee, "I hear you. What would a good outcome look like for you?", 2)

    # Version 2: the trainee's first transcript stays on version 1.
    show_tab(trainer, "Studio")
    pick(trainer, "studio-picker", "New counterpart")
    trainer.locator("#studio-open").click()
    expect(trainer.locator("#studio-editing")).to_contain_text("new_competitive")
    renamed = copy.deepcopy(good)
    renamed["name"] = "Renamed counterpart"
    put_yaml(trainer, renamed)
    trainer.locator("#studio-save").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Draft version 2 saved.")
    trainer.locator("#studio-publish").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("version 2", timeout=60_000)
    show_tab(trainer, "Review")
    trainer.locator("#apply-filter").click()
    pick(trainer, "review-session", "ann")
    trainer.locator("#open-transcript").click()
    transcript = trainer.locator("#transcript")
    expect(transcript).to_contain_text("New counterpart (version 1)")
    expect(transcript).not_to_contain_text("Renamed counterpart")


def test_offline_the_guided_form_drafts_a_persona(
    studio_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, _ = studio_app
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Studio")
    trainer.get_by_text("From a description", exact=False).click()
    fields = {
        "name": "Rita Okafor",
        "role": "Procurement director, St Anne's Hospitals",
        "scenario": "You are renewing St Anne's analytics licence; Rita wants 30% off.",
        "opening": "Thirty percent off, or we look elsewhere.",
        "position": "We need thirty percent off this renewal.",
    }
    for key, value in fields.items():
        trainer.locator(f"#studio-guided-{key} textarea, #studio-guided-{key} input").first.fill(value)
    interests = [
        ("The unit budget was cut by a fifth this year.", "My budget was cut by a fifth, so I cannot pay more."),
        ("The board wants proof of savings before the audit.", "The board wants visible savings before the audit."),
        ("She sees herself as the one who never overpays.", "I've never overpaid a vendor and I won't start now."),
    ]
    for n, (summary, reveal) in enumerate(interests, start=1):
        trainer.locator(f"#studio-guided-summary-{n} textarea, #studio-guided-summary-{n} input").first.fill(summary)
        trainer.locator(f"#studio-guided-reveal-{n} textarea, #studio-guided-reveal-{n} input").first.fill(reveal)
    trainer.locator("#studio-guided").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Drafted rita_okafor from the form")
    expect(trainer.locator("#studio-problems")).to_contain_text("Valid")
    expect(trainer.locator("#studio-library")).to_contain_text("Rita Okafor")


def test_the_form_edits_the_yaml(
    studio_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
) -> None:
    url, data_dir = studio_app
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Studio")
    pick(trainer, "studio-picker", "Kwame Asante")
    trainer.locator("#studio-copy").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Copied to the draft failed_delivery_copy")
    trainer.get_by_text("Form (every field", exact=False).click()
    trainer.locator("#studio-form-fill").click()
    name = trainer.locator("#studio-form-name textarea, #studio-form-name input").first
    expect(name).to_have_value("Kwame Asante (copy)")
    reveal = trainer.locator("#studio-form-i-reveal textarea").first
    expect(reveal).not_to_have_value("")
    name.fill("Kwame, second edition")
    reveal.fill("The fine is real, and I have to show the board I recovered it.")
    expect(trainer.locator("#studio-form-lines textarea")).not_to_have_value("")
    trainer.locator("#studio-form-lines textarea").fill("Right, that is a deal.\nFine. Shake on it.")
    trainer.locator("#studio-form-apply").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("written into the YAML")
    expect(trainer.locator("#studio-yaml")).to_contain_text("Kwame, second edition")
    trainer.locator("#studio-save").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Draft version 1 saved.")
    expect(trainer.locator("#studio-library")).to_contain_text("Kwame, second edition")
    trainer.screenshot(path=str(data_dir / "studio-form.png"), full_page=True)
    # The editor draws only what is on screen, so the saved draft itself shows the lines made it in.
    import json
    import sqlite3

    with sqlite3.connect(data_dir / "parley.sqlite3") as db:
        (saved,) = db.execute(
            "SELECT data_json FROM persona_versions WHERE persona_id='failed_delivery_copy'"
        ).fetchone()
    stored = json.loads(saved)
    assert stored["lines"]["anchor"] == ["Right, that is a deal.", "Fine. Shake on it."]
    assert stored["hidden_interests"][0]["reveal"].startswith("The fine is real")


def test_a_card_png_is_imported_from_a_file(
    studio_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
    catalog: PersonaCatalog,
    tmp_path: Path,
) -> None:
    from simulator.persona.cards import to_card_png
    from simulator.persona.model import Persona

    url, _ = studio_app
    data = catalog.get("exclusive_distributor").model_dump(mode="json")
    data["id"], data["name"] = "card_import", "Card Import"
    card = tmp_path / "card.png"
    card.write_bytes(to_card_png(Persona.model_validate(data)))
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Studio")
    trainer.get_by_text("Import (Parley YAML/JSON", exact=False).click()
    trainer.locator("#studio-file-input").set_input_files(str(card))
    trainer.locator("#studio-upload").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Imported card.png as the draft card_import")
    expect(trainer.locator("#studio-library")).to_contain_text("Card Import")
    # The same file again: refused, with the reason.
    trainer.locator("#studio-upload").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("already used by a team persona")
    pick(trainer, "studio-picker", "Card Import")
    trainer.locator("#studio-open").click()
    expect(trainer.locator("#studio-problems")).to_contain_text("Valid")


def test_the_import_route_refuses_trainees_forgeries_and_big_files(
    studio_app: tuple[str, Path],
) -> None:
    import urllib.error
    import urllib.request

    from tests.appserver import signed_in

    url, _ = studio_app
    route = url + "parley/studio/import?name=x.yaml"

    def post(opener: urllib.request.OpenerDirector, body: bytes, header: bool = True) -> tuple[int, str]:
        request = urllib.request.Request(route, data=body, method="POST")
        if header:
            request.add_header("X-Parley-Import", "1")
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read().decode()

    trainee, trainer = signed_in(url, "ann", PASSWORD), signed_in(url, "tess", PASSWORD)
    assert post(urllib.request.build_opener(), b"id: x")[0] == 401  # not signed in
    status, text = post(trainee, b"id: x")
    assert status == 403 and "only a trainer" in text
    assert post(trainer, b"id: x", header=False)[0] == 403  # a cross-site form cannot set the header
    assert post(trainer, b"x" * (9 << 20))[0] == 413
    status, text = post(trainer, b"{broken")
    assert status == 400 and "broken JSON" in text


def test_a_persona_is_shared_as_a_card_png_download(
    studio_app: tuple[str, Path],
    browser: Browser,  # noqa: F811
) -> None:
    from simulator.persona.cards import read_persona_file

    url, _ = studio_app
    trainer = sign_in(browser, url, "tess")
    show_tab(trainer, "Studio")
    pick(trainer, "studio-picker", "Ines Carvalho")
    trainer.locator("#studio-open").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("read-only")
    trainer.locator("#studio-format").get_by_text("card-png").click()
    trainer.locator("#studio-export").click()
    expect(trainer.locator("#studio-notice")).to_contain_text("Exported shared_lab.card.png")
    with trainer.expect_download() as download:
        trainer.locator("#studio-file a.download").click()
    blob = Path(download.value.path()).read_bytes()
    imported = read_persona_file("shared_lab.card.png", blob)
    assert imported.source == "card-v3" and imported.data["id"] == "shared_lab"

"""The Studio: cards in and out, drafts and versions in a real SQLite file, sessions pinned to a version,
archiving, and only trainers at the door."""

from __future__ import annotations

import base64
import io
import json
import struct
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.config import Settings
from simulator.errors import (
    NotAllowedError,
    PersonaFileError,
    SimulatorError,
    StudioInputError,
    TeamInputError,
    UnknownPersonaError,
)
from simulator.persona.cards import V2, V3, read_persona_file, to_card, to_card_png, to_yaml
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.session.sparring import GoodNegotiator
from simulator.studio.model import Status
from simulator.team.model import LOCAL, Caller, Role
from simulator.wiring import Services, build_services

TRAINER = Caller("tess", Role.TRAINER)
TRAINEE = Caller("ann", Role.TRAINEE)


def _png_with_text(chunks: list[tuple[bytes, bytes]]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    head = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(
        b"IDAT", zlib.compress(b"\x00\x00\x00\x00")
    )
    return b"\x89PNG\r\n\x1a\n" + head + b"".join(chunk(k, b) for k, b in chunks) + chunk(b"IEND", b"")


# --- cards ------------------------------------------------------------------------------------------------------


def test_yaml_card_json_and_card_png_round_trip_to_the_same_persona(catalog: PersonaCatalog) -> None:
    for persona in catalog.ordered():
        from_yaml = Persona.model_validate(read_persona_file("p.yaml", to_yaml(persona).encode()).data)
        assert from_yaml == persona
        for spec in (V2, V3):
            card = to_card(from_yaml, spec)
            imported = read_persona_file("p.card.json", json.dumps(card).encode())
            assert imported.source == ("card-v3" if spec == V3 else "card-v2") and not imported.missing
            assert Persona.model_validate(imported.data) == persona
        png = to_card_png(persona)
        again = read_persona_file("p.png", png)
        assert again.source == "card-v3" and Persona.model_validate(again.data) == persona


def test_the_card_png_is_a_real_png_with_both_chunks(catalog: PersonaCatalog) -> None:
    from PIL import Image  # Gradio's own dependency: an independent reader of what we wrote

    png = to_card_png(catalog.get("shared_lab"))
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (128, 128) and {"ccv3", "chara"} <= set(image.text)
        v2 = json.loads(base64.b64decode(image.text["chara"]))
    assert v2["spec"] == V2 and v2["data"]["name"] == catalog.get("shared_lab").name


# Community cards written by hand from the published V2 and V3 specs.
COMMUNITY_V2 = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Captain Mara Voss",
        "description": "Harbour master of Port Calder. She controls who docks and when.",
        "personality": "Curt, dry humour, hates being rushed.",
        "scenario": "You need a berth for a delayed cargo ship tonight.",
        "first_mes": "Berths are full. Come back Thursday.",
        "mes_example": "<START>\n{{user}}: Please?\n{{char}}: Thursday.",
        "creator_notes": "",
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": [],
        "tags": ["maritime"],
        "creator": "someone",
        "character_version": "1.2",
        "extensions": {"depth_prompt": {"prompt": "", "depth": 4}},
    },
}
COMMUNITY_V3 = {
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": {
        **COMMUNITY_V2["data"],  # type: ignore[dict-item]
        "name": "Rowan Pike",
        "description": "",
        "scenario": "",
        "personality": "",
        "first_mes": "",
        "group_only_greetings": [],
        "assets": [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"}],
        "nickname": "Ro",
        "creation_date": 1700000000,
    },
}


@pytest.mark.parametrize("card", [COMMUNITY_V2, COMMUNITY_V3], ids=["v2", "v3"])
def test_community_cards_import_their_public_face_and_name_what_is_missing(card: dict[str, Any]) -> None:
    for name, blob in (
        ("c.json", json.dumps(card).encode()),
        ("c.png", _png_with_text([(b"tEXt", b"chara\x00" + base64.b64encode(json.dumps(card).encode()))])),
    ):
        imported = read_persona_file(name, blob)
        data = card["data"]
        assert imported.data["name"] == data["name"] and imported.data["id"] == data["name"].lower().replace(" ", "_")
        assert imported.missing == ["positions", "hidden_interests", "trust", "patience", "walk_away", "deal", "lines"]
        if data["first_mes"]:
            assert imported.data["opening"] == data["first_mes"] and imported.data["style"] == data["personality"]
            assert imported.data["role"] == "Harbour master of Port Calder."
        else:
            assert imported.data["opening"].startswith("(to complete")


@pytest.mark.parametrize(
    ("name", "blob", "expected"),
    [
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (9 * 1024 * 1024), "the limit is 8 MiB"),
        ("broken.json", b'{"spec": "chara_card_v2", "data": {"name": }', "line 1, column 44: broken JSON"),
        ("plain.png", None, "no character card in it"),
        ("other.json", json.dumps({"spec": "risu_module", "data": {}}).encode(), "a card for another app"),
        ("empty.yaml", b"   ", "the file is empty"),
        ("list.yaml", b"- a\n- b\n", "(top level)"),
    ],
    ids=["oversized", "broken-json", "png-without-card", "other-app", "empty", "not-a-mapping"],
)
def test_bad_files_are_refused_with_the_file_and_the_problem(name: str, blob: bytes | None, expected: str) -> None:
    blob = blob if blob is not None else _png_with_text([(b"tEXt", b"Software\x00GIMP")])
    with pytest.raises(PersonaFileError) as caught:
        read_persona_file(name, blob)
    assert caught.value.path == name and expected in str(caught.value)


# --- the Studio service over a real database (SQLite, then PostgreSQL) ----------------------------------------------------------------


@pytest.fixture
def services(database: Path | str) -> Services:
    built = build_services(Settings.from_env())
    yield built  # type: ignore[misc]
    built.close()


def _edited(services: Services, persona_id: str, **changes: Any) -> dict[str, Any]:
    data = services.studio.data_of(TRAINER, persona_id)
    data.update(changes)
    return data


def test_only_trainers_reach_the_studio(services: Services) -> None:
    studio = services.studio
    draft = studio.copy_of(TRAINER, "salary_offer")
    calls = [
        lambda: studio.library(TRAINEE),
        lambda: studio.data_of(TRAINEE, draft.persona_id),
        lambda: studio.data_of(TRAINEE, "salary_offer"),
        lambda: studio.template(TRAINEE),
        lambda: studio.copy_of(TRAINEE, "salary_offer"),
        lambda: studio.import_file(TRAINEE, "x.yaml", to_yaml(services.catalog.get("salary_offer")).encode()),
        lambda: studio.save(TRAINEE, draft.persona_id, draft.data),
        lambda: studio.check(TRAINEE, draft.persona_id),
        lambda: studio.publish(TRAINEE, draft.persona_id),
        lambda: studio.archive(TRAINEE, draft.persona_id),
        lambda: studio.export(TRAINEE, draft.persona_id, "yaml"),
        lambda: studio.test_play(TRAINEE, draft.persona_id),
    ]
    for call in calls:
        with pytest.raises(NotAllowedError):
            call()
    # A draft is nowhere a trainee can start from.
    assert draft.persona_id not in {p.id for p in services.team.personas()}


def test_versions_publish_pin_and_archive(services: Services) -> None:
    studio, team = services.studio, services.team
    first = studio.copy_of(TRAINER, "salary_offer")
    pid = first.persona_id
    assert (first.version, first.status) == (1, Status.DRAFT) and pid == "salary_offer_copy"
    with pytest.raises(UnknownPersonaError):
        team.start(LOCAL, pid)  # drafts cannot be played
    assert studio.publish(TRAINER, pid).status is Status.PUBLISHED
    handle = team.start(LOCAL, pid)  # at once, no restart
    assert handle.persona_version == 1
    persona_v1 = services.catalog.get(pid)
    team.send(LOCAL, handle, GoodNegotiator(persona_v1).next_message(handle.state))

    # Editing a published persona makes version 2 as a draft; version 1 stays untouched and playable.
    draft, problems = studio.save(TRAINER, pid, _edited(services, pid, name="Graham the Second"))
    assert (draft.version, draft.status, problems) == (2, Status.DRAFT, [])
    assert services.catalog.get(pid).name == persona_v1.name
    studio.publish(TRAINER, pid)
    assert services.catalog.get(pid).name == "Graham the Second" and team.start(LOCAL, pid).persona_version == 2

    # The first session still reads, resumes and exports as version 1.
    view = team.transcript(LOCAL, handle.session_id)
    assert view.persona_version == 1 and view.persona_name == persona_v1.name
    resumed, _ = team.resume(LOCAL, handle.session_id)
    assert resumed.persona_version == 1

    # Archived: gone from new practice, old transcripts keep working; a restart keeps all of it.
    studio.archive(TRAINER, pid)
    assert pid not in {p.id for p in team.personas()}
    assert team.transcript(LOCAL, handle.session_id).persona_version == 1
    services.close()
    again = build_services(Settings.from_env(), meaning=False)
    assert pid not in again.catalog.personas and again.catalog.get(pid, 1).name == persona_v1.name
    assert [e.status for e in again.studio.library(TRAINER) if e.persona_id == pid] == [Status.ARCHIVED]
    again.studio.archive(TRAINER, pid, archived=False)
    assert again.catalog.get(pid).name == "Graham the Second"
    again.close()


def test_bad_edits_lose_nothing_and_say_which_field(services: Services) -> None:
    studio = services.studio
    pid = studio.copy_of(TRAINER, "shared_lab").persona_id
    broken = _edited(services, pid)
    broken["hidden_interests"][0]["trust_needed"] = 150
    _, problems = studio.save(TRAINER, pid, broken)
    assert any(p.startswith("hidden_interests[0](") and "trust_needed" in p for p in problems)
    assert studio.data_of(TRAINER, pid)["hidden_interests"][0]["trust_needed"] == 150  # kept as typed
    with pytest.raises(StudioInputError, match="cannot be published"):
        studio.publish(TRAINER, pid)
    with pytest.raises(StudioInputError, match="line 2, column"):
        studio.parse("id: x\n  name: [unclosed")
    with pytest.raises(StudioInputError, match="make a copy"):
        studio.save(TRAINER, pid, {**broken, "id": "another_id"})
    with pytest.raises(StudioInputError, match="built in and read-only"):
        studio.save(TRAINER, "shared_lab", broken)
    with pytest.raises(StudioInputError, match="already used by a built-in persona"):
        studio.import_file(TRAINER, "lab.yaml", to_yaml(services.catalog.get("shared_lab")).encode())
    assert [v.version for v in services.studio.store.versions(pid)] == [1]  # nothing half-written


def test_test_play_shows_the_author_the_hidden_ledger_and_stores_nothing(services: Services) -> None:
    studio = services.studio
    pid = studio.copy_of(TRAINER, "procurement_discount").persona_id
    play = studio.test_play(TRAINER, pid)
    before = len(services.store.list_sessions(100))
    interest = play.persona.hidden_interests[0]
    turn = studio.test_send(TRAINER, play, f"I appreciate your time. {interest.probes[0]}")
    assert interest.id in turn.grade.interests.targets
    assert [row["id"] for row in turn.ledger] == [i.id for i in play.persona.hidden_interests]
    assert {"trust_needed", "uncovered", "level"} <= set(turn.ledger[0])
    assert len(services.store.list_sessions(100)) == before


def test_personas_commands_export_import_publish(tmp_path: Path, database: Path | str) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=300, cwd=tmp_path
        )

    exported = run("personas", "export", "launch_deadline", "--format", "card-png", "-o", "ld.png")
    assert exported.returncode == 0, exported.stderr
    assert run("personas", "export", "launch_deadline").returncode == 0
    data = yaml.safe_load((tmp_path / "launch_deadline.yaml").read_text())
    data["id"], data["name"] = "launch_two", "Second launch"
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    imported = run("personas", "import", "two.yaml")
    assert imported.returncode == 0 and "draft 'launch_two' version 1" in imported.stdout
    again = run("personas", "import", "ld.png")
    assert again.returncode == 2 and "already used by a built-in persona" in again.stderr
    published = run("personas", "publish", "launch_two")
    assert published.returncode == 0, published.stderr
    listed = run("personas")
    assert "launch_two" in listed.stdout and "team v1" in listed.stdout


def test_an_assignment_can_pin_a_version(services: Services) -> None:
    studio, team = services.studio, services.team
    team.add_user("tess", "trainer", "correct horse")
    team.add_user("ann", "trainee", "correct horse", trainer="tess")
    tess, ann = team.caller("tess"), team.caller("ann")
    pid = studio.copy_of(tess, "shared_lab").persona_id
    studio.publish(tess, pid)
    studio.save(tess, pid, _edited(services, pid, name="Second edition"))
    studio.publish(tess, pid)
    (pinned,) = team.assign(tess, ["ann"], [pid], version=1)
    (latest,) = team.assign(tess, ["ann"], [pid])
    assert team.start_assignment(ann, pinned.id).persona_version == 1
    assert team.start_assignment(ann, latest.id).persona_version == 2
    names = {v.assignment.id: v.persona_name for v in team.assignments(ann)}
    assert names[pinned.id].endswith("(version 1)") and names[latest.id] == "Second edition"
    with pytest.raises(TeamInputError, match="no published version 7: choose one of 1, 2"):
        team.assign(tess, ["ann"], [pid], version=7)
    with pytest.raises(TeamInputError, match="not a Studio persona"):
        team.assign(tess, ["ann"], ["shared_lab"], version=1)


def test_a_session_on_an_old_version_is_graded_with_that_versions_interests(services: Services) -> None:
    studio, team = services.studio, services.team
    pid = studio.copy_of(TRAINER, "procurement_discount").persona_id
    studio.publish(TRAINER, pid)
    old_session = team.start(LOCAL, pid)
    renamed = _edited(services, pid)
    first = renamed["hidden_interests"][0]["id"]
    renamed["hidden_interests"][0]["id"] = "renamed_need"
    for position in renamed["positions"]:
        position["behind"] = ["renamed_need" if b == first else b for b in position["behind"]]
    studio.save(TRAINER, pid, renamed)
    studio.publish(TRAINER, pid)
    probe = services.catalog.get(pid, 1).hidden_interests[0].probes[0]
    old = team.send(LOCAL, old_session, f"I appreciate your time. {probe}")
    new = team.send(LOCAL, team.start(LOCAL, pid), f"I appreciate your time. {probe}")
    assert first in old.grade.interests.targets and "renamed_need" not in old.grade.interests.targets
    assert "renamed_need" in new.grade.interests.targets
    # The meaning index is per version too: version 1's questions are compared with version 1's interests.
    knowledge = services.practice.rule_coach.knowledge  # type: ignore[attr-defined]
    old_index = knowledge.cues_for(services.catalog.get(pid, 1))
    new_index = knowledge.cues_for(services.catalog.get(pid))
    assert first in set(old_index.labels) and "renamed_need" not in set(old_index.labels)
    assert "renamed_need" in set(new_index.labels) and first not in set(new_index.labels)
    assert knowledge.cues_for(services.catalog.get(pid, 1)) is old_index  # made once


# --- whose work a trainer may touch ------------------------------------------------------------------------------

T1 = Caller("t1", Role.TRAINER)
T2 = Caller("t2", Role.TRAINER)
LEAD = Caller("lee", Role.TRAINER)


@pytest.fixture
def led(database: Path | str, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("PARLEY_LEAD_TRAINERS", " Lee , omar")  # any letter case, spaces around
    built = build_services(Settings.from_env())
    yield built  # type: ignore[misc]
    built.close()


def test_a_draft_is_its_authors_alone_until_it_is_published(led: Services) -> None:
    studio = led.studio
    draft = studio.copy_of(T1, "procurement_discount")
    pid = draft.persona_id
    before = studio.store.versions(pid)
    overwrite = {**draft.data, "opening": "t2's opening"}
    refused = [
        lambda: studio.data_of(T2, pid),  # the hidden interests included
        lambda: studio.version(T2, pid),
        lambda: studio.check(T2, pid),
        lambda: studio.test_play(T2, pid),
        lambda: studio.export(T2, pid, "yaml"),
        lambda: studio.copy_of(T2, pid),
        lambda: studio.history(T2, pid),
        lambda: studio.save(T2, pid, overwrite),
        lambda: studio.publish(T2, pid),
        lambda: studio.archive(T2, pid),
        # Not even a lead trainer reads or takes a draft that was never shared.
        lambda: studio.data_of(LEAD, pid),
        lambda: studio.save(LEAD, pid, overwrite),
        lambda: studio.publish(LEAD, pid),
    ]
    for call in refused:
        with pytest.raises(NotAllowedError, match=f"'{pid}' is t1's draft: only its author can open it"):
            call()
    assert pid not in {e.persona_id for e in studio.library(T2)}
    assert studio.store.versions(pid) == before and not studio.store.is_archived(pid)
    assert pid not in led.catalog.personas
    assert studio.data_of(T1, pid) == draft.data and pid in {e.persona_id for e in studio.library(T1)}
    assert studio.publish(T1, pid).status is Status.PUBLISHED


def test_only_its_author_or_a_lead_trainer_edits_publishes_or_archives_a_persona(led: Services) -> None:
    studio, team = led.studio, led.team
    pid = studio.copy_of(T1, "salary_offer").persona_id
    studio.publish(T1, pid)
    first = led.catalog.get(pid)
    # Shared now: another trainer reads, checks, exports and copies it, into a draft of their own.
    assert studio.data_of(T2, pid)["hidden_interests"][0]["id"] == first.hidden_interests[0].id
    assert studio.check(T2, pid).passed and studio.export(T2, pid, "yaml")[0] == f"{pid}.yaml"
    assert studio.copy_of(T2, pid).author == "t2"
    edited = {**studio.data_of(T2, pid), "opening": "t2's opening"}
    for call, doing in (
        (lambda: studio.save(T2, pid, edited), "edit"),
        (lambda: studio.publish(T2, pid), "publish"),
        (lambda: studio.archive(T2, pid), "archive"),
    ):
        with pytest.raises(NotAllowedError, match=f"only t1, who made '{pid}', or a lead trainer can {doing} it"):
            call()
    assert [(v.version, v.status) for v in studio.store.versions(pid)] == [(1, Status.PUBLISHED)]
    assert led.catalog.get(pid) == first and pid in {p.id for p in team.personas()}

    # The author's next version is a draft of their own: the others still read version 1, and a lead waits.
    studio.save(T1, pid, {**studio.data_of(T1, pid), "name": "Second edition"})
    assert studio.version(T2, pid).version == 1 and studio.data_of(T2, pid)["name"] == first.name
    for call in (lambda: studio.save(LEAD, pid, edited), lambda: studio.publish(LEAD, pid)):
        with pytest.raises(NotAllowedError, match="has a draft by t1: only they can"):
            call()
    assert studio.data_of(T1, pid)["name"] == "Second edition"
    studio.publish(T1, pid)
    # A lead trainer may edit, publish and archive it; its author may bring it back.
    studio.save(LEAD, pid, {**studio.data_of(LEAD, pid), "name": "Lead's edition"})
    assert studio.publish(LEAD, pid).version == 3 and led.catalog.get(pid).name == "Lead's edition"
    studio.archive(LEAD, pid)
    assert pid not in {p.id for p in team.personas()}
    studio.archive(T1, pid, archived=False)

    history = studio.history(T2, pid)
    assert [(e.action.value, e.version, e.by) for e in history] == [
        ("created", 1, "t1"),
        ("published", 1, "t1"),
        ("created", 2, "t1"),
        ("published", 2, "t1"),
        ("created", 3, "lee"),
        ("published", 3, "lee"),
        ("archived", None, "lee"),
        ("restored", None, "t1"),
    ]
    times = [datetime.fromisoformat(e.at) for e in history]
    assert times == sorted(times) and datetime.now(UTC) - times[0] < timedelta(minutes=10)


def test_a_lead_trainers_name_that_is_no_account_name_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARLEY_LEAD_TRAINERS", "tess,omar smith")
    with pytest.raises(SimulatorError, match="PARLEY_LEAD_TRAINERS: 'omar smith' is not an account name"):
        Settings.from_env()


def test_the_operator_may_publish_and_archive_any_trainers_persona_and_reads_its_history(
    tmp_path: Path, database: Path | str
) -> None:
    services = build_services(Settings.from_env(), meaning=False)
    pid = services.studio.copy_of(T1, "salary_offer").persona_id
    services.close()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "simulator", "personas", *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )

    for action in ("publish", "archive"):
        done = run(action, pid)
        assert done.returncode == 0, done.stderr
    history = run("history", pid)
    assert history.returncode == 0, history.stderr
    assert [line.split()[1:] for line in history.stdout.splitlines()] == [
        ["t1", "created", "version", "1"],
        ["local", "published", "version", "1"],
        ["local", "archived", "the", "persona"],
    ]

"""Issue 28, findings 4, 5 and 11: persona text from users is read within bounds, and only trainers reach the
Studio's handlers. Alias bombs, deep nesting, decompression bombs and lone surrogates get a clear message,
quickly, without the process growing."""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.errors import NotAllowedError, PersonaFileError, SimulatorError, StudioInputError
from simulator.persona.cards import MAX_CARD_TEXT, read_persona_file, to_card, to_card_png, to_yaml
from simulator.persona.files import PersonaCatalog, load_persona
from simulator.persona.model import Persona
from simulator.ui import studio_form as form
from simulator.ui.downloads import Downloads
from simulator.ui.studio_handlers import FormWritten, StudioHandlers
from simulator.wiring import Services, build_services

PASSWORD = "correct horse"
MB = 1024 * 1024
# "Billion laughs": nine levels of nine aliases, 9**9 strings once expanded.
ALIAS_BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
DEEP = 10_000


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def _peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc/self/status")


def _growth(call: Callable[[], Any]) -> tuple[int, float, Any]:
    """(peak resident growth in bytes, seconds, what `call` returned or raised) for one call."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (peak RSS) to the current RSS
    before = _rss()
    started = time.monotonic()
    try:
        result: Any = call()
    except SimulatorError as exc:
        result = exc
    return _peak() - before, time.monotonic() - started, result


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png(*chunks: bytes) -> bytes:
    head = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + _chunk(
        b"IDAT", zlib.compress(b"\x00\x00\x00\x00")
    )
    return b"\x89PNG\r\n\x1a\n" + head + b"".join(chunks) + _chunk(b"IEND", b"")


def _zeros_deflated(size: int) -> bytes:
    """`size` zero bytes, deflated a MiB at a time so the test never holds them."""
    packer = zlib.compressobj(9)
    block = bytes(MB)
    return b"".join(packer.compress(block) for _ in range(size // MB)) + packer.flush()


def _ztxt(key: bytes, deflated: bytes) -> bytes:
    return _chunk(b"zTXt", key + b"\x00\x00" + deflated)


def _itxt(key: bytes, deflated: bytes) -> bytes:
    return _chunk(b"iTXt", key + b"\x00\x01\x00" + b"\x00" + b"\x00" + deflated)


@pytest.fixture
def services(database: Path | str) -> Iterator[Services]:
    built = build_services(Settings.from_env())
    built.team.add_user("tess", "trainer", PASSWORD)
    built.team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    yield built
    built.close()


@pytest.fixture
def ui(services: Services) -> StudioHandlers:
    return StudioHandlers(services.studio, services.team, Downloads())


# --- finding 4: the alias bomb and the caller check ------------------------------------------------------------


def test_the_alias_bomb_through_the_form_is_refused_at_once_and_small(ui: StudioHandlers) -> None:
    assert len(ALIAS_BOMB) < 500
    grew, took, result = _growth(lambda: ui.form_fill(ALIAS_BOMB, "tess"))
    assert isinstance(result, StudioInputError)
    assert "line 1, column 4: YAML anchors (&name) and aliases (*name) are not allowed" in str(result)
    assert grew < 100 * MB and took < 2, (grew, took)
    for answer in (ui.validate(ALIAS_BOMB, "tess"), ui.save("any_id", ALIAS_BOMB, "tess")[0]):
        assert "aliases (*name) are not allowed" in answer
    notice = ui.save("any_id", ALIAS_BOMB, "tess")[1]
    assert "Nothing was saved; your text is still here" in notice
    # One alias on its own, deep in a file, is named with its line too.
    with pytest.raises(StudioInputError, match=r"line 3, column 7: .*found \*x"):
        form.parse("id: a\nname: b\nrole: *x\n")


def test_a_trainee_is_refused_by_every_studio_handler(services: Services, ui: StudioHandlers) -> None:
    draft = ui.copy("salary_offer", "tess")
    pid = draft.persona_id
    text = draft.yaml
    play, _ = ui.test_start(pid, "tess")
    assert play is not None and pid.startswith("salary_offer")
    versions = len(services.studio.store.versions(pid))
    refused = "only a trainer can use the Studio"
    opened = [
        ui.open(pid, "ann"),
        ui.copy(pid, "ann"),
        ui.new("competitive", "ann"),
        ui.draft("a buyer", "competitive", "ann"),
        ui.guided("competitive", "ann", "Name", "Role", "Scenario", "Hello", "More"),
        ui.import_text(text.replace(pid, "other_id"), "ann")[0],
    ]
    for each in opened:
        assert refused in each.notice and each.yaml == ""
    said = [
        ui.library("ann")[0],
        ui.landing("ann", True)[0],
        ui.validate(ALIAS_BOMB, "ann"),
        ui.validate(text, "ann"),
        ui.save(pid, text, "ann")[1],
        ui.check(pid, "ann"),
        ui.publish(pid, "ann"),
        ui.archive(pid, "ann"),
        ui.export(pid, "yaml", "ann")[1],
        ui.test_start(pid, "ann")[1],
        ui.test_send(play, "What matters to you?", "", "ann")[0],
        ui.upload("ann", "x.yaml", text.replace(pid, "other_id").encode())[1]["error"],
    ]
    for answer in said:
        assert refused in answer, answer
    assert ui.upload("ann", "x.yaml", text.encode())[0] == 403
    written = FormWritten(form.face_values(text), 0, form.interest_values(text, 0), 0, ["p"] * 6, "anchor", "x")
    calls: list[Callable[[], Any]] = [
        lambda: ui.form_fill(ALIAS_BOMB, "ann"),
        lambda: ui.form_fill(text, "ann"),
        lambda: ui.form_interest(text, 0, "ann"),
        lambda: ui.form_position(text, 0, "ann"),
        lambda: ui.form_move(text, "anchor", "ann"),
        lambda: ui.form_apply(text, written, "ann"),
    ]
    for call in calls:
        with pytest.raises(NotAllowedError, match=refused):
            call()
    # Signed out, with accounts in the app: the same.
    with pytest.raises(NotAllowedError, match="sign in first"):
        ui.form_fill(text, None)
    assert "sign in first" in ui.validate(text, None)
    # Nothing the trainee sent was kept, and the trainer's own calls work.
    assert len(services.studio.store.versions(pid)) == versions and len(play.turns) == 0
    assert ui.form_fill(text, "tess").face[form.FACE.index("id")] == pid
    assert form.parse(ui.form_apply(text, written, "tess"))["lines"]["anchor"] == ["x"]


# --- finding 4: sizes and depths bounded before parsing ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("deep.json", "[" * DEEP, "the JSON is nested more than 40 levels deep"),
        ("deep.json", '{"a": ' * DEEP, "the JSON is nested more than 40 levels deep"),
        ("deep.yaml", "[" * DEEP, "line 1, column 41: nested more than 40 levels deep"),
        ("deep.yaml", "".join(f"{' ' * n}a:\n" for n in range(60)), "line 40, column 40: nested more than 40"),
        ("big.yaml", "id: x\nname: " + "y" * 300_000, "the YAML text is 292 KiB; the limit is 256 KiB"),
        ("big.json", '{"id": "' + "y" * 3 * MB + '"}', "the JSON text is 3072 KiB; the limit is 2048 KiB"),
        ("wide.json", "[" + "[]," * 60_000 + "[]]", "more than 50000 JSON objects and arrays"),
        ("wide.yaml", "[" + "a, " * 30_000 + "a]", "more than 20000 values"),
        ("anchor.yaml", "id: &i x\nname: *i\n", "line 1, column 5: YAML anchors (&name) and aliases"),
        ("long.json", '{"id": ' + "1" * 5000 + "}", "a value cannot be read (Exceeds the limit (4300 digits)"),
        ("date.yaml", "id: 2026-13-45", "a value cannot be read (month must be in 1..12); quote it"),
    ],
    ids=[
        "json-arrays",
        "json-objects",
        "yaml-flow",
        "yaml-block",
        "yaml-size",
        "json-size",
        "json-containers",
        "yaml-nodes",
        "yaml-anchor",
        "json-long-number",
        "yaml-bad-date",
    ],
)
def test_imports_are_bounded_before_they_are_parsed(name: str, text: str, expected: str) -> None:
    with pytest.raises(PersonaFileError) as caught:
        read_persona_file(name, text.encode())
    assert caught.value.path == name and expected in str(caught.value)


def test_deep_nesting_gets_the_clear_message_everywhere(ui: StudioHandlers, tmp_path: Path) -> None:
    deep = "[" * DEEP
    assert "nested more than 40 levels deep" in ui.validate(deep, "tess")
    with pytest.raises(StudioInputError, match="nested more than 40 levels deep"):
        ui.form_fill(deep, "tess")
    card = _png(_chunk(b"tEXt", b"chara\x00" + base64.b64encode(deep.encode())))
    with pytest.raises(PersonaFileError, match=r"deep.png \('chara' chunk\):\n  - the JSON is nested more than 40"):
        read_persona_file("deep.png", card)
    path = tmp_path / "deep.yaml"
    path.write_text(deep, encoding="utf-8")
    with pytest.raises(PersonaFileError, match="nested more than 40 levels deep"):
        load_persona(path)
    path.write_text("id: &a x\nname: *a\n", encoding="utf-8")
    with pytest.raises(PersonaFileError, match=r"aliases \(\*name\) are not allowed in a persona"):
        load_persona(path)
    path.write_bytes(b"#" * (1024 * 1024 + 1))
    with pytest.raises(PersonaFileError, match="the file is 1024 KiB; a persona is at most 256 KiB"):
        load_persona(path)


def test_every_persona_in_the_repository_still_loads(catalog: PersonaCatalog) -> None:
    for persona in catalog.personas.values():
        text = to_yaml(persona)
        assert Persona.model_validate(form.parse(text)) == persona
        assert Persona.model_validate(read_persona_file("p.yaml", text.encode()).data) == persona


# --- finding 5: decompression bombs in card PNGs --------------------------------------------------------------


@pytest.mark.parametrize("wrap", [_ztxt, _itxt], ids=["zTXt", "iTXt"])
def test_a_compressed_text_chunk_bomb_is_refused_without_inflating_it(wrap: Callable[[bytes, bytes], bytes]) -> None:
    card = _png(wrap(b"chara", _zeros_deflated(200 * MB)))
    assert len(card) < 1 * MB
    grew, took, result = _growth(lambda: read_persona_file("bomb.png", card))
    assert isinstance(result, PersonaFileError) and result.path == "bomb.png"
    assert "the PNG's 'chara' " in str(result) and "holds more text than a card can (4 MiB a chunk" in str(result)
    assert grew < 100 * MB and took < 2, (grew, took)


def test_the_whole_cards_text_and_its_chunk_count_are_bounded() -> None:
    three = b"".join(_ztxt(f"note{n}".encode(), _zeros_deflated(3 * MB)) for n in range(3))
    with pytest.raises(PersonaFileError, match="'note2' zTXt chunk holds more text than a card can") as caught:
        read_persona_file("many.png", _png(three))
    assert f"{MAX_CARD_TEXT // MB} MiB in all" in str(caught.value)
    crowded = _png(_chunk(b"tIME", b"\x07\xea\x0c\x08\x01\x02\x03") * 10_001)
    with pytest.raises(PersonaFileError, match="more than 10000 chunks"):
        read_persona_file("crowded.png", crowded)


def test_an_ordinary_card_still_imports_compressed_or_not(catalog: PersonaCatalog) -> None:
    persona = catalog.get("salary_offer")
    assert Persona.model_validate(read_persona_file("p.png", to_card_png(persona)).data) == persona
    encoded = base64.b64encode(json.dumps(to_card(persona)).encode())
    for chunk in (_ztxt(b"ccv3", zlib.compress(encoded)), _itxt(b"ccv3", zlib.compress(encoded))):
        imported = read_persona_file("p.png", _png(chunk))
        assert imported.source == "card-v3" and Persona.model_validate(imported.data) == persona


# --- finding 11: a lone surrogate in a persona id ---------------------------------------------------------------


def test_a_lone_surrogate_in_a_persona_id_gets_a_clear_message(
    services: Services, ui: StudioHandlers, catalog: PersonaCatalog, tmp_path: Path
) -> None:
    escaped = to_yaml(catalog.get("salary_offer")).replace("id: salary_offer", 'id: "abc\\ud800"', 1)
    expected = "id: holds a lone surrogate (\\ud800 at character 4), which is not a character"
    # The Studio: typed as an escape, or sent raw through the API.
    assert expected in ui.validate(escaped, "tess")
    assert expected in ui.save("salary_offer", escaped, "tess")[0]
    opened, kept = ui.import_text(escaped, "tess")
    assert expected in opened.notice and kept == escaped
    raw = escaped.replace('"abc\\ud800"', "abc\ud800")
    opened, kept = ui.import_text(raw, "tess")
    assert "the pasted text: holds a lone surrogate" in opened.notice and kept == raw
    for answer in (ui.open("abc\ud800", "tess").notice, ui.check("abc\ud800", "tess")):
        assert "\ud800" not in answer and answer.startswith("⚠️")
    # Card import, by the guard's route and by the service.
    card = to_card(catalog.get("salary_offer"))
    card["data"]["extensions"]["parley"]["id"] = "abc\ud800"
    blob = json.dumps(card).encode()  # ensure_ascii: the surrogate travels as the escape \ud800
    status, answer = ui.upload("tess", "c.json", blob)
    assert status == 400 and "data.extensions.parley.id: holds a lone surrogate" in answer["error"]
    with pytest.raises(PersonaFileError, match=r"parley\.id: holds a lone surrogate"):
        services.studio.import_file(services.team.caller("tess"), "c.json", blob)
    # The command line.
    path = tmp_path / "lone.yaml"
    path.write_text(escaped, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "validate", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1 and expected in done.stderr and "Traceback" not in done.stderr

"""Character Cards (V2 and V3, JSON or PNG) in and out, and Parley's own YAML/JSON.

A card's `data` carries the public face (name, description, personality, scenario, first message). Parley's
own fields travel whole in `data.extensions.parley`, so a Parley persona exported as a card and imported again
is identical. A community card without them imports its public face only: the hidden parts are left out, for
the trainer to complete, and `Imported.missing` names them.
Specs: github.com/malfoyslastname/character-card-spec-v2 and github.com/kwaroran/character-card-spec-v3.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from simulator.errors import PersonaFileError
from simulator.persona.model import Persona
from simulator.persona.safe_load import load_json, load_yaml

MAX_BYTES = 8 * 1024 * 1024  # a card's picture can be large; more than this is not a persona
MIB = 1024 * 1024
MAX_CHUNKS = 10_000  # an 8 MiB PNG cut into 8 KiB picture chunks has about a thousand
MAX_CHUNK_TEXT = 4 * MIB  # one text chunk, inflated: a card's base64 JSON is well under this
MAX_CARD_TEXT = 8 * MIB  # every text chunk together, inflated: both of a card's chunks fit twice over
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
V2, V3 = "chara_card_v2", "chara_card_v3"
HIDDEN_PARTS = ("positions", "hidden_interests", "trust", "patience", "walk_away", "deal", "lines")
PUBLIC_DEFAULTS: dict[str, Any] = {"archetype": "competitive", "difficulty": "medium"}


@dataclass
class Imported:
    """What an import produced: the persona's data (valid or not yet), and what the trainer must still add."""

    data: dict[str, Any]
    source: str  # "parley", "card-v2", "card-v3"
    missing: list[str] = field(default_factory=list)  # hidden parts a community card could not give


# --- export ---------------------------------------------------------------------------------------------------


def persona_data(persona: Persona) -> dict[str, Any]:
    """The persona as plain data, in file order."""
    return persona.model_dump(mode="json")


def to_yaml(persona: Persona | dict[str, Any]) -> str:
    data = persona_data(persona) if isinstance(persona, Persona) else persona
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def to_card(persona: Persona, spec: str = V3, creator: str = "", version: str = "1") -> dict[str, Any]:
    """A Character Card whose public face is the persona's brief and whose extension is the whole persona."""
    data: dict[str, Any] = {
        "name": persona.name,
        "description": f"{persona.role.rstrip('.')}.\n\n{persona.scenario}",
        "personality": persona.style,
        "scenario": persona.scenario,
        "first_mes": persona.opening,
        "mes_example": "",
        "creator_notes": f"A Parley negotiation counterpart ({persona.archetype.value}, {persona.difficulty.value}). "
        "Its hidden interests are in extensions.parley.",
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": [],
        "tags": ["parley", "negotiation", persona.archetype.value],
        "creator": creator,
        "character_version": version,
        "extensions": {"parley": persona_data(persona)},
    }
    if spec == V3:
        data |= {"group_only_greetings": [], "nickname": "", "creator_notes_multilingual": {}, "source": []}
        return {"spec": V3, "spec_version": "3.0", "data": data}
    return {"spec": V2, "spec_version": "2.0", "data": data}


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _picture(size: int, colour: tuple[int, int, int]) -> bytes:
    """A plain square: a card needs a picture, and ours draws nothing it would have to download."""
    row = b"\x00" + bytes(colour) * size
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)) + _chunk(
        b"IDAT", zlib.compress(row * size, 9)
    )


COLOURS = {"competitive": (178, 74, 58), "unreasonable": (122, 78, 160), "low_trust": (52, 110, 150)}


def to_card_png(persona: Persona, creator: str = "", version: str = "1") -> bytes:
    """A PNG with the card in its text chunks: `ccv3` (V3) and `chara` (V2) for readers that know only V2."""
    v3 = base64.b64encode(json.dumps(to_card(persona, V3, creator, version)).encode()).decode("ascii")
    v2 = base64.b64encode(json.dumps(to_card(persona, V2, creator, version)).encode()).decode("ascii")
    return (
        PNG_SIGNATURE
        + _picture(128, COLOURS.get(persona.archetype.value, (90, 90, 90)))
        + _chunk(b"tEXt", b"ccv3\x00" + v3.encode("ascii"))
        + _chunk(b"tEXt", b"chara\x00" + v2.encode("ascii"))
        + _chunk(b"IEND", b"")
    )


# --- import ---------------------------------------------------------------------------------------------------


def _too_much(source: str, what: str) -> PersonaFileError:
    return PersonaFileError(
        source,
        [
            f"the PNG's {what} holds more text than a card can ({MAX_CHUNK_TEXT // MIB} MiB a chunk, "
            f"{MAX_CARD_TEXT // MIB} MiB in all, once inflated); the file is refused: export the card again"
        ],
    )


def _inflate(data: bytes, limit: int, source: str, what: str) -> bytes:
    """A zlib stream inflated to at most `limit` bytes: a bigger one is refused without being inflated further
    (a 2 MiB chunk of zeros would otherwise inflate to 2 GiB)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        raise _too_much(source, what)
    if not inflater.eof:
        raise zlib.error("the compressed text is cut short")
    return out


def png_text_chunks(blob: bytes, source: str) -> dict[str, str]:
    """The PNG's text chunks (tEXt, zTXt, iTXt) by keyword; the number of chunks and what each and all of them
    inflate to are bounded while reading."""
    if not blob.startswith(PNG_SIGNATURE):
        raise PersonaFileError(source, ["not a PNG file (its first bytes are not a PNG signature)"])
    found: dict[str, str] = {}
    at = len(PNG_SIGNATURE)
    chunks = 0
    budget = MAX_CARD_TEXT  # what the text chunks may still add, inflated
    while at + 8 <= len(blob):
        chunks += 1
        if chunks > MAX_CHUNKS:
            raise PersonaFileError(source, [f"the PNG has more than {MAX_CHUNKS} chunks; a card has a few dozen"])
        (length,) = struct.unpack(">I", blob[at : at + 4])
        kind = blob[at + 4 : at + 8]
        body = blob[at + 8 : at + 8 + length]
        if len(body) < length:
            raise PersonaFileError(source, [f"the PNG is cut short inside its '{kind.decode('latin-1')}' chunk"])
        at += 12 + length
        if kind not in (b"tEXt", b"zTXt", b"iTXt"):
            if kind == b"IEND":
                break
            continue
        key, _, rest = body.partition(b"\x00")
        what = f"'{key.decode('latin-1')}' {kind.decode('latin-1')} chunk"
        limit = min(MAX_CHUNK_TEXT, budget)
        try:
            if kind == b"tEXt":
                raw, encoding = rest, "latin-1"
            elif kind == b"zTXt":
                raw, encoding = _inflate(rest[1:], limit, source, what), "latin-1"
            else:
                compressed, rest = rest[0], rest[2:]
                _lang, _, rest = rest.partition(b"\x00")
                _translated, _, text = rest.partition(b"\x00")
                raw, encoding = (_inflate(text, limit, source, what) if compressed else text), "utf-8"
            if len(raw) > limit:
                raise _too_much(source, what)
            budget -= len(raw)
            found[key.decode("latin-1")] = raw.decode(encoding)
        except (zlib.error, UnicodeDecodeError, IndexError):
            continue  # a damaged text chunk is not a card; keep looking
    return found


def card_from_png(blob: bytes, source: str) -> dict[str, Any]:
    chunks = png_text_chunks(blob, source)
    for key in ("ccv3", "chara"):
        if key in chunks:
            try:
                text = base64.b64decode(chunks[key], validate=False).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise PersonaFileError(source, [f"the PNG's '{key}' chunk is not base64-encoded JSON"]) from None
            card: dict[str, Any] = load_json(text, f"{source} ('{key}' chunk)")
            return card
    raise PersonaFileError(
        source, ["this PNG has no character card in it (no 'chara' or 'ccv3' text chunk); export the card again"]
    )


def slug(name: str) -> str:
    """An id from a name: 'Dr. Ada Moss' -> 'dr_ada_moss'."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    text = "_".join(words)[:48].strip("_") or "persona"
    return text if text[0].isalpha() else f"p_{text}"[:48]


def from_card(card: Any, source: str) -> Imported:
    if not isinstance(card, dict) or "data" not in card or "spec" not in card:
        raise PersonaFileError(
            source, ["(top level): not a Character Card (it needs 'spec' and 'data'); export a V2 or V3 card"]
        )
    spec = card.get("spec")
    if spec not in (V2, V3):
        raise PersonaFileError(
            source,
            [f"spec: '{spec}' is a card for another app or format; Parley reads '{V2}' and '{V3}' cards"],
        )
    data = card["data"]
    if not isinstance(data, dict):
        raise PersonaFileError(source, ["data: must be an object with the card's fields"])
    kind = "card-v3" if spec == V3 else "card-v2"
    extensions = data.get("extensions") or {}
    own = extensions.get("parley") if isinstance(extensions, dict) else None
    if isinstance(own, dict):
        return Imported(dict(own), kind)
    name = str(data.get("name") or "").strip()
    if not name:
        raise PersonaFileError(source, ["data.name: the card has no name; a persona needs one"])
    description = str(data.get("description") or "").strip()
    scenario = str(data.get("scenario") or "").strip() or description
    public = {
        "id": slug(name),
        "name": name,
        "role": _first_sentence(description) or "(to complete: their job and organisation)",
        **PUBLIC_DEFAULTS,
        "scenario": scenario or "(to complete: the brief the trainee reads)",
        "opening": str(data.get("first_mes") or "").strip() or "(to complete: their first line)",
        "style": str(data.get("personality") or "").strip() or description or "(to complete: how they talk)",
    }
    return Imported(public, kind, missing=list(HIDDEN_PARTS))


def _first_sentence(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].strip()
    return first[:160]


def read_persona_file(name: str, blob: bytes) -> Imported:
    """Parley YAML/JSON or a card (JSON or PNG), told apart by content. Raises `PersonaFileError` naming the
    file and the problem; nothing is kept from a file that fails."""
    if len(blob) > MAX_BYTES:
        raise PersonaFileError(
            name, [f"the file is {len(blob) // 1024} KiB; the limit is {MAX_BYTES // 1024 // 1024} MiB"]
        )
    if not blob.strip():
        raise PersonaFileError(name, ["the file is empty"])
    if blob.startswith(PNG_SIGNATURE):
        return from_card(card_from_png(blob, name), name)
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PersonaFileError(name, ["not UTF-8 text, a Parley persona or a card PNG; save it as UTF-8"]) from None
    data = (
        load_json(text, name)
        if name.lower().endswith(".json") or text.lstrip().startswith("{")
        else load_yaml(text, name)
    )
    if isinstance(data, dict) and "spec" in data and "data" in data:
        return from_card(data, name)
    if not isinstance(data, dict):
        raise PersonaFileError(name, ["(top level): expected a persona (fields such as id, name, role) or a card"])
    if "spec" in data:
        return from_card(data, name)  # names the unknown spec
    return Imported(data, "parley")

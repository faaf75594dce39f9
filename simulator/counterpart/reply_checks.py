"""Checks every model-written reply must pass before anyone sees it."""

from __future__ import annotations

import re
from collections.abc import Collection

from simulator.game.state import Move, MoveKind
from simulator.game.visibility import find_leak
from simulator.persona.model import Persona

ROLE_BREAK = re.compile(
    r"\b(?:as an ai|language model|i(?:'m| am) an? (?:ai|assistant|chatbot|bot|model)|openai|system prompt|my instructions|"
    r"my (?:persona|character|role)(?: file)?|hidden interests?|i(?:'m| am) (?:just )?role-?playing|ignore (?:previous|all) instructions)\b",
    re.I,
)
# Text about the reply rather than the reply: "(Dana's next reply is: …)", "Response: …", "[pauses]", a
# parenthesised aside, "<reply>". The counterpart speaks in a chat; it neither narrates nor labels its lines.
META = re.compile(
    r"\b(?:next|following|final) (?:reply|response|line|message|answer)\b"
    r"|(?:^|[(\[])\s*(?:reply|response|answer|output|narrator|note|stage directions?|ooc)\s*:"
    r"|\b(?:reply|response) (?:is|would be|will be)\s*:"
    r"|^\s*[(\[][^()\[\]\n]*[)\]]\s*$"
    r"|</?(?:reply|response|answer|assistant|user|system|im_start|im_end|s)\b[^>]*>",
    re.I | re.M,
)
SPEAKS_FOR_THEM = re.compile(r"^\s*(?:them|user|you|trainee|me|human|assistant)\s*:", re.I | re.M)
AGREES = re.compile(
    r"\b(?:we have a deal|it'?s a deal|deal\.|you(?:'ve| have) got a deal|i (?:accept|agree)|agreed\b|i'?ll sign|let'?s shake on it)",
    re.I,
)


def check_reply(text: str, persona: Persona, uncovered: Collection[str], moves: list[Move]) -> str | None:
    """Why the reply may not be shown, or None when it passes."""
    if not text.strip():
        return "empty reply"
    if find_leak(text, persona, uncovered):
        # Not which one: this reason reaches the trainee as a notice, and the id alone is a hint.
        return "gives away a hidden interest"
    if ROLE_BREAK.search(text) or META.search(text):
        return "breaks character"
    if SPEAKS_FOR_THEM.search(text) or re.search(rf"^\s*{re.escape(persona.name)}\s*:", text, re.M):
        return "switches roles or writes a script"
    accepting = any(m.kind in (MoveKind.ACCEPT, MoveKind.IN_PRINCIPLE, MoveKind.ASK_TERM) for m in moves)
    if not accepting and AGREES.search(text):
        # Every archetype here is hard: only the rules can grant agreement.
        return "softens below the archetype: agrees when the rules did not"
    return None

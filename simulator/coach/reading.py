"""What a user message does, read by rules: its questions, probes, tone and proposals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator.coach import lexicon as lx
from simulator.text import looks_english, split_sentences, stems_of, words


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "open" or "closed"
    probe: str | None  # which probing pattern it uses, if any


@dataclass(frozen=True)
class Reading:
    """Every rule finding about one message; the grade and the game rules are built from it."""

    text: str
    stems: frozenset[str]
    english: bool
    questions: list[Question] = field(default_factory=list)
    pleasantries: list[str] = field(default_factory=list)
    rhetorical: list[str] = field(default_factory=list)
    hostile: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence)
    split: str | None = None
    acknowledge: str | None = None
    joint: str | None = None
    transparent: str | None = None
    promise: str | None = None
    proposal: str | None = None
    exploring: bool = False

    @property
    def open_questions(self) -> list[Question]:
        return [q for q in self.questions if q.kind == "open"]

    @property
    def probes(self) -> list[Question]:
        return [q for q in self.questions if q.probe]

    @property
    def warm(self) -> bool:
        return bool(self.acknowledge or self.joint or self.transparent)


def _strip_filler(sentence: str) -> str:
    return lx.LEADING_FILLER.sub("", sentence.strip().lstrip("\"'“‘(-–— ")).strip()


def _clauses(sentence: str) -> list[str]:
    """The sentence and what follows each comma, colon or dash: 'If we move it, what breaks?'."""
    parts = [sentence]
    parts += [p for p in re.split(r"[,;:–—]\s*|\s-\s", sentence)[1:] if p.strip()]
    return [_strip_filler(p) for p in parts]


def _question(sentence: str, argues: bool = False) -> Question | None:
    clauses = _clauses(sentence)
    asks = sentence.rstrip().endswith("?")
    request = bool(lx.OPEN_REQUEST.search(sentence))
    first = clauses[0]
    # A question typed without its question mark still reads as one.
    unmarked = len(words(sentence)) >= 4 and bool(
        lx.WH_OPEN.match(first) or lx.AUX_START.match(first) or lx.WH_CLOSED.match(first)
    )
    if not (asks or request or unmarked):
        return None
    rhetorical = argues or bool(lx.RHETORICAL.search(sentence))
    if not rhetorical and (request or any(lx.WH_OPEN.match(c) for c in clauses)):
        kind = "open"
    else:
        kind = "closed"
    probe = None
    # "What if we…" explores an option; it does not ask about their interests.
    if not rhetorical and not lx.PROPOSAL.search(sentence):
        for name, pattern in lx.PROBE.items():
            if pattern.search(sentence):
                probe = name
                break
        if probe is None and kind == "open" and lx.PERSPECTIVE.search(sentence) and not lx.DETAIL.search(sentence):
            probe = "perspective"
    return Question(text=sentence, kind=kind, probe=probe)


def _shouting(text: str) -> bool:
    caps = [w for w in re.findall(r"\b[A-Z][A-Z']{2,}\b", text) if w not in lx.ACRONYMS]
    return len(caps) >= 2 or "!!" in text


def _hostility(sentence: str) -> str | None:
    for kind, pattern in (
        ("threat", lx.THREAT),
        ("ultimatum", lx.ULTIMATUM),
        ("insult", lx.INSULT),
        ("dismissive", lx.DISMISSIVE),
    ):
        if pattern.search(sentence):
            return kind
    return "shouting" if _shouting(sentence) else None


def _first(pattern: re.Pattern[str], sentences: list[str]) -> str | None:
    return next((s for s in sentences if pattern.search(s)), None)


def read_message(text: str) -> Reading:
    """Read one cleaned user message; pure and deterministic."""
    sentences = split_sentences(text)
    questions: list[Question] = []
    pleasantries: list[str] = []
    rhetorical: list[str] = []
    hostile: list[tuple[str, str]] = []
    for sentence in sentences:
        if lx.PLEASANTRY.search(_strip_filler(sentence)):
            pleasantries.append(sentence)
            continue
        hostility = _hostility(sentence)
        if hostility:
            hostile.append((hostility, sentence))
        # A question thrown in anger argues; it does not ask.
        if lx.RHETORICAL.search(sentence) or hostility:
            rhetorical.append(sentence)
        question = _question(sentence, argues=bool(hostility))
        if question:
            questions.append(question)
    return Reading(
        text=text,
        stems=stems_of(text),
        english=looks_english(text),
        questions=questions,
        pleasantries=pleasantries,
        rhetorical=rhetorical,
        hostile=hostile,
        split=_first(lx.SPLIT, sentences),
        acknowledge=_first(lx.ACKNOWLEDGE, sentences),
        joint=_first(lx.JOINT, sentences),
        transparent=_first(lx.TRANSPARENT, sentences),
        promise=_first(lx.PROMISE, sentences),
        proposal=_first(lx.PROPOSAL, sentences),
        exploring=bool(lx.EXPLORING.search(text)),
    )

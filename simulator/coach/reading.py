"""What a user message does, read by rules: its questions, probes, tone and proposals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator.coach import lexicon as lx
from simulator.coach import tone
from simulator.text import looks_english, split_sentences, stems_of, words


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # "open" or "closed"
    probe: str | None  # which probing pattern it uses, if any
    function: str = "inquiry"  # inquiry, proposal, confirmation or rhetorical


@dataclass(frozen=True)
class Reading:
    """Every rule finding about one message; the grade and the game rules are built from it."""

    text: str
    stems: frozenset[str]
    english: bool
    asked: list[Question] = field(default_factory=list)  # every sentence that reads as a question
    pleasantries: list[str] = field(default_factory=list)
    hostile: list[tuple[str, str]] = field(default_factory=list)  # (kind, sentence)
    split: str | None = None
    acknowledge: str | None = None
    joint: str | None = None
    transparent: str | None = None
    promise: str | None = None
    proposal: str | None = None
    exploring: bool = False

    @property
    def questions(self) -> list[Question]:
        """Questions that seek understanding (not offers, checks, or arguments with a question mark)."""
        return [q for q in self.asked if q.function == "inquiry"]

    @property
    def rhetorical(self) -> list[str]:
        return [q.text for q in self.asked if q.function == "rhetorical"]

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
    # Leading emoji and punctuation first ("🙂 What about you?"), then filler words.
    text = re.sub(r"^[^\w\"'“‘]+", "", sentence.strip())
    return lx.LEADING_FILLER.sub("", text.lstrip("\"'“‘(-–— ")).strip()


ASKS_REASON = re.compile(r"\b(?:reason|why|if you)\b|^(?:what|is there)\b", re.I)
_CLAUSE_BREAK = re.compile(
    r"[,;:–—]\s*|\s-\s|\.{2,}\s*|\s(?:but|and|so)\s(?=(?:how|what|why|where|when|who|which|do|does|did|is|are|can|could|would)\b)",
    re.I,
)


def _clauses(sentence: str) -> list[str]:
    """The sentence and what follows each comma, colon or dash: 'If we move it, what breaks?'."""
    parts = [sentence]
    parts += [p for p in _CLAUSE_BREAK.split(sentence)[1:] if p and p.strip()]
    return [_strip_filler(p) for p in parts]


def _function(sentence: str, first: str, argues: bool, offers: bool, request: bool) -> str:
    if argues or lx.RHETORICAL.search(sentence):
        return "rhetorical"
    if lx.RECIPROCAL.match(first) or request:
        return "inquiry"
    if (
        lx.CONFIRMATION.match(first)
        or lx.CONFIRM_TAG.search(sentence)
        or (offers and lx.CHECK_AFTER_OFFER.search(first))
    ):
        return "confirmation"
    if lx.WH_OFFER.match(first):
        return "proposal"
    # A wh-question asks, even about an offer ("how much would you be willing to give?").
    if lx.WH_OPEN.match(first) or lx.WH_CLOSED.match(first):
        return "inquiry"
    if lx.OFFER_QUESTION.search(first):
        return "proposal"
    return "inquiry"


def _probe(sentence: str, first: str, kind: str) -> str | None:
    if lx.PROPOSAL.search(sentence) and not lx.NEEDS.search(sentence):
        return None  # "What if we…" explores an option; it does not ask about their interests.
    if lx.RECIPROCAL.match(first):
        return "reciprocal"
    for name, pattern in lx.PROBE.items():
        if pattern.search(sentence):
            return name
    if lx.NEEDS.search(sentence) and not lx.WHEN_WHERE.match(first) and not lx.DIVIDING.search(sentence):
        return "needs"
    if lx.GENERIC_VIEW.match(first):
        return None
    if kind == "open" and lx.PERSPECTIVE.search(sentence) and not lx.DETAIL.search(sentence):
        return "perspective"
    return None


def _question(sentence: str, argues: bool = False, offers: bool = False) -> Question | None:
    clauses = _clauses(sentence)
    asks = sentence.rstrip().endswith("?")
    request = bool(lx.OPEN_REQUEST.search(sentence))
    first = clauses[0]
    # A question typed without its question mark still reads as one.
    unmarked = len(words(sentence)) >= 4 and any(lx.WH_UNMARKED.match(c) for c in clauses)
    unmarked = unmarked or (
        len(words(sentence)) >= 4 and any(lx.AUX_START.match(c) and lx.YOU.match(c) for c in clauses)
    )
    if not (asks or request or unmarked or lx.RECIPROCAL.match(first)):
        return None
    # The part that carries the question: the last clause that opens like one, else the first.
    lead = next(
        (
            c
            for c in clauses
            if lx.WH_OPEN.match(c) or lx.WH_CLOSED.match(c) or lx.AUX_START.match(c) or lx.WH_OFFER.match(c)
        ),
        first,
    )
    function = _function(sentence, lead, argues, offers, request)
    n_words = len(words(sentence))
    # "Really?", "Deal?", "And the firewood?": short checks. "Do you donate?" (aux, subject, verb) still asks.
    asks_properly = bool(
        lx.WH_OPEN.match(lead) or lx.WH_CLOSED.match(lead) or (lx.AUX_START.match(lead) and lx.YOU.match(lead))
    )
    short = n_words <= 2 or (n_words <= 3 and not asks_properly)
    backchannel = asks and not request and short
    if function == "inquiry" and backchannel and not lx.RECIPROCAL.match(first):
        function = "confirmation"  # "Really?", "Hold ten?": a backchannel, not a question that seeks understanding
    if function == "inquiry" and (request or any(lx.WH_OPEN.match(c) for c in clauses)):
        kind = "open"
    else:
        kind = "closed"
    probe = _probe(sentence, lead, kind) if function == "inquiry" else None
    return Question(text=sentence, kind=kind, probe=probe, function=function)


def _shouting(text: str) -> bool:
    # Capitals for most of a sentence read as shouting; a word or two, or exclamation marks, do not.
    caps = [w for w in re.findall(r"\b[A-Z][A-Z']{2,}\b", text) if w not in lx.ACRONYMS]
    return len(caps) >= 3 and len(caps) >= 0.6 * len(re.findall(r"\b[A-Za-z']{3,}\b", text))


def _hostility(sentence: str) -> str | None:
    for kind, pattern in (
        ("threat", tone.THREAT),
        ("ultimatum", tone.ULTIMATUM),
        ("insult", tone.INSULT),
        ("dismissive", tone.DISMISSIVE),
        ("undervalues", tone.UNDERVALUE),
    ):
        # Asking for the reason behind a need ("is there a reason you don't need much?") probes; it does not dismiss.
        if kind == "undervalues" and ASKS_REASON.search(sentence):
            continue
        if pattern.search(sentence):
            return kind
    return "shouting" if _shouting(sentence) else None


def _first(pattern: re.Pattern[str], sentences: list[str]) -> str | None:
    return next((s for s in sentences if pattern.search(s)), None)


def read_message(text: str) -> Reading:
    """Read one cleaned user message; pure and deterministic."""
    sentences = split_sentences(text)
    offering = [bool(lx.PROPOSAL.search(s) or lx.OFFER_QUESTION.search(_strip_filler(s))) for s in sentences]
    small_talk = any(lx.PLEASANTRY_ANSWER.match(_strip_filler(s)) for s in sentences)
    asked: list[Question] = []
    pleasantries: list[str] = []
    hostile: list[tuple[str, str]] = []
    for n, sentence in enumerate(sentences):
        stripped = _strip_filler(sentence)
        # "And you?" alone, or after "I'm good", returns a greeting; after their own needs it asks about yours.
        parts = _clauses(sentence)
        greeting_back = any(lx.PLEASANTRY_ANSWER.match(c) for c in parts) and any(lx.RECIPROCAL.match(c) for c in parts)
        if (
            lx.PLEASANTRY.search(stripped)
            or greeting_back
            or (lx.RECIPROCAL.match(stripped) and (small_talk or len(sentences) == 1))
        ):
            pleasantries.append(sentence)
            continue
        hostility = _hostility(sentence)
        if hostility:
            hostile.append((hostility, sentence))
        # A question thrown in anger argues; it does not ask.
        offers = any(o for i, o in enumerate(offering) if i != n)
        question = _question(sentence, argues=bool(hostility), offers=offers)
        if question:
            asked.append(question)
    proposal = _first(lx.PROPOSAL, sentences) or next((q.text for q in asked if q.function == "proposal"), None)
    return Reading(
        text=text,
        stems=stems_of(text),
        english=looks_english(text),
        asked=asked,
        pleasantries=pleasantries,
        hostile=hostile,
        split=_first(tone.SPLIT, sentences),
        acknowledge=_first(tone.ACKNOWLEDGE, sentences),
        joint=_first(tone.JOINT, sentences),
        transparent=_first(tone.TRANSPARENT, sentences),
        promise=_first(tone.PROMISE, sentences),
        proposal=proposal,
        exploring=bool(lx.EXPLORING.search(text)),
    )

"""What a user message does, read by rules: its questions, probes, tone and proposals."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from simulator.coach import interest_words as iw
from simulator.coach import lexicon as lx
from simulator.coach import tone
from simulator.coach.spelling import plain
from simulator.text import looks_english, split_sentences, stems_of, words


@dataclass(frozen=True)
class Question:
    text: str  # as the user typed it: what evidence quotes
    plain: str  # in plain spelling: what rules match against (see `spelling.plain`)
    kind: str  # "open" or "closed"
    probe: str | None  # which probing pattern it uses, if any
    function: str = "inquiry"  # inquiry, proposal, confirmation or rhetorical


@dataclass(frozen=True)
class Reading:
    """Every rule finding about one message; the grade and the game rules are built from it."""

    text: str  # as typed
    plain: str  # in plain spelling, as the rules and the sentence model read it
    stems: frozenset[str]
    english: bool
    asked: tuple[Question, ...] = ()  # every sentence that reads as a question
    pleasantries: tuple[str, ...] = ()
    chat: tuple[Question, ...] = ()  # questions about their life away from the deal ("Where are you from?")
    housekeeping: tuple[str, ...] = ()  # checks on the conversation itself
    hostile: tuple[tuple[str, str], ...] = ()  # (kind, sentence)
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
    text = re.sub(r"^[^\w\"'“‘]+", "", re.sub(r"\s+", " ", sentence.strip()))
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


def _function(sentence: str, first: str, argues: bool, offers: bool, request: bool, reciprocal: bool) -> str:
    if argues or lx.RHETORICAL.search(sentence):
        return "rhetorical"
    if reciprocal or lx.RECIPROCAL.match(first) or request:
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
    if lx.WH_OPEN.match(first) or lx.WH_CLOSED.match(first) or iw.EXPERIENCE.match(first):
        return "inquiry"
    if lx.OFFER_QUESTION.search(first):
        return "proposal"
    return "inquiry"


def _probe(sentence: str, first: str, kind: str, reciprocal: bool) -> str | None:
    if reciprocal:
        return "reciprocal"
    if iw.PROPOSAL.search(sentence) and not iw.NEEDS.search(sentence):
        return None  # "What if we…" explores an option; it does not ask about their interests.
    quantity = iw.QUANTITY.search(first)
    for name, pattern in iw.PROBE.items():
        if quantity and name == "stakeholders":
            continue  # "How many seats does your team need?" asks for a number, not who else is involved
        if pattern.search(sentence):
            return name
    if iw.NEEDS.search(sentence) and not lx.WHEN_WHERE.match(first) and not iw.DIVIDING.search(first):
        # "How many crates do you need?" and "Do you need two crates?" ask for a quantity: a position, not a need.
        if iw.QUANTITY.search(sentence) or (kind == "closed" and iw.AMOUNT.search(sentence)):
            return None
        return "needs"
    if iw.GENERIC_VIEW.match(first):
        return None
    # "When X happens, what do you expect?": the asking clause decides whether it is about timing.
    if (
        kind == "open"
        and iw.PERSPECTIVE.search(sentence)
        and not iw.DETAIL.search(sentence)
        and not lx.WHEN_WHERE.match(first)
    ):
        return "perspective"
    return None


def _question(
    sentence: str, clauses: list[str], argues: bool = False, offers: bool = False, reciprocal: str | None = None
) -> Question | None:
    """`clauses` are the sentence's `_clauses`; `reciprocal` is "probe" when the sentence hands back a question about
    needs just stated, "ask" otherwise."""
    asks = sentence.rstrip().endswith("?")
    request = bool(lx.OPEN_REQUEST.search(sentence))
    first = clauses[0]
    # A question typed without its question mark still reads as one.
    candidates = clauses[1:] if lx.AGREE_ECHO.match(sentence) else clauses
    # Past the first clause, "which…"/"who…" without a question mark relates back: "I gave $2, which is the limit."
    candidates = [c for c in candidates if c is first or not lx.RELATIVE.match(c)]
    unmarked = len(words(sentence)) >= 4 and any(
        lx.WH_UNMARKED.match(c) or (lx.AUX_START.match(c) and lx.YOU_UNMARKED.match(c) and len(words(c)) >= 3)
        for c in candidates
    )
    if not (asks or request or unmarked or reciprocal):
        return None
    # The part that carries the question: the last clause that opens like one, else the first.
    lead = next(
        (
            c
            for c in reversed(clauses)
            if lx.WH_OPEN.match(c) or lx.WH_CLOSED.match(c) or lx.AUX_START.match(c) or lx.WH_OFFER.match(c)
        ),
        first,
    )
    function = _function(sentence, lead, argues, offers, request, bool(reciprocal))
    n_words = len(words(sentence))
    # "Really?", "Deal?", "And the firewood?": short checks. "Do you donate?" (aux, subject, verb) still asks.
    asks_properly = bool(
        lx.WH_OPEN.match(lead) or lx.WH_CLOSED.match(lead) or (lx.AUX_START.match(lead) and lx.YOU.match(lead))
    )
    # "Anything else?" invites more; it is not a backchannel.
    short = n_words <= 3 and not asks_properly and not lx.ANYTHING_ELSE.match(lead)
    backchannel = asks and not request and short
    if function == "inquiry" and backchannel and not reciprocal:
        function = "confirmation"  # "Really?", "Hold ten?": a backchannel, not a question that seeks understanding
    if function == "inquiry" and (request or any(lx.WH_OPEN.match(c) for c in clauses)):
        kind = "open"
    else:
        kind = "closed"
    probe = _probe(sentence, lead, kind, reciprocal == "probe") if function == "inquiry" else None
    return Question(text=sentence, plain=sentence, kind=kind, probe=probe, function=function)


# "Do you have enough storage?" asks; "Do you really need all of it?" and "Are you sure…" doubt the need.
_PLAIN_ASK = re.compile(
    r"^(?:do|does|did|will|would|are|is) (?:you|u|your \w+|there)\b(?! (?:really |absolutely |quite )?sure\b)"
    r"(?!.*\b(?:really|even|honestly|actually)\b)",
    re.I,
)


def _plain_ask(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") and bool(_PLAIN_ASK.match(_strip_filler(sentence)))


def _reciprocal(sentence: str, clauses: list[str], before: list[str]) -> str | None:
    """Whether the sentence hands a question back ("…, how about you?"), and what it hands back.

    After the speaker's own needs, or any other content, it asks about theirs ("probe"). Alone, after a greeting
    or after small talk it is small talk ("small-talk"); "Do you?" after small talk about oneself still asks ("ask").
    """
    tail = clauses[-1]
    if lx.RECIPROCAL.match(clauses[0]):
        head = ""
    elif len(clauses) > 1 and lx.RECIPROCAL.match(tail):
        head = sentence[: sentence.rfind(tail.split()[0])] if tail else sentence
    else:
        match = lx.RECIPROCAL_TAIL.search(sentence)
        if not match:
            return None
        head = sentence[: match.start()]
    context = " ".join([*before, head]).strip()
    if lx.OWN_NEEDS.search(context):
        return "probe"
    if not context or lx.SMALL_TALK.search(context) or lx.PLEASANTRY_ANSWER.match(_strip_filler(context)):
        # "Do you?" still asks; "And you?" alone or after "I'm good" returns the courtesy.
        small = (context and lx.PLEASANTRY_ANSWER.match(_strip_filler(context))) or not lx.ECHO_ASK.match(tail)
        return "small-talk" if small else "ask"
    return "probe"


def _shouting(text: str) -> bool:
    # Capitals for most of a sentence read as shouting; a word or two, or exclamation marks, do not.
    caps = [w for w in re.findall(r"\b[A-Z][A-Z']{2,}\b", text) if w not in lx.ACRONYMS]
    return len(caps) >= 3 and len(caps) >= 0.6 * len(re.findall(r"\b[A-Za-z']{3,}\b", text))


def _asks_about_theirs(sentence: str, at: int) -> bool:
    return (
        sentence.rstrip().endswith("?")
        and bool(lx.AUX_START.match(_strip_filler(sentence)))
        and not re.search(r"\b(?:my|our|i|we)\b", sentence[:at], re.I)
    )


def _hostility(sentence: str) -> str | None:
    for kind, pattern in (
        ("threat", tone.THREAT),
        ("ultimatum", tone.ULTIMATUM),
        ("insult", tone.INSULT),
        ("dismissive", tone.DISMISSIVE),
        ("undervalues", tone.UNDERVALUE),
    ):
        # Asking for the reason behind a need ("is there a reason you don't need much?") probes; it does not dismiss.
        if kind == "undervalues" and (ASKS_REASON.search(sentence) or _plain_ask(sentence)):
            continue
        match = pattern.search(sentence)
        if match:
            if kind == "insult" and tone.OWN_THING.search(sentence[: match.start()]):
                continue  # "my old laptop is useless" describes their own things
            if kind == "ultimatum" and _asks_about_theirs(sentence, match.start()):
                continue  # "Is that your final offer?" asks about their terms; it issues none
            return kind
    return "shouting" if _shouting(sentence) else None


def read_message(text: str, context: Sequence[str] = ()) -> Reading:
    """Read one cleaned user message; pure and deterministic, so a message read moments ago (the debrief re-reads
    the conversation it just graded) comes from a small cache. See `_read`."""
    return _read(text, tuple(context))


@lru_cache(maxsize=1024)
def _read(text: str, context: tuple[str, ...]) -> Reading:
    """Read one cleaned user message.

    `context` is what the same speaker said just before, in the same turn: it only decides whether a handed-back
    "And you?" asks about what they just told (sentence-labelled data grades such sentences one at a time).
    """
    typed = split_sentences(text)
    sentences = [plain(s) for s in typed]  # the rules read plain spelling; findings quote what was typed

    def first(pattern: re.Pattern[str]) -> str | None:
        return next((t for s, t in zip(sentences, typed, strict=True) if pattern.search(s)), None)

    before = [plain(s) for c in context for s in split_sentences(c)]
    offering = [bool(iw.PROPOSAL.search(s) or lx.OFFER_QUESTION.search(_strip_filler(s))) for s in sentences]
    asked: list[Question] = []
    pleasantries: list[str] = []
    chat: list[Question] = []
    housekeeping: list[str] = []
    hostile: list[tuple[str, str]] = []
    for n, sentence in enumerate(sentences):
        clauses = _clauses(sentence)
        stripped = clauses[0]  # the whole sentence, filler stripped
        # "And you?" alone, or after "I'm good" or small talk, returns the courtesy; after one's own needs it asks about theirs.
        reciprocal = _reciprocal(sentence, clauses, [*before, *sentences[:n]])
        asked_for = bool(lx.ASKING_LEAD.match(stripped))  # "Tell me, how are things going?" asks for real
        if lx.CHAT_QUESTION.search(stripped) and not lx.HOUSEKEEPING.search(stripped):
            pleasantries.append(typed[n])
            question = _question(sentence, clauses)
            if question and question.function == "inquiry":
                chat.append(replace(question, text=typed[n], probe=None))
            continue
        if (lx.PLEASANTRY.search(stripped) and not asked_for) or reciprocal == "small-talk":
            pleasantries.append(typed[n])
            continue
        if lx.HOUSEKEEPING.search(stripped):
            housekeeping.append(typed[n])
            continue
        hostility = _hostility(sentence)
        if hostility:
            hostile.append((hostility, typed[n]))
        # A question thrown in anger argues; it does not ask.
        offers = any(o for i, o in enumerate(offering) if i != n)
        question = _question(sentence, clauses, argues=bool(hostility), offers=offers, reciprocal=reciprocal)
        if question:
            asked.append(replace(question, text=typed[n]))
    proposal = first(iw.PROPOSAL) or next((q.text for q in asked if q.function == "proposal"), None)
    plain_text = plain(text)  # the whole text, spacing kept: the sentence model caches it by its exact words
    return Reading(
        text=text,
        plain=plain_text,
        stems=stems_of(plain_text),
        english=looks_english(plain_text),
        asked=tuple(asked),
        pleasantries=tuple(pleasantries),
        chat=tuple(chat),
        housekeeping=tuple(housekeeping),
        hostile=tuple(hostile),
        split=first(tone.SPLIT),
        acknowledge=first(tone.ACKNOWLEDGE),
        joint=first(tone.JOINT),
        transparent=first(tone.TRANSPARENT),
        promise=first(tone.PROMISE),
        proposal=proposal,
        exploring=bool(iw.EXPLORING.search(plain_text)),
    )

"""Small, deterministic text tools shared by the coach, the rules and the checks."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from simulator.errors import InvalidMessageError

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A sentence runs to its closing punctuation. A point before a digit ("$0.50", "2.5 days") does not close one,
# nor do question marks run into Latin-1 debris ("??Â¸", text whose encoding was mangled on the way in).
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d)|\?+(?=[\u0080-\u00ff\ufffd]))+(?:[.!?]+|\n|$)")
# C0/C1 control characters other than tab and newline, plus zero-width and bidi
# marks that render invisibly and confuse matching.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Words that carry no topic; left out when comparing content.
STOPWORDS = frozenset(
    (
        "a about above after again all am an and any are as at be because been before being below between "
        "both but by can could did do does doing don't down during each few for from further had has have "
        "having he her here hers him his how i i'd i'll i'm i've if in into is it it's its itself just let's "
        "me more most my myself no nor not now of off on once only or other our ours ourselves out over own "
        "really same she should so some such than that that's the their theirs them themselves then there "
        "these they this those through to too under until up very was we we're were what when where which "
        "while who whom why will with would you you're your yours yourself yourselves tell help understand "
        "like look make need want get go going know think say said also well much many thing things way"
    ).split()
)
_ENGLISH_MARKERS = frozenset(
    ("the a an and is are you your we our i to of for what how why that this it can could would do not").split()
)


def any_of(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `patterns`: how the rule vocabularies are written."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def stem(word: str) -> str:
    """A crude suffix stripper: enough to make 'budgets', 'budgeted' and 'budgeting' meet."""
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes kept inside words."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


@lru_cache(maxsize=4096)
def stems_of(text: str) -> frozenset[str]:
    """The set of stems in a text (cached: persona cues are matched every turn)."""
    return frozenset(stem(w) for w in words(text))


@lru_cache(maxsize=4096)
def content_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry topic (stopwords removed)."""
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 2)


def cue_matches(cue: str, message_stems: frozenset[str]) -> bool:
    """True when every word of the cue appears in the message."""
    cue_stems = stems_of(cue)
    return bool(cue_stems) and cue_stems <= message_stems


def matching_cues(cues: Iterable[str], message_stems: frozenset[str]) -> list[str]:
    return [c for c in cues if cue_matches(c, message_stems)]


def split_sentences(text: str) -> list[str]:
    """Sentences with their closing punctuation, in order."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's content stems that the other text also has (0..1)."""
    sa, sb = content_stems(a), content_stems(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def looks_english(text: str) -> bool:
    """A cheap check: enough Latin letters and at least one common English word in a longer message."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "a" <= c.lower() <= "z")
    if latin / len(letters) < 0.6:
        return False
    tokens = words(text)
    if len(tokens) < 4:
        return True
    return any(t in _ENGLISH_MARKERS for t in tokens)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` with unpaired surrogates (which no browser sends, but an API call can) replaced by U+FFFD:
    they cannot be encoded as UTF-8, so SQLite and every file format we write would refuse them."""
    return _SURROGATE.sub("\ufffd", text)


def clean_message(text: str, max_chars: int) -> str:
    """Normalise a user message or raise `InvalidMessageError` saying what to change."""
    if text is None:
        raise InvalidMessageError("the message is empty: type what you want to say, then send it")
    cleaned = _CONTROL.sub("", unicodedata.normalize("NFC", storable(str(text)))).strip()
    if not cleaned:
        if text.strip():
            raise InvalidMessageError("the message holds only control characters: type what you want to say in words")
        raise InvalidMessageError("the message is empty: type what you want to say, then send it")
    if len(cleaned) > max_chars:
        raise InvalidMessageError(
            f"the message is {len(cleaned):,} characters; the limit is {max_chars:,}. "
            "Say one thing at a time: shorten it and send again (your text is still in the box)"
        )
    return cleaned


def shorten(text: str, limit: int = 160) -> str:
    """Quote-friendly cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"

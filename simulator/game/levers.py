"""What a proposal does beyond splitting: value levers, and the parts that make an agreement last."""

from __future__ import annotations

import re

from simulator.coach.reading import Reading
from simulator.text import any_of, split_sentences

VALUE_LEVERS: dict[str, re.Pattern[str]] = {
    "spare resources": any_of(
        r"\bspare\b",
        r"\bunused\b",
        r"\bidle\b",
        r"\bsurplus\b",
        r"\bleftover\b",
        r"\bcapacity\b",
        r"\bextra (?:slots?|hours|stock|room)\b",
    ),
    "timing": any_of(
        r"\bphas(?:e|ed|ing)\b",
        r"\bstagger",
        r"\bdefer",
        r"\bspread\b",
        r"\binstal?ments?\b",
        r"\bearlier\b",
        r"\blater date\b",
        r"\bmilestones?\b",
        r"\bschedule\b",
        r"\bfirst (?:module|release|phase|part)\b",
    ),
    "repackaging": any_of(
        r"\bbundl",
        r"\brepackag",
        r"\bscope\b",
        r"\bmodules?\b",
        r"\btiers?\b",
        r"\bpackage\b",
        r"\bfewer\b",
        r"\bsmaller (?:order|package|scope)\b",
    ),
    "moving risk": any_of(
        r"\bguarantee",
        r"\bpenalt",
        r"\bwarrant",
        r"\binsur",
        r"\brisk\b",
        r"\bpilot\b",
        r"\btrial\b",
        r"\bmoney[- ]back\b",
        r"\bbuy[- ]?back\b",
        r"\bsale or return\b",
        r"\bservice credits?\b",
    ),
    "future business": any_of(
        r"\bnext year\b",
        r"\brenewal\b",
        r"\bmulti-?year\b",
        r"\blong[- ]term\b",
        r"\bfuture\b",
        r"\breferences?\b",
        r"\breferrals?\b",
        r"\bcase stud",
        r"\bexclusiv",
        r"\bfirst refusal\b",
    ),
}

DURABILITY: dict[str, re.Pattern[str]] = {
    "expectations": any_of(
        r"\bwho (?:does|will do|owns|is responsible)\b",
        r"\bby when\b",
        r"\bresponsib",
        r"\bin writing\b",
        r"\bwrite (?:it|this) (?:up|down)\b",
        r"\bscope\b",
        r"\bdeliverables?\b",
        r"\bexpectations?\b",
        r"\bwe(?:'ll| will) deliver\b",
        r"\byou(?:'ll| will) (?:get|have|receive)\b",
    ),
    "success metrics": any_of(
        r"\bmeasur",
        r"\bmetrics?\b",
        r"\bkpis?\b",
        r"\bsuccess looks\b",
        r"\bbenchmark",
        r"\btargets?\b",
        r"\bservice level",
        r"\bsla\b",
        r"\bon-time rate\b",
        r"\bhow we(?:'ll| will) know\b",
    ),
    "communication": any_of(
        r"\bweekly\b",
        r"\b(?:each|every) (?:week|fortnight|month)\b",
        r"\b(?:stay|keep) in touch\b",
        r"\bmonthly\b",
        r"\bcheck[- ]?ins?\b",
        r"\bcall\b",
        r"\bupdates?\b",
        r"\breport(?:s|ing)?\b",
        r"\bmeet(?:ing)?s?\b",
        r"\bpoint of contact\b",
        r"\bkeep you (?:posted|informed)\b",
        r"\bearly warning\b",
        r"\bheads[- ]up\b",
    ),
    "adjustment": any_of(
        r"\breview\b",
        r"\brevisit",
        r"\badjust",
        r"\bif (?:things|anything|circumstances) change",
        r"\brenegotiat",
        r"\bbreak clause\b",
        r"\bopt[- ]out\b",
        r"\bexit clause\b",
        r"\breopen\b",
        r"\bafter (?:three|six|3|6) months\b",
    ),
}


# The trainee closing the deal ("agreed", "let's shake on it"); read only once they have agreed in principle.
CONFIRMS = any_of(
    r"^(?:yes|yep|yeah|agreed|deal|done|confirmed|perfect|great)\b[.!]*",
    r"\b(?:we have|it's|that's|then it's|you have) (?:a|our) deal\b",
    r"\b(?:let's|let us|happy to|ready to|we can) (?:do it|sign|shake|close|agree|go ahead|proceed|move forward)\b",
    r"\bshake on it\b",
    r"\bi (?:agree|confirm|accept)\b",
    r"\bwe(?:'re| are) agreed\b",
    r"\bagreed\b",
    r"\bsounds good\b",
)


# Each part of a lasting deal in plain words, for the trainee and for a model voice.
PART_PHRASE = {
    "expectations": "who does what by when",
    "success metrics": "how you will measure success",
    "communication": "how you will keep in touch",
    "adjustment": "how you will adjust if things change",
}


def put_forward(reading: Reading) -> str:
    """The sentences that put something on the table. A question about them ("what matters to you in this
    renewal?", "how would you measure success?") names a lever or a term without offering it."""
    asking = {q.text for q in reading.questions if q.kind == "open" or q.probe}
    return " ".join(s for s in split_sentences(reading.text) if s not in asking)


def confirms(reading: Reading) -> bool:
    return any(CONFIRMS.search(s.strip()) for s in split_sentences(reading.plain)) and not reading.hostile


def levers_in(text: str) -> list[str]:
    return [name for name, pattern in VALUE_LEVERS.items() if pattern.search(text)]


def durability_in(text: str) -> list[str]:
    return [name for name, pattern in DURABILITY.items() if pattern.search(text)]


def evidence(text: str, pattern: re.Pattern[str]) -> str:
    """The sentence that shows it."""
    return next((s for s in split_sentences(text) if pattern.search(s)), text)

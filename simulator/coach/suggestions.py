"""One concrete better thing to have said, built from the message and what is visible now."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.coach import interest_words as iw
from simulator.coach.reading import Reading
from simulator.persona.model import Archetype, Level, Persona
from simulator.text import matching_cues, shorten

# Deeper questions to try once the surface is covered, by the depth not yet reached.
DEEPER = {
    Level.PRACTICAL: "What would need to be true on your side for this to work?",
    Level.POLITICAL: "Who else will judge how this turns out, and what will they look for?",
    Level.EMOTIONAL: "What has been the most frustrating part of this for you so far?",
    Level.IDENTITY: "What kind of outcome would you be proud to put your name to?",
}


@dataclass(frozen=True)
class Advice:
    """Which kind of tip fits this message (None: only the rule line will do), the rule-made line, and the problem
    the rules saw, put the way tip situations are written so that the closest tip can be found by meaning."""

    criterion: str | None
    text: str
    situation: str = ""


@dataclass(frozen=True)
class Visible:
    """What the coach may draw on when it speaks to the trainee."""

    persona: Persona | None
    uncovered: tuple[str, ...]
    terms: tuple[str, ...]
    turn: int
    phase: str = "understanding"
    previous: str | None = None  # what the other side said last, when known


def topic_of(reading: Reading, persona: Persona | None) -> str:
    """The position the message is about, else their headline position."""
    if persona is None:
        return "this"
    for position in persona.positions:
        if matching_cues(position.cues, reading.stems):
            return position.topic
    return persona.positions[0].topic


# The problems the rules can name, each in the words the tip library's situations are written in.
SITUATION: dict[str, str] = {
    "threat": "The user threatened to walk away or take their business to someone else.",
    "ultimatum": "The user issued an ultimatum such as 'take it or leave it' or 'this is my final offer'.",
    "insult": "The user insulted the counterpart or brushed off their concern.",
    "dismissive": "The user insulted the counterpart or brushed off their concern.",
    "undervalues": "The user played down the counterpart's needs, as if they did not really need what they asked for.",
    "shouting": "The user was getting heated, typing in capital letters.",
    "split": "The user offered to split the difference or meet halfway on the number.",
    "rhetorical": "The user phrased an argument as a question, such as 'Wouldn't it be smarter to accept?'",
    "early_proposal": "The user started proposing terms before asking what a good outcome would look like for the "
    "counterpart.",
    "unchecked_option": "The user proposed an option built on what the counterpart told them, without checking it "
    "meets their need or agreeing how it will be followed up.",
    "small_talk": "The user opened with pleasantries or small talk and did not ask anything about the counterpart's "
    "needs.",
    "statement": "The user stated their own view as a flat statement without asking the counterpart anything.",
    "figure": "The user asked straight out for the counterpart's budget, price or bottom line.",
    "closed": "The user asked a yes/no question which invites a one-word answer.",
    "terms": "The user asked about the figure, the date or the terms themselves rather than what they are meant to "
    "achieve for the counterpart.",
    "no_acknowledgement": "The user asked questions without showing they take the counterpart's point of view "
    "seriously.",
    "no_acknowledgement_low_trust": "The user asked a wary counterpart questions without sharing anything about their "
    "own situation.",
    "no_acknowledgement_competitive": "The user asked a tough counterpart questions without first acknowledging the "
    "pressure or demand they put forward.",
    "no_acknowledgement_unreasonable": "The user questioned a counterpart making extreme demands without recognising "
    "how strongly they feel about the matter.",
    "shallow_practical": "The user never asked what is stopping the counterpart from moving, or what would need to be "
    "true on their side.",
    "shallow_political": "The user treated the counterpart as the only person who matters, ignoring who else will "
    "judge the outcome.",
    "shallow_emotional": "The user skipped past how the counterpart feels about the situation and stayed on terms.",
    "shallow_identity": "The user never asked how the counterpart wants to come across or what they would be proud of.",
    "unmeasured": "The user agreed to a deal without saying how either side will know whether it is working.",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _exploring(visible: Visible) -> str | None:
    persona = visible.persona
    if persona is None:
        return None
    for interest_id in visible.uncovered:
        if interest_id in visible.terms:
            continue
        interest = persona.interest(interest_id)
        satisfier = interest.satisfiers[visible.turn % len(interest.satisfiers)]
        return (
            f"You have learned what sits behind their position ({_lower_first(interest.summary.rstrip('.'))}). "
            f"Explore an option that meets it: 'What if we {_lower_first(satisfier.description.rstrip('.'))}?'"
        )
    return None


def _deeper(visible: Visible) -> Advice:
    reached = set()
    if visible.persona is not None:
        reached = {visible.persona.interest(i).level for i in visible.uncovered}
    missing = [lv for lv in (Level.PRACTICAL, Level.POLITICAL, Level.EMOTIONAL, Level.IDENTITY) if lv not in reached]
    if missing:
        level = missing[visible.turn % len(missing)]
        return Advice(
            "interests",
            f"Good question. Next, reach for {level.value} needs too: '{DEEPER[level]}'",
            SITUATION[f"shallow_{level.value}"],
        )
    return Advice(
        "agreement",
        "You have reached every depth. Make the deal last: 'How shall we measure whether this is working, and when do we review it?'",
        SITUATION["unmeasured"],
    )


def suggest(reading: Reading, scores: dict[str, int], visible: Visible) -> Advice:
    """The most serious problem first: which kind of tip fits, and a line built from rules alone."""
    topic = topic_of(reading, visible.persona)
    hostile_kinds = {kind for kind, _ in reading.hostile}
    archetype = visible.persona.archetype if visible.persona else None
    if not reading.english:
        return Advice(
            None,
            "The coach reads English only. Try it in English, for example: 'What would a good outcome look like for you?'",
        )
    if hostile_kinds & {"threat", "ultimatum"}:
        return Advice(
            "collaboration",
            "Pressure makes a hard counterpart dig in. Drop the ultimatum and ask instead: "
            f"'I can see {topic} matters a lot to you. What does it need to achieve?'",
            SITUATION["ultimatum" if "ultimatum" in hostile_kinds else "threat"],
        )
    if hostile_kinds:
        return Advice(
            "collaboration",
            "Keep the heat out of your words; answering aggression with aggression ends the talk. Try: "
            f"'I came on strong there. Help me understand what is behind {topic}.'",
            SITUATION[reading.hostile[0][0]],
        )
    if reading.split:
        return Advice(
            "collaboration",
            "Splitting the difference leaves both sides' real needs unmet. Try: "
            f"'Before we pick a number, what does {topic} have to cover for you?'",
            SITUATION["split"],
        )
    if reading.rhetorical and scores["interests"] < 2:
        return Advice(
            "questions",
            f"That question argues rather than asks. Try a real one: 'What would {topic} make possible for you?'",
            SITUATION["rhetorical"],
        )
    if reading.proposal and not visible.uncovered and scores["interests"] < 2:
        return Advice(
            "interests",
            "It is early to propose: you do not yet know why they want what they want. Try: "
            "'Before I suggest anything, what would a good result look like for you?'",
            SITUATION["early_proposal"],
        )
    if reading.proposal and visible.uncovered:
        return Advice(
            "agreement",
            "Good: an option built on what they told you. Check it lands, then make it last: "
            f"'Would that meet what you need on {topic}? And how should we check it is working?'",
            SITUATION["unchecked_option"],
        )
    if reading.chat and scores["interests"] < 2:
        return Advice(
            "questions",
            "A friendly question, and it builds rapport; follow it with one about the deal: "
            f"'And on {topic}, what are you hoping to walk away with?'",
            SITUATION["small_talk"],
        )
    if scores["questions"] == 0:
        return Advice(
            "questions",
            f"You told without asking. End with an open question: 'What is driving {topic} for you?'",
            SITUATION["small_talk" if reading.pleasantries else "statement"],
        )
    if scores["questions"] == 1:
        closed = next((q.text for q in reading.questions if q.kind == "closed"), "")
        return Advice(
            "questions",
            f"'{shorten(closed, 80)}' can be answered in a word. Open it up: 'What would make {topic} work for you?'",
            SITUATION["figure" if any(iw.DETAIL.search(q.plain) for q in reading.questions) else "closed"],
        )
    if scores["interests"] < 2:
        return Advice(
            "interests",
            f"You asked about the terms themselves; ask what they are for: 'What does {topic} need to achieve for you?'",
            SITUATION["terms"],
        )
    if scores["collaboration"] < 2:
        if archetype is Archetype.LOW_TRUST:
            return Advice(
                "collaboration",
                "They trust little, and questions alone will not change that. Share a real constraint of yours first: "
                "'To be open about my side: here is what I can and cannot do, and why.'",
                SITUATION["no_acknowledgement_low_trust"],
            )
        if archetype is Archetype.COMPETITIVE:
            return Advice(
                "collaboration",
                f"Acknowledge the pressure before you ask, without conceding: 'I hear that {topic} is firm for you.'",
                SITUATION["no_acknowledgement_competitive"],
            )
        if archetype is Archetype.UNREASONABLE:
            return Advice(
                "collaboration",
                "Recognise how strongly they feel before you question the demand: "
                f"'It sounds like {topic} comes after a lot of frustration.'",
                SITUATION["no_acknowledgement_unreasonable"],
            )
        return Advice(
            "collaboration",
            f"Add a line that shows you take their side seriously: 'I can see why {topic} matters to you.'",
            SITUATION["no_acknowledgement"],
        )
    exploring = _exploring(visible)
    if exploring:
        return Advice(None, exploring)
    return _deeper(visible)

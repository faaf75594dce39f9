"""What earns credit once their interests are known: the method's later phases, exploring and building.

In understanding, only questions that seek understanding count, and a proposal is marked as one. Later, the
method asks for options put as questions and for an agreement that will last, so the same three criteria
reward those (the rubric table is in the README and `prompts/coach.txt`):

- exploring or building, an option put as a question ("what if we phased it?") is an open question; it probes
  when it builds on an interest they told you or adds value (a lever such as timing or risk);
- a proposal that meets an interest they told you about earns `interests` 2;
- terms that make the deal last (expectations, success metrics, communication, adjustment) earn `interests` 2,
  and `questions` 2 when checked with them ("does that work for you?"), else 1.
"""

from __future__ import annotations

from simulator.coach.grade import Criterion, InterestsCriterion
from simulator.coach.lexicon import OPTION_QUESTION
from simulator.coach.reading import Reading
from simulator.coach.suggestions import Visible
from simulator.game.levers import DURABILITY, durability_in, evidence, levers_in, put_forward
from simulator.text import matching_cues, shorten

LATER_PHASES = ("exploring", "building")


def _met(reading: Reading, visible: Visible) -> list[str]:
    """Uncovered interests this message offers a satisfier for (their own words told the trainee about them)."""
    if visible.persona is None:
        return []
    return [
        i
        for i in visible.uncovered
        if any(matching_cues(s.cues, reading.stems) for s in visible.persona.interest(i).satisfiers)
    ]


def later_phase(
    reading: Reading, visible: Visible, questions: Criterion, interests: InterestsCriterion
) -> tuple[Criterion, InterestsCriterion]:
    """The two asking criteria for a message sent in exploring or building (unchanged in understanding)."""
    if visible.phase not in LATER_PHASES or reading.hostile or reading.split:
        return questions, interests
    options = [q for q in reading.asked if q.function == "proposal" and OPTION_QUESTION.match(q.plain.strip())]
    parts = durability_in(put_forward(reading))
    checks = bool(reading.asked) or "?" in reading.text
    part_text = shorten(evidence(reading.text, DURABILITY[parts[0]])) if parts else ""
    if questions.score < 2:
        if options:
            questions = Criterion(score=2, evidence=shorten(options[0].text), reason="explores an option as a question")
        elif parts and checks:
            questions = Criterion(
                score=2, evidence=part_text, reason="puts terms that make the deal last and checks them with them"
            )
        elif parts and questions.score == 0:
            questions = Criterion(score=1, evidence=part_text, reason="states terms without asking their view")
    if interests.score < 2:
        met = _met(reading, visible) if (options or reading.proposal or parts) else []
        levers = levers_in(options[0].plain) if options else []
        if met:
            sentence = options[0].text if options else (reading.proposal or reading.text)
            interests = InterestsCriterion(
                score=2, evidence=shorten(sentence), reason="builds on an interest they told you about"
            )
        elif options and levers:
            interests = InterestsCriterion(
                score=2, evidence=shorten(options[0].text), reason=f"explores an option that adds value ({levers[0]})"
            )
        elif parts:
            interests = InterestsCriterion(
                score=2, evidence=part_text, reason="makes the agreement last: " + ", ".join(parts)
            )
        elif options and interests.score < 1:
            interests = InterestsCriterion(score=1, evidence=shorten(options[0].text), reason="explores an option")
    return questions, interests

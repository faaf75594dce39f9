"""The persona check: can this counterpart be played, won, and coached as its author meant?

Run before publishing (`python -m simulator check PERSONA|FILE`, and the Studio's Check button). Errors block
publishing; warnings are shown. Everything here plays the real rules with the real coach, offline and
deterministically: the same persona gives the same report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from statistics import mean
from typing import Any, Literal

from simulator.coach.grade import Grade
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import Coach, RuleCoach
from simulator.counterpart.scripted import ScriptedVoice
from simulator.game.rules import advance, initial_state
from simulator.game.state import GameState, Outcome
from simulator.persona.files import schema_problems
from simulator.persona.model import HiddenInterest, Persona
from simulator.persona.secrets import leaks
from simulator.session.practice import visible_to_coach
from simulator.session.sparring import OPENERS, OPENNESS, BadNegotiator, GoodNegotiator
from simulator.studio.paraphrases import paraphrases

Severity = Literal["error", "warning"]
SPLIT_LINES = (
    "Let's just split the difference and meet in the middle.",
    "Meet me halfway and we can both go home.",
    "Fine, fifty-fifty: we each give up half.",
)


@dataclass(frozen=True)
class Finding:
    severity: Severity
    check: str  # reachable, paraphrase, near_tie, sparring, leak, lines
    where: str  # the field path the author should look at
    message: str  # what is wrong and what to do


@dataclass(frozen=True)
class Difficulty:
    """How the good script fared with one interest."""

    interest_id: str
    level: str
    trust_needed: int
    uncovered_turn: int | None  # None: the good script never uncovered it
    trust_then: int | None


@dataclass
class CheckReport:
    persona_id: str
    findings: list[Finding] = field(default_factory=list)
    difficulty: list[Difficulty] = field(default_factory=list)
    agreement_turn: int | None = None  # when the good script reached agreement
    peer_agreement_turn: float | None = None  # the same, on average, for built-in personas of the same archetype

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        verdict = "passed" if self.passed else "failed"
        return f"check {verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "persona_id": self.persona_id,
            "passed": self.passed,
            "summary": self.summary(),
            "findings": [asdict(f) for f in self.findings],
            "difficulty": [asdict(d) for d in self.difficulty],
            "agreement_turn": self.agreement_turn,
            "peer_agreement_turn": self.peer_agreement_turn,
        }

    def text(self) -> str:
        """The report as the CLI prints it."""
        out = [f"{self.persona_id}: {self.summary()}"]
        for f in self.errors + self.warnings:
            out.append(f"  {f.severity.upper():7} [{f.check}] {f.where}: {f.message}")
        out.append("  interest                 level      trust needed  uncovered at turn  trust then")
        for d in self.difficulty:
            turn = str(d.uncovered_turn) if d.uncovered_turn is not None else "never"
            out.append(
                f"  {d.interest_id:<24} {d.level:<10} {d.trust_needed:>12}  {turn:>17}  {d.trust_then if d.trust_then is not None else '-':>10}"
            )
        agreed = str(self.agreement_turn) if self.agreement_turn is not None else "no agreement"
        peer = self.peer_agreement_turn
        out.append(
            f"  good script agreement: {agreed}"
            + (f" (built-in personas of this archetype: turn {peer:.1f} on average)" if peer is not None else "")
        )
        return "\n".join(out)


@dataclass
class Playthrough:
    state: GameState
    trust: list[int]  # trust after each turn
    lines: Counter[str]  # written lines used, by key


Speaker = Callable[[GameState], str]


def play(
    persona: Persona, coach: Coach, speaker: Speaker, stop: Callable[[GameState], bool] | None = None
) -> Playthrough:
    """A whole game (or until `stop`) with the rules, the coach and the scripted voice; nothing is stored."""
    state = initial_state(persona)
    voice = ScriptedVoice()
    trust: list[int] = []
    while not state.ended and not (stop is not None and stop(state)):
        text = speaker(state)
        reading = read_message(text)
        grade = coach.grade(reading, visible_to_coach(persona, state))
        state, moves = advance(persona, state, reading, grade)
        state = state.with_lines_said(voice.say(persona, state, moves).lines)
        trust.append(state.trust)
    return Playthrough(state, trust, Counter(state.lines_said))


def _warm(persona: Persona, turn: int) -> str:
    warm = OPENERS[turn % len(OPENERS)]
    if persona.archetype.value == "low_trust":
        warm = f"{warm} {OPENNESS[turn % len(OPENNESS)]}"
    return warm


def _asking(persona: Persona, interest: HiddenInterest) -> Speaker:
    """Warmly, one of the interest's own probes after another."""
    asked = [0]

    def speaker(state: GameState) -> str:
        n = asked[0]
        asked[0] += 1
        return f"{_warm(persona, state.turn)} {interest.probes[n % len(interest.probes)]}"

    return speaker


def _found(interest_id: str) -> Callable[[GameState], bool]:
    return lambda state: interest_id in state.uncovered_ids


def _reachable(persona: Persona, coach: Coach) -> list[Finding]:
    """Each interest, asked about only with its own probes (warmly), must come out before the game ends."""
    findings = []
    for interest in persona.hidden_interests:
        game = play(persona, coach, _asking(persona, interest), stop=_found(interest.id))
        if interest.id not in game.state.uncovered_ids:
            best = max(game.trust) if game.trust else persona.trust
            findings.append(
                Finding(
                    "error",
                    "reachable",
                    f"hidden_interests({interest.id}).probes",
                    f"its own probes never uncovered it in play (trust peaked at {best}, it needs "
                    f"{interest.trust_needed}; the game ended: {game.state.outcome.value if game.state.outcome else 'open'}). "
                    "Lower trust_needed, or add cues that its probes use.",
                )
            )
    return findings


def _targets(coach: Coach, persona: Persona, texts: Sequence[str]) -> list[Grade]:
    blank = initial_state(persona)
    visible = visible_to_coach(persona, blank)
    return [coach.grade(read_message(t), visible) for t in texts]


def _paraphrased(persona: Persona, coach: Coach) -> list[Finding]:
    """The coach should send at least one question about an interest's kind of need, in words the file never
    uses, to that interest (or, when several interests share the level, to one of them)."""
    findings = []
    for level in {i.level for i in persona.hidden_interests}:
        same = [i.id for i in persona.hidden_interests if i.level is level]
        questions = paraphrases(persona, level)
        if not questions:
            continue
        grades = _targets(coach, persona, questions)
        hit = {t for g in grades for t in g.interests.targets if t in same}
        for interest_id in same:
            if interest_id not in hit and len(hit) == 0:
                findings.append(
                    Finding(
                        "warning",
                        "paraphrase",
                        f"hidden_interests({interest_id}).cues",
                        f"asked about its {level.value} need in other words (e.g. '{questions[0]}'), the coach "
                        "did not see a probe of this interest. Add probes and cues in everyday words.",
                    )
                )
    return findings


def near_ties(persona: Persona, coach: Coach) -> list[tuple[str, str, str]]:
    """(interest, another interest the coach sent its probe to, the probe)."""
    pairs = []
    for interest in persona.hidden_interests:
        for probe, grade in zip(interest.probes, _targets(coach, persona, interest.probes), strict=True):
            # Sent elsewhere, or sent to both: either way the coach cannot tell the two apart on this probe.
            pairs += [(interest.id, other, probe) for other in grade.interests.targets if other != interest.id]
    return pairs


TIE_SHARE = 0.5  # a pair is a near-tie when at least this share of one interest's probes also go to the other


def _ties(persona: Persona, coach: Coach) -> list[Finding]:
    found: dict[tuple[str, str], list[str]] = {}
    for own, other, probe in near_ties(persona, coach):
        found.setdefault((own, other), []).append(probe)
    findings = []
    for (own, other), probes in sorted(found.items()):
        total = len(persona.interest(own).probes)
        if len(probes) < TIE_SHARE * total:
            continue  # a question may touch two needs; only a habit of confusing them is a tie
        findings.append(
            Finding(
                "warning",
                "near_tie",
                f"hidden_interests({own}).probes",
                f"near-tie with '{other}': {len(probes)} of {total} probes of '{own}' also go to '{other}' "
                f"(e.g. '{probes[0]}'). Make the two interests' cues and probes more distinct, or merge them.",
            )
        )
    return findings


def _sparring(persona: Persona, coach: Coach) -> tuple[list[Finding], Playthrough]:
    findings = []
    good = play(persona, coach, GoodNegotiator(persona).next_message)
    if good.state.outcome is not Outcome.AGREEMENT:
        findings.append(
            Finding(
                "error",
                "sparring",
                "deal",
                f"a good negotiator using the persona's own probes and satisfiers did not reach agreement "
                f"(outcome: {good.state.outcome.value if good.state.outcome else 'open'}, uncovered "
                f"{len(good.state.uncovered)} of {len(persona.hidden_interests)}, trust {good.state.trust}). "
                "Check deal.min_trust, trust_needed and the satisfiers' cues.",
            )
        )
    bad = play(persona, coach, BadNegotiator(persona).next_message)
    if bad.state.outcome is Outcome.AGREEMENT or bad.state.uncovered:
        findings.append(
            Finding(
                "error",
                "sparring",
                "hidden_interests",
                f"a negotiator who only demands and threatens uncovered {len(bad.state.uncovered)} interest(s) "
                f"and ended with '{bad.state.outcome.value if bad.state.outcome else 'open'}'. Raise trust_needed "
                "or lower the starting trust.",
            )
        )
    split = play(persona, coach, lambda state: SPLIT_LINES[state.turn % len(SPLIT_LINES)])
    if split.state.outcome is Outcome.AGREEMENT:
        findings.append(
            Finding("error", "sparring", "deal", "splitting the difference reached agreement; raise deal.min_uncovered")
        )
    for game, who in ((good, "a good negotiator"), (bad, "a bad negotiator")):
        findings += _repeats(persona, game, who)
    return findings, good


def _options(persona: Persona, key: str) -> tuple[str, int]:
    if key.startswith("deflect:"):
        interest_id = key.split(":", 1)[1]
        return f"hidden_interests({interest_id}).deflections", len(persona.interest(interest_id).deflections)
    return f"lines.{key}", len(getattr(persona.lines, key))


def _repeats(persona: Persona, game: Playthrough, who: str) -> list[Finding]:
    findings = []
    for key, used in sorted(game.lines.items()):
        if key.startswith("closing:"):
            continue  # the closing step's lines are Parley's own, per archetype (simulator/data/closing.yaml)
        where, count = _options(persona, key)
        if used > count:
            findings.append(
                Finding(
                    "warning",
                    "lines",
                    where,
                    f"against {who} this move came {used} times but has {count} line(s), so lines repeat; "
                    f"write {used - count} more",
                )
            )
    return findings


def _leaks(persona: Persona) -> list[Finding]:
    return [Finding("error", "leak", where, message) for where, message in leaks(persona, strict=True)]


def _difficulty(persona: Persona, good: Playthrough) -> list[Difficulty]:
    found = {u.interest_id: u.turn for u in good.state.uncovered}
    return [
        Difficulty(
            interest_id=i.id,
            level=i.level.value,
            trust_needed=i.trust_needed,
            uncovered_turn=found.get(i.id),
            trust_then=good.trust[found[i.id] - 1] if i.id in found and found[i.id] <= len(good.trust) else None,
        )
        for i in persona.hidden_interests
    ]


def check_persona(persona: Persona, coach: Coach, peers: Sequence[Persona] = ()) -> CheckReport:
    """Every check, in the order an author fixes things: leaks, reachability, winnability, coaching."""
    if isinstance(coach, RuleCoach):
        coach = coach.knowing(persona)  # a draft's interests are not in the coach's index yet
    report = CheckReport(persona.id)
    report.findings += _leaks(persona)
    report.findings += _reachable(persona, coach)
    sparring, good = _sparring(persona, coach)
    report.findings += sparring
    report.findings += _ties(persona, coach)
    report.findings += _paraphrased(persona, coach)
    report.difficulty = _difficulty(persona, good)
    report.agreement_turn = good.state.turn if good.state.outcome is Outcome.AGREEMENT else None
    same = [p for p in peers if p.archetype is persona.archetype and p.id != persona.id]
    turns = []
    for peer in same:
        game = play(peer, coach, GoodNegotiator(peer).next_message)
        if game.state.outcome is Outcome.AGREEMENT:
            turns.append(game.state.turn)
    report.peer_agreement_turn = round(mean(turns), 1) if turns else None
    return report


def check_data(data: Any, where: str, coach: Coach, peers: Sequence[Persona] = ()) -> CheckReport:
    """Check persona data that may not even be valid yet: schema problems are the report's errors."""
    problems = schema_problems(data)
    if problems:
        persona_id = data.get("id") if isinstance(data, dict) else None
        report = CheckReport(str(persona_id or where))
        report.findings = [_schema_finding(problem) for problem in problems]
        return report
    return check_persona(Persona.model_validate(data), coach, peers)


def _schema_finding(problem: str) -> Finding:
    where, _, message = problem.partition(": ")
    return Finding("error", "schema", where, message or problem)

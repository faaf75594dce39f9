"""Which hidden interest a probing message goes after."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from simulator.coach.reading import Reading
from simulator.persona.model import Persona
from simulator.text import content_stems, matching_cues, stem, stems_of

# A question sharing this many content words with one of an interest's probes is about it.
PROBE_WORDS_SHARED = 2


# The nearest interest counts when it is this similar and clearly nearer than the next one.
SEMANTIC_FLOOR = 0.10
SEMANTIC_MARGIN = 0.0
# A question no rule saw as a probe probes an interest when its closeness to the interest's documents, less its
# closeness to the off-deal chat it most resembles (small talk, logistics, offers), reaches this. Closeness alone
# also rewards shared topic words ("your team", "support"), which off-deal questions have as often as probes.
# Negative because the short off-deal exemplars sit near almost any question. Chosen on tests/data/paraphrases.yaml's
# tuning half and a list of off-deal questions.
SEMANTIC_CONTRAST = -0.06
SEMANTIC_CONTRAST_OPEN = -0.09
# The extra lead a question about a figure or a date needs ("how much heat is on you?" probes; "how many units?" does not).
SEMANTIC_CONTRAST_DETAIL = 0.06


# Words an open, general probe is made of; a probe with nothing else goes after what presses most.
GENERIC = frozenset(
    stem(w)
    for w in (
        "outcome outcomes success successful good great best ideal result results achieve achieving goal goals "
        "important matters matter most priority priorities concern concerns worried worry worries need needs want "
        "wants look looks like work works working deal happen happens hoping hope trying help understand tell "
        "more side situation picture right mean means really thing things driving behind reason reasons today "
        "here this that now point would could should think feel"
    ).split()
)


def is_general(text: str) -> bool:
    return not (content_stems(text) - GENERIC)


# Which interest: the mean of its nearest few documents. A single document is often a shared word rather than a
# shared meaning; the mean over all of them drowns a question about one side of the interest in the others.
NEAREST_DOCUMENTS = 4


def ranked_interests(semantic: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """(interest id, mean similarity over its nearest documents), nearest first, from (interest id, similarity)
    pairs for each of an interest's documents."""
    found: dict[str, list[float]] = {}
    for label, score in semantic:
        found.setdefault(label, []).append(score)
    ranked = []
    for label, scores in found.items():
        near = sorted(scores)[-NEAREST_DOCUMENTS:]
        ranked.append((label, sum(near) / len(near)))
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


def nearest_interest(ranked: Sequence[tuple[str, float]]) -> str | None:
    """The interest the question is clearly nearest to, from `ranked_interests`."""
    if not ranked or ranked[0][1] < SEMANTIC_FLOOR:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < SEMANTIC_MARGIN:
        return None
    return ranked[0][0]


def interest_targets(
    reading: Reading,
    persona: Persona,
    uncovered: Collection[str],
    ranked: Sequence[tuple[str, float]] = (),
) -> tuple[list[str], bool]:
    """(interest ids the probes went after, whether they were general rather than specific).

    `ranked` is `ranked_interests` of the question's similarity to each interest's documents, when embeddings are on.
    """
    probes = reading.probes
    if not probes:
        return [], False
    hidden = [i.id for i in persona.hidden_interests if i.id not in uncovered]
    asked = " ".join(q.plain for q in probes)
    asked_stems = stems_of(asked)
    about_position = any(matching_cues(p.cues, asked_stems) for p in persona.positions)
    if not about_position and all(is_general(q.plain) for q in probes):
        return hidden[:1], True
    semantic_best = nearest_interest(ranked)
    asked_content = content_stems(asked)
    scored: list[tuple[int, int, str]] = []
    for order, interest in enumerate(persona.hidden_interests):
        strength = 2 * len(matching_cues(interest.cues, asked_stems))
        shared = max(len(asked_content & content_stems(p)) for p in interest.probes)
        if shared >= PROBE_WORDS_SHARED:
            strength += shared
        if semantic_best and interest.id == semantic_best:
            strength += 4
        if strength:
            scored.append((-strength, order, interest.id))
    specific = [interest_id for _, _, interest_id in sorted(scored)]
    # A why-question about one of their positions goes after the interests behind it.
    for position in persona.positions:
        if matching_cues(position.cues, asked_stems):
            specific += [i for i in position.behind if i not in specific]
    if specific:
        return specific, False
    return hidden[:1], True

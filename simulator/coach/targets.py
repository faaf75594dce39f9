"""Which hidden interest a probing message goes after."""

from __future__ import annotations

from collections.abc import Collection

from simulator.coach.reading import Reading
from simulator.persona import Persona
from simulator.text import content_stems, matching_cues, stems_of

# A question sharing this many content words with one of an interest's probes is about it.
PROBE_WORDS_SHARED = 2


def interest_targets(reading: Reading, persona: Persona, uncovered: Collection[str]) -> tuple[list[str], bool]:
    """(interest ids the probes went after, whether they were general rather than specific)."""
    probes = reading.probes
    if not probes:
        return [], False
    asked = " ".join(q.text for q in probes)
    asked_stems = stems_of(asked)
    asked_content = content_stems(asked)
    scored: list[tuple[int, int, str]] = []
    for order, interest in enumerate(persona.hidden_interests):
        strength = 2 * len(matching_cues(interest.cues, asked_stems))
        shared = max(len(asked_content & content_stems(p)) for p in interest.probes)
        if shared >= PROBE_WORDS_SHARED:
            strength += shared
        if strength:
            scored.append((-strength, order, interest.id))
    specific = [interest_id for _, _, interest_id in sorted(scored)]
    # A why-question about one of their positions goes after the interests behind it.
    for position in persona.positions:
        if matching_cues(position.cues, asked_stems):
            specific += [i for i in position.behind if i not in specific]
    if specific:
        return specific, False
    hidden = [i.id for i in persona.hidden_interests if i.id not in uncovered]
    return hidden[:1], True

"""Questions about each level of need, worded so they share nothing with a persona file: does the coach
recognise an interest from its meaning, not its words?"""

from __future__ import annotations

from typing import Any

from simulator.persona.model import Level, Persona
from simulator.text import content_stems

# Questions about each level of need that a trainee might ask in their own words. Only those that share no
# content word with the persona file are used, so a match shows the coach recognises the meaning, not the words.
PARAPHRASES: dict[Level, tuple[str, ...]] = {
    Level.PRACTICAL: (
        "What is the practical problem behind the request?",
        "Which constraint makes the current offer unworkable for you?",
        "What would you need in hand to make it work next quarter?",
        "What limits are you working within that I may not see?",
        "What has to be true on the ground for this to work for you?",
        "Which concrete problem would this solve for your side?",
        "What would get in the way day to day if we settled it like that?",
        "What does a workable outcome look like in practice?",
        "What are you up against in terms of resources and timing?",
    ),
    Level.EMOTIONAL: (
        "What is weighing on you most about this?",
        "What would make you feel more at ease with us?",
        "What happened last time that still bothers you?",
        "What are you most anxious about here?",
        "How are you feeling about all of this, honestly?",
        "What worries you most when you picture this going wrong?",
        "What has been the hardest part of this for you?",
        "What would give you peace of mind here?",
        "What frustrates you most about how things have gone?",
    ),
    Level.POLITICAL: (
        "Who do you answer to on this?",
        "Whose support do you need to make this happen?",
        "Who gets blamed if this goes badly?",
        "What do your bosses expect you to come back with?",
        "Who else has to be happy with whatever we settle on?",
        "Whose opinion weighs most on you in this?",
        "How will this land with the people above you?",
        "Who inside your organisation is watching how this turns out?",
        "Who would you have to convince before saying yes?",
    ),
    Level.IDENTITY: (
        "What kind of professional do you want this to show you are?",
        "What principle are you standing up for here?",
        "What would you be proud of when you look back on this?",
        "What do people rely on you to be known for?",
        "What does this mean for you personally, beyond the figures?",
        "How do you want to be seen once this is over?",
        "What would it say about you if you gave ground here?",
        "Why does this matter to you as a person?",
        "What reputation are you protecting in this?",
    ),
}


def file_stems(persona: Persona) -> frozenset[str]:
    """Every content word the persona file uses."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, str):
            found.update(content_stems(node))
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(persona.model_dump(mode="json"))
    return frozenset(found)


def paraphrases(persona: Persona, level: Level) -> list[str]:
    """The level's questions that share no content word with the file."""
    used = file_stems(persona)
    return [q for q in PARAPHRASES[level] if not (content_stems(q) & used)]

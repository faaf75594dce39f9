"""How people type in a chat, written out so the sentence rules see the words they are made of.

Phones put typographic apostrophes in ("I’d like to know…"), and people type fast ("wat do u need?").
The rules are written against plain spelling, so each sentence is read in that spelling, while the evidence
still quotes the user's own words.
"""

from __future__ import annotations

import re

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u2032`]")

# Only forms that are not ordinary English words in their own right ("were", "ill", "its", "id" stay as typed).
CHAT_SPELLINGS: dict[str, str] = {
    "u": "you",
    "yu": "you",
    "oyu": "you",
    "yuo": "you",
    "ur": "your",
    "yur": "your",
    "youre": "you're",
    "youve": "you've",
    "youd": "you'd",
    "r": "are",
    "wat": "what",
    "wht": "what",
    "whta": "what",
    "waht": "what",
    "wut": "what",
    "whats": "what's",
    "wats": "what's",
    "hw": "how",
    "hows": "how's",
    "wheres": "where's",
    "whos": "who's",
    "thats": "that's",
    "theyre": "they're",
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "cant": "can't",
    "wont": "won't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "pls": "please",
    "plz": "please",
    "thx": "thanks",
    "cuz": "because",
    "coz": "because",
}
# A whole word only: not part of "U.S." or "R&D", nor of a longer word or contraction.
_CHAT_WORD = re.compile(
    r"(?<![\w.'&-])(" + "|".join(sorted(map(re.escape, CHAT_SPELLINGS), key=len, reverse=True)) + r")(?![\w'&-]|\.\w)",
    re.IGNORECASE,
)


def plain(sentence: str) -> str:
    """The sentence with plain apostrophes and chat spellings written out; capitals kept where they shout."""
    shouting = sentence.isupper()

    def written_out(match: re.Match[str]) -> str:
        typed = match.group(1)
        word = CHAT_SPELLINGS[typed.lower()]
        if typed.isupper() and (len(typed) > 1 or shouting):
            return word.upper()
        return word.capitalize() if typed[0].isupper() else word

    return _CHAT_WORD.sub(written_out, _APOSTROPHES.sub("'", sentence))

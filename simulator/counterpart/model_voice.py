"""A model-backed counterpart: the rules still choose the move; the model only finds the words.

Every reply is checked (no hidden interest, in character, no agreeing the rules did not grant).
A failed check regenerates once; then the scripted line is used, with a notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from simulator.counterpart.prompt import counterpart_prompt
from simulator.counterpart.reply_checks import check_reply
from simulator.counterpart.scripted import Exchange, ScriptedVoice, TurnReport
from simulator.errors import ModelError
from simulator.game.state import GameState, Move
from simulator.persona.model import Persona

RECENT_EXCHANGES = 4  # older turns are folded into the summary, so the prompt stops growing


class ChatModel(Protocol):
    """The one thing the domain needs from a language model: text for a prompt, piece by piece."""

    name: str

    def stream(self, prompt: str, max_tokens: int) -> Iterator[str]: ...


def running_summary(persona: Persona, state: GameState, earlier: Sequence[Exchange]) -> str:
    """A fixed-size account of turns no longer quoted in full."""
    if not earlier:
        return ""
    parts = [f"{len(earlier)} earlier exchange(s)."]
    if state.uncovered:
        parts.append("You have told them: " + "; ".join(persona.interest(i).reveal for i in state.uncovered_ids) + ".")
    if state.proposals:
        parts.append(f"Latest proposal on the table: {state.proposals[-1].text}")
    return " ".join(parts)


@dataclass
class LLMVoice:
    model: ChatModel
    max_tokens: int = 160
    name: str = "llm"
    needs_history: bool = True
    fallback: ScriptedVoice = field(default_factory=ScriptedVoice)
    count_tokens: Callable[[str], int] | None = None
    # The voice is shared by every session and keeps nothing per turn: prompts, notices and token counts go
    # into the turn's own TurnReport.

    def _meter(self, prompt: str, reply: str, report: TurnReport) -> None:
        if self.count_tokens is not None:
            report.usage.append({"prompt": self.count_tokens(prompt), "completion": self.count_tokens(reply)})

    def speak_stream(
        self,
        persona: Persona,
        state: GameState,
        moves: list[Move],
        history: Sequence[Exchange] = (),
        report: TurnReport | None = None,
    ) -> Iterator[str]:
        """The reply in pieces, a sentence at a time: each piece is released only once the reply so far passes
        the checks. A failure before anything was shown regenerates once, then falls back to the scripted
        line; a failure later ends the reply at the last sentence that passed."""
        report = report if report is not None else TurnReport()
        # The written line anchors the prompt and is the fallback; its lines count as used either way, so the
        # next turn's anchor moves on.
        said = self.fallback.say(persona, state, moves)
        report.lines.extend(said.lines)
        scripted = said.text
        recent = list(history[-RECENT_EXCHANGES:])
        summary = running_summary(
            persona, state, history[:-RECENT_EXCHANGES] if len(history) > RECENT_EXCHANGES else []
        )
        prompt = counterpart_prompt(persona, state, moves, scripted, recent, summary)
        problem = "no reply"
        for _attempt in range(2):
            report.prompts.append(prompt)
            raw, shown = "", ""
            try:
                for piece in self.model.stream(prompt, self.max_tokens):
                    raw += piece
                    text = " ".join(raw.split())
                    cut = _last_sentence_end(text)
                    if cut <= len(shown):
                        continue
                    problem = check_reply(text[:cut], persona, state.uncovered_ids, moves) or ""
                    if problem:
                        break
                    yield text[len(shown) : cut]
                    shown = text[:cut]
                else:
                    text = " ".join(raw.split())
                    problem = check_reply(text, persona, state.uncovered_ids, moves) or ""
                    if not problem and len(text) > len(shown):
                        yield text[len(shown) :]
                        shown = text
            except ModelError as exc:
                problem = str(exc)
            self._meter(prompt, raw, report)
            if shown and not problem:
                return
            if shown:
                report.notices.append(f"The model's reply was cut short ({problem}).")
                return
            if problem.startswith("the model"):
                break  # the endpoint itself failed after its retries: no second try this turn
        report.notices.append(f"The model's reply was not used ({problem}); the scripted line was used instead.")
        report.fell_back = True
        yield scripted


def _last_sentence_end(text: str) -> int:
    """The length of `text` up to the end of its last complete sentence (0 if none yet)."""
    ends = [m.end() for m in re.finditer(r"[.!?](?:\s|$)", text)]
    return ends[-1] if ends else 0

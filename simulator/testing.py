"""Test doubles shipped with the package: a scripted chat model for the engine and coach tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from simulator.errors import ModelError


@dataclass
class ScriptedChatModel:
    """Answers from a list (cycled) or a function of the prompt, in word-sized pieces, and records prompts."""

    replies: Sequence[str] | Callable[[str], str]
    name: str = "scripted-chat"
    prompts: list[str] = field(default_factory=list)
    fail_with: str | None = None

    def stream(self, prompt: str, max_tokens: int) -> Iterator[str]:
        self.prompts.append(prompt)
        if self.fail_with:
            raise ModelError(self.fail_with)
        if callable(self.replies):
            text = self.replies(prompt)
        else:
            text = self.replies[(len(self.prompts) - 1) % len(self.replies)]
        for n, word in enumerate(text.split(" ")):
            if n >= max_tokens:
                return
            yield word if n == 0 else " " + word


@dataclass
class FixedStructuredModel:
    """A structured-output model that always fills the same grade (every criterion at `score`)."""

    score: int = 1
    suggestion: str = "Ask why."
    name: str = "fixed"
    prompts: list[str] = field(default_factory=list)

    def fill(self, prompt: str) -> dict[str, object]:
        self.prompts.append(prompt)
        criterion = {"score": self.score, "evidence": "", "reason": "model's view"}
        return {
            "questions": criterion,
            "interests": criterion,
            "collaboration": criterion,
            "suggestion": self.suggestion,
        }

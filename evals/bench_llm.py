"""Benchmark the model-backed turn against local OpenAI-protocol servers with a fixed delay per call.

Usage: python evals/bench_llm.py [--delay 0.3] [--turns 40]
Prints one JSON line {"turn_over_slowest_call", "ttft_ms", "prompt_tokens_turn10", "prompt_tokens_turn40"}:
the turn's wall time divided by the slower of its two model calls (coach and counterpart run side by
side, so this should be near 1), the time to the first streamed token, and the counterpart's prompt size
at turns 10 and 40 (older turns fold into a summary, so it should barely grow). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.adapters.openai_chat import OpenAIChatModel, OpenAIStructuredModel
from simulator.adapters.sql_store import SqlStore
from simulator.adapters.tokens import count_tokens, prepare_cache
from simulator.coach.model_coach import LLMCoach
from simulator.config import REPO_ROOT, ModelSettings
from simulator.counterpart.model_voice import LLMVoice
from simulator.persona.files import load_folder
from simulator.session.practice import Practice
from tests.fake_openai_server import fake_openai

GRADE = {
    "questions": {"score": 2, "evidence": "", "reason": "open question"},
    "interests": {"score": 1, "evidence": "", "reason": "asks about details"},
    "collaboration": {"score": 1, "evidence": "", "reason": "neutral"},
    "suggestion": "Ask what the number needs to achieve for them.",
}
REPLY = "ok:Look, I hear you, but the number has not moved for me yet, so give me a reason."


class Timed:
    """Wraps a model and records how long each call took."""

    def __init__(self, inner: OpenAIChatModel | OpenAIStructuredModel) -> None:
        self.inner = inner
        self.name = inner.name
        self.calls: list[float] = []

    def stream(self, prompt: str, max_tokens: int) -> Iterator[str]:
        start = time.perf_counter()
        assert isinstance(self.inner, OpenAIChatModel)
        yield from self.inner.stream(prompt, max_tokens)
        self.calls.append(time.perf_counter() - start)

    def fill(self, prompt: str) -> dict[str, object]:
        start = time.perf_counter()
        assert isinstance(self.inner, OpenAIStructuredModel)
        try:
            return self.inner.fill(prompt)
        finally:
            self.calls.append(time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.3, help="seconds each model call waits before answering")
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "evals" / "results" / "bench_llm.json")
    args = parser.parse_args()
    catalog = load_folder(REPO_ROOT / "personas")
    # A long conversation is the point here: the same counterpart, given time and patience for 60 turns.
    persona = catalog.get("procurement_discount").model_copy(update={"max_turns": 60, "patience": 100})
    catalog.personas[persona.id] = persona
    with (
        fake_openai([f"tool:{json.dumps(GRADE)}"], delay=args.delay) as (coach_url, _),
        fake_openai([REPLY], delay=args.delay) as (voice_url, _),
        tempfile.TemporaryDirectory() as folder,
    ):
        prepare_cache(Path(folder) / "tiktoken")
        settings = {"model": "bench", "timeout": 30, "retries": 0}
        voice_model = Timed(OpenAIChatModel(ModelSettings.model_validate({"base_url": voice_url, **settings})))
        coach_model = Timed(OpenAIStructuredModel(ModelSettings.model_validate({"base_url": coach_url, **settings})))
        voice = LLMVoice(voice_model, count_tokens=lambda text: count_tokens(text, "gpt-4o-mini"))  # type: ignore[arg-type]
        practice = Practice(catalog, SqlStore(Path(folder) / "bench.sqlite3"), coach=LLMCoach(coach_model), voice=voice)
        # Time to first token, on its own.
        start = time.perf_counter()
        next(iter(voice_model.inner.stream("Say hello.", 20)))  # type: ignore[union-attr]
        ttft_ms = (time.perf_counter() - start) * 1000
        ratios, prompt_tokens = [], {}
        turn = 0
        while turn < args.turns:
            handle = practice.start(persona.id)
            while not handle.state.ended and turn < args.turns:
                turn += 1
                before_v, before_c = len(voice_model.calls), len(coach_model.calls)
                start = time.perf_counter()
                result = practice.send(handle, f"I see. What else matters to you about point {turn}?")
                wall = time.perf_counter() - start
                slowest = max(voice_model.calls[before_v:] + coach_model.calls[before_c:])
                ratios.append(wall / slowest)
                prompt_tokens[handle.state.turn] = count_tokens(result.prompts[-1], "gpt-4o-mini")
    figures = {
        "turn_over_slowest_call": round(statistics.median(ratios), 3),
        "ttft_ms": round(ttft_ms, 1),
        "prompt_tokens_turn10": prompt_tokens.get(10),
        "prompt_tokens_turn40": prompt_tokens.get(40),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps({**figures, "delay_s": args.delay, "turns": turn, "ratio_max": round(max(ratios), 3)}, indent=2)
        + "\n"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())

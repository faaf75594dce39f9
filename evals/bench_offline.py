"""Benchmark the offline turn: grade + rules + scripted reply + durable SQLite writes.

Usage: python evals/bench_offline.py [--turns N] [--paced-turns N] [--pause S] [--output FILE]
Prints one JSON line {"turn_p50_ms", "turn_p99_ms", "back_to_back_p50_ms", "back_to_back_p99_ms", "grades_per_s"}
and writes it (with details) to FILE. `turn_*` are turns a person sends, with a pause to read and type between them;
`back_to_back_*` send the next turn the moment the last returns.
A benchmark, not a test: it measures and reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.adapters.sql_store import SqlStore
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.config import REPO_ROOT, Settings
from simulator.persona.files import load_folder
from simulator.session.practice import Practice
from simulator.session.sparring import BAD_LINES, OPENERS, OPENNESS, BadNegotiator, GoodNegotiator
from simulator.wiring import build_practice


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def bench_turns(practice: Practice, turns: int, pause_s: float = 0.0) -> list[float]:
    """Whole conversations with good and bad negotiators, round-robin over personas, until `turns` turns.

    `pause_s` between turns stands for the user reading the reply and typing; with none, turns arrive back to back
    (a load test: the transcript index's writes then compete with the next turn)."""
    timings: list[float] = []
    personas = practice.catalog.ordered()
    for persona, kind in itertools.cycle(itertools.product(personas, (GoodNegotiator, BadNegotiator))):
        bot = kind(persona)
        handle = practice.start(persona.id)
        while not handle.state.ended and len(timings) < turns:
            # A unique tail per message, so no cache can answer for a message a real user would type afresh.
            text = f"{bot.next_message(handle.state)} (note {len(timings) + 1})"
            start = time.perf_counter()
            practice.send(handle, text)
            timings.append((time.perf_counter() - start) * 1000)
            time.sleep(pause_s)
        if len(timings) >= turns:
            return timings
    return timings


def bench_grades(practice: Practice, count: int) -> float:
    """Grades per second for single messages graded in a batch, with a persona for targets."""
    corpus = list(BAD_LINES) + list(OPENERS) + list(OPENNESS)
    for persona in practice.catalog.ordered():
        corpus += [p for i in persona.hidden_interests for p in i.probes]
    coach = RuleCoach()  # scores alone: without a persona they do not depend on embeddings
    personas = practice.catalog.ordered()
    views = [Visible(p, (), (), 1) for p in personas]
    # A unique tail per message, as in the turn benchmark: no cache may answer for a message read before.
    texts = [f"{text} (note {n})" for n, text in enumerate(itertools.islice(itertools.cycle(corpus), count))]
    start = time.perf_counter()
    for n, text in enumerate(texts):
        coach.grade(read_message(text), views[n % len(views)])
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=600, help="back-to-back turns")
    parser.add_argument("--paced-turns", type=int, default=200, help="turns with a pause between them")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between paced turns")
    parser.add_argument("--grades", type=int, default=20000)
    parser.add_argument("--output", default=str(REPO_ROOT / "evals" / "results" / "bench_offline.json"))
    args = parser.parse_args()
    catalog = load_folder(REPO_ROOT / "personas")
    with tempfile.TemporaryDirectory() as folder:
        # The turn as the app plays it: SQLite, Chroma transcript index, MiniLM for targets and tips.
        store = SqlStore(Path(folder) / "bench.sqlite3")
        practice = build_practice(Settings(data_dir=Path(folder), personas_dir=REPO_ROOT / "personas"), catalog, store)
        bench_turns(practice, 50)  # warm caches
        paced = bench_turns(practice, args.paced_turns, args.pause)
        timings = bench_turns(practice, args.turns)
        grades_per_s = bench_grades(practice, args.grades)
        store.close()
    figures = {
        "turn_p50_ms": round(statistics.median(paced), 3),
        "turn_p99_ms": round(percentile(paced, 0.99), 3),
        "back_to_back_p50_ms": round(statistics.median(timings), 3),
        "back_to_back_p99_ms": round(percentile(timings, 0.99), 3),
        "grades_per_s": round(grades_per_s, 1),
    }
    details = {
        **figures,
        "paced_turns": len(paced),
        "pause_s": args.pause,
        "back_to_back_turns": len(timings),
        "back_to_back_mean_ms": round(statistics.fmean(timings), 3),
        "back_to_back_max_ms": round(max(timings), 3),
        "grades_measured": args.grades,
        "personas": len(catalog.personas),
        "python": sys.version.split()[0],
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(details, indent=2) + "\n")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""Load benchmark for a team server: N simulated trainees play whole scripted conversations at once through the
JSON API, against two app instances that share one database and one `chroma run` server.

Usage: python evals/load_team.py [--trainees 50] [--think 1.0] [--backends postgresql,sqlite] [--duration 0]
                                 [--instances 2] [--output FILE]

For each backend it prints one JSON line
{"backend", "sessions", "turns", "turn_p50_ms", "turn_p95_ms", "errors", "lost_turns", "mixed_turns",
 "saving_on", "main_file_writes", …}
and writes them all to FILE. `--duration S` keeps every trainee starting new conversations until S seconds have
passed (0: one conversation each); runs of minutes pass many WAL checkpoints on SQLite, where a false "database
damaged" alarm once switched saving off. `saving_on` is whether every instance's `/healthz` still answers 200
at the end; `main_file_writes` counts how often the SQLite main file changed meanwhile (its checkpoints). Turns go to the instances in turn, with no stickiness. After the run every
session is read back from the database: a turn the client was answered for that is missing or has no reply
is lost; a stored turn whose message is not the one the client sent for that number, or a gap or a double
in the numbering, is mixed. `--think` is the pause between a reply and the next message (a person reads and
types; 0 sends back to back). The voice is the offline one (scripted), so this measures Parley, not a model.
PostgreSQL comes from Debian's binaries (`sh tests/setup.sh`), started in a temporary folder.

A benchmark, not a test: it measures and reports; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.config import REPO_ROOT, Settings
from simulator.wiring import build_services
from tests.postgres import PostgresServer
from tests.teamstack import SCRIPT, Trainee, start_chroma, start_instance

PASSWORD = "load test password"
PERSONAS = ("salary_offer", "failed_delivery", "launch_deadline", "procurement_discount", "shared_lab")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else 0.0


def _accounts(database: str | Path, data: Path, count: int) -> list[str]:
    """The trainees, added through the team service as the CLI adds them (bcrypt at its real cost)."""
    settings = Settings(data_dir=data, personas_dir=REPO_ROOT / "personas", database_url=str(database))
    services = build_services(settings, meaning=False)
    names = [f"trainee{n:03d}" for n in range(count)]
    for name in names:
        services.team.add_user(name, "trainee", PASSWORD)
    services.close()
    return names


def _check(database: str | Path, data: Path, sent: dict[str, list[tuple[int, str]]]) -> tuple[int, int]:
    """(lost, mixed) turns: what the clients were answered for against what the database holds."""
    settings = Settings(data_dir=data, personas_dir=REPO_ROOT / "personas", database_url=str(database))
    services = build_services(settings, meaning=False)
    lost = mixed = 0
    try:
        for session_id, turns in sent.items():
            stored = {t.turn: t for t in services.store.get_session(session_id).turns}
            numbers = sorted(stored)
            if numbers != list(range(1, len(numbers) + 1)):
                mixed += 1
            for number, text in turns:
                found = stored.get(number)
                if found is None or found.reply is None:
                    lost += 1
                elif found.user_text != text:
                    mixed += 1
    finally:
        services.close()
    return lost, mixed


def _saving_on(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "healthz", timeout=30) as response:
            return bool(response.status == 200)
    except OSError:  # HTTPError (503) included
        return False


def _watch_file(path: Path, stop: threading.Event, seen: list[int]) -> None:
    """Counts the main file's changes (size or mtime): on SQLite only checkpoints write it."""
    last = None
    while not stop.wait(0.05):
        try:
            found = path.stat()
        except OSError:
            continue
        now = (found.st_size, found.st_mtime_ns)
        if last is not None and now != last:
            seen[0] += 1
        last = now


def run(
    backend: str,
    trainees: int,
    think: float,
    root: Path,
    postgres: PostgresServer | None,
    duration: float = 0.0,
    count: int = 2,
) -> dict[str, Any]:
    root.mkdir(parents=True, exist_ok=True)
    if backend == "postgresql":
        assert postgres is not None
        database: str | Path = postgres.new_database()
    else:
        database = f"sqlite:///{root / 'team.sqlite3'}"
    names = _accounts(database, root / "operator", trainees)
    chroma = start_chroma(root / "chroma")
    env = {"PARLEY_DATABASE_URL": str(database), "PARLEY_CHROMA_URL": chroma.url}
    instances = [start_instance(root / name, env) for name in "abcdefgh"[:count]]
    try:
        for instance in instances:
            instance.ready()
        urls = [i.url for i in instances]
        watched = [0]
        stop_watch = threading.Event()
        watcher = threading.Thread(target=_watch_file, args=(root / "team.sqlite3", stop_watch, watched), daemon=True)
        watcher.start()
        sent: dict[str, list[tuple[int, str]]] = {}
        errors: list[str] = []
        latencies: list[float] = []
        lock = threading.Lock()
        go = threading.Barrier(trainees)

        def trainee(n: int, name: str) -> None:
            first = n % len(urls)
            client = Trainee(urls[first:] + urls[:first], name, PASSWORD)
            rng = random.Random(n)
            try:
                client.sign_in()
                go.wait(120)  # everyone starts together
                conversation = 0
                while True:
                    started = client.start(PERSONAS[(n + conversation) % len(PERSONAS)])
                    mine: list[tuple[int, str]] = []
                    with lock:
                        sent[started["session_id"]] = mine  # what was answered counts even if a later turn fails
                    for number, text in enumerate(SCRIPT, start=1):
                        if think:
                            time.sleep(think * rng.uniform(0.5, 1.5))
                        result = client.turn(started["session_id"], number, text)
                        mine.append((number, text))
                        if result["ended"]:
                            break
                    else:
                        client.end(started["session_id"])  # the trainee ends it and reads the debrief
                    conversation += 1
                    if time.perf_counter() - began >= duration:
                        break
            except Exception as exc:  # counted, not raised: the figure is how many failed
                with lock:
                    errors.append(f"{name}: {exc}")
            with lock:
                latencies.extend(client.latencies_ms)

        began = time.perf_counter()
        threads = [threading.Thread(target=trainee, args=(n, name)) for n, name in enumerate(names)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - began
        saving_on = all(_saving_on(url) for url in urls)
        stop_watch.set()
    finally:
        for instance in instances:
            instance.stop()
        chroma.stop()
    lost, mixed = _check(database, root / "operator", sent)
    return {
        "backend": backend,
        "sessions": len(sent),
        "turns": len(latencies),
        "turn_p50_ms": round(percentile(latencies, 0.50), 1),
        "turn_p95_ms": round(percentile(latencies, 0.95), 1),
        "turn_mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "errors": len(errors),
        "lost_turns": lost,
        "mixed_turns": mixed,
        "saving_on": saving_on,
        "main_file_writes": watched[0] if backend == "sqlite" else None,
        "trainees": trainees,
        "think_s": think,
        "duration_s": duration,
        "instances": count,
        "wall_s": round(seconds, 1),
        "error_samples": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between a reply and the next message")
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--duration", type=float, default=0.0, help="seconds to keep starting conversations (0: one each)"
    )
    parser.add_argument("--instances", type=int, default=2, choices=range(1, 9), help="app instances (1 to 8)")
    parser.add_argument("--output", default=str(REPO_ROOT / "evals" / "results" / "load_team.json"))
    args = parser.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="parley-load-") as tmp:
        postgres = PostgresServer() if "postgresql" in backends else None
        try:
            for backend in backends:
                result = run(
                    backend, args.trainees, args.think, Path(tmp) / backend, postgres, args.duration, args.instances
                )
                print(json.dumps({k: v for k, v in result.items() if k != "error_samples"}), flush=True)
                results.append(result)
        finally:
            if postgres is not None:
                postgres.stop()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": results, "machine": _machine()}, indent=2) + "\n", encoding="utf-8")


def _machine() -> dict[str, Any]:
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "when": time.strftime("%Y-%m-%d %H:%M")}


if __name__ == "__main__":
    main()

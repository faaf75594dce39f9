"""A team's server stack on 127.0.0.1, made of real parts: PostgreSQL (`tests/postgres.py`), a `chroma run`
server, and app instances (`python app.py`) that share them; plus a JSON API client that spreads turns over
the instances and retries a turn on another one when its instance dies.

Used by the stack test (`tests/stack/test_stack.py`) and the load benchmark (`evals/load_team.py`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
API = "parley/api/v1"

# A whole conversation as a trainee following the method plays it: ask, acknowledge, explore, agree.
SCRIPT = (
    "Thanks for making the time. Before we get to numbers, what matters most to you in this?",
    "That helps. What would a good outcome look like from where you sit?",
    "I hear that. What is driving the timing on your side?",
    "What worries you most if this goes wrong?",
    "So if I follow you, the risk matters more than the price. What if we shared that risk?",
    "How would it work for you if we phased it and checked in every week?",
    "Let's write down who does what by when, and how we adjust if things shift. Does that work for you?",
    "Thank you. Shall we agree on that?",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start:\n" + log.read_text(errors="replace")[-4000:])
        time.sleep(0.3)


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def ready(self) -> Process:
        _wait_for(self.url + "healthz", self.proc, self.log)
        return self

    def kill(self) -> None:
        """At once, as a crash or an out-of-memory kill would: no clean shutdown."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def start_chroma(folder: Path) -> Process:
    """`chroma run`, the server Chroma's own package installs, with telemetry off."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    log = folder / "chroma.log"
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    _wait_for(f"{url}/api/v2/heartbeat", proc, log)
    return Process(proc, url, log)


def start_proxy(folder: Path, instances: list[str]) -> Process:
    """Debian's `caddy` running deploy/Caddyfile, the deployment's own proxy file, in front of `instances`
    (host:port each)."""
    caddy = shutil.which("caddy")
    if caddy is None:
        raise RuntimeError("caddy is not installed: run `sh tests/setup.sh` (it installs Debian's caddy)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "PARLEY_SITE": f"http://127.0.0.1:{port}",
        "PARLEY_INSTANCES": " ".join(instances),
        "PARLEY_CADDY_ADMIN": "off",
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
    }
    log = folder / "caddy.log"
    config = REPO_ROOT / "deploy" / "Caddyfile"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}/"
    _wait_for(url + "healthz", proc, log, 60)
    return Process(proc, url, log)


def start_instance(data: Path, env: dict[str, str]) -> Process:
    """One app instance with its own data folder (logs, caches) and the shared database and Chroma in `env`;
    call `ready()` to wait until it answers (start several first, so they boot side by side)."""
    data.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = data / "app.log"
    full = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_PORT": str(port), **env}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=REPO_ROOT, env=full, stdout=out, stderr=subprocess.STDOUT
        )
    return Process(proc, f"http://127.0.0.1:{port}/", log)


def add_user(env: dict[str, str], name: str, role: str, password: str) -> None:
    """Through the real CLI, on the shared database, as an operator would."""
    args = [sys.executable, "-m", "simulator", "users", "add", name, "--role", role, "--password-stdin"]
    full = {**os.environ, **env}
    subprocess.run(args, input=password + "\n", text=True, env=full, cwd=REPO_ROOT, check=True, capture_output=True)


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def call(
    url: str, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None, timeout: float = 60
) -> dict[str, Any]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        raise ApiError(exc.code, json.loads(exc.read() or b"{}")) from None


@dataclass
class Trainee:
    """One person's client: turns go to the instances in turn (no stickiness); a turn whose instance fails
    (connection refused or reset, or a 5xx) is sent again, with the same number and text, to the next one."""

    instances: list[str]
    name: str
    password: str
    token: str = ""
    retries: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    _next: int = 0

    def _pick(self) -> str:
        url = self.instances[self._next % len(self.instances)]
        self._next += 1
        return url

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        last: Exception | None = None
        for _ in range(len(self.instances) * 2):
            url = self._pick()
            try:
                return call(url, method, path, body, self.token)
            except ApiError as exc:
                if exc.status < 500:
                    raise
                last = exc
            except OSError as exc:  # the instance is gone or went mid-answer: the next one takes the turn
                last = exc
            self.retries += 1
        raise RuntimeError(f"every instance failed: {last}")

    def sign_in(self) -> None:
        self.token = self._send("POST", f"{API}/sign-in", {"name": self.name, "password": self.password})["token"]

    def start(self, persona: str) -> dict[str, Any]:
        return self._send("POST", f"{API}/sessions", {"persona": persona})

    def turn(self, session_id: str, number: int, text: str) -> dict[str, Any]:
        began = time.perf_counter()
        result = self._send("POST", f"{API}/sessions/{session_id}/turns", {"turn": number, "text": text})
        self.latencies_ms.append((time.perf_counter() - began) * 1000)
        return result

    def session(self, session_id: str) -> dict[str, Any]:
        return self._send("GET", f"{API}/sessions/{session_id}")

    def end(self, session_id: str) -> dict[str, Any]:
        return self._send("POST", f"{API}/sessions/{session_id}/end", {})

    def play(self, persona: str, script: tuple[str, ...] = SCRIPT) -> tuple[str, list[dict[str, Any]]]:
        """A whole conversation: every line of the script until the counterpart ends it, then the debrief."""
        started = self.start(persona)
        played = []
        for number, text in enumerate(script, start=1):
            result = self.turn(started["session_id"], number, text)
            played.append(result)
            if result["ended"]:
                break
        if not played or not played[-1]["ended"]:
            self.end(started["session_id"])
        return started["session_id"], played

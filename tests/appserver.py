"""Start the real app (`python app.py`) on a free port with its own data folder, for browser and API tests."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from simulator.config import REPO_ROOT

APPS: dict[str, int] = {}  # url -> process id of each app `running_app` started (tests read its memory)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def add_user(data: Path, name: str, role: str, password: str, trainer: str | None = None) -> None:
    """Through the real CLI, as an operator would."""
    args = [sys.executable, "-m", "simulator", "users", "add", name, "--role", role, "--password-stdin"]
    args += ["--trainer", trainer] if trainer else []
    env = {**os.environ, "PARLEY_DATA_DIR": str(data)}
    subprocess.run(args, input=password + "\n", text=True, env=env, cwd=REPO_ROOT, check=True, capture_output=True)


@contextmanager
def running_app(data: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """The app's URL while it runs, with `settings` (PARLEY_* variables) on top; its log is in `data/app.log`."""
    port = free_port()
    env = {**os.environ, **(settings or {}), "PARLEY_DATA_DIR": str(data), "PARLEY_PORT": str(port)}
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "app.log").open("w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("app did not start:\n" + (data / "app.log").read_text())
            time.sleep(0.3)
        APPS[url] = proc.pid
        yield url
    finally:
        APPS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def signed_in(url: str, name: str, password: str) -> urllib.request.OpenerDirector:
    """An HTTP client holding the session cookie of `name`, signed in through the real `/login` route."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"username": name, "password": password}).encode()
    with opener.open(urllib.request.Request(url + "login", data=form), timeout=30) as response:
        assert response.status == 200
    return opener


def fn_index(opener: urllib.request.OpenerDirector, url: str, api_name: str) -> int:
    with opener.open(url + "config", timeout=30) as response:
        config = json.loads(response.read())
    return int(next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name))


def queue_call(
    opener: urllib.request.OpenerDirector,
    url: str,
    fn: int,
    data: list[Any],
    session_hash: str,
    event_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One event through Gradio's queue, as the browser sends it: join, then read the stream to completion.
    `data` is sent as JSON text with ASCII escapes, so it can carry what a browser never would (a lone surrogate);
    `event_data` is what a panel's click carries (the data attributes of the button clicked)."""
    body = json.dumps({"data": data, "fn_index": fn, "session_hash": session_hash, "event_data": event_data}).encode()
    join = urllib.request.Request(
        url + "gradio_api/queue/join", data=body, headers={"Content-Type": "application/json"}
    )
    with opener.open(join, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    stream = url + "gradio_api/queue/data?" + urllib.parse.urlencode({"session_hash": session_hash})
    with opener.open(stream, timeout=60) as response:
        for raw in response:
            line = raw.decode("utf-8").strip()
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "unexpected_error":
                raise AssertionError(f"the app failed on the event: {message.get('message')}")
            if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                return dict(message)
    raise AssertionError("the stream closed before the event completed")

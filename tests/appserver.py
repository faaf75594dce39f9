"""Start the real app (`python app.py`) on a free port with its own data folder, for browser and API tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from simulator.config import REPO_ROOT


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
def running_app(data: Path) -> Iterator[str]:
    """The app's URL while it runs; its log is in `data/app.log`."""
    port = free_port()
    env = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_PORT": str(port)}
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
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()

"""The static checks run with the tests, so one command checks everything."""

from __future__ import annotations

import subprocess
import sys

from simulator.config import REPO_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


def test_ruff() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = _run("ruff", "format", "--check", "simulator", "app.py", "evals", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_package() -> None:
    result = _run("mypy", "simulator", "app.py")
    assert result.returncode == 0, result.stdout + result.stderr

"""The Gradio app builds on embedded defaults, survives broken persona files and refuses an unreadable database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest

from simulator.config import REPO_ROOT, Settings
from simulator.errors import StorageError
from simulator.ui.app import build_app
from tests.appserver import free_port
from tests.conftest import PERSONAS_DIR


def _markdown(app: gr.Blocks, elem_id: str) -> str | None:
    for block in app.blocks.values():
        if getattr(block, "elem_id", None) == elem_id:
            return str(block.value)
    return None


def test_broken_persona_file_is_listed_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    shutil.copy(PERSONAS_DIR / "salary_offer.yaml", folder)
    (folder / "broken.yaml").write_text("id: broken\nname: Nobody\n")
    app = build_app(Settings(data_dir=tmp_path / "data", personas_dir=folder))
    skipped = _markdown(app, "skipped-personas")
    assert skipped is not None and "broken.yaml" in skipped and "add this field" in skipped
    picker = next(b for b in app.blocks.values() if getattr(b, "elem_id", None) == "persona-picker")
    assert [value for _, value in picker.choices] == ["salary_offer"]


@pytest.mark.parametrize("content", [b"not a database" * 300, b""], ids=["damaged", "empty"])
def test_an_unreadable_database_stops_the_app_with_one_clear_line(tmp_path: Path, content: bytes) -> None:
    """Fail closed: the app cannot tell whether the file held accounts, so it neither starts without sign-in
    nor takes an empty file for a new database."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "parley.sqlite3").write_bytes(content)
    with pytest.raises(StorageError):
        build_app(Settings(data_dir=data, personas_dir=PERSONAS_DIR))
    env = {**os.environ, "PARLEY_DATA_DIR": str(data), "PARLEY_PORT": str(free_port())}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and "Traceback" not in result.stderr and "Running on" not in result.stdout
    assert lines[-1].startswith("parley: cannot start: the database") and "left untouched" in lines[-1]
    assert ("empty (0 bytes)" in lines[-1]) == (content == b"")
    assert (data / "parley.sqlite3").read_bytes() == content

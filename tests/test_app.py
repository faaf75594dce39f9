"""The Gradio app builds on embedded defaults and survives broken persona files and a damaged database."""

from __future__ import annotations

import shutil
from pathlib import Path

import gradio as gr

from simulator.config import Settings
from simulator.ui.app import build_app
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


def test_damaged_database_is_explained_in_the_page(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "parley.sqlite3").write_bytes(b"not a database" * 300)
    app = build_app(Settings(data_dir=data, personas_dir=PERSONAS_DIR))
    problem = _markdown(app, "storage-problem")
    assert problem is not None and "damaged" in problem and "left untouched" in problem
    assert (data / "parley.sqlite3").read_bytes() == b"not a database" * 300

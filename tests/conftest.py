"""Shared fixtures: real persona files, a real SQLite file in a temporary data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.adapters.sqlite_store import SqliteStore
from simulator.config import REPO_ROOT
from simulator.persona.files import PersonaCatalog, load_folder
from simulator.persona.model import Persona
from simulator.session.practice import Practice

PERSONAS_DIR = REPO_ROOT / "personas"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; nothing touches the user's home."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PARLEY_DATA_DIR", str(folder))
    monkeypatch.setenv("PARLEY_PERSONAS_DIR", str(PERSONAS_DIR))
    return folder


@pytest.fixture(scope="session")
def catalog() -> PersonaCatalog:
    loaded = load_folder(PERSONAS_DIR)
    assert not loaded.skipped, [str(s) for s in loaded.skipped]
    return loaded


@pytest.fixture
def store(data_dir: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(data_dir / "parley.sqlite3")
    yield db
    db.close()


@pytest.fixture
def practice(catalog: PersonaCatalog, store: SqliteStore) -> Practice:
    return Practice(catalog, store)


@pytest.fixture
def dana(catalog: PersonaCatalog) -> Persona:
    return catalog.get("procurement_discount")


def persona_ids() -> list[str]:
    return sorted(p.stem for p in PERSONAS_DIR.glob("*.yaml"))

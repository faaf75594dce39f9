"""Shared fixtures: real persona files, a real SQLite file in a temporary data folder, and for the storage,
team, practice and studio tests a second run of each against a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.config import REPO_ROOT
from simulator.persona.files import PersonaCatalog, load_folder
from simulator.persona.model import Persona
from simulator.session.practice import Practice
from tests.postgres import PostgresServer

PERSONAS_DIR = REPO_ROOT / "personas"
# The tests that run on both databases; `@pytest.mark.sqlite_only` keeps one that opens the SQLite file itself.
BOTH_DATABASES = {"test_storage", "test_team", "test_practice", "test_studio", "test_sign_in"}


TIERS = ("unit", "integration", "browser", "stack", "model")  # the folders under tests/, each a marker (pyproject)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each test is marked with its tier, the folder it lives in, so `-m unit` picks the quick ones."""
    root = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(root).parts
        if parts and parts[0] in TIERS:
            item.add_marker(getattr(pytest.mark, parts[0]))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    both = metafunc.module.__name__.rsplit(".", 1)[-1] in BOTH_DATABASES
    only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", ["sqlite", "postgresql"] if both and not only else ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def new_database(backend: str, data_dir: Path, request: pytest.FixtureRequest) -> Callable[[str], Path | str]:
    """Makes another database on this test's backend: a file named `name` in the data folder, or a new
    PostgreSQL database (the name is then only for the reader)."""

    def make(name: str) -> Path | str:
        if backend == "sqlite":
            return data_dir / name
        server: PostgresServer = request.getfixturevalue("postgres_server")
        return server.new_database()

    return make


@pytest.fixture
def database(backend: str, new_database: Callable[[str], Path | str], monkeypatch: pytest.MonkeyPatch) -> Path | str:
    """This test's database; on PostgreSQL, PARLEY_DATABASE_URL points at it, so the app and CLI use it too."""
    target = new_database("parley.sqlite3")
    if isinstance(target, str):
        monkeypatch.setenv("PARLEY_DATABASE_URL", target)
    return target


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; nothing touches the user's home."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PARLEY_DATA_DIR", str(folder))
    monkeypatch.setenv("PARLEY_PERSONAS_DIR", str(PERSONAS_DIR))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)  # the SQLite file unless a test asks for a server
    return folder


@pytest.fixture(scope="session")
def catalog() -> PersonaCatalog:
    loaded = load_folder(PERSONAS_DIR)
    assert not loaded.skipped, [str(s) for s in loaded.skipped]
    return loaded


@pytest.fixture
def store(database: Path | str) -> Iterator[SqlStore]:
    db = SqlStore(database)
    yield db
    db.close()


@pytest.fixture
def practice(catalog: PersonaCatalog, store: SqlStore) -> Practice:
    return Practice(catalog, store)


@pytest.fixture
def dana(catalog: PersonaCatalog) -> Persona:
    return catalog.get("procurement_discount")


def persona_ids() -> list[str]:
    return sorted(p.stem for p in PERSONAS_DIR.glob("*.yaml"))

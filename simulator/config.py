"""Settings, read in one place from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_MESSAGE_CHARS = 2000


def default_data_dir() -> Path:
    """`PARLEY_DATA_DIR` if set, else `~/.parley`; tests point it at a temporary folder."""
    configured = os.environ.get("PARLEY_DATA_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".parley"


def default_personas_dir() -> Path:
    """`PARLEY_PERSONAS_DIR` if set, else the repository's `personas/`."""
    configured = os.environ.get("PARLEY_PERSONAS_DIR", "").strip()
    return Path(configured).expanduser() if configured else REPO_ROOT / "personas"


@dataclass(frozen=True, kw_only=True)
class Settings:
    data_dir: Path
    personas_dir: Path
    max_message_chars: int = MAX_MESSAGE_CHARS
    chroma_url: str | None = None

    @property
    def database_path(self) -> Path:
        return self.data_dir / "parley.sqlite3"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=default_data_dir(),
            personas_dir=default_personas_dir(),
            chroma_url=os.environ.get("PARLEY_CHROMA_URL", "").strip() or None,
        )

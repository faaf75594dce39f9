"""Settings, read in one place from the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.errors import SimulatorError

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_MESSAGE_CHARS = 2000


def default_data_dir() -> Path:
    """`PARLEY_DATA_DIR` if set, else `~/.parley`; tests point it at a temporary folder."""
    configured = os.environ.get("PARLEY_DATA_DIR", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".parley"


def builtin_dir(kind: str) -> Path:
    """The shipped `personas/` or `prompts/`: the repository's own folder in a checkout (its sources), the
    copy packaged as `simulator.builtin.*` in an installed wheel."""
    source = REPO_ROOT / kind
    if (REPO_ROOT / "pyproject.toml").is_file() and source.is_dir():
        return source
    return Path(__file__).resolve().parent / "builtin" / kind


def default_personas_dir() -> Path:
    return builtin_dir("personas")


def extra_personas_dir() -> Path | None:
    """`PARLEY_PERSONAS_DIR`: a folder of personas loaded beside the built-in ones (None when unset)."""
    configured = os.environ.get("PARLEY_PERSONAS_DIR", "").strip()
    return Path(configured).expanduser() if configured else None


class ModelSettings(BaseModel):
    """One OpenAI-compatible endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp server) for one role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    model: str
    api_key: str = "not-needed"
    temperature: float = Field(default=0.7, ge=0, le=2)
    timeout: float = Field(default=20.0, gt=0, description="Seconds for one call.")
    retries: int = Field(default=2, ge=0, le=10)
    max_tokens: int = Field(default=160, ge=8, le=4096)
    structured: Literal["tools", "json_schema", "json_grammar"] = Field(
        default="tools",
        description="How structured answers are asked for: 'tools' (function calling: OpenAI, vLLM, Ollama), "
        "'json_schema' (response_format json_schema), 'json_grammar' (llama.cpp's json_object with a schema, "
        "which constrains the output by grammar: for small models that cannot fill a long schema otherwise).",
    )

    @classmethod
    def from_env(cls, role: str) -> ModelSettings | None:
        """`PARLEY_<ROLE>_BASE_URL`, `_MODEL`, `_API_KEY`, `_TEMPERATURE`, `_TIMEOUT`, `_RETRIES`, `_MAX_TOKENS`,
        `_STRUCTURED`;
        `OPENAI_BASE_URL` / `OPENAI_API_KEY` / `PARLEY_MODEL` fill gaps. None when no endpoint is configured."""
        prefix = f"PARLEY_{role.upper()}_"

        def get(name: str, fallback: str = "") -> str:
            return os.environ.get(prefix + name, "").strip() or fallback

        base_url = get("BASE_URL", os.environ.get("OPENAI_BASE_URL", "").strip())
        if not base_url:
            return None
        values: dict[str, object] = {
            "base_url": base_url,
            "model": get("MODEL", os.environ.get("PARLEY_MODEL", "").strip() or "gpt-4o-mini"),
            "api_key": get("API_KEY", os.environ.get("OPENAI_API_KEY", "").strip() or "not-needed"),
        }
        for name, key in (
            ("TEMPERATURE", "temperature"),
            ("TIMEOUT", "timeout"),
            ("RETRIES", "retries"),
            ("MAX_TOKENS", "max_tokens"),
            ("STRUCTURED", "structured"),
        ):
            if get(name):
                values[key] = get(name)
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(f"{prefix}{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors())
            raise SimulatorError(f"model settings are invalid: {problems}") from None


def _port(value: str) -> int:
    if not value:
        return 7860
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SimulatorError(f"PARLEY_PORT '{value}' is not a port number: set it to a number from 1 to 65535")
    return int(value)


def _hours(value: str) -> float:
    if not value:
        return 12.0
    try:
        hours = float(value)
    except ValueError:
        hours = 0.0
    if not 0.05 <= hours <= 24 * 30:
        raise SimulatorError(f"PARLEY_SIGN_IN_HOURS '{value}' is not a number of hours from 0.05 to 720: e.g. 12")
    return hours


_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def _lead_trainers(value: str) -> frozenset[str]:
    """`PARLEY_LEAD_TRAINERS`: account names, comma-separated, who may publish, archive and edit every trainer's
    team personas (not their unpublished drafts). Compared without letter case, as account names are."""
    names = [n.strip() for n in value.split(",") if n.strip()]
    bad = [n for n in names if not _ACCOUNT_NAME.fullmatch(n)]
    if bad:
        raise SimulatorError(
            f"PARLEY_LEAD_TRAINERS: '{bad[0]}' is not an account name: list account names separated by commas, "
            "e.g. tess,omar"
        )
    return frozenset(n.lower() for n in names)


@dataclass(frozen=True)
class OidcSettings:
    """Single sign-on through an OpenID Connect provider (`PARLEY_OIDC_*`)."""

    issuer: str  # its discovery document is at ISSUER/.well-known/openid-configuration
    client_id: str
    client_secret: str
    role_claim: str = "parley_role"  # the claim that says who is a trainer
    trainer_values: tuple[str, ...] = ("trainer",)  # a claim holding any of these (or a list with one) → trainer
    name_claim: str = "preferred_username"  # the account name; `email`, then `sub`, when it is missing
    label: str = "your organisation's sign-in"

    @classmethod
    def from_env(cls) -> OidcSettings | None:
        def get(name: str) -> str:
            return os.environ.get(f"PARLEY_OIDC_{name}", "").strip()

        issuer = get("ISSUER")
        if not issuer:
            return None
        if not issuer.startswith(("http://", "https://")):
            raise SimulatorError(f"PARLEY_OIDC_ISSUER '{issuer}' is not a URL: use the form https://id.example.com")
        missing = [f"PARLEY_OIDC_{n}" for n in ("CLIENT_ID", "CLIENT_SECRET") if not get(n)]
        if missing:
            raise SimulatorError(f"PARLEY_OIDC_ISSUER is set, so {' and '.join(missing)} must be set too")
        trainers = tuple(v.strip() for v in get("TRAINER_VALUES").split(",") if v.strip()) or ("trainer",)
        return cls(
            issuer=issuer.rstrip("/"),
            client_id=get("CLIENT_ID"),
            client_secret=get("CLIENT_SECRET"),
            role_claim=get("ROLE_CLAIM") or "parley_role",
            trainer_values=trainers,
            name_claim=get("NAME_CLAIM") or "preferred_username",
            label=get("LABEL") or "your organisation's sign-in",
        )


@dataclass(frozen=True, kw_only=True)
class Settings:
    data_dir: Path
    personas_dir: Path  # the built-in personas (tests point it elsewhere)
    extra_personas_dir: Path | None = None  # PARLEY_PERSONAS_DIR: more personas, overriding built-in ids
    host: str = "127.0.0.1"
    port: int = 7860
    max_message_chars: int = MAX_MESSAGE_CHARS
    chroma_url: str | None = None
    database_url: str | None = None  # PARLEY_DATABASE_URL: a server database instead of the SQLite file
    sign_in_hours: float = 12.0  # PARLEY_SIGN_IN_HOURS: how long a sign-in lasts
    oidc: OidcSettings | None = None  # single sign-on, when PARLEY_OIDC_ISSUER is set
    lead_trainers: frozenset[str] = frozenset()  # PARLEY_LEAD_TRAINERS: may manage every trainer's team personas
    counterpart_model: ModelSettings | None = None
    coach_model: ModelSettings | None = None

    @property
    def persona_dirs(self) -> list[Path]:
        """Every folder personas are loaded from, in order (a later folder's persona replaces an earlier id)."""
        folders = [self.personas_dir]
        extra = self.extra_personas_dir
        if extra is not None and extra.expanduser().resolve() != self.personas_dir.resolve():
            folders.append(extra)
        return folders

    @property
    def database_path(self) -> Path:
        return self.data_dir / "parley.sqlite3"

    @property
    def database(self) -> Path | str:
        """What the store opens: PARLEY_DATABASE_URL when set, else the SQLite file in the data directory."""
        return self.database_url or self.database_path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            data_dir=default_data_dir(),
            personas_dir=default_personas_dir(),
            extra_personas_dir=extra_personas_dir(),
            host=os.environ.get("PARLEY_HOST", "").strip() or "127.0.0.1",
            port=_port(os.environ.get("PARLEY_PORT", "").strip()),
            chroma_url=os.environ.get("PARLEY_CHROMA_URL", "").strip() or None,
            database_url=os.environ.get("PARLEY_DATABASE_URL", "").strip() or None,
            sign_in_hours=_hours(os.environ.get("PARLEY_SIGN_IN_HOURS", "").strip()),
            oidc=OidcSettings.from_env(),
            lead_trainers=_lead_trainers(os.environ.get("PARLEY_LEAD_TRAINERS", "")),
            counterpart_model=ModelSettings.from_env("counterpart"),
            coach_model=ModelSettings.from_env("coach"),
        )

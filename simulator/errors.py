"""One small hierarchy of errors; the CLI and UI turn them into messages."""


class SimulatorError(Exception):
    """Base for every error the simulator raises on purpose; `str()` is the user-facing message."""


class PersonaFileError(SimulatorError):
    """A persona file is missing, unreadable or does not match the schema."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}:\n" + "\n".join(f"  - {p}" for p in problems))


class UnknownPersonaError(SimulatorError):
    """No valid persona has the id asked for."""

    def __init__(self, persona_id: str, known: list[str]) -> None:
        self.persona_id = persona_id
        listing = ", ".join(known) if known else "none (check the personas folder)"
        super().__init__(
            f"unknown persona '{persona_id}': choose one of {listing} (`python -m simulator personas` lists them)"
        )


class InvalidMessageError(SimulatorError):
    """A user message that cannot be graded or sent as it is; nothing was stored."""


class SessionEndedError(SimulatorError):
    """The conversation is over; start a new one to keep practising."""


class StorageError(SimulatorError):
    """The database cannot be opened or written.

    `str()` is the plain message a user may see; `detail` (paths, SQLite's own words) is for the operator's log
    and the CLI, never for the page.
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail


class SessionConflictError(SimulatorError):
    """A write from a stale copy of a session (another tab or window moved it on); nothing was written."""


class UnknownSessionError(SimulatorError):
    """No stored session has the id asked for."""

    def __init__(self, session_id: str) -> None:
        super().__init__(f"no session '{session_id}': `python -m simulator sessions` lists the stored ones")


class NotAllowedError(SimulatorError):
    """The caller may not do or see this; the message never says whether the thing exists."""


class SignInError(SimulatorError):
    """A failed sign-in. Deliberately the same words for an unknown name and a wrong password."""


class TeamInputError(SimulatorError):
    """An account or assignment request that cannot be carried out as given; nothing was written."""


class PromptError(SimulatorError):
    """A prompt file is missing, or is filled with too few or unknown variables."""


class ModelError(SimulatorError):
    """The model failed (timeout, rate limit, server error, junk) after its retries."""


class StudioInputError(SimulatorError):
    """A Studio request that cannot be done as asked (an id in use, nothing to publish, a check that failed)."""

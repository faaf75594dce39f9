"""The HTTP server around the Blocks app: Gradio's own FastAPI app, built here so that any instance can serve
any signed-in browser, plus the routes operators and scripts use.

- Gradio keeps its sign-in tokens in one process's memory and names its cookie with a random id per process.
  `ParleyApp` gives it the database's token table (`adapters/sql_sign_in.SqlSignIns`) and one cookie name per
  database, so a browser signed in on one instance is signed in on all of them, and signing out (or an account
  being disabled) holds everywhere.
- `GET /healthz`: the database and the embedding store answer (200), or what does not (503).
- `GET /metrics`: Prometheus text (turns, turn latency, model fallbacks, failed sign-ins) for this instance.
- `/parley/api/v1/…`: a small JSON API for scripts and load tests. Each call reads what it needs from the
  database, so consecutive turns may go to different instances, and a turn can be retried anywhere
  (`Team.play_turn`).

Every route here sits behind the same guard as Gradio's (`guard.py`): the API is signed in by the same
cookie, or by a bearer token from `POST /parley/api/v1/sign-in`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import MutableMapping
from dataclasses import asdict
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from gradio.routes import App
from starlette.middleware import Middleware

from simulator.errors import (
    NotAllowedError,
    SessionConflictError,
    SessionEndedError,
    SignInError,
    SimulatorError,
    StorageError,
    UnknownPersonaError,
    UnknownSessionError,
)
from simulator.session.store import SessionRecord
from simulator.team.service import Team
from simulator.team.views import replayed
from simulator.ui.sso import add_sso_routes, handshake_middleware
from simulator.wiring import Services

log = logging.getLogger(__name__)

API_V1 = "/parley/api/v1"
SIGN_IN_ROUTE = f"{API_V1}/sign-in"


def cookie_id(services: Services) -> str:
    """The same for every instance on one database, and different for another database on the same host."""
    return hashlib.sha256(f"parley:{services.settings.database}".encode()).hexdigest()[:32]


class ParleyApp(App):  # type: ignore[misc]  # Gradio ships no types for App
    """Gradio's App with a shared token table (Gradio assigns `tokens = {}` when it configures the app; with a
    shared table that plain dict is ignored)."""

    def __init__(self, sign_ins: MutableMapping[str, str] | None, cookie: str, **kwargs: Any) -> None:
        self._shared_tokens = sign_ins
        self._own_tokens: MutableMapping[str, str] = {}
        super().__init__(**kwargs)
        self.cookie_id = cookie

    @property
    def tokens(self) -> MutableMapping[str, str]:
        return self._shared_tokens if self._shared_tokens is not None else self._own_tokens

    @tokens.setter
    def tokens(self, value: MutableMapping[str, str]) -> None:
        self._own_tokens = value


RETRY_AFTER_S = 5  # how soon a client may try again when the database cannot write (a restart, a full disk)


def _error(status: int, message: str) -> JSONResponse:
    # 503 is the database's trouble, not the request's: the same request may succeed later, and says when.
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Anything no route answered, including the guard's token lookups: a database that cannot be read or written
    gets its plain message and 503 (retry later), never a bare 500; the detail goes to the log."""
    if isinstance(exc, StorageError):
        log.warning("%s %s: %s (%s)", request.method, request.url.path, exc, exc.detail)
        return _error(503, str(exc))
    return Response("Internal Server Error", status_code=500, media_type="text/plain")


STATUS: list[tuple[type[Exception], int]] = [
    (SignInError, 401),
    (NotAllowedError, 403),
    (UnknownSessionError, 404),
    (UnknownPersonaError, 404),
    (SessionConflictError, 409),
    (SessionEndedError, 409),
    (StorageError, 503),
    (SimulatorError, 400),
]


def _status(exc: Exception) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


def _turn_view(record: SessionRecord, turn: int, held: bool) -> dict[str, Any]:
    """A stored turn as its player may see it: the same view a retried turn gets, without the retry flag (and
    without its grade while an assessment is open: `held`)."""
    view = asdict(replayed(record, turn))
    del view["replayed"]
    if held:
        view["grade"] = None
    return view


def _session_view(record: SessionRecord, held: bool = False) -> dict[str, Any]:
    return {
        "session_id": record.id,
        "persona_id": record.persona_id,
        "user": record.user,
        "opening": record.opening,
        "turn": record.state.turn,
        "ended": record.ended_at is not None,
        "outcome": record.outcome,
        "turns": [_turn_view(record, t.turn, held) for t in record.turns],
        "assessment_open": held,
    }


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise SimulatorError('the request body is not JSON: send an object such as {"text": "…"}') from None
    if not isinstance(body, dict):
        raise SimulatorError("the request body must be a JSON object")
    return body


def add_routes(app: App, services: Services, user_of: Any) -> None:
    """`user_of(request)`: the signed-in name the guard read (None when the app has no accounts)."""
    team: Team = services.team

    async def run(request: Request, work: Any) -> Response:
        try:
            caller = await anyio.to_thread.run_sync(team.caller, user_of(request))
            body = await _json(request) if request.method == "POST" else {}
            result = await anyio.to_thread.run_sync(work, caller, body)
        except Exception as exc:
            status = _status(exc)
            if status == 500:
                raise
            return _error(status, str(exc))
        return JSONResponse(result)

    async def healthz(request: Request) -> Response:
        report = await anyio.to_thread.run_sync(services.health)
        ok = all(v == "ok" for v in report.values())
        return JSONResponse({"status": "ok" if ok else "failing", **report}, status_code=200 if ok else 503)

    async def metrics(request: Request) -> Response:
        return Response(services.metrics.render(), media_type=services.metrics.content_type)

    async def sign_in(request: Request) -> Response:
        if services.sign_ins is None:
            return _error(503, "sign-in tokens are not available on this server")
        try:
            body = await _json(request)
            name, password = str(body.get("name", "")), str(body.get("password", ""))
            caller = await anyio.to_thread.run_sync(team.sign_in, name, password)
            token = await anyio.to_thread.run_sync(services.sign_ins.issue, caller.name)
        except SimulatorError as exc:
            return _error(_status(exc), str(exc))
        return JSONResponse({"token": token, "name": caller.name, "role": caller.role.value})

    def start(caller: Any, body: dict[str, Any]) -> dict[str, Any]:
        persona = str(body.get("persona", ""))
        if not persona:
            raise SimulatorError('name the counterpart: {"persona": "<persona id>"}')
        handle = team.start(caller, persona)
        return _session_view(team.record(caller, handle.session_id), team.assessing(caller, handle.session_id))

    async def create_session(request: Request) -> Response:
        return await run(request, start)

    async def session(request: Request) -> Response:
        session_id = request.path_params["session_id"]

        def read(caller: Any, _: dict[str, Any]) -> dict[str, Any]:
            record = team.record(caller, session_id)  # the player, or their trainer
            if record.user == caller.name and record.turns and record.turns[-1].reply is None:
                record = team.resume(caller, session_id)[1]  # the player's own cut-off turn is finished first
            return _session_view(record, team.assessing(caller, session_id))

        return await run(request, read)

    async def turn(request: Request) -> Response:
        session_id = request.path_params["session_id"]

        def play(caller: Any, body: dict[str, Any]) -> dict[str, Any]:
            number = body.get("turn")
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise SimulatorError('say which turn this is: {"turn": 1, "text": "…"} (the first is 1)')
            return asdict(team.play_turn(caller, session_id, number, str(body.get("text", ""))))

        return await run(request, play)

    async def end(request: Request) -> Response:
        session_id = request.path_params["session_id"]

        def finish(caller: Any, _: dict[str, Any]) -> dict[str, Any]:
            handle, _record = team.resume(caller, session_id)
            debrief = team.end(caller, handle)
            return {**_session_view(team.record(caller, session_id)), "debrief": debrief.model_dump(mode="json")}

        return await run(request, finish)

    def me(caller: Any, _: dict[str, Any]) -> dict[str, Any]:
        return {"name": caller.name, "role": caller.role.value}

    async def whoami(request: Request) -> Response:
        return await run(request, me)

    def assign(caller: Any, body: dict[str, Any]) -> dict[str, Any]:
        made = team.assign(
            caller,
            [str(body.get("trainee", ""))],
            [str(body.get("persona", ""))],
            due=body.get("due"),
            target=int(body.get("target", 70)),
        )
        return {"assignments": [{"id": a.id, "trainee": a.trainee, "persona_id": a.persona_id} for a in made]}

    async def assignments(request: Request) -> Response:
        return await run(request, assign)

    app.add_api_route(f"{API_V1}/me", whoami, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{API_V1}/assignments", assignments, methods=["POST"], include_in_schema=False)
    app.add_api_route("/healthz", healthz, methods=["GET"], include_in_schema=False)
    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
    app.add_api_route(SIGN_IN_ROUTE, sign_in, methods=["POST"], include_in_schema=False)
    app.add_api_route(f"{API_V1}/sessions", create_session, methods=["POST"], include_in_schema=False)
    app.add_api_route(f"{API_V1}/sessions/{{session_id}}", session, methods=["GET"], include_in_schema=False)
    app.add_api_route(f"{API_V1}/sessions/{{session_id}}/turns", turn, methods=["POST"], include_in_schema=False)
    app.add_api_route(f"{API_V1}/sessions/{{session_id}}/end", end, methods=["POST"], include_in_schema=False)


def make_app(services: Services, middleware: list[Middleware], user_of: Any) -> ParleyApp:
    from fastapi.responses import ORJSONResponse

    # Gradio's own choice of response class (as its launch() makes it); FastAPI warns about it on every call.
    warnings.filterwarnings("ignore", message="ORJSONResponse is deprecated")

    oidc = services.settings.oidc
    if oidc is not None:
        middleware = [*middleware, handshake_middleware(oidc)]  # inside the guard: only the SSO routes use it
    app = ParleyApp(
        services.sign_ins, cookie_id(services), middleware=middleware, default_response_class=ORJSONResponse
    )
    add_routes(app, services, user_of)
    app.add_exception_handler(Exception, _unexpected)
    if oidc is not None:
        add_sso_routes(app, oidc, services.team, services.sign_ins, app.cookie_id)
    return app

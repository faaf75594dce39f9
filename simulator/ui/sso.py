"""Single sign-on through any OpenID Connect provider, with Authlib (a maintained library), next to passwords.

`GET /parley/sso/login` sends the browser to the provider; `GET /parley/sso/callback` takes its answer, maps a
configurable claim to the trainer or trainee role, finds the account by the ID token's issuer and subject (never by a
name, which people choose at the provider) or creates it on the first sign-in (`Team.sign_in_external`, which
refuses a disabled account and never opens a password account), and signs the browser in exactly as Gradio's own
`/login` does: a token in the shared table (`SqlSignIns`) and Gradio's two cookies. From there on every route,
Gradio's, the API's and the downloads', sees the same signed-in user through the guard. Sign-out is Gradio's
`/logout`, which the guard makes sign the person out everywhere.

The short handshake (state and nonce) rides in a signed cookie whose key comes from the client secret, so the
callback may land on any app instance.
"""

from __future__ import annotations

import hashlib
import logging
import re
from html import escape
from typing import Any

import anyio
from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from simulator.config import OidcSettings
from simulator.errors import SimulatorError
from simulator.team.model import Role
from simulator.team.service import Team

log = logging.getLogger(__name__)

LOGIN = "/parley/sso/login"
CALLBACK = "/parley/sso/callback"
HANDSHAKE_COOKIE = "parley-sso"


def role_of(claims: dict[str, Any], settings: OidcSettings) -> Role:
    """Trainer when the role claim holds (or lists) one of the trainer values; trainee otherwise."""
    value = claims.get(settings.role_claim)
    values = value if isinstance(value, list) else [value]
    return Role.TRAINER if any(str(v) in settings.trainer_values for v in values if v is not None) else Role.TRAINEE


def name_of(claims: dict[str, Any], settings: OidcSettings) -> str:
    """The name a new account asks for, from the name claim (then email, then sub), in the characters account names
    allow. It only names a new account: it never finds one."""
    raw = next((str(claims[k]) for k in (settings.name_claim, "email", "sub") if claims.get(k)), "")
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw).strip("._-")[:40]


def handshake_middleware(settings: OidcSettings) -> Middleware:
    key = hashlib.sha256(f"parley-sso:{settings.client_secret}".encode()).hexdigest()
    return Middleware(SessionMiddleware, secret_key=key, session_cookie=HANDSHAKE_COOKIE, max_age=600, same_site="lax")


def _page(status: int, message: str) -> HTMLResponse:
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign-in</title></head><body>'
        f'<p role="alert">{escape(message)}</p><p><a href="/">Back to the sign-in page</a></p></body></html>'
    )
    return HTMLResponse(body, status_code=status)


def add_sso_routes(app: Any, settings: OidcSettings, team: Team, sign_ins: Any, cookie_id: str) -> None:
    oauth = OAuth()
    oauth.register(
        "provider",
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email"},
    )
    client = oauth.create_client("provider")

    async def login(request: Request) -> Response:
        try:
            redirect: Response = await client.authorize_redirect(request, str(request.url_for("parley_sso_callback")))
        except Exception as exc:  # the provider is down or its discovery document is broken
            log.warning("single sign-on: the provider at %s did not answer: %s", settings.issuer, exc)
            return _page(502, f"{settings.label} did not answer. Try again in a moment, or sign in with a password.")
        return redirect

    async def callback(request: Request) -> Response:
        try:
            token = await client.authorize_access_token(request)
        except OAuthError as exc:
            return _page(400, f"Sign-in was not completed ({exc.error}). Start again from the sign-in page.")
        claims = dict(token.get("userinfo") or {})
        # The account is the one made for this issuer's subject; the name is only a wish for a new account's name.
        issuer = str(claims.get("iss") or settings.issuer)
        subject = str(claims.get("sub") or "")
        name = name_of(claims, settings)
        try:
            caller = await anyio.to_thread.run_sync(
                team.sign_in_external, issuer, subject, name, role_of(claims, settings)
            )
        except SimulatorError as exc:
            return _page(403, str(exc))
        value = await anyio.to_thread.run_sync(sign_ins.issue, caller.name)
        response = RedirectResponse("/", status_code=302)
        # The same two cookies Gradio's /login sets, so Gradio and the guard read this sign-in as their own.
        response.set_cookie(f"access-token-{cookie_id}", value, httponly=True, samesite="none", secure=True)
        response.set_cookie(f"access-token-unsecure-{cookie_id}", value, httponly=True)
        return response

    app.add_api_route(LOGIN, login, methods=["GET"], include_in_schema=False)
    app.add_api_route(CALLBACK, callback, methods=["GET"], name="parley_sso_callback", include_in_schema=False)

"""The HTTP guard in front of Gradio's routes: one ASGI middleware, given to Gradio's FastAPI app at launch.

Gradio answers every route by itself, and some of its promises are weaker than ours:
- it serves any live session's event stream and state to whoever sends that session's hash, so a session
  hash (and each event id) is bound here to the first signed-in user who uses it, and refused to anyone else;
- it serves uploads and its temp files to anyone signed in who has the URL: the app has no upload or file
  component, so those routes are closed, and exports go through `/parley/download/` (see `downloads.py`);
- its sign-in page embeds the API description (component choices, persona ids) for anonymous visitors;
- it leaves the browser's storage as it was at sign-out, on machines that training rooms share.
Which user a request comes from is read exactly as Gradio reads it: its access-token cookie and token table.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote

import anyio

from simulator.ui.asgi import ASGIApp, Message, Receive, Scope, Send, buffered, read_body, replay
from simulator.ui.bindings import Bindings
from simulator.ui.downloads import DOWNLOAD, MEDIA_TYPES, Downloads
from simulator.ui.request_checks import (
    CROSS_SITE,
    IMPORT_HEADER,
    MAX_ANONYMOUS_BODY,
    MAX_BODY,
    SAFE_METHODS,
    TOO_DEEP,
    declared_length,
    headers_of,
    same_site,
    too_deep,
)
from simulator.ui.style import SIGN_IN_HEAD

log = logging.getLogger(__name__)

API = "/gradio_api"
API_V1 = "/parley/api/v1"  # the JSON API (server.py)
# The Studio's file import (a card PNG cannot be pasted). Gradio's own upload route stays closed: this one
# hands the bytes straight to the Studio service as the signed-in caller, and writes nothing to disk.
STUDIO_IMPORT = "/parley/studio/import"
MAX_IMPORT = (8 << 20) + 4096
# (signed-in name or None, file name, bytes) -> (HTTP status, JSON body)
Importer = Callable[[str | None, str, bytes], tuple[int, dict[str, str]]]
# What a browser needs to draw the sign-in form and sign in; every other route needs a signed-in user.
PUBLIC = frozenset(
    {
        "/",
        "/login",
        "/login/",
        "/logout",
        "/favicon.ico",
        "/robots.txt",
        "/manifest.json",
        "/theme.css",
        f"{API}/theme.css",
        f"{API}/login_check",
        f"{API}/login_check/",
        f"{API}/app_id",
        f"{API}/app_id/",
        f"{API}/startup-events",  # Gradio's launch calls it itself, unsigned; it only starts the queue, once
        "/healthz",  # operators' probes: whether the database and Chroma answer, no personal data
        "/metrics",  # counts only; deploy/ keeps it off the public proxy
        f"{API_V1}/sign-in",
        "/parley/sso/login",  # single sign-on (sso.py): the way to the provider, and its answer
        "/parley/sso/callback",
    }
)
PUBLIC_PREFIXES = ("/assets/", "/static/", "/svelte/", f"{API}/assets/", f"{API}/static/")
# Gradio routes this app has no use for: uploads and served files (no upload or file component), the run
# history, monitoring, deep links, proxying, live code editing, recordings. Closed for everyone.
CLOSED_PREFIXES = (
    f"{API}/upload",
    f"{API}/file=",
    f"{API}/file/",
    f"{API}/proxy=",
    f"{API}/runs",
    f"{API}/run-history",
    f"{API}/deep_link",
    f"{API}/process_recording",
    f"{API}/vibe",
    f"{API}/undo-vibe",
    f"{API}/dev/",
    f"{API}/mcp",
    "/monitoring",
)
BINDS_EVENTS = (f"{API}/queue/join", f"{API}/call/")  # their answers carry a new event id
# Browsers obey these: no image, frame or plugin is fetched from elsewhere (a remote image in a chat message would be
# a tracking pixel), nothing is sent to another origin (connect-src, form-action), and only the page's own scripts
# run: Gradio's files, and its inline scripts, which carry a nonce made per page (`_with_headers`). Markup that slips
# past escaping cannot run script (no 'unsafe-inline', so no onerror=…; a <script> that Gradio's HTML component
# copies into the page has no nonce). 'unsafe-eval' stays because Gradio runs the app's own `js=` and `js_on_load`
# through Function().
CSP = (
    "default-src 'self'; script-src 'self' {nonce}'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


CSP_HEADER = b"content-security-policy"
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.IGNORECASE)


def csp(nonce: str = "") -> tuple[bytes, bytes]:
    return (CSP_HEADER, CSP.format(nonce=f"'nonce-{nonce}' " if nonce else "").encode())


SECURITY_HEADERS = [
    csp(),
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on the app's own writes, and
    # `_same_site` could not tell them from a forged one. Nothing is sent to other sites either way.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
_OURS = frozenset(name for name, _ in SECURITY_HEADERS)  # replaced, never doubled, on every answer
NO_STORE = (b"cache-control", b"no-store")
_API_INFO = re.compile(rb"window\.gradio_api_info = .*?;</script>", re.DOTALL)
SIGNED_OUT_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
<body><p>You are signed out. <a href="./">Sign in again</a></p>
<script>try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} location.replace("./");</script>
</body></html>"""


USER = "parley.user"  # where the guard leaves the signed-in name for the routes behind it (server.py)


def signed_in_user(scope: Scope) -> str | None:
    return scope.get(USER)


def _user(scope: Scope) -> str | None:
    """The signed-in name as Gradio knows it, from its access-token cookie (or, for the JSON API, the same
    token table's bearer token)."""
    app = scope.get("app")
    tokens = getattr(app, "tokens", None)
    cookie_id = getattr(app, "cookie_id", None)
    headers = headers_of(scope)
    bearer = headers.get(b"authorization", b"")
    if tokens is not None and bearer[:7].lower() == b"bearer " and str(scope.get("path", "")).startswith(API_V1):
        found = tokens.get(bearer[7:].strip().decode("latin-1"))
        return str(found) if found else None
    raw = headers.get(b"cookie")
    if tokens is None or cookie_id is None or raw is None:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except CookieError:
        return None
    for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
        if name in jar:
            found = tokens.get(jar[name].value)
            if found:
                return str(found)
    return None


async def _respond(send: Send, status: int, body: bytes, content_type: bytes = b"application/json") -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()), NO_STORE]
    await send({"type": "http.response.start", "status": status, "headers": headers + SECURITY_HEADERS})
    await send({"type": "http.response.body", "body": body})


REFUSED = json.dumps({"detail": "Not allowed."}).encode()
SIGN_IN = json.dumps({"detail": "Not authenticated: sign in first."}).encode()


class Guard:
    """`auth_required`: the app has accounts, so only the sign-in page is served to anonymous visitors."""

    def __init__(
        self, app: ASGIApp, *, auth_required: bool, downloads: Downloads, importer: Importer | None = None
    ) -> None:
        self.importer = importer
        self.app = app
        self.auth_required = auth_required
        self.downloads = downloads
        self.sessions = Bindings()
        self.events = Bindings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        user = await anyio.to_thread.run_sync(_user, scope)  # the token table may be in the database
        scope[USER] = user
        if scope["type"] == "websocket":
            if self.auth_required and user is None:
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if path.startswith(CLOSED_PREFIXES):
            await _respond(send, 403, REFUSED)
            return
        method = str(scope.get("method", "GET"))
        if method not in SAFE_METHODS and not same_site(scope, path):
            log.warning("refused a cross-site %s %s", method, path)
            await _respond(send, 403, CROSS_SITE)
            return
        if self.auth_required and user is None and path not in PUBLIC and not path.startswith(PUBLIC_PREFIXES):
            await _respond(send, 401, SIGN_IN)
            return
        if path.startswith(DOWNLOAD):
            await self._download(path[len(DOWNLOAD) :], user, send)
            return
        if path == STUDIO_IMPORT:
            await self._import(scope, receive, user, send)
            return
        body = b""
        if method not in SAFE_METHODS:
            # Every body is bounded before anything reads it: before sign-in to a name and a password.
            limit = MAX_ANONYMOUS_BODY if self.auth_required and user is None else MAX_BODY
            read = None if declared_length(scope) > limit else await read_body(receive, limit)
            if read is None:
                await _respond(
                    send, 413, json.dumps({"detail": f"Request too large: at most {limit:,} bytes."}).encode()
                )
                return
            if too_deep(read):
                await _respond(send, 400, TOO_DEEP)
                return
            body = read
            receive = replay(body, receive)
        if self.auth_required and user is not None and not self._allowed(scope, path, body, user):
            log.warning(
                "refused %s %s for %s: the session or event belongs to someone else", scope["method"], path, user
            )
            await _respond(send, 403, REFUSED)
            return
        if path == "/logout":
            forget = getattr(getattr(scope.get("app"), "tokens", None), "forget", None)
            if user is not None and forget is not None:
                await anyio.to_thread.run_sync(forget, user)  # every browser of theirs, on every instance
            send = _signed_out(send)
        elif self.auth_required and user is None and path == "/" and scope.get("method") == "GET":
            send = _without_api_info(send)
        elif self.auth_required and user and scope.get("method") == "POST" and path.startswith(BINDS_EVENTS):
            send = self._binding_events(send, user)
        await self.app(scope, receive, _with_headers(send, path))

    def _allowed(self, scope: Scope, path: str, body: bytes, user: str) -> bool:
        """Every session hash and event id the request names must be this user's (or nobody's yet)."""
        sessions: list[str] = []
        events: list[str] = []
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        sessions += query.get("session_hash", [])
        parts = PurePosixPath(path).parts  # ('/', 'gradio_api', 'heartbeat', HASH) …
        if len(parts) >= 4 and parts[1] == API[1:]:
            if parts[2] == "heartbeat":
                sessions.append(parts[3])
            elif parts[2] == "stream" and (len(parts) == 4 or (len(parts) == 5 and parts[4] == "close")):
                events.append(parts[3])  # /stream/{event_id}[/close]
            elif parts[2] == "stream":
                sessions.append(parts[3])  # /stream/{session_hash}/{run}/…
            elif parts[2] == "call" and len(parts) >= 5 and scope.get("method") == "GET":
                events.append(parts[-1])  # /call/{api_name}/{event_id} and /call/v2/{api_name}/{event_id}
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                payload = None
            if isinstance(payload, dict):
                if isinstance(payload.get("session_hash"), str):
                    sessions.append(payload["session_hash"])
                if isinstance(payload.get("event_id"), str):
                    events.append(payload["event_id"])
        return all(self.sessions.claim(s, user) for s in sessions) and all(self.events.claim(e, user) for e in events)

    def _binding_events(self, send: Send, user: str) -> Send:
        """Remember who started each event, so only they may read its stream (`/call/NAME/EVENT_ID`)."""
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    try:
                        event = json.loads(b"".join(chunks)).get("event_id")
                    except (ValueError, AttributeError):
                        event = None
                    if isinstance(event, str):
                        self.events.claim(event, user)
            await send(message)

        return wrapped

    async def _import(self, scope: Scope, receive: Receive, user: str | None, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        if self.importer is None or scope.get("method") != "POST" or headers.get(IMPORT_HEADER) != b"1":
            await _respond(send, 403, REFUSED)
            return
        body = await read_body(receive, MAX_IMPORT)
        if body is None:
            await _respond(send, 413, json.dumps({"error": "the file is larger than 8 MiB"}).encode())
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        name = (query.get("name") or ["upload"])[0][:200]
        status, payload = await anyio.to_thread.run_sync(self.importer, user, name, body)
        await _respond(send, status, json.dumps(payload).encode())

    async def _download(self, token: str, user: str | None, send: Send) -> None:
        found = await anyio.to_thread.run_sync(self.downloads.redeem, token, user)
        if found is None:
            body = b"This download has expired, was used already, or is not yours: export it again."
            await _respond(send, 404, body, b"text/plain; charset=utf-8")
            return
        name, content = found
        media = MEDIA_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
        headers = [
            (b"content-type", media.encode()),
            (b"content-length", str(len(content)).encode()),
            (b"content-disposition", f"attachment; filename*=UTF-8''{quote(name)}".encode()),
            NO_STORE,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers + SECURITY_HEADERS})
        await send({"type": "http.response.body", "body": content})


def _with_headers(send: Send, path: str) -> Send:
    """Security headers on every answer; nothing but static assets may be kept in the browser's cache. A page
    (HTML) is held whole: its own inline scripts get a nonce made for it, and its policy names that nonce."""
    cacheable = path.startswith(PUBLIC_PREFIXES) or path in {"/favicon.ico", "/theme.css", f"{API}/theme.css"}
    page: Message | None = None
    chunks: list[bytes] = []

    async def wrapped(message: Message) -> None:
        nonlocal page
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
            headers += SECURITY_HEADERS
            if not cacheable:
                headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"] + [NO_STORE]
            message = {**message, "headers": headers}
            if dict((k.lower(), v) for k, v in headers).get(b"content-type", b"").startswith(b"text/html"):
                page = message
                return
        elif message["type"] == "http.response.body" and page is not None:
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            nonce = secrets.token_urlsafe(18)
            # Gradio writes the JSON inside its inline scripts with `<` escaped, so every `<script` here is a tag.
            body = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', b"".join(chunks))
            kept = [(k, v) for k, v in page["headers"] if k.lower() not in (b"content-length", CSP_HEADER)]
            kept += [csp(nonce), (b"content-length", str(len(body)).encode())]
            await send({**page, "headers": kept})
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)

    return wrapped


def _without_api_info(send: Send) -> Send:
    """The anonymous sign-in page without the API description Gradio embeds in it, with a title and the page's
    contrast fixes (it is served before the app's own CSS can be)."""

    def rewrite(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, list[Any], bytes]:
        body = _API_INFO.sub(b"window.gradio_api_info = {};</script>", body)
        return status, headers, body.replace(b"</head>", SIGN_IN_HEAD.encode() + b"</head>", 1)

    return buffered(send, rewrite)


def _signed_out(send: Send) -> Send:
    """Gradio's sign-out (cookies and tokens dropped), then a page that empties the browser's storage for this
    site before it shows the sign-in form again; `Clear-Site-Data` does the same where the browser obeys it."""

    def rewrite(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, list[Any], bytes]:
        if status not in (302, 307):
            return status, headers, body
        kept = [(k, v) for k, v in headers if k.lower() == b"set-cookie"]
        kept += [(b"content-type", b"text/html; charset=utf-8"), (b"clear-site-data", b'"cache", "storage"')]
        return 200, kept, SIGNED_OUT_PAGE

    return buffered(send, rewrite)

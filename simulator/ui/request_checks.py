"""What the guard checks in a request before anything parses it: how big its body may be, how deep its JSON may
nest, and whether a write comes from this site's own pages (or from a client no cross-site form can imitate)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from simulator.ui.asgi import Scope

IMPORT_HEADER = b"x-parley-import"  # a cross-site form cannot set it, so a forged post is refused
MAX_BODY = 1 << 20  # no request of this app carries more than a message, a comment or a note
MAX_ANONYMOUS_BODY = 16 << 10  # before sign-in a body is a name and a password, nothing more
MAX_DEPTH = 64  # far deeper than any of this app's own requests nest; parsers recurse, so this is checked first
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def headers_of(scope: Scope) -> dict[bytes, bytes]:
    return {k.lower(): v for k, v in scope.get("headers", [])}


CROSS_SITE = json.dumps(
    {"detail": "Refused: a change must come from this site's own pages, or as JSON (Content-Type: application/json)."}
).encode()
TOO_DEEP = json.dumps({"detail": f"The request nests deeper than {MAX_DEPTH} levels: send a flatter body."}).encode()
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(rb"[\[\]{}]")


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON (or anything bracketed) nests deeper than `limit`, found without parsing it: strings are
    skipped, then brackets counted."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKETS.finditer(_STRINGS.sub(b"", body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def declared_length(scope: Scope) -> int:
    raw = headers_of(scope).get(b"content-length", b"0")
    return int(raw) if raw.isdigit() else 0


def origin_of(url: bytes) -> tuple[str, str] | None:
    """(scheme, host:port with the default port written out) of a URL, or None when it has none (`null`)."""
    parsed = urlsplit(url.decode("latin-1"))
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, f"{parsed.hostname.lower()}:{port}"


def same_site(scope: Scope, path: str) -> bool:
    """A write (any method but GET, HEAD, OPTIONS) is taken only from this site's own pages or from a client a
    browser form cannot imitate. A browser names the page a request comes from (Origin, else Referer): it must be
    this host. A client that names none (a script, curl) must send JSON, a bearer token or the import header:
    a cross-site form can send none of them."""
    headers = headers_of(scope)
    named = headers.get(b"origin") or headers.get(b"referer")
    if named is not None:
        origin = origin_of(named)
        if origin is None:
            return False  # `Origin: null`: a sandboxed frame or a page that hides where it is
        hosts = {h for h in (headers.get(b"host"), headers.get(b"x-forwarded-host")) if h}
        for host in hosts:
            mine = origin_of(origin[0].encode() + b"://" + host.split(b",")[0].strip())
            if mine == origin:
                return True
        return False
    if path in ("/login", "/login/", "/logout"):
        return True  # a sign-in form post with no Origin: only a non-browser client sends one
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return (
        kind == b"application/json"
        or headers.get(b"authorization", b"")[:7].lower() == b"bearer "
        or headers.get(IMPORT_HEADER) == b"1"
    )

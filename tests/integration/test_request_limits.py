"""What the guard refuses before anything parses it, against the real app (`python app.py`) on 127.0.0.1: bodies
over the limit on every route (sign-in included, before anyone is known), nesting deeper than any request of the
app, writes from other sites, and someone else's event read through Gradio's second call route. Also the
bindings table: one user's flood of session hashes never pushes out another user's."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.persona.files import load_folder
from simulator.session.practice import Practice
from simulator.team.service import Team
from simulator.ui.bindings import Bindings
from simulator.ui.request_checks import MAX_ANONYMOUS_BODY
from tests.appserver import APPS, running_app, signed_in
from tests.conftest import PERSONAS_DIR

PASSWORD = "correct horse"
SECRET = "Bob-only words: what keeps the quarterly figures awake at night?"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("limits-data")
    store = SqlStore(data / "parley.sqlite3")
    team = Team(Practice(load_folder(PERSONAS_DIR), store), SqlTeamStore(store), rounds=4)
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    team.add_user("bob", "trainee", PASSWORD, trainer="tess")
    handle = team.start(team.caller("bob"), "procurement_discount")
    team.practice.send(handle, SECRET)
    store.close()
    with running_app(data) as url:
        yield url, handle.session_id


def _rss_mb(url: str) -> float:
    status = Path(f"/proc/{APPS[url]}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


def _stream(url: str, path: str, megabytes: int, headers: dict[str, str] | None = None) -> int:
    """POST `megabytes` of body in chunks, as a client that never stops sending; the status the server answers."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    connection.putrequest("POST", path)
    for name, value in {"Transfer-Encoding": "chunked", **(headers or {})}.items():
        connection.putheader(name, value)
    connection.endheaders()
    chunk = b"a" * (1 << 20)
    try:
        for _ in range(megabytes):
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed while the body was still coming: what we want
    try:
        return connection.getresponse().status
    finally:
        connection.close()


def _post(
    opener: urllib.request.OpenerDirector | None, url: str, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with opener.open(request, timeout=30) if opener else urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status), r.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8")


def test_bodies_are_bounded_on_every_route_before_anyone_signs_in(site: tuple[str, str]) -> None:
    url, _ = site
    before = _rss_mb(url)
    for path in ("/parley/api/v1/sign-in", "/login", "/parley/api/v1/sessions", "/gradio_api/queue/join"):
        assert _stream(url, path, 64, {"Content-Type": "application/json"}) in {401, 413}, path
    # A declared length over the limit is refused without reading a byte of it.
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    connection.putrequest("POST", "/parley/api/v1/sign-in")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(300 << 20))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    assert _rss_mb(url) - before < 100
    # An ordinary sign-in still works, and a name and password just under the anonymous limit are read.
    status, _ = _post(
        None,
        url + "parley/api/v1/sign-in",
        json.dumps({"name": "ann", "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200
    padded = json.dumps({"name": "ann", "password": "x" * (MAX_ANONYMOUS_BODY - 100)}).encode()
    assert _post(None, url + "parley/api/v1/sign-in", padded, {"Content-Type": "application/json"})[0] == 401


def test_deep_nesting_gets_a_clear_400_on_every_route(site: tuple[str, str]) -> None:
    url, _ = site
    deep = b"[" * 6_000 + b"]" * 6_000
    status, body = _post(None, url + "parley/api/v1/sign-in", deep, {"Content-Type": "application/json"})
    assert status == 400 and "nests deeper" in body
    ann = signed_in(url, "ann", PASSWORD)
    for path in ("parley/api/v1/sessions", "gradio_api/queue/join", "gradio_api/run/send"):
        status, body = _post(ann, url + path, b'{"data": ' + b"[" * 100_000, {"Content-Type": "application/json"})
        assert status == 400 and "nests deeper" in body, path
    # Brackets inside a string are text, not nesting.
    flat = json.dumps({"persona": "[" * 5_000}).encode()
    status, body = _post(ann, url + "parley/api/v1/sessions", flat, {"Content-Type": "application/json"})
    assert status == 404 and "nests deeper" not in body


def test_writes_from_other_sites_are_refused(site: tuple[str, str]) -> None:
    url, _ = site
    tess = signed_in(url, "tess", PASSWORD)
    target = url + "parley/api/v1/assignments"
    body = json.dumps({"trainee": "ann", "persona": "salary_offer"}).encode()
    forged = [
        {"Content-Type": "text/plain"},  # a cross-site form: no Origin from an older browser
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "application/json", "Origin": "http://evil.example"},
        {"Content-Type": "text/plain", "Origin": "http://evil.example"},
        {"Content-Type": "application/json", "Origin": "null"},
        {"Content-Type": "application/json", "Referer": "http://evil.example/page"},
        {"Content-Type": "application/json", "Origin": url.rstrip("/").replace("127.0.0.1", "localhost")},
    ]
    for headers in forged:
        status, answer = _post(tess, target, body, headers)
        assert status == 403 and "Refused" in answer, headers
    queue = json.dumps({"data": [], "fn_index": 0, "session_hash": uuid.uuid4().hex}).encode()
    status, _ = _post(tess, url + "gradio_api/queue/join", queue, {"Origin": "http://evil.example"})
    assert status == 403
    # The app's own pages (same Origin, JSON) and a script with JSON are served; nothing above was assigned.
    status, answer = _post(tess, target, body, {"Content-Type": "application/json", "Origin": url.rstrip("/")})
    assert status == 200 and '"trainee": "ann"' in answer.replace('":"', '": "')
    status, answer = _post(tess, target, body, {"Content-Type": "application/json"})
    assert status == 400 and "already has" in answer


def test_an_event_read_through_the_second_call_route_is_still_only_its_owners(site: tuple[str, str]) -> None:
    url, session_id = site
    tess = signed_in(url, "tess", PASSWORD)
    with tess.open(url + "gradio_api/info", timeout=30) as response:
        info = json.loads(response.read())
    parameter = info["named_endpoints"]["/transcript"]["parameters"][0]["parameter_name"]
    status, answer = _post(
        tess,
        url + "gradio_api/call/v2/transcript",
        json.dumps({parameter: session_id}).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 200
    event_id = json.loads(answer)["event_id"]
    ann = signed_in(url, "ann", PASSWORD)
    for route in (f"gradio_api/call/v2/transcript/{event_id}", f"gradio_api/call/transcript/{event_id}"):
        try:
            with ann.open(url + route, timeout=30) as response:
                status, text = int(response.status), response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            status, text = int(exc.code), ""
        assert status == 403 and SECRET not in text, route
    with tess.open(url + f"gradio_api/call/v2/transcript/{event_id}", timeout=30) as response:
        assert SECRET in response.read().decode("utf-8")


def test_one_users_flood_of_session_hashes_never_frees_another_users() -> None:
    bindings = Bindings(size=10_000, per_user=500)
    assert bindings.claim("ann-tab", "ann")
    for n in range(20_000):
        assert bindings.claim(f"flood-{n}", "mallory")
    assert bindings.held_by("mallory") == 500  # only the flooder's own oldest were forgotten
    assert not bindings.claim("ann-tab", "mallory")
    assert bindings.claim("ann-tab", "ann")
    # The whole table stays bounded however many users flood it.
    for user in range(40):
        for n in range(500):
            bindings.claim(f"{user}-{n}", f"user{user}")
    assert sum(bindings.held_by(u) for u in [*(f"user{n}" for n in range(40)), "mallory", "ann"]) <= 10_000

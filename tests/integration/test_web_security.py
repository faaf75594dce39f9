"""The attacker's probe, replayed against the real app (`python app.py`) over HTTP on 127.0.0.1.

Accounts are made at bcrypt's real cost (12), as `users add` makes them, so timing and stalls are the real ones.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.config import REPO_ROOT
from simulator.persona.files import load_folder
from simulator.session.practice import Practice
from simulator.team.service import Team
from tests.appserver import fn_index, queue_call, running_app, signed_in
from tests.conftest import PERSONAS_DIR

PASSWORD = "correct horse"
SECRET = "Bob-only words: what keeps the quarterly figures awake at night?"
KNOWN = [f"known{n}" for n in range(5)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    data = tmp_path_factory.mktemp("security-data")
    store = SqlStore(data / "parley.sqlite3")
    team = Team(Practice(load_folder(PERSONAS_DIR), store), SqlTeamStore(store), rounds=12)
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("tom", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    team.add_user("bob", "trainee", PASSWORD, trainer="tom")
    for name in KNOWN:
        team.add_user(name, "trainee", PASSWORD)
    handle = team.start(team.caller("bob"), "procurement_discount")
    team.practice.send(handle, SECRET)
    store.close()
    with running_app(data) as url:
        yield url, data, {"bob_session": handle.session_id}


def _login(url: str, name: str, password: str) -> tuple[int, float]:
    form = urllib.parse.urlencode({"username": name, "password": password}).encode()
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url + "login", data=form), timeout=30) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = int(exc.code)
    return status, (time.perf_counter() - start) * 1000


def _status(opener: urllib.request.OpenerDirector | None, request: urllib.request.Request | str) -> int:
    try:
        with opener.open(request, timeout=30) if opener else urllib.request.urlopen(request, timeout=30) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_sign_in_time_does_not_tell_which_names_exist(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = site
    # Four wrong tries per known name stay under the throttle (five), so every try reaches bcrypt.
    # Interleaved, so a change in the machine's load touches both series alike.
    known, unknown = [], []
    for name in [n for n in KNOWN for _ in range(4)]:
        known.append(_login(url, name, "a wrong guess"))
        unknown.append(_login(url, f"nobody-{uuid.uuid4().hex[:8]}", "a wrong guess"))
    assert {s for s, _ in known + unknown} == {400}
    known_ms = statistics.median(t for _, t in known)
    unknown_ms = statistics.median(t for _, t in unknown)
    assert known_ms > 50, "a known name must cost real bcrypt work"
    assert abs(known_ms - unknown_ms) / known_ms < 0.25, (known_ms, unknown_ms)


def test_parallel_sign_ins_do_not_stall_other_requests(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = site
    cheap = url + "gradio_api/app_id"
    idle = [_timed(cheap) for _ in range(10)]
    done = threading.Event()
    signing = [
        threading.Thread(target=lambda n=n: _login(url, f"stall-{n}-{uuid.uuid4().hex[:6]}", "wrong")) for n in range(8)
    ]
    started = time.perf_counter()
    for t in signing:
        t.start()
    busy: list[float] = []
    watcher = threading.Thread(target=lambda: _watch(cheap, busy, done))
    watcher.start()
    for t in signing:
        t.join()
    wall = (time.perf_counter() - started) * 1000
    done.set()
    watcher.join()
    assert wall > 400, "eight real sign-ins take a while; if not, this test measures nothing"
    assert len(busy) >= 5
    # On the event loop, a request waits for every sign-in queued before it: nearly the whole wall time. In worker
    # threads it waits for a share of the CPU only. Both figures come from this run, so a busy machine slows both.
    assert max(busy) < max(150.0, 10 * statistics.median(idle), 0.25 * wall), (max(busy), statistics.median(idle), wall)


def _timed(target: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(target, timeout=30) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def _watch(target: str, into: list[float], done: threading.Event) -> None:
    while not done.is_set():
        into.append(_timed(target))
        time.sleep(0.02)


def _client(url: str, name: str) -> Client:
    return Client(url, auth=(name, PASSWORD), verbose=False, analytics_enabled=False, download_files=False)


def test_a_replayed_session_hash_gets_nothing_and_changes_nothing(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = site
    bob = _client(url, "bob")
    chat, *_ = bob.predict("salary_offer", [], "scripted", "rules", api_name="/start")
    assert chat and chat[0]["role"] == "assistant"
    ann = _client(url, "ann")
    ann.session_hash = bob.session_hash
    for api_name, args in [
        ("/start", ("procurement_discount", [], "scripted", "rules")),
        ("/send", ("Hi?", [])),
        ("/end", ([],)),
    ]:
        with pytest.raises(Exception) as refused:
            ann.predict(*args, api_name=api_name)
        assert SECRET not in str(refused.value)
    ann_http = signed_in(url, "ann", PASSWORD)
    for path in [
        "gradio_api/queue/data?session_hash=" + bob.session_hash,
        "gradio_api/heartbeat/" + bob.session_hash,
    ]:
        assert _status(ann_http, url + path) == 403, path
    cancel = urllib.request.Request(
        url + "gradio_api/cancel",
        data=json.dumps({"session_hash": bob.session_hash, "fn_index": 0, "event_id": "x"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert _status(ann_http, cancel) == 403
    # Bob's live conversation is still his: his next message is answered in it.
    chat, coach, *_, notice, _draft = bob.predict("What matters most to you in this offer?", chat, api_name="/send")
    assert len(chat) == 3 and "no session" not in notice and "Message 1" in coach


def test_an_event_stream_is_read_only_by_who_started_it(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, ids = site
    tom = signed_in(url, "tom", PASSWORD)
    start = urllib.request.Request(
        url + "gradio_api/call/transcript",
        data=json.dumps({"data": [ids["bob_session"]]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with tom.open(start, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    ann = signed_in(url, "ann", PASSWORD)
    assert _status(ann, url + f"gradio_api/call/transcript/{event_id}") == 403
    with tom.open(url + f"gradio_api/call/transcript/{event_id}", timeout=30) as response:
        assert SECRET in response.read().decode("utf-8")


def test_exports_download_once_and_only_for_who_asked(site: tuple[str, Path, dict[str, str]]) -> None:
    url, data, ids = site
    tom = _client(url, "tom")
    link, notice = tom.predict(ids["bob_session"], "json", api_name="/export_transcript")
    found = re.search(r"href='(parley/download/[^']+)'", link)
    assert found is not None and "Exported" in notice
    target = url + found.group(1)
    assert _status(None, target) == 401
    for other in ("ann", "tess", "bob"):
        assert _status(signed_in(url, other, PASSWORD), target) == 404, other
    owner = signed_in(url, "tom", PASSWORD)
    with owner.open(target, timeout=30) as response:
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Cache-Control"] == "no-store"
        assert SECRET in response.read().decode("utf-8")
    assert _status(owner, target) == 404  # once only
    # A trainer who may not read the session gets no link at all.
    link, notice = _client(url, "tess").predict(ids["bob_session"], "json", api_name="/export_transcript")
    assert link == "" and "you have no session" in notice
    assert not list(Path(data).rglob("parley-*.json"))  # nothing was written to disk


def test_uploads_and_served_files_are_closed(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = site
    ann = signed_in(url, "ann", PASSWORD)
    boundary = "parleyboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    upload = urllib.request.Request(
        url + "gradio_api/upload", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert _status(ann, upload) == 403
    big = urllib.request.Request(
        url + "gradio_api/queue/join", data=b"x" * (2 << 20), headers={"Content-Type": "application/json"}
    )
    assert _status(ann, big) == 413
    for path in ["gradio_api/file=/etc/passwd", "gradio_api/file=%2Fetc%2Fpasswd", "gradio_api/file/etc/passwd"]:
        assert _status(ann, url + path) == 403, path


def test_the_anonymous_page_describes_nothing(site: tuple[str, Path, dict[str, str]]) -> None:
    url, _, _ = site
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode("utf-8")
        headers = response.headers
    assert '"auth_required":true' in page.replace(" ", "")
    for word in [*(p.stem for p in PERSONAS_DIR.glob("*.yaml")), "export_transcript", "start_assignment", "Dana"]:
        assert word not in page, word
    assert "img-src 'self'" in headers["Content-Security-Policy"]
    assert _status(None, url + "gradio_api/info") == 401
    assert _status(None, url + "gradio_api/heartbeat/abc") == 401
    assert _status(None, url + "monitoring") in {401, 403}


def test_a_lone_surrogate_is_answered_clearly_and_blocks_nobody(site: tuple[str, Path, dict[str, str]]) -> None:
    url, data, _ = site
    ann = signed_in(url, "ann", PASSWORD)
    mine = uuid.uuid4().hex
    started = queue_call(ann, url, fn_index(ann, url, "start"), ["salary_offer", None, [], "scripted", "rules"], mine)
    assert started["success"], started
    sent = queue_call(ann, url, fn_index(ann, url, "send"), ["\ud800 what matters to you?", None, []], mine)
    assert sent["success"], sent  # not the bare {'error': None} of an exception in the handler
    chat = sent["output"]["data"][0]
    assert chat[-2]["content"][0]["text"] == "\ufffd what matters to you?"
    # Nobody else is blocked: another trainee's turn goes through, and so does the operator's CLI.
    bob = _client(url, "bob")
    chat, *_ = bob.predict("salary_offer", [], "scripted", "rules", api_name="/start")
    chat, *_ = bob.predict("What would make this work for you?", chat, api_name="/send")
    assert len(chat) == 3
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "users", "add", "late", "--role", "trainee", "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        env={**os.environ, "PARLEY_DATA_DIR": str(data)},
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - start < 8

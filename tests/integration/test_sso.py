"""Single sign-on against a real OpenID Connect provider on 127.0.0.1 (`oidc-provider-mock`, which issues real
signed ID tokens), through the real app (`python app.py`) over HTTP, as a browser goes through it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from oidc_provider_mock import User, run_server_in_thread

from simulator.config import REPO_ROOT
from tests.teamstack import Process, start_instance

pytestmark = [
    pytest.mark.timeout(300),
    # The provider (in this process) runs on authlib's older API, which warns; Parley's side does not.
    pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"),
]
PEOPLE = [
    User(sub="s-tess", claims={"preferred_username": "tess", "groups": ["staff", "coaches"]}),
    User(sub="s-tom", claims={"preferred_username": "tom", "groups": ["staff"]}),
    User(sub="s-dora", claims={"email": "dora@example.com"}),
    # People who chose, at the provider, the names of others: each must get an account of their own.
    User(sub="s-mallory", claims={"preferred_username": "t1", "groups": ["staff"]}),
    User(sub="s-eve", claims={"preferred_username": "tina", "groups": ["coaches"]}),
    User(sub="s-other-tess", claims={"preferred_username": "TESS", "groups": ["staff"]}),
    User(sub="s-tom-2", claims={"preferred_username": "tom", "groups": ["staff"]}),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Process, dict[str, str]]]:
    with run_server_in_thread(user_claims=PEOPLE) as provider:
        env = {
            "PARLEY_OIDC_ISSUER": f"http://127.0.0.1:{provider.server_port}",
            "PARLEY_OIDC_CLIENT_ID": "parley",
            "PARLEY_OIDC_CLIENT_SECRET": "a client secret",
            "PARLEY_OIDC_ROLE_CLAIM": "groups",
            "PARLEY_OIDC_TRAINER_VALUES": "coaches",
        }
        data = tmp_path_factory.mktemp("sso")
        env["PARLEY_DATA_DIR"] = str(data)
        process = start_instance(data, env).ready()
        try:
            yield process, env
        finally:
            process.stop()


def sso_sign_in(url: str, sub: str) -> tuple[httpx.Client, httpx.Response]:
    """The browser's round trip: Parley → the provider's consent form (the person picks `sub`) → Parley."""
    browser = httpx.Client(timeout=30)
    to_provider = browser.get(url + "parley/sso/login")
    assert to_provider.status_code == 302 and "/oauth2/authorize" in to_provider.headers["location"]
    form = browser.post(to_provider.headers["location"], data={"sub": sub})
    assert form.status_code == 302 and "/parley/sso/callback" in form.headers["location"]
    return browser, browser.get(form.headers["location"])


def test_trainer_and_trainee_sign_in_with_their_roles_and_sign_out(app: tuple[Process, dict[str, str]]) -> None:
    process, _ = app
    url = process.url
    # No account exists yet, and still nobody gets in unsigned: the provider's people create theirs.
    assert httpx.get(url + "gradio_api/login_check").status_code == 401
    assert "parley/sso/login" in httpx.get(url).text

    tess, landed = sso_sign_in(url, "s-tess")
    assert landed.status_code == 302 and landed.headers["location"] == "/"
    assert tess.get(url + "gradio_api/login_check").status_code == 200
    assert tess.get(url + "parley/api/v1/me").json() == {"name": "tess", "role": "trainer"}
    tom, _ = sso_sign_in(url, "s-tom")
    assert tom.get(url + "parley/api/v1/me").json() == {"name": "tom", "role": "trainee"}

    # A trainee cannot do a trainer's work; the trainer can, for the trainee the provider created.
    refused = tom.post(url + "parley/api/v1/assignments", json={"trainee": "tom", "persona": "salary_offer"})
    assert refused.status_code == 403 and "only a trainer" in refused.json()["error"]
    made = tess.post(url + "parley/api/v1/assignments", json={"trainee": "tom", "persona": "salary_offer"})
    assert made.status_code == 200 and made.json()["assignments"][0]["trainee"] == "tom"
    session = tom.post(url + "parley/api/v1/sessions", json={"persona": "salary_offer"}).json()
    assert tess.get(url + f"parley/api/v1/sessions/{session['session_id']}").status_code == 200

    # Sign-out: the cookie the browser still holds opens nothing.
    kept = dict(tom.cookies)
    tom.get(url + "logout")
    after = httpx.get(url + "parley/api/v1/me", cookies=kept)
    assert after.status_code == 401
    assert httpx.get(url + "gradio_api/login_check", cookies=kept).status_code == 401


def test_a_disabled_account_cannot_sign_in_and_passwords_still_work(app: tuple[Process, dict[str, str]]) -> None:
    process, env = app
    url = process.url
    dora, _ = sso_sign_in(url, "s-dora")
    assert dora.get(url + "parley/api/v1/me").json() == {"name": "dora_example.com", "role": "trainee"}
    cli = {**os.environ, **env}
    run = [sys.executable, "-m", "simulator", "users"]
    out = subprocess.run(
        [*run, "disable", "dora_example.com"], env=cli, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "disabled" in out.stdout
    _, again = sso_sign_in(url, "s-dora")
    assert again.status_code == 403 and "disabled" in again.text
    subprocess.run(
        [*run, "add", "pat", "--role", "trainee", "--password-stdin"],
        input="a long password\n",
        env=cli,
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    password = httpx.Client(timeout=30)
    signed = password.post(url + "login", data={"username": "pat", "password": "a long password"})
    assert signed.status_code == 200, signed.text
    assert password.get(url + "parley/api/v1/me").json() == {"name": "pat", "role": "trainee"}
    assert Path(env["PARLEY_DATA_DIR"]).joinpath("parley.sqlite3").exists()


def test_the_sign_in_page_offers_the_provider_and_a_browser_signs_in_through_it(
    app: tuple[Process, dict[str, str]],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS

    process, _ = app
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(process.url)
            link = page.locator("a#sso-sign-in")
            expect(link).to_contain_text("Sign in with", timeout=20_000)
            link.click()
            page.get_by_role("button", name="s-tess").click()  # the provider's own page: pick the person
            expect(page.locator("#who")).to_contain_text("Signed in as tess", timeout=30_000)
            expect(page.get_by_role("tab", name="Studio")).to_be_visible()  # a trainer's tabs
            page.get_by_role("link", name="Sign out").click()
            expect(page.locator("a#sso-sign-in")).to_be_visible(timeout=20_000)
        finally:
            browser.close()


def add_password_account(env: dict[str, str], name: str, *options: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "simulator", "users", "add", name, *options, "--password-stdin"],
        input="a long password\n",
        env={**os.environ, **env},
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


def password_sign_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(timeout=30)
    assert client.post(url + "login", data={"username": name, "password": "a long password"}).status_code == 200
    return client


def not_readable(client: httpx.Client, address: str) -> bool:
    """The answer someone else's session gets: the same as a session that does not exist."""
    answer = client.get(address)
    return answer.status_code == 403 and "you have no session" in answer.json()["error"]


def test_a_provider_name_never_opens_or_changes_another_account(app: tuple[Process, dict[str, str]]) -> None:
    process, env = app
    url = process.url
    add_password_account(env, "t1", "--role", "trainer")
    add_password_account(env, "tina", "--role", "trainee", "--trainer", "t1")
    tina = password_sign_in(url, "tina")
    session = tina.post(url + "parley/api/v1/sessions", json={"persona": "salary_offer"}).json()["session_id"]
    t1 = password_sign_in(url, "t1")
    assert t1.get(url + f"parley/api/v1/sessions/{session}").status_code == 200

    # "t1" at the provider is not the password trainer t1: a new trainee account, which reads none of t1's trainees.
    mallory, _ = sso_sign_in(url, "s-mallory")
    assert mallory.get(url + "parley/api/v1/me").json() == {"name": "t1_2", "role": "trainee"}
    assert not_readable(mallory, url + f"parley/api/v1/sessions/{session}")
    # A trainer group and a password trainee's name: a new trainer; tina stays t1's trainee, unreadable to it.
    eve, _ = sso_sign_in(url, "s-eve")
    assert eve.get(url + "parley/api/v1/me").json() == {"name": "tina_2", "role": "trainer"}
    assert not_readable(eve, url + f"parley/api/v1/sessions/{session}")
    assert password_sign_in(url, "tina").get(url + "parley/api/v1/me").json() == {"name": "tina", "role": "trainee"}
    assert t1.get(url + "parley/api/v1/me").json() == {"name": "t1", "role": "trainer"}
    # Another letter case of the provider-made trainer tess: a new trainee account, and tess is still a trainer.
    tessa, _ = sso_sign_in(url, "s-other-tess")
    assert tessa.get(url + "parley/api/v1/me").json() == {"name": "TESS_2", "role": "trainee"}
    tess, _ = sso_sign_in(url, "s-tess")
    assert tess.get(url + "parley/api/v1/me").json() == {"name": "tess", "role": "trainer"}
    # The same subject twice: the same account; two subjects with one chosen name: two accounts.
    tom, _ = sso_sign_in(url, "s-tom")
    assert tom.get(url + "parley/api/v1/me").json() == {"name": "tom", "role": "trainee"}
    other_tom, _ = sso_sign_in(url, "s-tom-2")
    assert other_tom.get(url + "parley/api/v1/me").json() == {"name": "tom_2", "role": "trainee"}
    again, _ = sso_sign_in(url, "s-tom-2")
    assert again.get(url + "parley/api/v1/me").json() == {"name": "tom_2", "role": "trainee"}
    # None of them has a password that works.
    for name in ("t1_2", "tina_2", "TESS_2", "tom_2"):
        refused = httpx.post(url + "login", data={"username": name, "password": "!external"}, timeout=30)
        assert refused.status_code != 200

"""A non-editable install works outside the repository: the wheel carries every module, the built-in personas
and prompts, and the app and the CLI start from it with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.config import REPO_ROOT
from tests.appserver import free_port


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("parley-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the fresh virtualenv's python, a working folder outside the repository)."""
    home = tmp_path_factory.mktemp("venv")
    venv.create(home, system_site_packages=False, with_pip=False)
    python = home / "bin" / "python"
    # The dependencies come from the environment the project was installed into (this interpreter's, a
    # virtualenv's or the system's: whichever runs the tests), never from the base interpreter behind it; Parley
    # itself comes only from the wheel. A path line adds those folders without running their .pth files, so the
    # project's own editable install there stays out.
    ours = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    theirs = dict.fromkeys(
        p for p in sys.path if Path(p).name in ("site-packages", "dist-packages") and Path(p).is_dir()
    )
    (Path(ours) / "parley-test-dependencies.pth").write_text("\n".join(theirs) + "\n", encoding="utf-8")
    pip = [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)]
    subprocess.run([str(a) for a in pip], check=True, capture_output=True, timeout=300)
    outside = tmp_path_factory.mktemp("elsewhere")
    yield python, outside


def _env(outside: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PARLEY_PERSONAS_DIR", "PYTHONPATH"}}
    return {**env, "PARLEY_DATA_DIR": str(outside / "data")}


def test_the_wheel_carries_every_module_persona_and_prompt(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "simulator").rglob("*.py")}
    assert modules - names == set(), "add the missing package to [tool.setuptools] packages"
    for persona in (REPO_ROOT / "personas").glob("*.yaml"):
        assert f"simulator/builtin/personas/{persona.name}" in names
    for prompt in (REPO_ROOT / "prompts").glob("*.txt"):
        assert f"simulator/builtin/prompts/{prompt.name}" in names
    assert {"simulator/data/tips.yaml", "simulator/data/exemplars.yaml"} <= names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_cli_runs_from_the_wheel_outside_the_repository(installed: tuple[Path, Path]) -> None:
    python, outside = installed
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import simulator, simulator.prompts as p; print(simulator.__file__); print(p.PROMPTS_DIR)",
        ],
        cwd=outside,
        env=_env(outside),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    assert all(not w.startswith(str(REPO_ROOT)) for w in where), where
    parley = python.parent / "parley"
    listing = subprocess.run(
        [str(parley), "personas"], cwd=outside, env=_env(outside), capture_output=True, text=True, timeout=120
    )
    assert listing.returncode == 0, listing.stderr
    ids = {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}
    assert ids == {p.stem for p in (REPO_ROOT / "personas").glob("*.yaml")}
    played = subprocess.run(
        [str(parley), "play", "salary_offer", "--script", "-", "--json"],
        input="What matters most to you in this offer?\n",
        cwd=outside,
        env=_env(outside),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert played.returncode == 0, played.stderr
    first = json.loads(played.stdout.splitlines()[0])
    assert first["turn"] == 1 and first["reply"]
    # PARLEY_PERSONAS_DIR adds personas beside the built-in ones.
    extra = outside / "extra"
    extra.mkdir()
    text = (REPO_ROOT / "personas" / "salary_offer.yaml").read_text(encoding="utf-8")
    (extra / "copy.yaml").write_text(text.replace("id: salary_offer", "id: salary_offer_copy", 1), encoding="utf-8")
    env = {**_env(outside), "PARLEY_PERSONAS_DIR": str(extra)}
    listing = subprocess.run(
        [str(parley), "personas"], cwd=outside, env=env, capture_output=True, text=True, timeout=120
    )
    ids = {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}
    assert "salary_offer_copy" in ids and "procurement_discount" in ids


def test_the_app_starts_from_the_wheel_with_the_built_in_personas(installed: tuple[Path, Path]) -> None:
    python, outside = installed
    port = free_port()
    env = {**_env(outside), "PARLEY_PORT": str(port)}
    log = (outside / "app.log").open("w")
    app = subprocess.Popen(
        [str(python), "-c", "from simulator.ui.app import main; main()"],
        cwd=outside,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2) as response:
                    config = json.loads(response.read())
                break
            except OSError:
                assert app.poll() is None and time.monotonic() < deadline, (outside / "app.log").read_text()
                time.sleep(0.5)
        picker = next(c for c in config["components"] if c.get("props", {}).get("elem_id") == "persona-picker")
        choices = {value for _, value in picker["props"]["choices"]}
        assert choices == {p.stem for p in (REPO_ROOT / "personas").glob("*.yaml")}
    finally:
        app.terminate()
        app.wait(timeout=20)
        log.close()

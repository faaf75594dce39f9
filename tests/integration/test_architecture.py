"""The dependency direction (`.importlinter`, checked by import-linter), and the offline switches set in code."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from simulator.config import REPO_ROOT


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"]
    return subprocess.run(
        [*command, "--config", str(root / ".importlinter"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_contracts_catch_a_domain_module_that_imports_an_adapter(tmp_path: Path) -> None:
    shutil.copytree(REPO_ROOT / "simulator", tmp_path / "simulator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO_ROOT / ".importlinter", tmp_path)
    rules = tmp_path / "simulator" / "game" / "rules.py"
    rules.write_text(rules.read_text() + "\nimport sqlite3  # noqa\nfrom simulator.adapters import minilm  # noqa\n")
    command = tmp_path / "simulator" / "cli" / "db.py"  # an entry point that opens a store itself
    command.write_text(command.read_text() + "\nfrom simulator.adapters import sql_store  # noqa\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "0 kept, 3 broken" in result.stdout, result.stdout
    assert "simulator.cli.db -> simulator.adapters.sql_store" in result.stdout
    assert "simulator.game.rules -> simulator.adapters.minilm" in result.stdout
    assert "simulator.game.rules -> sqlite3" in result.stdout


def test_offline_switches_are_forced_on_import() -> None:
    code = (
        "import os, json\n"
        "os.environ['GRADIO_ANALYTICS_ENABLED'] = 'True'\n"
        "import simulator\n"
        "print(json.dumps({k: os.environ.get(k) for k in "
        "['GRADIO_ANALYTICS_ENABLED', 'HF_HUB_OFFLINE', 'ANONYMIZED_TELEMETRY']}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == {
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }


def test_no_handler_or_command_reaches_a_store() -> None:
    """The UI and the CLI go through the services that check the caller: none of them holds a store."""
    import ast

    found = []
    for path in [*(REPO_ROOT / "simulator" / "ui").glob("*.py"), *(REPO_ROOT / "simulator" / "cli").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"store", "_db"}:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
            if isinstance(node, ast.Name) and node.id in {"SqlStore", "SqlTeamStore", "Practice"}:
                found.append(f"{path.name}:{node.lineno} {node.id}")
    assert found == []

"""The domain stays free of adapters, and the offline switches are set in code."""

from __future__ import annotations

import json
import subprocess
import sys

ADAPTERS = ["gradio", "chromadb", "openai", "langchain", "langchain_openai", "sqlite3"]


def test_engine_imports_no_adapter() -> None:
    code = (
        "import sys, json\n"
        "import simulator.rules, simulator.coach.rule_coach, simulator.counterpart, simulator.debrief\n"
        "import simulator.persona_files, simulator.visibility, simulator.sparring\n"
        "import simulator.team, simulator.accounts, simulator.review, simulator.exports, simulator.report_html\n"
        f"print(json.dumps([m for m in {ADAPTERS!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == []


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

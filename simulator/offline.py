"""Switches that keep the libraries we use from reaching the network."""

import os

OFFLINE_SWITCHES: dict[str, str] = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGSMITH_TRACING": "false",
    "DO_NOT_TRACK": "1",
}


def enforce_offline() -> None:
    """Set the offline switches; the values are forced, not defaults, because a stray shell export must not re-enable telemetry."""
    for key, value in OFFLINE_SWITCHES.items():
        os.environ[key] = value

"""Any OpenAI-compatible endpoint through LangChain's ChatOpenAI, behind the domain's ChatModel seam."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import openai
from langchain_core.messages import HumanMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel

from simulator.config import ModelSettings
from simulator.errors import ModelError

RETRYABLE = (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError, openai.InternalServerError)
CHARS_PER_TOKEN_CAP = 8  # a model that ignores max_tokens is cut off here


class OpenAIChatModel:
    """Streams a reply; retries timeouts, 429 and 5xx with backoff inside one deadline, then gives up cleanly."""

    def __init__(self, settings: ModelSettings) -> None:
        self.settings = settings
        self.name = settings.model
        self._llm = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            temperature=settings.temperature,
            timeout=settings.timeout,
            max_retries=0,  # retries are ours, so they share one deadline
            streaming=True,
        )

    def stream(self, prompt: str, max_tokens: int) -> Iterator[str]:
        # llama.cpp ignores max_completion_tokens (what LangChain sends), so max_tokens goes in the body too.
        llm = self._llm.bind(max_tokens=max_tokens, extra_body={"max_tokens": max_tokens})
        deadline = time.monotonic() + self.settings.timeout * (self.settings.retries + 1)
        limit = max_tokens * CHARS_PER_TOKEN_CAP
        for attempt in range(self.settings.retries + 1):
            sent = 0
            try:
                for chunk in llm.stream([HumanMessage(prompt)]):
                    piece = chunk.content if isinstance(chunk.content, str) else ""
                    if not piece:
                        continue
                    piece = piece[: max(0, limit - sent)]
                    sent += len(piece)
                    yield piece
                    if sent >= limit:
                        return
                return
            except RETRYABLE as exc:
                if sent or attempt == self.settings.retries or time.monotonic() >= deadline:
                    raise ModelError(f"the model at {self.settings.base_url} failed: {type(exc).__name__}") from None
                time.sleep(min(0.5 * 2**attempt, max(0.0, deadline - time.monotonic())))
            except (openai.APIError, ValueError, KeyError) as exc:
                raise ModelError(
                    f"the model at {self.settings.base_url} answered with something unusable: {type(exc).__name__}"
                ) from None


class OpenAIStructuredModel:
    """Structured output by function calling (llama.cpp servers reject `json_schema`)."""

    def __init__(self, settings: ModelSettings) -> None:
        from simulator.coach.model_coach import CoachGrade

        self.settings = settings
        self.name = settings.model
        llm = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            temperature=0,
            timeout=settings.timeout,
            max_retries=settings.retries,
            extra_body={"max_tokens": max(settings.max_tokens, 400)},
        )
        self._runnable = llm.with_structured_output(CoachGrade, method="function_calling")

    def fill(self, prompt: str) -> dict[str, object]:
        result = _invoke(self._runnable, prompt, f"the coach model at {self.settings.base_url}")
        if result is None:
            raise ModelError("the coach model returned nothing")
        return result.model_dump() if isinstance(result, BaseModel) else dict(result)


class OpenAIPersonaDrafter:
    """Drafts a whole persona by function calling. Returns the model's arguments as they are, valid or not: the
    Studio validates them, repairs once, and shows the trainer what is still wrong."""

    def __init__(self, settings: ModelSettings) -> None:
        from simulator.persona.files import persona_json_schema

        self.settings = settings
        self.name = settings.model
        schema = {k: v for k, v in persona_json_schema().items() if k != "$schema"}
        schema["title"], schema["description"] = "Persona", "One Parley negotiation counterpart."
        llm = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            temperature=settings.temperature,
            timeout=max(settings.timeout, 120.0),  # a whole persona is long
            max_retries=settings.retries,
            extra_body={"max_tokens": 6000},
        )
        self._runnable = llm.with_structured_output(schema, method="function_calling")

    def fill(self, prompt: str) -> dict[str, object]:
        result = _invoke(self._runnable, prompt, f"the model at {self.settings.base_url}")
        if not isinstance(result, dict):
            raise ModelError("the model returned no persona")
        return result


def _invoke(runnable: Any, prompt: str, who: str) -> Any:
    """One structured call; a failed endpoint and an unusable answer become ModelError, worded for the user."""
    try:
        return runnable.invoke([HumanMessage(prompt)])
    except RETRYABLE as exc:
        raise ModelError(f"{who} failed: {type(exc).__name__}") from None
    except Exception as exc:  # parsing and protocol errors from the model's answer
        raise ModelError(f"{who} answered with something unusable: {type(exc).__name__}") from None

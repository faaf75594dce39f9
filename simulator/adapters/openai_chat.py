"""Any OpenAI-compatible endpoint through LangChain's ChatOpenAI, behind the domain's ChatModel seam."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import openai
from langchain_core.messages import BaseMessage, HumanMessage
from langchain_core.runnables import RunnableLambda
from langchain_openai import ChatOpenAI

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
    """The coach's grade as structured output, asked for the way `settings.structured` says (llama.cpp servers
    reject `json_schema`; function calling works on all of them for a schema this small)."""

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
        self._runnable = _structured(llm, CoachGrade.model_json_schema(), settings.structured)

    def fill(self, prompt: str) -> dict[str, object]:
        result = _invoke(self._runnable, prompt, f"the coach model at {self.settings.base_url}")
        if not isinstance(result, dict):
            raise ModelError("the coach model returned nothing")
        return result


class OpenAIPersonaDrafter:
    """Drafts a whole persona as structured output. Returns the model's answer as it is, valid or not: the
    Studio validates it, repairs once, and shows the trainer what is still wrong."""

    def __init__(self, settings: ModelSettings) -> None:
        from simulator.persona.files import persona_json_schema

        self.settings = settings
        self.name = settings.model
        schema = bounded({k: v for k, v in persona_json_schema().items() if k != "$schema"})
        schema["title"], schema["description"] = "Persona", "One Parley negotiation counterpart."
        llm = ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=settings.api_key,
            temperature=settings.temperature,
            timeout=max(settings.timeout, 300.0),  # a whole persona is long
            max_retries=settings.retries,
            extra_body={"max_tokens": DRAFT_MAX_TOKENS},
        )
        self._runnable = _structured(llm, schema, settings.structured)

    def fill(self, prompt: str) -> dict[str, object]:
        result = _invoke(self._runnable, prompt, f"the model at {self.settings.base_url}")
        if not isinstance(result, dict):
            raise ModelError("the model returned no persona")
        return result


DRAFT_MAX_TOKENS = 6000
# Upper bounds for a drafted persona's texts, about a third above the longest in the built-in personas.
TEXT_LIMITS = {
    "scenario": 900,
    "style": 400,
    "reveal": 360,
    "summary": 300,
    "opening": 280,
    "description": 200,
    "behaviour_while_hidden": 200,
    "softened": 160,
    "role": 80,
    "name": 60,
    "topic": 60,
    "cues": 40,
}
SPOKEN_LINE_LIMIT = 140  # every other text: deflections, probes and scripted lines


def bounded(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with an upper bound on every text and list, so that a grammar-constrained model finishes the
    persona within its token budget instead of writing one field forever (seen with small models). The domain's
    own limits still apply when the answer is validated."""

    def walk(node: Any, name: str) -> Any:
        if isinstance(node, list):
            return [walk(item, name) for item in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties":
                out[key] = {field: walk(sub, field) for field, sub in value.items()}
            else:  # a list's items take the list's name: `probes` items are probes
                out[key] = walk(value, name if key == "items" else key)
        if out.get("type") == "string" and "enum" not in out:
            out["maxLength"] = limit = min(out.get("maxLength", 10**6), TEXT_LIMITS.get(name, SPOKEN_LINE_LIMIT))
            if str(out.get("pattern", "")).endswith("]*$"):
                # llama.cpp ignores maxLength beside a pattern, so the id pattern's open repeat gets the bound.
                out["pattern"] = f"{out['pattern'][:-2]}{{0,{limit - 1}}}$"
        if out.get("type") == "array":
            out.setdefault("maxItems", out.get("minItems", 1) + 1)
        return out

    return dict(walk(schema, ""))


def _structured(llm: ChatOpenAI, schema: dict[str, Any], how: str) -> Any:
    """A runnable that answers a prompt with a dict for `schema`, asked for in the way the server supports."""
    if how == "json_grammar":
        # llama.cpp's extension: the schema becomes a grammar that the sampler cannot leave.
        bound = llm.bind(response_format={"type": "json_object", "schema": schema})
        return bound | RunnableLambda(_json_object)
    return llm.with_structured_output(schema, method="function_calling" if how == "tools" else "json_schema")


def _json_object(message: BaseMessage) -> dict[str, Any]:
    text = message.content if isinstance(message.content, str) else ""
    # strict=False: llama.cpp's grammar lets a raw newline into a string, which is harmless here.
    value = json.loads(text, strict=False)  # a ValueError here is an unusable answer, reported as one
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _invoke(runnable: Any, prompt: str, who: str) -> Any:
    """One structured call; a failed endpoint and an unusable answer become ModelError, worded for the user."""
    try:
        return runnable.invoke([HumanMessage(prompt)])
    except RETRYABLE as exc:
        raise ModelError(f"{who} failed: {type(exc).__name__}") from None
    except Exception as exc:  # parsing and protocol errors from the model's answer
        raise ModelError(f"{who} answered with something unusable: {type(exc).__name__}") from None

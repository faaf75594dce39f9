"""A small OpenAI-protocol server on 127.0.0.1, for faults a real server cannot be made to produce.

Used only by the tests and the LLM benchmark (`evals/bench_llm.py`), so it lives under `tests/`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    """Plays a queue of behaviours, one per request: 'ok:TEXT', 'tool:JSON', '429', '500', 'stall', 'junk', 'endless',
    'hold:TEXT' (answers TEXT only once `release` is set: a model still thinking while its caller is killed).

    `delay` adds a fixed wait before every answer (for benchmarks); `piece_delay` a wait between streamed
    pieces (a slow model, for the streaming browser test); the last behaviour repeats.
    """

    def __init__(self, plan: list[str], delay: float = 0.0, piece_delay: float = 0.0) -> None:
        self.plan = list(plan)
        self.delay = delay
        self.piece_delay = piece_delay
        self.requests: list[dict[str, object]] = []
        self.release = threading.Event()
        self.in_flight = 0
        self.most_in_flight = 0  # how many requests were being answered at once, at most
        self._count = threading.Lock()

    def next(self) -> str:
        return self.plan.pop(0) if len(self.plan) > 1 else self.plan[0]


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _sse(self, pieces: Iterator[str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            try:
                for n, piece in enumerate(pieces):
                    if n and fake.piece_delay:
                        time.sleep(fake.piece_delay)
                    chunk = {
                        "id": "x",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": "fake",
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_POST(self) -> None:
            with fake._count:
                fake.in_flight += 1
                fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
            try:
                self._answer()
            finally:
                with fake._count:
                    fake.in_flight -= 1

        def _answer(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            fake.requests.append(body)
            behaviour = fake.next()
            if fake.delay:
                time.sleep(fake.delay)
            if behaviour.startswith("tool:"):
                tool = body["tools"][0]["function"]["name"]
                message = {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "call_1", "type": "function", "function": {"name": tool, "arguments": behaviour[5:]}}
                    ],
                }
                payload = {
                    "id": "x",
                    "object": "chat.completion",
                    "created": 0,
                    "model": "fake",
                    "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            elif behaviour.startswith("hold:"):
                fake.release.wait(60)
                self._sse(iter([behaviour[5:]]))
            elif behaviour.startswith("ok:"):
                words = behaviour[3:].split(" ")
                self._sse(iter([w if n == 0 else " " + w for n, w in enumerate(words)]))
            elif behaviour in ("429", "500"):
                self.send_response(int(behaviour))
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"error": {"message": "injected", "type": "fault"}}).encode())
            elif behaviour == "stall":
                time.sleep(3)
                self._sse(iter(["late"]))
            elif behaviour == "junk":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.write(b"data: {not json at all\n\n")
            elif behaviour == "endless":
                self._sse(iter(["and on "] * 5000))

    return Handler


@contextmanager
def fake_openai(plan: list[str], delay: float = 0.0, piece_delay: float = 0.0) -> Iterator[tuple[str, FakeOpenAI]]:
    fake = FakeOpenAI(plan, delay, piece_delay)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", fake
    finally:
        server.shutdown()
        server.server_close()

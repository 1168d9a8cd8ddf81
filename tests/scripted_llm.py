"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests and benchmarks.

It answers POST /v1/chat/completions with queued replies (text, HTTP status, delay), in SSE
chunks when the request asks to stream and as one JSON body otherwise. A reply can also be a
function of the request, so a script can answer from the passages it was actually given.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Reply:
    content: str | Callable[[dict], str] = ""
    status: int = 200
    delay: float = 0.0
    error: str = "scripted failure"


class ScriptedLLM:
    """Start with `with ScriptedLLM() as llm:`; point RAG_LLM_BASE_URL at `llm.url`."""

    def __init__(self, default: Reply | None = None):
        self.queue: deque[Reply] = deque()
        self.requests: list[dict] = []
        self.default = default
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def enqueue(self, content: str | Callable[[dict], str] = "", status: int = 200, delay: float = 0.0, error: str = ""):
        self.queue.append(Reply(content, status, delay, error or "scripted failure"))

    def next_reply(self) -> Reply:
        if self.queue:
            return self.queue.popleft()
        if self.default:
            return self.default
        return Reply(status=500, error="no reply queued")

    def __enter__(self) -> ScriptedLLM:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def passages_of(request: dict) -> dict[int, str]:
    """The numbered passages in a chat request's user message: {1: text, 2: text, ...}."""
    user = next(m["content"] for m in request["messages"] if m["role"] == "user")
    return {int(n): t.strip() for n, t in re.findall(r"\[(\d+)\][^\n]*\n<passage>\n(.*?)\n</passage>", user, re.S)}


def passage_with(request: dict, needle: str) -> int:
    """The number of the first passage containing `needle` (0 when none does)."""
    return next((n for n, text in passages_of(request).items() if needle in text), 0)


def _handler(script: ScriptedLLM):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            body["_headers"] = {k.lower(): v for k, v in self.headers.items()}
            script.requests.append(body)
            reply = script.next_reply()
            time.sleep(reply.delay)
            if reply.status != 200:
                return self._json(reply.status, {"error": {"message": reply.error, "type": "scripted", "code": None}})
            content = reply.content(body) if callable(reply.content) else reply.content
            if body.get("stream"):
                return self._stream(content, body.get("model", "scripted"))
            return self._json(200, _completion(content, body.get("model", "scripted")))

        def _json(self, status: int, payload: dict):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, content: str, model: str):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in re.findall(r"\S+\s*", content) or [""]:
                self._event(_chunk(piece, model, None))
            self._event(_chunk("", model, "stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, payload: dict):
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

    return Handler


def _completion(content: str, model: str) -> dict:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(piece: str, model: str, finish: str | None) -> dict:
    delta = {"role": "assistant", "content": piece} if piece or finish is None else {}
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }

"""A scripted model server on 127.0.0.1, for tests and benchmarks.

It speaks three dialects: OpenAI-compatible chat completions (POST /v1/chat/completions, SSE
when asked to stream), Anthropic's Messages API (POST /v1/messages, SSE events) and Ollama's
native chat API (POST /api/chat, NDJSON lines). Each request gets the next queued reply (text,
HTTP status, delay). A reply can also be a function of the request, so a script can answer
from the passages it was actually given.
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
    def root(self) -> str:
        """Base URL for the Anthropic and Ollama clients, which add their own paths."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        """Base URL for OpenAI-compatible clients."""
        return f"{self.root}/v1"

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
    user = next(_text(m["content"]) for m in request["messages"] if m["role"] == "user")
    return {int(n): t.strip() for n, t in re.findall(r"\[(\d+)\][^\n]*\n<passage>\n(.*?)\n</passage>", user, re.S)}


def passage_with(request: dict, needle: str) -> int:
    """The number of the first passage containing `needle` (0 when none does)."""
    return next((n for n, text in passages_of(request).items() if needle in text), 0)


def _text(content) -> str:
    """A message's text, whether a string or a list of content blocks (Anthropic)."""
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content)


def _handler(script: ScriptedLLM):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self.path.endswith("/api/show"):  # Ollama's client asks what the model can do first
                return self._json(200, {"details": {"family": "scripted"}, "model_info": {}, "capabilities": ["completion"]})
            body["_headers"] = {k.lower(): v for k, v in self.headers.items()}
            script.requests.append(body)
            reply = script.next_reply()
            time.sleep(reply.delay)
            if reply.status != 200:
                return self._json(reply.status, {"error": {"message": reply.error, "type": "scripted", "code": None}})
            content = reply.content(body) if callable(reply.content) else reply.content
            model = body.get("model", "scripted")
            if self.path.endswith("/messages"):
                return self._anthropic(content, model, body.get("stream"))
            if self.path.endswith("/api/chat"):
                return self._ollama(content, model, body.get("stream", True))
            if body.get("stream"):
                return self._stream(content, model)
            return self._json(200, _completion(content, model))

        def _anthropic(self, content: str, model: str, stream: bool):
            message = {"id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
                       "content": [], "stop_reason": None, "stop_sequence": None,
                       "usage": {"input_tokens": 1, "output_tokens": 1}}
            if not stream:
                blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]  # list: cited blocks
                done = {**message, "content": blocks, "stop_reason": "end_turn"}
                return self._json(200, done)
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self._sse("message_start", {"type": "message_start", "message": message})
            self._sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
            for piece in re.findall(r"\S+\s*", content):
                delta = {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": piece}}
                self._sse("content_block_delta", delta)
            self._sse("content_block_stop", {"type": "content_block_stop", "index": 0})
            end = {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 1}}
            self._sse("message_delta", end)
            self._sse("message_stop", {"type": "message_stop"})

        def _sse(self, event: str, payload: dict):
            self.wfile.write(f"event: {event}\ndata: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

        def _ollama(self, content: str, model: str, stream: bool):
            def line(text: str, done: bool) -> dict:
                return {"model": model, "created_at": "2025-01-01T00:00:00Z",
                        "message": {"role": "assistant", "content": text}, "done": done,
                        **({"done_reason": "stop", "total_duration": 1, "eval_count": 1, "prompt_eval_count": 1} if done else {})}
            if not stream:
                return self._json(200, line(content, True))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            for piece in re.findall(r"\S+\s*", content):
                self.wfile.write((json.dumps(line(piece, False)) + "\n").encode())
                self.wfile.flush()
            self.wfile.write((json.dumps(line("", True)) + "\n").encode())
            self.wfile.flush()

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

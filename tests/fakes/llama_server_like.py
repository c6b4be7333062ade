"""A stand-in HTTP server that answers the way llama.cpp's llama-server does where llama-cpp-python's
differs: `n` other than 1 refused with a 400, `/props` with slots and context size, `/apply-template`,
`/tokenize` (a token a character). A real server on 127.0.0.1 (sockets, HTTP, SSE), scripted text.
`stall_after` pieces, a stream goes silent (for cancel); `fail_seed` answers that seed with a 503."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

from writer_app.self_test_server import JsonHandler


class LlamaServerLike(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, slots: int = 2, stall_after: int = -1, fail_seed: int = -1) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.slots, self.stall_after, self.fail_seed = slots, stall_after, fail_seed
        self.bodies: list[dict] = []
        self.released = threading.Event()  # set to end stalls (so the server can shut down)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(JsonHandler):
    server: LlamaServerLike

    def do_GET(self) -> None:
        if self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "like-llama-server"}]})
        elif self.path == "/props":
            self._json(
                200, {"total_slots": self.server.slots, "default_generation_settings": {"n_ctx": 3000}}
            )
        else:
            self._json(404, {"error": {"message": "File Not Found"}})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.server.bodies.append(body)
        if self.path == "/tokenize":
            self._json(200, {"tokens": [ord(c) for c in body.get("content", "")]})
        elif self.path == "/apply-template":
            turns = "".join(f"<|{m['role']}|>{m['content']}\n" for m in body["messages"])
            self._json(200, {"prompt": turns + "<|assistant|>"})
        elif self.path not in ("/v1/completions", "/v1/chat/completions"):
            self._json(404, {"error": {"message": "File Not Found"}})
        elif body.get("n", 1) != 1:
            self._json(400, {"error": {"message": "Only one completion choice is allowed"}})
        elif body.get("seed") == self.server.fail_seed:
            self._json(503, {"error": {"message": "Loading model"}})
        elif body.get("stream"):
            self._stream(body)
        else:
            text = "qqz" if body.get("grammar") else f"Seed {body.get('seed', 0)} says hello."
            self._json(200, {"choices": [{"index": 0, "text": text, "finish_reason": "stop"}]})

    def _stream(self, body: dict) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = f"Seed {body.get('seed', 0)} says hello to the sea and the sky".split()
        for number, word in enumerate(words[: body.get("max_tokens", 16)]):
            if number == self.server.stall_after:
                self.server.released.wait(30)  # silent, as a server reading a long prompt is
                return
            piece = (" " if number else "") + word
            chat = "messages" in body
            choice = {"index": 0, "delta": {"content": piece}} if chat else {"index": 0, "text": piece}
            self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\n\n".encode())
            self.wfile.flush()
            time.sleep(0.01)
        self.wfile.write(b"data: [DONE]\n\n")


@contextmanager
def llama_server_like(**options: int) -> Iterator[LlamaServerLike]:
    server = LlamaServerLike(**options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()

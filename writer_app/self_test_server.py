"""The self-test's check of the server engine: a stand-in OpenAI-compatible server on 127.0.0.1 with
fixed answers, so the remote engine's probing, HTTP and streaming (and the keyring) run in the frozen
bundle without a real model server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from writer_app.errors import UserError

ANSWER = ["The", " sea", " was", " calm", "."]


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers in JSON and logs nothing (the tests' stand-in servers too)."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def _json(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _StandIn(JsonHandler):
    """/v1/models, /v1/completions and /v1/chat/completions (plain and streamed); nothing else."""

    def do_GET(self) -> None:
        if self.path == "/v1/models":
            self._json(200, {"object": "list", "data": [{"id": "stand-in", "object": "model"}]})
        else:
            self._json(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        chat = self.path == "/v1/chat/completions"
        if self.path not in ("/v1/completions", "/v1/chat/completions"):
            self._json(404, {"detail": "Not Found"})
        elif not body.get("stream"):
            self._json(200, {"choices": [{"index": 0, "text": "".join(ANSWER), "finish_reason": "stop"}]})
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in ANSWER:
                choice = {"index": 0, "delta": {"content": piece}} if chat else {"index": 0, "text": piece}
                self.wfile.write(f"data: {json.dumps({'choices': [choice]})}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")


def check_server_engine() -> str:
    """Probe and stream from the stand-in server through the remote engine; the line to print."""
    from writer_app.engine.remote_engine import RemoteEngine
    from writer_app.engine.types import Sampling, ServerConfig
    from writer_app.modelhub.server_keys import keyring_backend

    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        engine = RemoteEngine(ServerConfig(f"http://127.0.0.1:{server.server_address[1]}", timeout_s=10))
        try:
            chat = engine.stream(engine.chat_tokens([{"role": "user", "content": "The sea?"}]), Sampling())
            text = "".join(chat)
            raw = "".join(engine.stream(engine.raw_tokens("The sea"), Sampling()))
        finally:
            engine.close()
    finally:
        server.shutdown()
        server.server_close()
    if text != "".join(ANSWER) or raw != text:
        raise UserError(f"Self-test failed: the server engine streamed {text!r} and {raw!r}.")
    keys = f"keys in the {keyring_backend()} keyring" if keyring_backend() else "no system keyring here"
    return f"server engine: probed and streamed from a stand-in server ({engine.describe_probe()}); {keys}"

"""A local stand-in for the Hugging Face hub: HEAD/GET /{repo}/resolve/{rev}/{file} with ranges."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_PATH = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


@dataclass
class MockHub:
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    commit: str = "c0ffee" * 6 + "abcd"
    drop_after: int | None = None  # close the next GET after this many bytes
    wrong_etag: bool = False
    drop_every_get: bool = False  # every GET closes after its headers: the client keeps reconnecting
    stall_seconds: float = 0.0  # every GET sends a first chunk, then hangs this long
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, range

    def add(self, repo: str, file: str, data: bytes) -> None:
        self.files[(repo, file)] = data

    def start(self) -> MockHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self, body: bool) -> None:
                hub.requests.append((self.command, self.path, self.headers.get("Range", "")))
                match = _PATH.match(self.path)
                data = hub.files.get((match["repo"], match["file"])) if match else None
                if data is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start = 0
                ranged = re.match(r"bytes=(\d+)-", self.headers.get("Range", ""))
                if ranged:
                    start = int(ranged[1])
                    if start >= len(data):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(data)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                sha = hashlib.sha256(b"not it" if hub.wrong_etag else data).hexdigest()
                self.send_response(206 if ranged else 200)
                self.send_header("ETag", f'"{sha}"')
                self.send_header("X-Repo-Commit", hub.commit)
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data) - start))
                if ranged:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if not body:
                    return
                payload = data[start:]
                if body and hub.drop_every_get:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if body and hub.stall_seconds:
                    self.wfile.write(payload[: 1 << 16])
                    self.wfile.flush()
                    time.sleep(hub.stall_seconds)
                    self.close_connection = True
                    return
                if hub.drop_after is not None:
                    cut, hub.drop_after = hub.drop_after, None
                    self.wfile.write(payload[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                for offset in range(0, len(payload), 1 << 16):
                    self.wfile.write(payload[offset : offset + (1 << 16)])

            def do_HEAD(self) -> None:
                self._serve(body=False)

            def do_GET(self) -> None:
                self._serve(body=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

"""llama-cpp-python's own OpenAI-compatible server on 127.0.0.1, started and stopped by the tests
(one request at a time; a new request waits instead of interrupting the running one)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RunningServer:
    url: str
    process: subprocess.Popen


@contextmanager
def llama_server(
    model: Path, n_ctx: int = 1024, alias: str = "", log: Path | None = None, extra: list[str] | None = None
) -> Iterator[RunningServer]:
    """The running server while the block runs; the process is stopped after it."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"]
    command += [
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        "2",
        "--interrupt_requests",
        "False",
    ]
    command += ["--model_alias", alias or model.name, "--verbose", "False", *(extra or [])]
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the test server exited with {process.returncode}")
            try:
                if httpx2.get(url + "/v1/models", timeout=2).status_code in (200, 401):  # up (401: a key)
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start within 120 s")
            time.sleep(0.2)
        yield RunningServer(url, process)
    finally:
        stop_server(process)
        if log:
            output.close()


def stop_server(process: subprocess.Popen, kill: bool = False) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

"""Quitting: the autosave queue is flushed, the model thread stopped, and the process exits with
status 0 within seconds even while a model load cannot be interrupted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import sys, threading, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from writer_app.app import finish_shutdown
from writer_app.documents.autosave import AutosaveStore
from writer_app.engine.types import EngineConfig
from writer_app.worker.controller import AssistController

loading = threading.Event()

def stuck_load(config):
    loading.set()
    time.sleep(600)  # a model load that cannot be interrupted

app = QCoreApplication([])
store = AutosaveStore(Path(sys.argv[1]))
store.claim()
controller = AssistController(stuck_load if sys.argv[2] == "stuck" else lambda config: None)
if sys.argv[2] == "stuck":
    controller.load_model(EngineConfig(Path("model.gguf")))
    assert loading.wait(10)
store.save_in_background("doc", None, "Untitled", "unsaved words")
print("exit code", finish_shutdown(controller, store, 0, wait_ms=500), flush=True)
"""


def _quit(tmp_path: Path, mode: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "autosave"), mode],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    return result, time.monotonic() - started


def test_quitting_during_a_model_load_that_cannot_be_interrupted_exits_cleanly(tmp_path: Path) -> None:
    result, seconds = _quit(tmp_path, "stuck")
    assert result.returncode == 0, result.stderr
    assert seconds < 15
    assert "Destroyed while thread" not in result.stderr and "Abort" not in result.stderr
    assert "exit code" not in result.stdout  # it did not wait for the thread: it left at once
    snapshot = (tmp_path / "autosave" / "doc.json").read_text()
    assert "unsaved words" in snapshot  # the queued autosave was written before leaving
    assert not list((tmp_path / "autosave" / "instances").glob("*.lock"))  # the lock was let go


def test_a_normal_quit_joins_the_model_thread(tmp_path: Path) -> None:
    result, _ = _quit(tmp_path, "idle")
    assert result.returncode == 0, result.stderr
    assert "exit code 0" in result.stdout
    assert "Destroyed while thread" not in result.stderr


DOWNLOADING = """
import sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from tests.modelhub.mock_hub import MockHub
from writer_app.app import finish_shutdown
from writer_app.documents.autosave import AutosaveStore
from writer_app.modelhub.download import RemoteFile
from writer_app.worker.controller import AssistController
from writer_app.worker.download_worker import DownloadController

app = QApplication([])
hub = MockHub(stall_seconds=60)
hub.add("owner/model", "model.gguf", b"x" * (1 << 20))
hub.start()
downloads = DownloadController()  # as the model dialog makes it; the dialog is still open
downloads.start(RemoteFile("owner/model", "model.gguf"), Path(sys.argv[1]), hub.url)
deadline = time.monotonic() + 20
while not any(method == "GET" for method, *_ in hub.requests):
    assert time.monotonic() < deadline
    app.processEvents()
    time.sleep(0.01)
store = AutosaveStore(Path(sys.argv[1]) / "autosave")
finish_shutdown(AssistController(lambda config: None), store, 0, wait_ms=500)
print("waited for the download", flush=True)
"""


def test_quitting_while_a_download_hangs_exits_cleanly(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", DOWNLOADING, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 15
    assert "Destroyed while thread" not in result.stderr
    assert "waited for the download" not in result.stdout  # it left without waiting for the hung read

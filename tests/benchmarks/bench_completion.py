"""Benchmark: ghost text on a 2,000-word document — time from the request (the end of a typing pause)
to the first suggestion token, cold vs warm while a sentence is typed at the end; and keystroke latency
in the real window while suggestions are being written.

Run with `make bench`. Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.benchmarks.bench_prefix_cache import document
from tests.benchmarks.table import measured, percentile, print_table
from writer_app.assist.candidates import CandidateListener
from writer_app.assist.complete import CompletionRequest, complete_ghost
from writer_app.documents.autosave import AutosaveStore
from writer_app.engine.llama_engine import LlamaEngine
from writer_app.engine.types import EngineConfig
from writer_app.modelhub.default_model import require_default_model
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

SENTENCE = " The keeper looked out over the water and saw a light"


class FirstPiece(CandidateListener):
    def __init__(self) -> None:
        self.at = 0.0

    def chunk(self, index: int, text: str) -> None:
        if not self.at:
            self.at = time.perf_counter()


def first_ghost_token_s(engine: LlamaEngine, text_before: str) -> float:
    listener = FirstPiece()
    started = time.perf_counter()
    complete_ghost(engine, CompletionRequest(text_before), listener=listener)
    return (listener.at or time.perf_counter()) - started


def ghost_latency(model: Path, threads: int) -> tuple[float, list[float]]:
    text, _ = document()
    engine = LlamaEngine(EngineConfig(model, n_ctx=4096, n_threads=threads))
    try:
        cold = first_ghost_token_s(engine, text)
        warm = []
        words = SENTENCE.split(" ")
        for count in range(2, len(words) + 1):  # a pause after every word typed
            warm.append(first_ghost_token_s(engine, text + " ".join(words[:count])))
        return cold, warm
    finally:
        engine.close()


def keystrokes_while_suggesting(model: Path, threads: int) -> tuple[list[float], int]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    paths = AppPaths.under(Path(tempfile.mkdtemp(prefix="writer-bench-")))
    controller = AssistController(LlamaEngine)
    loop = QEventLoop()
    controller.modelLoaded.connect(loop.quit)
    controller.load_model(EngineConfig(model, n_ctx=4096, n_threads=threads))
    loop.exec()
    settings = AppSettings(paths.config_dir)
    settings.ghost_delay_ms = 150
    autosave = AutosaveStore(paths.state_dir / "autosave")
    window = MainWindow(controller, settings, autosave, paths.state_dir / "history")
    window.resize(1280, 820)
    window.show()
    text, _ = document()
    window.editor.setPlainText(text)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.editor.setFocus()
    latencies: list[float] = []
    suggestions = 0
    for index in range(40):
        deadline = time.monotonic() + 5
        while window.ghost._request_id is None and time.monotonic() < deadline:  # a suggestion is on its way
            app.processEvents()
            time.sleep(0.002)
        if window.ghost._request_id is not None:
            suggestions += 1
        started = time.perf_counter()
        QTest.keyClick(window.editor, Qt.Key.Key_A if index % 4 else Qt.Key.Key_Space)
        window.editor.viewport().repaint()
        latencies.append((time.perf_counter() - started) * 1000)
    window.editor.document().setModified(False)
    window.close()
    controller.shutdown()
    autosave.close()
    return latencies, suggestions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    model = args.model or require_default_model(AppPaths.default(), fetch=False)
    cold, warm = ghost_latency(model, args.threads)
    keys, suggestions = keystrokes_while_suggesting(model, args.threads)
    warm_ms = statistics.median(warm) * 1000
    rows = [
        measured(
            "first ghost token, warm ÷ cold",
            warm_ms / 1000 / cold,
            "≤ 0.1",
            f"cold {cold * 1000:.0f} ms, warm median {warm_ms:.0f} ms over {len(warm)} pauses while typing",
        ),
        measured("first ghost token, warm (ms)", warm_ms, detail="median"),
        measured(
            "keystroke p99 while a suggestion is written (ms)",
            percentile(keys, 0.99),
            "< 16",
            f"{len(keys)} keys, {suggestions} of them cancelled a running suggestion",
        ),
    ]
    print(f"model: {model.name}, threads: {args.threads}, document ≈ 2,000 words")
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

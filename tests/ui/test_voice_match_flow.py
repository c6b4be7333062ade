"""The Style panel's voice match for the selection: the meter's at once, then the figure a card would
show (the scoring model's reading joined in by the worker) — on a window whose worker has a stand-in
reader (this is about the panel and the worker, not about the model: the reading tests use the real
one); a short selection keeps the meter's alone, and so does a reading a rewrite replaces."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import select, set_text
from tests.ui.test_style_flow import make_voice
from tests.voice_texts import KEEPER, REPORT
from writer_app.reward.style_meter import match
from writer_app.reward.voice_reading import reading_spaces, voice_match
from writer_app.ui.main_window import MainWindow
from writer_app.ui.style_session import ROUGH, StyleSession

WIDTH = sum(len(space.origin) for space in reading_spaces())  # the default model's reading: every part


class StandInReader:
    """A reading per text, the same each time (random directions keyed by the text); the reading of
    `held` waits until `go` is set, so a test sees the panel while the worker reads."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.held = ""
        self.go = threading.Event()

    def read(self, text: str) -> np.ndarray:
        self.texts.append(text)
        if text == self.held:
            self.go.wait(TIMEOUT_MS / 1000)
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).normal(size=WIDTH).astype(np.float32)

    def cached(self, text: str) -> None:
        return None

    def close(self) -> None:
        self.go.set()


@pytest.fixture
def reader() -> StandInReader:
    return StandInReader()


@pytest.fixture
def controller(qtbot, tiny_model_path: Path, reader: StandInReader):
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.engine.types import EngineConfig
    from writer_app.worker.controller import AssistController

    made = AssistController(LlamaEngine, reader_factory=lambda: reader)
    with qtbot.waitSignal(made.modelLoaded, timeout=30_000):
        made.load_model(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    yield made
    reader.go.set()
    made.shutdown()


def test_the_selections_voice_match_is_the_cards_once_read(
    qtbot, window: MainWindow, prompts, reader: StandInReader
) -> None:
    make_voice(qtbot, window, prompts, sample=KEEPER * 20)  # 780 words: four passages to read
    voice = window.voices.profile
    text = REPORT * 4  # 120 words: long enough to read
    set_text(window, KEEPER * 20 + "\n\n" + text)
    reader.held = text
    select(window, text)
    meter_line = StyleSession._match_line(match(text, voice.stats))
    waiting = meter_line + " (the scoring model is reading it…)"
    qtbot.waitUntil(lambda: window.style_panel.meter.text() == waiting, timeout=TIMEOUT_MS)
    card = StyleSession._match_line(voice_match(text, voice.stats, voice.samples, reader.read))
    assert card != meter_line  # the reading moves it
    reader.go.set()
    qtbot.waitUntil(lambda: window.style_panel.meter.text() == card, timeout=TIMEOUT_MS)


def test_a_short_selection_keeps_the_meters_and_a_rewrite_replaces_a_reading(
    qtbot, window: MainWindow, prompts, reader: StandInReader
) -> None:
    make_voice(qtbot, window, prompts, sample=KEEPER * 20)  # 780 words: four passages to read
    voice = window.voices.profile
    short = " ".join(REPORT.split()[:31]) + "."  # over 30 words: the meter's, but too short to read
    text = REPORT * 3  # 93 words: read, and short enough for the tiny model to rewrite
    set_text(window, KEEPER * 20 + "\n\n" + short + "\n\n" + text)
    reader.texts.clear()
    select(window, short)
    line = StyleSession._match_line(match(short, voice.stats)) + ROUGH  # said to be rough
    qtbot.waitUntil(lambda: window.style_panel.meter.text() == line, timeout=TIMEOUT_MS)
    qtbot.wait(300)
    assert window.style_panel.meter.text() == line and short not in reader.texts
    reader.held = text
    select(window, text)
    qtbot.waitUntil(lambda: "reading it" in window.style_panel.meter.text(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.session.request_rewrite()  # a rewrite comes first: the reading gives way
        meter_line = StyleSession._match_line(match(text, voice.stats))
        assert window.style_panel.meter.text() == meter_line  # at once, not "reading it…" for ever
        reader.go.set()
    qtbot.wait(300)
    assert window.style_panel.meter.text() == meter_line  # the replaced reading's result is dropped
    window.voices.update_meter()  # asked again while nothing runs: read, as a card is
    qtbot.waitUntil(lambda: "reading it" not in window.style_panel.meter.text(), timeout=TIMEOUT_MS)
    assert window.style_panel.meter.text() != meter_line

"""The Style panel's voice match for the selection: the meter's at once, then the figure a card would
show (the scoring model's reading joined in by the worker) — on a window whose worker has a stand-in
reader (this is about the panel and the worker, not about the model: the reading tests use the real
one); a short selection and a rewrite in flight keep the meter's alone."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import select, set_text
from tests.ui.test_style_flow import KEEPER
from writer_app.reward.style_meter import match
from writer_app.reward.voice_reading import reading_spaces, voice_match
from writer_app.ui.main_window import MainWindow
from writer_app.ui.style_session import StyleSession

WIDTH = sum(len(space.origin) for space in reading_spaces())  # the default model's reading: both parts
OTHER = (
    "Quarterly revenue rose by four percent, driven by subscriptions in the northern region; costs held "
    "steady and the board approved the budget for the next year without further discussion of it. "
)


def make_voice(qtbot, window: MainWindow, prompts) -> None:
    """A voice of 780 words (four passages for the reader) from the selection."""
    set_text(window, KEEPER * 20)
    select(window, KEEPER * 20)
    prompts.answers["ask_text"] = "Keeper"
    window.style_panel.createRequested.emit("selection")
    qtbot.waitUntil(lambda: window.voices.profile is not None, timeout=TIMEOUT_MS)


class StandInReader:
    """A reading per text, the same each time (random directions keyed by the text)."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def read(self, text: str) -> np.ndarray:
        self.texts.append(text)
        seed = int.from_bytes(hashlib.sha1(text.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).normal(size=WIDTH).astype(np.float32)

    def cached(self, text: str) -> None:
        return None

    def close(self) -> None:
        pass


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
    made.shutdown()


def test_the_selections_voice_match_is_the_cards_once_read(
    qtbot, window: MainWindow, prompts, reader: StandInReader
) -> None:
    make_voice(qtbot, window, prompts)
    voice = window.voices.profile
    text = OTHER * 4  # 120 words: long enough to read
    set_text(window, KEEPER * 20 + "\n\n" + text)
    select(window, text)
    meter_line = StyleSession._match_line(match(text, voice.stats))
    qtbot.waitUntil(lambda: window.style_panel.meter.text().startswith(meter_line), timeout=TIMEOUT_MS)
    assert "reading it" in window.style_panel.meter.text()  # the meter's figure meanwhile
    card = StyleSession._match_line(voice_match(text, voice.stats, voice.samples, reader.read))
    assert card != meter_line  # the reading moves it
    qtbot.waitUntil(lambda: window.style_panel.meter.text() == card, timeout=TIMEOUT_MS)
    assert text in reader.texts


def test_a_short_selection_or_one_during_a_rewrite_keeps_the_meters(
    qtbot, window: MainWindow, prompts, reader: StandInReader
) -> None:
    make_voice(qtbot, window, prompts)
    voice = window.voices.profile
    short = " ".join(OTHER.split()[:31]) + "."  # over 30 words: the meter's, but too short to read
    set_text(window, KEEPER * 20 + "\n\n" + short + "\n\n" + OTHER * 4)
    reader.texts.clear()
    select(window, short)
    line = StyleSession._match_line(match(short, voice.stats))
    qtbot.waitUntil(lambda: window.style_panel.meter.text() == line, timeout=TIMEOUT_MS)
    qtbot.wait(300)
    assert window.style_panel.meter.text() == line and short not in reader.texts
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        select(window, short)
        window.session.request_rewrite()  # a rewrite runs: the selection's reading waits for no one
        select(window, OTHER * 4)
        window.voices.update_meter()  # skipped, not queued behind the rewrite: the meter's alone
        assert window.style_panel.meter.text() == StyleSession._match_line(match(OTHER * 4, voice.stats))

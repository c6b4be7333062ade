"""Preferences → Model source: test a server, use it, see where text goes, rewrite on it, come back
to this computer; a server on another machine is agreed to once; a dead server leaves the app usable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server_process import free_port
from tests.ui.conftest import TIMEOUT_MS, ScriptedPrompts, new_window
from tests.ui.test_rewrite_flow import select
from writer_app.engine.types import EngineConfig
from writer_app.model_config import open_engine
from writer_app.modelhub.store import ModelStore
from writer_app.ui.main_window import MainWindow
from writer_app.ui.model_source import where_text
from writer_app.worker.controller import AssistController


class AgreeingPrompts(ScriptedPrompts):
    def send_text_to(self, parent, host, encrypted):
        return self._answer(f"send_text_to {host}", False)


@pytest.fixture
def opening_controller(qtbot, tiny_model_path: Path):
    """The app's own engine opener: a model file here, or a server."""
    made = AssistController(open_engine)
    with qtbot.waitSignal(made.modelLoaded, timeout=TIMEOUT_MS):
        made.load_model(EngineConfig(tiny_model_path, n_ctx=2048, n_threads=2))
    yield made
    made.shutdown()


@pytest.fixture
def window_on(qtbot, opening_controller, app_paths) -> tuple[MainWindow, AgreeingPrompts]:
    """A window with the app's model store (this computer's model: the default one)."""
    prompts = AgreeingPrompts()
    return new_window(qtbot, opening_controller, app_paths, prompts, ModelStore(app_paths)), prompts


def test_where_text_goes_in_words() -> None:
    assert where_text("/models/tiny.gguf") == "on this computer"
    assert where_text("http://127.0.0.1:8080") == "on a server on this computer"
    assert where_text("https://gpu.example.org") == "on gpu.example.org — text leaves this computer"


def test_a_server_is_tested_used_for_a_rewrite_and_left_again(
    qtbot, window_on, tiny_server, app_paths, default_model_path
) -> None:
    window, _prompts = window_on
    box = window.open_preferences().source_box
    box.source.setCurrentIndex(box.source.findData("server"))
    box.url.setText(tiny_server.url)
    box.key.setText("sk-not-in-the-settings-file")
    box.test_connection()
    qtbot.waitUntil(lambda: box.status.text().startswith("Connected"), timeout=TIMEOUT_MS)
    assert box.status.text() == "Connected: the server serves tiny."
    assert box.model.currentText() == "tiny"

    with qtbot.waitSignal(window.controller.modelLoaded, timeout=TIMEOUT_MS):
        box.apply.click()
    assert window.model_label.text() == "Model: tiny (on a server on this computer)"
    assert box.status.text() == f"Ready: tiny answers from {tiny_server.url}."
    window.settings.sync()
    stored = (app_paths.config_dir / "settings.ini").read_text()
    assert tiny_server.url in stored and "sk-not-in-the-settings-file" not in stored

    window.editor.setPlainText("The day is good and the night is short.")
    select(window, "The day is good")
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.request_rewrite("concise")
    assert window.session.last_result.model == "tiny" and window.session.last_result.candidates

    with qtbot.waitSignal(window.controller.modelLoaded, timeout=TIMEOUT_MS):
        box.source.setCurrentIndex(box.source.findData("local"))
    assert window.settings.model_source == "local"
    assert window.model_label.text().endswith("(on this computer)")


def test_a_server_on_another_machine_is_agreed_to_once(qtbot, window_on) -> None:
    window, prompts = window_on
    box = window.open_preferences().source_box
    box.source.setCurrentIndex(box.source.findData("server"))
    box.url.setText("http://gpu.invalid:8080")
    box.apply.click()  # the user says no: nothing changes
    assert prompts.asked == ["send_text_to gpu.invalid"]
    assert window.settings.model_source == "local" and window.settings.server_url == ""

    prompts.answers["send_text_to gpu.invalid"] = True
    with qtbot.waitSignal(window.controller.modelFailed, timeout=TIMEOUT_MS) as failed:
        box.apply.click()
    assert "Could not reach a server at http://gpu.invalid:8080" in failed.args[0]
    assert window.settings.servers_allowed == "gpu.invalid"
    with qtbot.waitSignal(window.controller.modelFailed, timeout=TIMEOUT_MS):
        box.apply.click()  # agreed before: not asked again
    assert prompts.asked == ["send_text_to gpu.invalid"] * 2


def test_a_dead_server_is_a_sentence_and_this_computer_works_again(
    qtbot, window_on, default_model_path
) -> None:
    window, _prompts = window_on
    box = window.open_preferences().source_box
    box.source.setCurrentIndex(box.source.findData("server"))
    box.url.setText(f"127.0.0.1:{free_port()}")
    box.test_connection()
    qtbot.waitUntil(lambda: "Could not reach" in box.status.text(), timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.controller.modelFailed, timeout=TIMEOUT_MS):
        box.apply.click()
    qtbot.waitUntil(lambda: "Could not reach" in window.message_bar.text, timeout=TIMEOUT_MS)
    with qtbot.waitSignal(window.controller.modelLoaded, timeout=TIMEOUT_MS):
        box.source.setCurrentIndex(box.source.findData("local"))
    assert window.model_label.text().endswith("(on this computer)")


def test_anti_slop_and_banned_phrases_apply_from_preferences_at_once(window_on) -> None:
    window, _prompts = window_on
    dialog = window.open_preferences()
    dialog.banned.setText("synergy, Game changer")
    dialog.banned.editingFinished.emit()
    worker = window.controller.worker
    assert "synergy" in worker.banned and "game changer" in worker.banned and "tapestry" in worker.banned
    dialog.anti_slop.setChecked(False)
    assert worker.banned == ("synergy", "game changer")  # the lexicon off, the user's own still banned
    assert window.settings.anti_slop is False and window.settings.banned_phrases == "synergy, Game changer"
    dialog.restore_defaults()
    assert window.settings.anti_slop is True and "tapestry" in worker.banned

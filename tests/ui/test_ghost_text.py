"""Ghost text in the window, on the scripted engine (these tests are about the editor, not the model)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.fakes.scripted_engine import ScriptedEngine
from writer_app.documents.autosave import AutosaveStore
from writer_app.engine.types import EngineConfig
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

TIMEOUT_MS = 10_000


@pytest.fixture
def scripted(qtbot):
    engines: list[ScriptedEngine] = []

    def make(config: EngineConfig) -> ScriptedEngine:
        engines.append(ScriptedEngine(delay_s=0.02))
        return engines[-1]

    controller = AssistController(make)
    with qtbot.waitSignal(controller.modelLoaded, timeout=TIMEOUT_MS):
        controller.load_model(EngineConfig(Path("scripted.gguf")))
    yield controller, engines
    controller.shutdown()


@pytest.fixture
def window(qtbot, scripted, app_paths: AppPaths, prompts) -> MainWindow:
    controller, _ = scripted
    settings = AppSettings(app_paths.config_dir)
    settings.ghost_delay_ms = 150
    prompts.answers["unsaved_changes"] = "discard"
    autosave = AutosaveStore(app_paths.state_dir / "autosave")
    made = MainWindow(controller, settings, autosave, app_paths.state_dir / "h", prompts)
    qtbot.addWidget(made)
    made.show()
    made.editor.setFocus()
    return made


def type_and_wait_for_ghost(qtbot, window: MainWindow, text: str) -> str:
    qtbot.keyClicks(window.editor, text)
    qtbot.waitUntil(lambda: window.editor.ghost_text.endswith("."), timeout=TIMEOUT_MS)
    return window.editor.ghost_text


def test_a_suggestion_appears_after_a_pause_and_tab_inserts_it_in_one_undo_step(qtbot, window) -> None:
    ghost = type_and_wait_for_ghost(qtbot, window, "The keeper climbed")
    assert ghost.startswith(" ") and window.editor.toPlainText() == "The keeper climbed"  # painted only
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "The keeper climbed" + ghost
    assert window.editor.ghost_text == ""
    window.editor.undo()
    assert window.editor.toPlainText() == "The keeper climbed"


def test_esc_dismisses_without_touching_the_document(qtbot, window) -> None:
    type_and_wait_for_ghost(qtbot, window, "The sea")
    window.editor.document().setModified(False)
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert window.editor.ghost_text == ""
    assert window.editor.toPlainText() == "The sea" and not window.editor.document().isModified()


def test_typing_what_it_says_keeps_the_rest_and_ctrl_right_takes_a_word(qtbot, window) -> None:
    ghost = type_and_wait_for_ghost(qtbot, window, "The sea")
    qtbot.keyClicks(window.editor, ghost[:3])
    assert window.editor.ghost_text == ghost[3:]
    rest = window.editor.ghost_text
    qtbot.keyClick(window.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    word_end = len(rest) - len(rest.lstrip()) + len(rest.split()[0])
    assert window.editor.toPlainText() == "The sea" + ghost[:3] + rest[:word_end]
    assert window.editor.ghost_text == rest[word_end:]


def test_typing_something_else_cancels_the_generation_at_once(qtbot, window, scripted) -> None:
    _, engines = scripted
    # A slow model: the suggestion is still being written when the key comes, even on a loaded machine.
    engines[0].delay_s = 1.0
    qtbot.keyClicks(window.editor, "The lighthouse")
    qtbot.waitUntil(lambda: window.ghost._request_id is not None, timeout=TIMEOUT_MS)
    # Running, not merely queued (a queued one is dropped without ever reaching the worker).
    qtbot.waitUntil(
        lambda: "Suggestion: running" in window.controller.scheduler.describe(), timeout=TIMEOUT_MS
    )
    request_id = window.ghost._request_id
    cancelled = []
    window.assist.requestFinished.connect(lambda rid, result: cancelled.append((rid, result.cancelled)))
    window.controller.worker.requestFinished.connect(
        lambda rid, result: cancelled.append((rid, result.cancelled))
    )
    qtbot.keyClicks(window.editor, "X")
    assert window.ghost._request_id is None
    qtbot.waitUntil(lambda: any(rid == request_id for rid, _ in cancelled), timeout=TIMEOUT_MS)
    assert (request_id, True) in cancelled  # the worker stopped it, nobody showed it
    assert window.editor.ghost_text == ""


def test_no_suggestion_repeats_the_text_after_the_cursor(qtbot, window) -> None:
    from writer_app.assist.complete import ghost_suggestion

    ghost = type_and_wait_for_ghost(qtbot, window, "The sea")
    window.editor.setPlainText("The sea\n" + ghost.strip() + " More text.")
    cursor = window.editor.textCursor()
    cursor.setPosition(len("The sea"))
    window.editor.setTextCursor(cursor)
    assert ghost_suggestion(ghost, "The sea", "") == ghost  # it would show, were it not already there
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS) as finished:
        assert window.ghost.suggest() is not None
    assert finished.args[1].candidates == () and window.editor.ghost_text == ""


def test_no_suggestion_in_the_middle_of_a_line(qtbot, window) -> None:
    window.editor.setPlainText("The sea was grey.")
    cursor = window.editor.textCursor()
    cursor.setPosition(len("The sea"))
    window.editor.setTextCursor(cursor)
    assert window.ghost.suggest() is None  # it would be painted over " was grey."


def test_esc_stops_a_suggestion_before_it_shows(qtbot, window, scripted) -> None:
    _, engines = scripted
    engines[0].delay_s = 0.2
    qtbot.keyClicks(window.editor, "The lighthouse")
    qtbot.waitUntil(lambda: window.ghost._request_id is not None, timeout=TIMEOUT_MS)
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert window.ghost._request_id is None
    qtbot.wait(600)
    assert window.editor.ghost_text == ""


def test_closing_the_window_stops_its_suggestions(qtbot, window) -> None:
    qtbot.keyClicks(window.editor, "The keeper")
    assert window.ghost.timer.isActive()
    window.editor.document().setModified(False)
    assert window.close()
    assert not window.ghost.timer.isActive() and window.ghost._request_id is None


def test_switched_off_there_are_no_suggestions(qtbot, window) -> None:
    window.ghost.set_enabled(False)
    qtbot.keyClicks(window.editor, "The keeper climbed")
    qtbot.wait(500)
    assert window.editor.ghost_text == "" and window.ghost._request_id is None
    assert AppSettings(Path(window.settings._settings.fileName()).parent).ghost_enabled is False


def test_autosave_never_writes_ghost_text(qtbot, window) -> None:
    type_and_wait_for_ghost(qtbot, window, "Unsaved words")
    window.autosave_now()
    assert window.autosave.flush(10)
    assert [s.text for s in window.autosave.snapshots()] == ["Unsaved words"]


def test_continue_writing_inserts_the_chosen_continuation_at_the_cursor_in_one_step(
    qtbot, window, prompts
) -> None:
    window.ghost.set_enabled(False)
    window.editor.setPlainText("The keeper climbed the stairs.\n\nLast line.")
    cursor = window.editor.textCursor()
    cursor.setPosition(len("The keeper climbed the stairs."))
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        assert window.session.request_continuation("sentence") is not None
    cards = window.candidates.cards
    assert len(cards) == 3 and set(cards[0].buttons) == {"insert", "edit", "copy"}
    assert "▸" in cards[0].view.toPlainText()  # shown after its insertion point, not as a diff
    chosen = window.candidates.candidate_text(window.candidates.index_at(0))
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    window.editor.insertPlainText(" More.")  # typed elsewhere meanwhile: the insertion point is kept
    assert window.accept_shown(0)
    assert window.editor.toPlainText() == "The keeper climbed the stairs." + chosen + "\n\nLast line. More."
    window.editor.undo()
    assert window.editor.toPlainText() == "The keeper climbed the stairs.\n\nLast line. More."
    assert window.edits.edits[-1].chosen == chosen


def test_a_continuation_is_not_inserted_once_the_text_it_continues_changed(qtbot, window) -> None:
    window.ghost.set_enabled(False)
    window.editor.setPlainText("The keeper climbed the stairs.")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        window.session.request_continuation("sentence")
    window.editor.setPlainText("Something else entirely.")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    assert not window.accept_shown(0)
    assert window.editor.toPlainText() == "Something else entirely."
    assert "was edited after the request" in window.message_bar.text


def test_a_length_the_user_picks_and_the_suggestion_delay(qtbot, window, prompts) -> None:
    window.ghost.set_enabled(False)
    window.editor.setPlainText("The keeper climbed the stairs.")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    prompts.answers["ask_number"] = 40
    with qtbot.waitSignal(window.assist.requestFinished, timeout=TIMEOUT_MS):
        assert window.continue_with_words() is not None
        assert window.session.pending.request.words == 40 and window.session.pending.request.length == "words"
    assert window.session.last_result is not None and window.session.last_result.candidates
    dialog = window.open_preferences()
    dialog.ghost_delay.setValue(900)  # read at the next pause in typing
    assert window.settings.ghost_delay_ms == 900
    dialog.ghost.setChecked(True)
    assert window.ghost.enabled and window.actions_by_name["ghost"].isChecked()
    dialog.close()

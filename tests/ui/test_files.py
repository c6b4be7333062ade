"""Files in the window: round-trips, conflicts, failed saves, autosave and recovery, closing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.test_rewrite_flow import set_text
from writer_app.documents.autosave import AutosaveStore
from writer_app.ui.main_window import MainWindow
from writer_app.ui.recovery import recover_unsaved


def test_open_edit_save_reopen_keeps_bytes_and_line_endings(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "notes.md"
    path.write_bytes(b"\xef\xbb\xbf# Title\r\n\r\nSome text.\r\n")
    assert window.open_path(path)
    cursor = window.editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "More.")
    assert window.is_modified
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not window.is_modified
    assert path.read_bytes() == b"\xef\xbb\xbf# Title\r\n\r\nSome text.\r\nMore."
    assert window.open_path(path)
    assert window.editor.toPlainText() == "# Title\n\nSome text.\nMore."
    assert str(path.resolve()) in window.settings.recent_files


def test_conflict_prompt_appears_when_the_file_changed_on_disk(
    window: MainWindow, prompts, tmp_path: Path
) -> None:
    path = tmp_path / "shared.txt"
    path.write_text("original")
    window.open_path(path)
    set_text(window, "my version")
    path.write_text("their version")
    prompts.answers["overwrite_conflict"] = "cancel"
    assert not window.save()
    assert prompts.asked == ["overwrite_conflict"]
    assert path.read_text() == "their version"
    assert window.is_modified
    prompts.answers["overwrite_conflict"] = "overwrite"
    assert window.save()
    assert path.read_text() == "my version"


def test_failed_save_says_so_and_keeps_the_document_dirty(window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    path = folder / "doc.md"
    path.write_text("v1")
    window.open_path(path)
    set_text(window, "v2 unsaved")
    path.unlink()
    folder.rmdir()
    assert not window.save()
    assert window.is_modified
    assert "no longer exists" in window.message_bar.text
    assert window.editor.toPlainText() == "v2 unsaved"


def test_save_as_for_a_new_document(window: MainWindow, prompts, tmp_path: Path) -> None:
    set_text(window, "fresh text\n")
    prompts.answers["save_path"] = tmp_path / "fresh.md"
    assert window.save()
    assert (tmp_path / "fresh.md").read_text() == "fresh text\n"
    assert window.windowTitle().startswith("fresh.md")


def test_autosave_writes_unsaved_work_and_a_save_removes_it(
    window: MainWindow, prompts, tmp_path: Path
) -> None:
    set_text(window, "unsaved thoughts")
    window.autosave_now()
    assert window.autosave.flush(10)
    snapshots = window.autosave.snapshots()
    assert [s.text for s in snapshots] == ["unsaved thoughts"]
    prompts.answers["save_path"] = tmp_path / "kept.md"
    assert window.save()
    assert window.autosave.flush(10)
    assert window.autosave.snapshots() == []


def test_autosave_skips_a_document_that_did_not_change(window: MainWindow) -> None:
    set_text(window, "written once")
    window.autosave_now()
    assert window.autosave.flush(10)
    first = window.autosave.snapshots()[0].saved_at
    window.autosave_now()  # the timer and focus changes call it again: nothing new to write
    window.editor.focusLost.emit()
    assert window.autosave.flush(10)
    assert window.autosave.snapshots()[0].saved_at == first
    window.editor.insertPlainText(" and again")
    window.autosave_now()
    assert window.autosave.flush(10)
    assert [s.text for s in window.autosave.snapshots()] == ["written once and again"]


def test_recovered_text_still_detects_a_file_changed_since_the_crash(
    make_window, prompts, tmp_path: Path
) -> None:
    path = tmp_path / "notes.md"
    path.write_text("version on disk\n")
    crashed = make_window()
    assert crashed.open_path(path)
    crashed.editor.insertPlainText("unsaved edit: ")
    crashed.autosave_now()
    assert crashed.autosave.flush(10)
    snapshot = crashed.autosave.snapshots()[0]
    path.write_text("another program wrote this meanwhile\n")
    fresh = make_window()
    fresh.restore_snapshot(snapshot.text, path, snapshot.disk)
    prompts.answers["overwrite_conflict"] = "cancel"
    assert not fresh.save()
    assert "overwrite_conflict" in prompts.asked
    assert path.read_text() == "another program wrote this meanwhile\n"


def test_save_as_to_the_same_file_keeps_the_conflict_check(
    window: MainWindow, prompts, tmp_path: Path
) -> None:
    path = tmp_path / "same.md"
    path.write_text("first\n")
    assert window.open_path(path)
    window.editor.insertPlainText("mine ")
    path.write_text("theirs, changed on disk\n")
    prompts.answers["save_path"] = tmp_path / "." / "same.md"
    prompts.answers["overwrite_conflict"] = "cancel"
    assert not window.save_as()
    assert path.read_text() == "theirs, changed on disk\n"


def test_focus_loss_autosaves(qtbot, window: MainWindow) -> None:
    window.editor.setFocus()
    qtbot.keyClicks(window.editor, "typed")
    window.editor.focusLost.emit()
    assert window.autosave.flush(10)
    assert [s.text for s in window.autosave.snapshots()] == ["typed"]


def test_crashed_session_is_offered_for_recovery(make_window, prompts, tmp_path: Path) -> None:
    first = make_window()
    store: AutosaveStore = first.autosave
    from tests.documents.test_autosave_and_diff import crash_after_autosave

    crash_after_autosave(store.folder, "words I did not save")
    prompts.answers["recover"] = True
    extra = recover_unsaved(store, prompts, first, make_window)
    assert store.flush(10)
    assert extra == []
    assert prompts.asked == ["recover"]
    assert first.editor.toPlainText() == "words I did not save"
    assert first.is_modified
    assert [s.text for s in store.snapshots()] == ["words I did not save"]  # now owned by this session
    assert store.orphaned() == []


def test_declined_recovery_is_discarded(make_window, prompts) -> None:
    first = make_window()
    from tests.documents.test_autosave_and_diff import crash_after_autosave

    crash_after_autosave(first.autosave.folder, "old draft")
    prompts.answers["recover"] = False
    recover_unsaved(first.autosave, prompts, first, make_window)
    assert first.autosave.flush(10)
    assert first.editor.toPlainText() == ""
    assert first.autosave.snapshots() == []


def test_closing_with_unsaved_changes_asks(window: MainWindow, prompts) -> None:
    set_text(window, "precious")
    prompts.answers["unsaved_changes"] = "cancel"
    assert not window.close()
    assert window.isVisible() and window.editor.toPlainText() == "precious"
    prompts.answers["unsaved_changes"] = "discard"
    assert window.close()


def test_replace_all_is_one_undo_step(window: MainWindow) -> None:
    set_text(window, "cat and cat and cat")
    window.find_bar.open_bar(replace=True)
    window.find_bar.find_field.setText("cat")
    window.find_bar.replace_field.setText("dog")
    assert window.find_bar.replace_all() == 3
    assert window.editor.toPlainText() == "dog and dog and dog"
    window.editor.undo()
    assert window.editor.toPlainText() == "cat and cat and cat"


def test_status_bar_counts_words_and_characters(qtbot, window: MainWindow) -> None:
    set_text(window, "three little words")
    qtbot.waitUntil(lambda: window.count_label.text() == "3 words, 18 characters", timeout=2000)


def test_model_name_is_shown(window: MainWindow) -> None:
    assert window.model_label.text() == "Model: tiny-random-llama (on this computer)"


def test_escape_closes_the_find_bar_when_nothing_is_generating(qtbot, window: MainWindow) -> None:
    window.find_bar.open_bar()
    assert window.find_bar.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_zoom_is_remembered(qtbot, window: MainWindow, make_window) -> None:
    size = window.editor.font().pointSize()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.font().pointSize() == size + 2
    again = make_window()  # the next window opens with the same zoom
    assert again.editor.font().pointSize() == size + 2


def test_the_autosave_timer_waits_for_a_pause_in_typing(qtbot, window: MainWindow, monkeypatch) -> None:
    import writer_app.ui.document_session as document_session

    monkeypatch.setattr(document_session, "AUTOSAVE_PAUSE_S", 0.3)
    window.documents.retry.setInterval(300)
    set_text(window, "typing")
    window.documents.autosave_at_a_pause()  # the 30 s tick comes while the user types
    assert window.autosave.flush(10)
    assert window.autosave.snapshots() == []
    qtbot.waitUntil(lambda: window.autosave.flush(0) and bool(window.autosave.snapshots()), timeout=5000)
    assert [s.text for s in window.autosave.snapshots()] == ["typing"]

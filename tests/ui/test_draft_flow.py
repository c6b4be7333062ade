"""The Draft panel in the real window and worker (a scripted draft engine): plan, edit the outline,
write under headings with one undo step per section, stop and resume with the user's edits, a
rewrite that runs while a draft is written, a restart that offers the unfinished draft, a new window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from tests.fakes.draft_engine import DraftEngine
from tests.ui.conftest import TIMEOUT_MS, new_window
from writer_app.documents.draft_journal import DraftJournal, key_for_path
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.outline_panel import WORDS
from writer_app.worker.controller import AssistController


@pytest.fixture
def engines() -> list[DraftEngine]:
    return []


@pytest.fixture
def draft_controller(qtbot, engines: list[DraftEngine], tmp_path: Path):
    from writer_app.engine.types import EngineConfig

    def make(config):
        engine = DraftEngine(delay_s=0.002)
        engines.append(engine)
        return engine

    made = AssistController(make)
    with qtbot.waitSignal(made.modelLoaded, timeout=TIMEOUT_MS):
        made.load_model(EngineConfig(tmp_path / "scripted.gguf"))
    yield made
    made.shutdown()


@pytest.fixture
def open_window(qtbot, draft_controller, app_paths: AppPaths, prompts):
    def make() -> MainWindow:
        window = new_window(qtbot, draft_controller, app_paths, prompts)
        window.drafts.open_window = make  # "into a new document" opens another of these
        return window

    return make


def plan(qtbot, window: MainWindow, words: int = 1200) -> None:
    panel = window.outline_panel
    panel.instruction.setPlainText("A story of the sea")
    panel.target.setValue(words)
    with qtbot.waitSignal(window.drafts.client.requestFinished, timeout=TIMEOUT_MS):
        panel.plan_button.click()


def write_one_section_and_stop(qtbot, window: MainWindow) -> None:
    """Plan, write here until the first section is finished, then Stop (a draft left unfinished)."""
    plan(qtbot, window)
    finished = []
    window.drafts.client.candidateFinished.connect(lambda _rid, c: finished.append(c.index))
    write_here(window)
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=TIMEOUT_MS)
    window.outline_panel.stop_button.click()


def write_here(window: MainWindow, at_end: bool = False) -> None:
    """Write the planned draft into this document: at the cursor, or after its text."""
    if at_end:
        cursor = window.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        window.editor.setTextCursor(cursor)
    window.outline_panel.destination.setCurrentIndex(window.outline_panel.destination.findData("here"))
    window.outline_panel.write_button.click()


def headings(window: MainWindow) -> list[str]:
    return [line for line in window.editor.toPlainText().splitlines() if line.startswith("## ")]


def body_words(window: MainWindow, number: int) -> int:
    """Words under the heading of section `number` (up to the next heading)."""
    after = window.editor.toPlainText().split(f"## Part {number}\n", 1)
    return len(after[1].split("## Part ")[0].split()) if len(after) == 2 else 0


def streaming(window: MainWindow, number: int, words: int) -> bool:
    """Section `number` is streaming in the panel's preview with more than `words` words."""
    panel = window.outline_panel
    return (
        panel.preview_label.text().startswith(f"Section {number}:")
        and len(panel.preview.toPlainText().split()) > words
    )


def wait_for_draft(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.drafts.draft_id is None, timeout=TIMEOUT_MS)


def test_plan_fills_an_editable_outline(qtbot, open_window) -> None:
    window = open_window()
    plan(qtbot, window)
    panel = window.outline_panel
    assert panel.table.rowCount() == 4
    assert panel.outline().planned_words == 1200
    panel.table.item(0, WORDS).setText("500")
    assert "1,400 of 1,200 words planned" in panel.total_label.text()
    panel.table.setCurrentCell(3, 0)
    panel.delete_section()
    assert [s.title for s in panel.outline().sections] == ["Part 1", "Part 2", "Part 3"]


def test_each_section_is_written_under_its_heading_as_one_undo_step(qtbot, open_window) -> None:
    window = open_window()
    plan(qtbot, window)
    write_here(window)
    wait_for_draft(qtbot, window)
    document = window.editor.document()
    assert headings(window) == [f"## Part {i}" for i in (1, 2, 3, 4)]
    text = window.editor.toPlainText()
    bodies = text.split("## Part ")[1:]
    assert all(len(body.split()) > 250 for body in bodies)
    assert window.outline_panel.state == "idle" and "Draft finished" in window.outline_panel.status.text()
    # One Undo per section, last first, then one for the headings.
    for remaining in (3, 2, 1, 0):
        document.undo()
        bodies = window.editor.toPlainText().split("## Part ")[1:]
        assert [len(body.split()) > 250 for body in bodies] == [i < remaining for i in range(4)]
    document.undo()
    assert window.editor.toPlainText() == "" and not document.isUndoAvailable()


def test_stop_mid_section_keeps_whole_sections_and_resume_keeps_edits(qtbot, open_window, engines) -> None:
    window = open_window()
    plan(qtbot, window)
    write_here(window)
    client = window.drafts.client
    finished = []
    client.candidateFinished.connect(lambda _rid, candidate: finished.append(candidate.index))
    qtbot.waitUntil(
        lambda: len(finished) == 2 and "Part 3" in window.editor.toPlainText(), timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: streaming(window, 3, 5), timeout=TIMEOUT_MS)
    window.outline_panel.stop_button.click()
    text = window.editor.toPlainText()
    assert headings(window) == [f"## Part {i}" for i in (1, 2, 3, 4)]
    assert body_words(window, 3) == 0  # the half-written section never reached the text
    assert window.outline_panel.preview.toPlainText() == ""
    assert body_words(window, 2) > 250
    assert window.outline_panel.state == "stopped"
    journal = DraftJournal(window.drafts.journal.folder)
    assert journal.load(window.drafts._key()).done == 2

    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(text.index("## Part 2"))
    cursor.insertText("An edit by hand.\n\n")  # edits before the draft goes on are kept
    started_before = list(engines[0].sections_started)
    window.outline_panel.pause_button.click()  # "Resume"
    wait_for_draft(qtbot, window)
    assert "An edit by hand." in window.editor.toPlainText()
    assert headings(window) == [f"## Part {i}" for i in (1, 2, 3, 4)]
    assert engines[0].sections_started[len(started_before) :] == [3, 4]
    assert all(len(b.split()) > 250 for b in window.editor.toPlainText().split("## Part ")[1:])


def test_a_rewrite_during_a_draft_runs_and_the_draft_goes_on(qtbot, open_window, engines) -> None:
    window = open_window()
    window.editor.setPlainText("The harbour was quiet that morning.\n\n")
    plan(qtbot, window)
    write_here(window, at_end=True)
    qtbot.waitUntil(lambda: "## Part 1" in window.editor.toPlainText(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: streaming(window, 1, 10), timeout=TIMEOUT_MS)
    cursor = window.editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(len("The harbour was quiet that morning."), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    with qtbot.waitSignal(window.session.client.requestFinished, timeout=TIMEOUT_MS):
        assert window.request_rewrite("concise") is not None
    assert window.drafts.draft_id is not None  # the rewrite finished while the draft was still going
    wait_for_draft(qtbot, window)
    assert headings(window) == [f"## Part {i}" for i in (1, 2, 3, 4)]
    assert engines[0].sections_started == [1, 2, 3, 4]


def test_pause_holds_the_draft_until_resumed(qtbot, open_window) -> None:
    window = open_window()
    plan(qtbot, window)
    write_here(window)
    qtbot.waitUntil(lambda: streaming(window, 1, 5), timeout=TIMEOUT_MS)
    window.drafts.toggle_pause()
    assert window.outline_panel.state == "paused"
    qtbot.wait(100)
    frozen = window.outline_panel.preview.toPlainText()
    qtbot.wait(300)
    assert window.outline_panel.preview.toPlainText() == frozen
    window.drafts.toggle_pause()
    wait_for_draft(qtbot, window)
    assert len(headings(window)) == 4


def test_a_reopened_document_offers_its_unfinished_draft(qtbot, open_window, tmp_path: Path, prompts) -> None:
    window = open_window()
    path = tmp_path / "story.md"
    path.write_text("")
    assert window.open_path(path)
    write_one_section_and_stop(qtbot, window)
    window.save()
    assert DraftJournal(window.drafts.journal.folder).load(key_for_path(path)).done == 1

    later = open_window()  # as after a restart
    assert later.open_path(path)
    assert later.outline_panel.state == "stopped"
    assert "unfinished draft (1 of 4 sections)" in later.outline_panel.status.text()
    later.drafts.toggle_pause()  # F8: resume
    wait_for_draft(qtbot, later)
    assert headings(later) == [f"## Part {i}" for i in (1, 2, 3, 4)]


def test_into_a_new_document_opens_a_window_for_it(qtbot, open_window) -> None:
    window = open_window()
    window.editor.setPlainText("Notes that stay as they are.")
    plan(qtbot, window)
    window.outline_panel.destination.setCurrentIndex(0)  # a new document
    window.outline_panel.write_button.click()
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w is not window]
    new = next(w for w in windows if w.drafts.draft_id is not None)
    wait_for_draft(qtbot, new)
    assert window.editor.toPlainText() == "Notes that stay as they are."
    assert headings(new) == [f"## Part {i}" for i in (1, 2, 3, 4)]


def test_resume_restores_a_finished_section_the_crash_kept_from_the_file(
    qtbot, open_window, tmp_path: Path
) -> None:
    from dataclasses import asdict

    from tests.fakes.draft_engine import plan_reply
    from writer_app.assist.outline import parse_outline
    from writer_app.documents.draft_journal import JournalEntry

    window = open_window()
    path = tmp_path / "crashed.md"
    outline = parse_outline(plan_reply(4), "A story of the sea", 1200)
    # The journal says two sections are finished; the file was saved before the second one came.
    path.write_text("## Part 1\n\nThe finished first part, edited.\n\n## Part 2\n\n## Part 3\n\n## Part 4\n")
    texts = ("The first part as written.", "The second part, only in the journal.")
    window.drafts.journal.save(JournalEntry(key_for_path(path), asdict(outline), done=2, texts=texts))
    assert window.open_path(path)
    assert window.outline_panel.state == "stopped"
    window.drafts.resume()
    wait_for_draft(qtbot, window)
    text = window.editor.toPlainText()
    assert text.startswith("## Part 1\n\nThe finished first part, edited.\n\n## Part 2\n\n")
    assert "The second part, only in the journal." in text
    assert headings(window) == [f"## Part {i}" for i in (1, 2, 3, 4)]
    assert all(body_words(window, n) > 250 for n in (3, 4))


def test_each_section_is_one_undo_step_even_while_the_user_types(qtbot, open_window) -> None:
    window = open_window()
    window.editor.setPlainText("My own opening line.")
    plan(qtbot, window)
    write_here(window, at_end=True)
    qtbot.waitUntil(lambda: streaming(window, 2, 20), timeout=TIMEOUT_MS)
    assert body_words(window, 2) == 0  # what streams is not in the document yet
    typing = QTextCursor(window.editor.document())
    typing.insertText("Typed meanwhile. ")
    wait_for_draft(qtbot, window)
    document = window.editor.document()
    document.undo()  # section 4, whole
    assert body_words(window, 4) == 0 and body_words(window, 3) > 250
    document.undo()
    document.undo()  # sections 3 and 2, each whole, although the typing came while 2 was written
    assert body_words(window, 3) == 0 and body_words(window, 2) == 0 and body_words(window, 1) > 250
    assert window.editor.toPlainText().startswith("Typed meanwhile. My own opening line.")


def test_an_untitled_draft_is_offered_again_after_recovery(qtbot, open_window) -> None:
    window = open_window()
    write_one_section_and_stop(qtbot, window)
    text, document_id = window.editor.toPlainText(), window.documents.document_id

    later = open_window()  # the app restarted and recovered the unsaved document
    later.restore_snapshot(text, None, None, document_id)
    assert later.outline_panel.state == "stopped"
    later.drafts.resume()
    wait_for_draft(qtbot, later)
    assert headings(later) == [f"## Part {i}" for i in (1, 2, 3, 4)]

"""Assist → Review Document in the window: the weakest paragraph shaded and listed first, go to and
rewrite it in one step, the review following edits, and cleared for another document."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from tests.assist.test_review import DOCUMENT, WEAK
from tests.ui.conftest import TIMEOUT_MS
from tests.ui.test_rewrite_flow import set_text
from writer_app.ui.main_window import MainWindow


def review(qtbot, window: MainWindow) -> None:
    """Assist → Review Document (F7), as a user would, and wait for every paragraph."""
    action = next(a for a in window.findChildren(QAction) if a.text() == "Re&view Document")
    assert action.shortcut().toString() == "F7"
    action.trigger()
    qtbot.waitUntil(
        lambda: window.reviews.review is not None and window.reviews.review.finished, timeout=TIMEOUT_MS
    )


def shaded(window: MainWindow) -> list[str]:
    """The texts the editor shades with a background (the weakest paragraphs)."""
    return [
        s.cursor.selectedText()
        for s in window.editor.extraSelections()
        if s.format.background().style() != Qt.BrushStyle.NoBrush
    ]


def test_the_weakest_paragraph_is_shaded_listed_first_and_rewritten_in_one_step(
    qtbot, window: MainWindow
) -> None:
    set_text(window, DOCUMENT)
    review(qtbot, window)
    assert window.review_dock.isVisible()
    assert shaded(window) == [WEAK]
    panel = window.review_panel
    assert panel.paragraphs.count() == 3 and panel.paragraphs.item(0).text().startswith("● ")
    assert "In today's fast-paced world" in panel.paragraphs.item(0).text()
    assert "cliché" in panel.slop.text()
    panel.paragraphs.setCurrentRow(0)
    panel.go_to.click()
    assert window.editor.textCursor().selectedText() == WEAK
    panel.rewrite.click()  # the paragraph selected and a rewrite asked for in one step
    assert window.session.running
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT_MS)
    assert len(window.candidates.cards) == 3


def test_shading_lands_on_the_right_text_after_emoji(qtbot, window: MainWindow) -> None:
    set_text(window, "🌊🐟 " + DOCUMENT)  # two characters Qt counts twice
    review(qtbot, window)
    assert shaded(window) == [WEAK]
    window.review_panel.paragraphs.setCurrentRow(0)
    window.review_panel.go_to.click()
    assert window.editor.textCursor().selectedText() == WEAK


def test_stop_keeps_the_shading_and_clear_takes_it_away(qtbot, window: MainWindow) -> None:
    set_text(window, DOCUMENT)
    review(qtbot, window)
    panel = window.review_panel
    assert panel.stop.isEnabled()  # following the edits
    panel.stop.click()
    assert not window.reviews.active and shaded(window) == [WEAK] and not panel.stop.isEnabled()
    panel.clear.click()
    assert window.editor.extraSelections() == [] and panel.paragraphs.count() == 0


def test_the_review_follows_edits_and_is_cleared_for_another_document(qtbot, window: MainWindow) -> None:
    set_text(window, DOCUMENT)
    review(qtbot, window)
    before = window.reviews.review
    cursor = window.editor.textCursor()
    cursor.setPosition(DOCUMENT.index("Old Tomas"))
    cursor.insertText("It was a bustling morning, a testament to the town. ")
    window.editor.setTextCursor(cursor)
    qtbot.waitUntil(
        lambda: window.reviews.review is not before and window.reviews.review.finished, timeout=TIMEOUT_MS
    )
    assert window.reviews.review.slop_counts["cliche"] > before.slop_counts["cliche"]
    window.documents.set_document("", None, None)  # another document
    assert window.editor.extraSelections() == [] and not window.reviews.active


def test_an_empty_document_gets_a_sentence(qtbot, window: MainWindow) -> None:
    window.reviews.start()
    assert "empty" in window.message_bar.text


def test_python_offsets_become_qt_positions_past_emoji() -> None:
    from writer_app.ui.review_session import qt_positions

    text = "a🌊b🐟c"
    position = qt_positions(text)
    assert [position(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7]
    assert qt_positions("plain")(3) == 3

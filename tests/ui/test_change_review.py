"""Change-by-change review: a candidate with three changes, two accepted and one rejected, applies
exactly those two in one undo step and goes into the AI-edit history; keys, clicks, Accept the Rest."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from tests.ui.test_rewrite_flow import rewrite_and_wait, select, type_document
from writer_app.documents.word_diff import apply_changes, changes
from writer_app.ui.main_window import MainWindow

DOCUMENT = "First line stays.\nthe quick brown fox jumps over the very lazy dog\nLast line stays."
PHRASE = "the quick brown fox jumps over the very lazy dog"
SUGGESTION = "the fast red fox leaps over the lazy dog"  # three changes


def test_changes_split_a_suggestion_and_apply_any_subset() -> None:
    found = changes(PHRASE, SUGGESTION)
    assert [(c.removed(PHRASE), c.text) for c in found] == [
        ("quick brown", "fast red"),
        ("jumps", "leaps"),
        ("very ", ""),
    ]
    assert apply_changes(PHRASE, found) == SUGGESTION and apply_changes(PHRASE, []) == PHRASE
    assert apply_changes(PHRASE, [found[0], found[2]]) == "the fast red fox jumps over the lazy dog"


def _review_ready(qtbot, window: MainWindow) -> None:
    type_document(qtbot, window, DOCUMENT)
    select(window, PHRASE)
    rewrite_and_wait(qtbot, window)
    first = window.candidates.index_at(0)
    window.candidates.finish_candidate(first, SUGGESTION)  # a candidate with known changes
    window.editor.setFocus()
    qtbot.keyClick(
        window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.candidates.review is not None


def test_two_accepted_one_rejected_apply_exactly_those_in_one_undo_step(qtbot, window: MainWindow) -> None:
    _review_ready(qtbot, window)
    review = window.candidates.review
    assert review.status.text() == "Change 1 of 3 — 0 accepted, 0 rejected, 3 to go"
    alt = Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window, Qt.Key.Key_Return, alt)  # accept "quick brown" → "fast red"
    qtbot.keyClick(window, Qt.Key.Key_Delete, alt)  # reject "jumps" → "leaps"
    assert review.status.text() == "Change 3 of 3 — 1 accepted, 1 rejected, 1 to go"
    qtbot.keyClick(window, Qt.Key.Key_Return, alt)  # accept dropping "very": the last decision applies
    expected = "the fast red fox jumps over the lazy dog"
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, expected)
    assert window.candidates.review is None and window.edits.edits[-1].chosen == expected
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == DOCUMENT  # one undo step for the whole review


def test_a_click_chooses_the_change_and_accept_the_rest_finishes(qtbot, window: MainWindow) -> None:
    _review_ready(qtbot, window)
    review = window.candidates.review
    review.view.anchorClicked.emit(QUrl("change:1"))
    assert review.current == 1
    review.reject()
    review.buttons["rest"].click()
    assert window.editor.toPlainText() == DOCUMENT.replace(PHRASE, "the fast red fox jumps over the lazy dog")


def test_rejecting_everything_changes_nothing_and_cancel_goes_back(qtbot, window: MainWindow) -> None:
    _review_ready(qtbot, window)
    window.candidates.review.buttons["cancel"].click()
    assert window.candidates.review is None and window.candidates.scroll.isVisible()
    window.candidates.review_shown(0)
    for _ in range(3):
        window.candidates.in_review("reject")
    assert window.editor.toPlainText() == DOCUMENT
    assert "No change was accepted" in window.candidates.summary.text()

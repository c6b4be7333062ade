"""The undo watch: only Undo of the applied candidate's own step reopens, only Redo of it closes."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor, QTextDocument

from writer_app.assist.types import RewriteRequest
from writer_app.ui.applied_undo import AppliedUndoWatch
from writer_app.ui.pending_request import AppliedCandidate, PendingRewrite


def _typed(document: QTextDocument, text: str, at: int) -> None:
    cursor = QTextCursor(document)
    cursor.setPosition(at)
    cursor.insertText(text)


def _applied(document: QTextDocument, start: int, end: int, text: str) -> AppliedCandidate:
    """Replace start..end by `text` in one edit block, as Accept does."""
    before = document.toPlainText()
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    pending = PendingRewrite(1, RewriteRequest(before[start:end]), QTextCursor(cursor), "Rewrite")
    steps = document.availableUndoSteps()
    cursor.beginEditBlock()
    cursor.insertText(text)
    cursor.endEditBlock()
    return AppliedCandidate(pending, before, start, end, steps)


def _watched(text: str) -> tuple[QTextDocument, AppliedUndoWatch, list[str]]:
    """A document holding `text` as typed, its watch, and what the watch has said so far."""
    document = QTextDocument()
    _typed(document, text, 0)
    watch = AppliedUndoWatch(document, None)
    heard: list[str] = []
    watch.undone.connect(lambda _applied: heard.append("undone"))
    watch.redone.connect(lambda _applied: heard.append("redone"))
    return document, watch, heard


def test_an_accept_that_changed_nothing_reopens_only_on_its_own_undo(qtbot) -> None:
    document, watch, heard = _watched("The day is good.")
    watch.arm(_applied(document, 0, 16, "The day is good."))  # the candidate was the text itself
    _typed(document, "So. ", 0)
    document.undo()  # the typing, not the Accept
    assert document.toPlainText() == "The day is good." and heard == []
    document.undo()  # now the Accept
    assert heard == ["undone"]
    document.redo()
    assert heard == ["undone", "redone"]


def test_deleting_the_candidate_by_hand_or_new_text_reopens_nothing(qtbot) -> None:
    document, watch, heard = _watched("The day is good.")
    watch.arm(_applied(document, 4, 7, "night"))
    cursor = QTextCursor(document)
    cursor.setPosition(4)
    cursor.setPosition(9, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("day")  # typed back by hand: the text reads as before, but it is not an Undo
    assert document.toPlainText() == "The day is good." and heard == []
    document.setPlainText("The day is good.")  # as opening the file again does
    assert heard == []


def test_typing_merged_into_the_candidates_step_goes_out_and_comes_back_with_it(qtbot) -> None:
    document, watch, heard = _watched("The day is good.")
    watch.arm(_applied(document, 4, 7, "night"))
    _typed(document, "ly", 9)  # right after it: Qt merges the typing into the candidate's step
    document.undo()
    assert document.toPlainText() == "The day is good." and heard == ["undone"]
    document.redo()
    assert document.toPlainText() == "The nightly is good." and heard == ["undone", "redone"]
    document.undo()
    assert heard == ["undone", "redone", "undone"]

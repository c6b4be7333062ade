"""Assist → Review Document: runs the review as a background job, shades the weakest paragraphs and
underlines slop in the editor, reviews again a moment after the text changes, and jumps to or
rewrites a paragraph in one step."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from writer_app.assist.jobs import Lane
from writer_app.assist.review import MAX_REVIEW_CHARS, DocumentReview, ReviewRequest
from writer_app.ui.assist_session import AssistSession
from writer_app.ui.editor import Editor
from writer_app.ui.review_panel import ReviewPanel
from writer_app.worker.controller import AssistController

AGAIN_AFTER_MS = 1500  # a pause in typing this long reviews the document again
WEAK_LIGHT, WEAK_DARK = "#fbe9c7", "#4a3d22"  # the weakest paragraphs' background
SLOP_COLOUR = "#d9822b"
EMPTY = "The document is empty: write or open something to review."
NOTHING_TO_SCORE = (
    "No paragraph is long enough to review: paragraphs of 25 words or more are scored (headings, "
    "lists, quotes and code are not)."
)


def qt_positions(text: str) -> Callable[[int], int]:
    """Python string offsets of `text` to Qt document positions (UTF-16 units: characters beyond the
    Basic Multilingual Plane, such as emoji, count twice)."""
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return lambda index: index
    return lambda index: index + bisect_left(astral, index)


class ReviewSession(QObject):
    messageRequested = Signal(str, str)
    panelRequested = Signal()

    def __init__(
        self,
        controller: AssistController,
        editor: Editor,
        panel: ReviewPanel,
        assist: AssistSession,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.editor, self.panel, self.assist = editor, panel, assist
        self.client = controller.client(self)  # its own: a review never cancels a draft or a rewrite
        self.client.partialResult.connect(self._on_review)
        self.client.requestFinished.connect(self._on_finished)
        self.client.requestFailed.connect(self._on_failed)
        controller.modelLoading.connect(self._on_model_loading)  # a model load drops background jobs
        controller.modelLoaded.connect(lambda _name, _seconds: self._again.start() if self.active else None)
        self.request_id: int | None = None
        self.active = False  # following the text: reviewed again after each pause in typing
        self.review: DocumentReview | None = None
        self._quiet = False
        self._cursors: list[QTextCursor] = []
        self._position: Callable[[int], int] = lambda index: index
        self._positions_revision = -1
        self._again = QTimer(self)
        self._again.setSingleShot(True)
        self._again.setInterval(AGAIN_AFTER_MS)
        self._again.timeout.connect(lambda: self.start(quiet=True))
        # Real edits only: a re-highlight (spell check) emits textChanged without changing the text.
        editor.document().contentsChange.connect(lambda _at, _removed, _added: self._on_text_changed())
        panel.reviewRequested.connect(self.start)
        panel.stopRequested.connect(self.stop)
        panel.clearRequested.connect(self.clear)
        panel.goToRequested.connect(self.go_to)
        panel.rewriteRequested.connect(self.rewrite)

    def start(self, quiet: bool = False) -> None:
        """Review the whole document (again) and follow its edits; `quiet` is a re-review after one."""
        text = self.editor.toPlainText()
        if not text.strip() or len(text) > MAX_REVIEW_CHARS:
            self.clear()
            large = (
                f"This document is too large to review ({len(text):,} characters; the limit is "
                f"{MAX_REVIEW_CHARS:,}): review a part of it in a document of its own."
            )
            self.panel.show_message(large if text.strip() else EMPTY)
            if not quiet:
                self.messageRequested.emit(large if text.strip() else EMPTY, "info")
            return
        self.active, self._quiet = True, quiet
        revision = self.editor.document().revision()
        self.request_id = self.client.submit(
            ReviewRequest(text, revision), Lane.BACKGROUND, title="Review", revision=revision
        )
        self.panel.set_running(True, following=True)
        if not quiet:
            self.panel.show_message("Reviewing the document…")
            self.panelRequested.emit()

    def stop(self) -> None:
        """Stop reading and following the text; the scores and the shading stay on show."""
        self.client.cancel(Lane.BACKGROUND)
        self.request_id = None
        self._again.stop()
        self.active = False
        self.panel.set_running(False, following=False)
        if self.review is not None and not self.review.finished:
            self.panel.show_message(f"{self.review.summary()} — stopped: Review Document reads the rest.")

    def clear(self) -> None:
        """Stop, and take the shading away (Clear, or another document opened)."""
        self.stop()
        self.review, self._cursors, self._positions_revision = None, [], -1
        self.editor.setExtraSelections([])
        self.panel.show_review(DocumentReview(()), "")
        self.panel.show_message("Review scores every paragraph of the document and marks the weakest.")

    def _on_text_changed(self) -> None:
        if self.active:
            self._again.start()

    def _on_model_loading(self, _path: str) -> None:
        if self.request_id is not None:  # the load cancels it without a word; reviewed again after
            self.request_id = None
            self.panel.set_running(False, following=self.active)

    def _on_review(self, request_id: int, review: object) -> None:
        if request_id != self.request_id or not isinstance(review, DocumentReview):
            return
        if review.revision != self.editor.document().revision():
            return  # the text changed since: its offsets are stale, and a new review is on its way
        self.review = review
        text = self.editor.toPlainText()
        if review.revision != self._positions_revision:  # one scan of the text per review, not per update
            self._position, self._positions_revision = qt_positions(text), review.revision
        self._cursors = [self._cursor(p.start, p.end) for p in review.paragraphs]
        self._shade(review)
        self.panel.show_review(review, text)
        if not review.paragraphs and review.finished:
            self.panel.show_message(NOTHING_TO_SCORE)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        """A cursor over [start, end) of the reviewed text; it follows later edits until the next review."""
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(self._position(start))
        cursor.setPosition(self._position(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _shade(self, review: DocumentReview) -> None:
        dark = self.editor.palette().base().color().lightness() < 128
        weak = QTextCharFormat()
        weak.setBackground(QColor(WEAK_DARK if dark else WEAK_LIGHT))
        slop = QTextCharFormat()
        slop.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        slop.setUnderlineColor(QColor(SLOP_COLOUR))
        selections = []
        for paragraph, cursor in zip(review.paragraphs, self._cursors, strict=True):
            if paragraph.weak:
                selections.append(self._selection(cursor, weak))
            for span in paragraph.slop:
                selections.append(self._selection(self._cursor(span.start, span.end), slop))
        self.editor.setExtraSelections(selections)

    @staticmethod
    def _selection(cursor: QTextCursor, text_format: QTextCharFormat) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor, selection.format = cursor, text_format
        return selection

    def _on_finished(self, request_id: int, review: object) -> None:
        if request_id == self.request_id:
            self._on_review(request_id, review)
            self.request_id = None
            self.panel.set_running(False, following=self.active)

    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self.request_id:
            self.request_id = None
            self.panel.set_running(False, following=self.active)
            if message != "Cancelled.":
                self.panel.show_message(message)
                if not self._quiet:  # a review that follows edits does not warn at every pause
                    self.messageRequested.emit(message, "warning")

    def go_to(self, index: int) -> None:
        """Select paragraph `index` of the review in the editor and show it."""
        if 0 <= index < len(self._cursors):
            self.editor.setTextCursor(QTextCursor(self._cursors[index]))
            self.editor.ensureCursorVisible()
            self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def rewrite(self, index: int) -> None:
        """Select the paragraph and ask for clarity rewrites of it (one Ctrl+Z undoes the one taken)."""
        if 0 <= index < len(self._cursors):
            self.go_to(index)
            self.assist.request_rewrite(mode="clarity")

"""The Review panel: the document's paragraphs weakest first, each with its score and reasons, the slop
found by category, and buttons to go to a paragraph or rewrite it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_app.assist.review import DocumentReview
from writer_app.reward.slop import describe

OPENING_WORDS = 9


class ReviewPanel(QWidget):
    """Shows a review; says which paragraph the user wants to see or rewrite by its list position."""

    reviewRequested = Signal()
    stopRequested = Signal()
    clearRequested = Signal()
    goToRequested = Signal(int)  # a paragraph's index in the review
    rewriteRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Review scores every paragraph of the document and marks the weakest.", self)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("review-summary")
        self.paragraphs = QListWidget(self)
        self.paragraphs.setWordWrap(True)
        self.paragraphs.setToolTip("Weakest first: double-click to go to a paragraph")
        self.paragraphs.itemActivated.connect(lambda _item: self._emit(self.goToRequested))
        self.paragraphs.currentRowChanged.connect(lambda _row: self._enable())
        self.slop = QLabel(self)
        self.slop.setWordWrap(True)
        self.slop.setObjectName("review-slop")
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)

        def button(text: str, tip: str, slot) -> QPushButton:
            widget = QPushButton(text, self)
            widget.setToolTip(tip)
            widget.clicked.connect(slot)
            return widget

        self.review = button("Review Document", "Score every paragraph again", self.reviewRequested.emit)
        self.stop = button(
            "Stop", "Stop reading and following your edits (the scores stay)", self.stopRequested.emit
        )
        self.clear = button(
            "Clear", "Take the shading away and stop following edits", self.clearRequested.emit
        )
        self.go_to = button(
            "Go To", "Select the paragraph in the editor", lambda: self._emit(self.goToRequested)
        )
        self.rewrite = button(
            "Rewrite",
            "Select the paragraph and rewrite it for clarity",
            lambda: self._emit(self.rewriteRequested),
        )
        top, bottom = QHBoxLayout(), QHBoxLayout()
        top.addWidget(self.review)
        top.addWidget(self.stop)
        top.addWidget(self.clear)
        bottom.addWidget(self.go_to)
        bottom.addWidget(self.rewrite)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.paragraphs, 1)
        layout.addLayout(bottom)
        layout.addWidget(QLabel("<b>Slop in the document</b>"))
        layout.addWidget(self.slop)
        layout.addWidget(self.notes)
        self._order: list[int] = []
        self.set_running(False, following=False)

    def _emit(self, signal) -> None:
        row = self.paragraphs.currentRow()
        if 0 <= row < len(self._order):
            signal.emit(self._order[row])

    def _enable(self) -> None:
        chosen = 0 <= self.paragraphs.currentRow() < len(self._order)
        self.go_to.setEnabled(chosen)
        self.rewrite.setEnabled(chosen)

    def set_running(self, running: bool, following: bool) -> None:
        """Stop is on while paragraphs are read or the review follows the text's edits."""
        self.stop.setEnabled(running or following)
        self._enable()

    def show_message(self, text: str) -> None:
        self.summary.setText(text)

    def show_review(self, review: DocumentReview, text: str) -> None:
        """List the paragraphs weakest first, keeping the one the user had chosen."""
        chosen = (
            self._order[self.paragraphs.currentRow()]
            if 0 <= self.paragraphs.currentRow() < len(self._order)
            else None
        )
        paragraphs = review.paragraphs
        self._order = review.weakest_first()
        scrolled = self.paragraphs.verticalScrollBar().value()
        self.paragraphs.blockSignals(True)
        self.paragraphs.clear()
        for i in self._order:
            p = paragraphs[i]
            opening = " ".join(text[p.start : p.end].split()[:OPENING_WORDS])
            why = "; ".join(p.reasons) or "nothing stands out"
            line = f"{p.score:.1f}  ¶{i + 1}  “{opening}…”\n{why}" + ("" if p.english else " · not English")
            if p.slop:
                line += f" · {len(p.slop)} slop"
            item = QListWidgetItem(("● " if p.weak else "") + line)
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setToolTip(
                ("Marked as one of the weakest. " if p.weak else "")
                + "Score on the experts' scale (most paragraphs 3–7)"
            )
            self.paragraphs.addItem(item)
        if chosen in self._order:
            self.paragraphs.setCurrentRow(self._order.index(chosen))
        self.paragraphs.blockSignals(False)
        self.paragraphs.verticalScrollBar().setValue(scrolled)  # a refresh keeps the user's place
        progress = (
            ""
            if review.finished
            else f" — reading {review.done} of {len(paragraphs)} with the scoring model…"
        )
        self.summary.setText(review.summary() + progress)
        counts = review.slop_counts
        self.slop.setText(", ".join(describe(c, n) for c, n in counts.items()) if counts else "None found.")
        self.notes.setText(" ".join(review.notes))
        self._enable()

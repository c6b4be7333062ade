"""Notices when Undo takes an applied candidate back out of the document, and when Redo puts it back."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocument

from writer_app.ui.editor import qt_length
from writer_app.ui.pending_request import AppliedCandidate


class AppliedUndoWatch(QObject):
    """Notices the document back at the undo step where it was before the last candidate went in and
    reading as it did then (undone), or at the step just after it, reading as it did with it (redone):
    an edit by hand that restores the text lands on another step, and text set afresh (a file opened)
    clears both stacks. Typing merged into the candidate's step goes out and comes back with it."""

    undone = Signal(object)  # AppliedCandidate: the document reads as it did before it went in
    redone = Signal(object)  # … and, after that, as it did with it

    def __init__(self, document: QTextDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._document = document
        self.applied: AppliedCandidate | None = None
        self._after = ""
        self._in = True  # the candidate is in the document (not undone)
        self._lengths = (0, 0)  # in UTF-16 units, as the document counts: most edits never compare text
        self._steps = 0  # the document's undo steps just after the candidate went in (Qt counts items)
        document.contentsChanged.connect(self._check)

    def arm(self, applied: AppliedCandidate) -> None:
        """`applied` just went into the document, which read `applied.text_before` until then."""
        self.applied, self._after, self._in = applied, self._document.toPlainText(), True
        self._lengths = (qt_length(applied.text_before), self._document.characterCount() - 1)
        self._steps = self._document.availableUndoSteps()

    def disarm(self) -> None:
        self.applied = None

    def _check(self) -> None:
        document, applied = self._document, self.applied
        if applied is None:
            return
        if self._in and document.availableUndoSteps() == self._steps:  # typing Qt merged into its step
            self._after = document.toPlainText()  # is what Redo brings back with it
            self._lengths = (self._lengths[0], document.characterCount() - 1)
            return
        if document.availableUndoSteps() != (applied.undo_steps if self._in else self._steps):
            return
        if not (document.isRedoAvailable() if self._in else document.isUndoAvailable()):
            return  # text set afresh: neither stack is left
        if document.characterCount() - 1 != self._lengths[0 if self._in else 1]:
            return
        if document.toPlainText() != (applied.text_before if self._in else self._after):
            return
        self._in = not self._in
        (self.redone if self._in else self.undone).emit(applied)

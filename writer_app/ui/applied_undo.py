"""Notices when Undo takes an applied candidate back out of the document, and when Redo puts it back."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocument

from writer_app.ui.pending_request import AppliedCandidate


class AppliedUndoWatch(QObject):
    """Compares the document with its text just before and just after the last candidate went in, on
    an Undo or Redo only (text set afresh, as when a file is opened, clears both and counts as neither)."""

    undone = Signal(object)  # AppliedCandidate: the document reads as it did before it went in
    redone = Signal(object)  # … and, after that, as it did with it

    def __init__(self, document: QTextDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._document = document
        self.applied: AppliedCandidate | None = None
        self._after = ""
        self._in = True  # the candidate is in the document (not undone)
        self._lengths = (0, 0)  # in UTF-16 units, as the document counts: most edits never compare text
        document.contentsChanged.connect(self._check)

    def arm(self, applied: AppliedCandidate) -> None:
        """`applied` just went into the document, which read `applied.text_before` until then."""
        self.applied, self._after, self._in = applied, self._document.toPlainText(), True
        self._lengths = (_units(applied.text_before), _units(self._after))

    def disarm(self) -> None:
        self.applied = None

    def _check(self) -> None:
        document, applied = self._document, self.applied
        if applied is None or not (document.isRedoAvailable() if self._in else document.isUndoAvailable()):
            return
        if document.characterCount() - 1 != self._lengths[0 if self._in else 1]:
            return
        if document.toPlainText() != (applied.text_before if self._in else self._after):
            return
        self._in = not self._in
        (self.redone if self._in else self.undone).emit(applied)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2

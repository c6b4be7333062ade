"""Notices when Undo takes an applied candidate back out of the document, and when Redo puts it back."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextDocument


class AppliedUndoWatch(QObject):
    """Compares the document with its text just before and just after the candidate went in."""

    undone = Signal()  # the document reads as it did before the candidate went in
    redone = Signal()  # … and, after that, as it did with it

    def __init__(self, document: QTextDocument, parent: QObject) -> None:
        super().__init__(parent)
        self._document = document
        self._before: str | None = None
        self._after = ""
        self._applied = True
        self._lengths = (0, 0)  # in UTF-16 units, as the document counts: most edits never compare text
        document.contentsChanged.connect(self._check)

    def arm(self, before: str) -> None:
        """A candidate was just applied to the document, which read `before` until then."""
        self._before, self._after, self._applied = before, self._document.toPlainText(), True
        self._lengths = (_units(before), _units(self._after))

    def disarm(self) -> None:
        self._before = None

    @property
    def armed(self) -> bool:
        return self._before is not None

    def _check(self) -> None:
        if self._before is None:
            return
        awaited = self._before if self._applied else self._after
        if self._document.characterCount() - 1 != self._lengths[0 if self._applied else 1]:
            return
        if self._document.toPlainText() != awaited:
            return
        self._applied = not self._applied
        (self.redone if self._applied else self.undone).emit()


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2

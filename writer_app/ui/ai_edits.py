"""The AI-edit tracker: every applied suggestion, a live range over its text, revert, and its JSON file."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from writer_app.documents.ai_history import AiEdit, AiEditHistory
from writer_app.errors import UserError
from writer_app.ui.editor import Editor, cursor_text, qt_length

LOGGER = logging.getLogger(__name__)


class AiEditTracker(QObject):
    """Records applied suggestions of one window's document and reverts them while their text is there."""

    editsChanged = Signal(object)  # list[AiEdit]
    messageRequested = Signal(str, str)

    def __init__(self, editor: Editor, history_dir: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.editor = editor
        self.history_dir = history_dir
        self.history = AiEditHistory()
        self._ranges: dict[int, QTextCursor] = {}

    @property
    def edits(self) -> list[AiEdit]:
        return self.history.edits

    def _file(self, path: Path | None) -> Path | None:
        if path is None:
            return None
        digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
        return self.history_dir / f"{digest}.json"

    def load(self, path: Path | None) -> None:
        """The history of the document at `path` (empty for a new document)."""
        self._ranges.clear()
        self.history = AiEditHistory()
        history_file = self._file(path)
        if history_file is not None and history_file.is_file():
            try:
                self.history = AiEditHistory.from_json(history_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError):
                LOGGER.warning("ignoring unreadable AI edit history %s", history_file)
        self.editsChanged.emit(self.history.edits)

    def save(self, path: Path | None) -> None:
        history_file = self._file(path)
        if history_file is not None and self.history.edits:
            try:
                self.history.save(history_file)
            except UserError:
                LOGGER.warning("could not save the AI edit history", exc_info=True)

    def record(self, feature: str, original: str, chosen: str, others: list[str], start: int) -> AiEdit:
        """Remember an applied suggestion whose text now starts at `start`."""
        edit = self.history.record(feature, original, chosen, others)
        tracker = QTextCursor(self.editor.document())
        tracker.setPosition(start)
        tracker.setPosition(start + qt_length(chosen), QTextCursor.MoveMode.KeepAnchor)
        self._ranges[edit.edit_id] = tracker
        self.editsChanged.emit(self.history.edits)
        return edit

    def _locate(self, edit_id: int, chosen: str) -> QTextCursor | None:
        tracker = self._ranges.get(edit_id)
        if tracker is not None and cursor_text(tracker) == chosen:
            return tracker
        text = self.editor.toPlainText()  # after a reopen: the text must occur exactly once
        if chosen and text.count(chosen) == 1:
            found = QTextCursor(self.editor.document())
            at = qt_length(text[: text.index(chosen)])
            found.setPosition(at)
            found.setPosition(at + qt_length(chosen), QTextCursor.MoveMode.KeepAnchor)
            return found
        return None

    def set_undone(self, edit_id: int, undone: bool) -> None:
        """Undo took the edit's text back out (`undone`), or Redo put it back."""
        try:
            self.history.mark_reverted(edit_id, undone)
        except KeyError:
            return  # not in this window's history (set afresh since)
        self.editsChanged.emit(self.history.edits)

    def revert(self, edit_id: int) -> bool:
        edit = next((e for e in self.history.edits if e.edit_id == edit_id), None)
        if edit is None or edit.reverted:
            return False
        cursor = self._locate(edit_id, edit.chosen)
        if cursor is None:
            self.messageRequested.emit(
                "That AI edit cannot be reverted: its text was changed since it was applied.", "error"
            )
            return False
        cursor.beginEditBlock()
        cursor.insertText(edit.original)
        cursor.endEditBlock()
        self.history.mark_reverted(edit_id)
        self._ranges.pop(edit_id, None)
        self.editsChanged.emit(self.history.edits)
        return True

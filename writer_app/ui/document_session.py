"""One window's document on disk: path, encoding, disk state, open, save, conflicts, autosave, recovery."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor

from writer_app.documents.autosave import AutosaveStore, new_document_id
from writer_app.documents.file_io import DiskState, SaveConflictError, read_document, save_document
from writer_app.errors import UserError
from writer_app.ui.editor import Editor
from writer_app.ui.prompts import Prompts
from writer_app.ui.settings import AppSettings

# A snapshot copies the whole text on the GUI thread (20 ms for 5 MB): the timer waits for a pause.
AUTOSAVE_PAUSE_S = 1.0


class DocumentSession(QObject):
    """Owns what the editor's text is on disk; tells the window through signals, asks through prompts."""

    documentReplaced = Signal()  # another document (or a new one) is in the editor
    saved = Signal(object)  # Path
    titleChanged = Signal()
    messageRequested = Signal(str, str)  # sentence, level ("error" or "info")
    statusRequested = Signal(str, int)  # a passing note for the status bar, milliseconds
    recentChanged = Signal()
    autosaveFailed = Signal(str)  # emitted from the autosave thread; handled on the GUI thread

    def __init__(
        self,
        editor: Editor,
        settings: AppSettings,
        autosave: AutosaveStore,
        prompts: Prompts,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.editor, self.settings, self.autosave, self.prompts = editor, settings, autosave, prompts
        self.path: Path | None = None
        self.line_ending = "\n"
        self.has_bom = False
        self.disk: DiskState | None = None
        self.document_id = new_document_id()
        self._dirty = False  # edits not yet in an autosave snapshot
        self._last_edit = 0.0
        self._last_snapshot = time.monotonic()
        self.closed = False  # closed by the user: its text was saved or deliberately discarded
        # Real edits only: a re-highlight (spell check) emits textChanged without changing the text.
        editor.document().contentsChange.connect(lambda _at, _removed, _added: self._mark_dirty())
        editor.modificationChanged.connect(lambda _modified: self.titleChanged.emit())
        editor.focusLost.connect(self.autosave_now)
        self.autosaveFailed.connect(self._on_autosave_failed)
        self.timer = QTimer(self)
        self.timer.setInterval(settings.autosave_s * 1000)
        self.timer.timeout.connect(self.autosave_at_a_pause)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(int(AUTOSAVE_PAUSE_S * 1000))
        self.retry.timeout.connect(self.autosave_at_a_pause)
        self.timer.start()

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    @property
    def is_modified(self) -> bool:
        return self.editor.document().isModified()

    # ----- replacing the text -------------------------------------------------------------------
    def confirm_discard(self, parent: object) -> bool:
        """True when the current text may be replaced (saved, discarded, or not modified)."""
        if not self.is_modified:
            return True
        answer = self.prompts.unsaved_changes(parent, self.title)
        if answer == "save":
            return self.save(parent)
        return answer == "discard"

    def set_document(
        self,
        text: str,
        path: Path | None,
        disk: DiskState | None,
        line_ending: str = "\n",
        has_bom: bool = False,
        document_id: str = "",
    ) -> None:
        self.autosave.discard(self.document_id)
        self.document_id = document_id or new_document_id()
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.path, self.disk, self.line_ending, self.has_bom = path, disk, line_ending, has_bom
        self.documentReplaced.emit()
        self.titleChanged.emit()

    def open_path(self, path: Path) -> bool:
        try:
            loaded = read_document(Path(path))
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
            return False
        self.set_document(loaded.text, Path(path), loaded.disk, loaded.line_ending, loaded.has_bom)
        self.settings.add_recent(Path(path))
        self.recentChanged.emit()
        return True

    def restore_snapshot(
        self, text: str, path: Path | None, disk: DiskState | None = None, document_id: str = ""
    ) -> None:
        """Show recovered text as an unsaved change of `path` (or of a new document); with the
        snapshot's `document_id` kept, what is keyed by it (a draft's journal) still finds it."""
        line_ending, has_bom = "\n", False
        if path is not None and path.is_file():
            try:
                loaded = read_document(path)
            except UserError:
                loaded = None
            if loaded is not None:
                line_ending, has_bom = loaded.line_ending, loaded.has_bom
                # What the file was when the text was autosaved: a later change by another program
                # must still be noticed at the next save.
                disk = disk or loaded.disk
        self.set_document("", path, disk, line_ending, has_bom, document_id)
        cursor = QTextCursor(self.editor.document())
        cursor.insertText(text)
        self.editor.document().setModified(True)
        self.editor.document().clearUndoRedoStacks()
        self._dirty = True
        self.titleChanged.emit()

    # ----- saving -------------------------------------------------------------------------------
    def save(self, parent: object) -> bool:
        if self.path is None:
            return self.save_as(parent)
        return self._write(parent, self.path, force=False)

    def save_as(self, parent: object) -> bool:
        suggested = str(self.path) if self.path else "Untitled.md"
        path = self.prompts.save_path(parent, suggested)
        if path is None:
            return False
        # The file dialog asked before replacing another file; the same file keeps the conflict check.
        return self._write(parent, path, force=not self.same_file(path))

    def same_file(self, path: Path) -> bool:
        return self.path is not None and Path(path).resolve() == self.path.resolve()

    def _write(self, parent: object, path: Path, force: bool) -> bool:
        try:
            self.disk = save_document(
                path,
                self.editor.toPlainText(),
                line_ending=self.line_ending,
                has_bom=self.has_bom,
                expected=self.disk if self.same_file(path) else None,
                force=force,
            )
        except SaveConflictError:
            answer = self.prompts.overwrite_conflict(parent, path.name)
            if answer == "overwrite":
                return self._write(parent, path, force=True)
            if answer == "save_as":
                return self.save_as(parent)
            return False
        except UserError as error:
            self.messageRequested.emit(str(error), "error")
            return False
        self.path = path
        self.editor.document().setModified(False)
        self.autosave.discard(self.document_id)
        self.settings.add_recent(path)
        self.recentChanged.emit()
        self.saved.emit(path)
        self.titleChanged.emit()
        self.statusRequested.emit(f"Saved {path}", 4000)
        return True

    # ----- autosave -----------------------------------------------------------------------------
    def _mark_dirty(self) -> None:
        self._dirty = True
        self._last_edit = time.monotonic()

    def autosave_at_a_pause(self) -> None:
        now = time.monotonic()
        typing = now - self._last_edit < AUTOSAVE_PAUSE_S
        overdue = now - self._last_snapshot > 2 * self.timer.interval() / 1000  # never wait for ever
        if typing and not overdue:
            self.retry.start()  # the user is typing: try again after the pause
        else:
            self.autosave_now()

    def autosave_now(self) -> None:
        """Queue a snapshot of unsaved edits (written on the autosave thread); nothing when unchanged."""
        if self.closed or not self.is_modified or not self._dirty:
            return
        self._dirty = False
        self._last_snapshot = time.monotonic()
        self.autosave.save_in_background(
            self.document_id,
            self.path,
            self.title,
            self.editor.toPlainText(),
            self.disk,
            on_error=self.autosaveFailed.emit,
        )

    def write_snapshot_now(self) -> bool:
        """Write this document's snapshot at once (recovery); False, with a message, when it failed."""
        try:
            self.autosave.save(self.document_id, self.path, self.title, self.editor.toPlainText(), self.disk)
        except UserError as error:
            self.messageRequested.emit(
                f"The recovered text could not be autosaved again ({error}); save it now.", "error"
            )
            return False
        self._dirty = False
        return True

    def _on_autosave_failed(self, message: str) -> None:
        self._dirty = True  # try again at the next tick
        self.statusRequested.emit(f"Autosave failed: {message}", 8000)

    def close(self) -> None:
        """The user closed the window: no more snapshots, and the last one goes."""
        self.timer.stop()
        self.retry.stop()
        self.autosave.discard(self.document_id)
        self.closed = True

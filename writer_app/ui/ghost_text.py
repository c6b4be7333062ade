"""Suggestions while typing: after a pause, a continuation of the text before the cursor is asked for on
the interactive lane and painted after the cursor as it streams; typing on cancels it at once."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor

from writer_app.assist.complete import CompletionRequest, ghost_suggestion, sentence_end
from writer_app.assist.jobs import Lane
from writer_app.assist.types import AssistResult
from writer_app.ui.editor import Editor
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistClient


class GhostText(QObject):
    """One window's suggestions: when to ask, what to show, when to stop."""

    statusRequested = Signal(str, int)

    def __init__(self, editor: Editor, client: AssistClient, settings: AppSettings, parent: QObject) -> None:
        super().__init__(parent)
        self.editor, self.client, self.settings = editor, client, settings
        self._request_id: int | None = None
        self._position = -1
        self._revision = -1
        self._text_before = ""
        self._text_after = ""
        self._raw = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.suggest)
        # Real edits only: a highlighter's re-highlight (spell check) also emits textChanged.
        editor.document().contentsChange.connect(lambda _at, _removed, _added: self._on_typing())
        editor.ghostDiscarded.connect(self.stop)
        editor.ghostAccepted.connect(self._on_accepted)
        client.chunksReady.connect(self._on_chunks)
        client.requestFinished.connect(self._on_finished)
        client.requestFailed.connect(lambda request_id, _message: self._forget(request_id))

    @property
    def enabled(self) -> bool:
        return bool(self.settings.ghost_enabled)

    def set_enabled(self, enabled: bool) -> None:
        """Switch suggestions on or off (remembered); off also stops the one being written."""
        self.settings.ghost_enabled = enabled
        if not enabled:
            self.stop()
            self.editor.clear_ghost()

    def _on_accepted(self, _text: str) -> None:
        if not self.editor.ghost_text and self.enabled:  # all of it taken: the next one after a pause
            self.timer.start(int(self.settings.ghost_delay_ms))

    def _on_typing(self) -> None:
        if self.editor.ghost_text:  # the user is typing what the suggestion says: it stays
            return
        self.stop()  # anything else: the suggestion being written no longer fits, stop it at once
        if self.enabled:
            self.timer.start(int(self.settings.ghost_delay_ms))

    def stop(self) -> None:
        """No suggestion now: the pause timer and the suggestion being written both stop."""
        self.timer.stop()
        if self._request_id is not None:
            self.client.cancel(Lane.INTERACTIVE)
            self._request_id = None

    def close(self) -> None:
        """The document goes (another one is opened, or the window closes)."""
        self.stop()
        self.editor.clear_ghost()

    def suggest(self) -> int | None:
        """Ask for a suggestion at the cursor now (the pause timer calls this)."""
        cursor = self.editor.textCursor()
        if not self.enabled or cursor.hasSelection():
            return None
        text = self.editor.toPlainText()
        position = cursor.position()
        if text[position:].split("\n", 1)[0].strip():
            return None  # never in the middle of a word, nor painted over the rest of the line
        if not text[:position].strip():
            return None
        self._text_before, self._text_after = text[:position], text[position:]
        request = CompletionRequest(self._text_before, self._text_after, seed=position)
        request_id = self.client.submit(request, lane=Lane.INTERACTIVE, title="Suggestion")
        if request_id is None:
            self.statusRequested.emit("Suggestions wait while the assistant writes.", 3000)
            return None
        self._request_id, self._position, self._raw = request_id, position, ""
        self._revision = self.editor.document().revision()
        return request_id

    def _typed_since(self) -> str | None:
        """What the user typed at the request's position since (None: the cursor went elsewhere)."""
        cursor = self.editor.textCursor()
        position = cursor.position()
        if cursor.hasSelection() or position < self._position or position - self._position > 200:
            return None
        if position == self._position:
            return "" if self.editor.document().revision() == self._revision else None
        typed = QTextCursor(self.editor.document())
        typed.setPosition(self._position)
        typed.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        return typed.selectedText()

    def _show(self, suggestion: str) -> None:
        """Show what is left of `suggestion` after what the user typed meanwhile (if it matches)."""
        typed = self._typed_since()
        if not suggestion or typed is None or not suggestion.startswith(typed) or suggestion == typed:
            return
        self.editor.show_ghost(suggestion[len(typed) :], self.editor.textCursor().position())

    def _on_chunks(self, request_id: int, _index: int, text: str) -> None:
        if request_id == self._request_id:
            self._raw += text
            shown = ghost_suggestion(self._raw, self._text_before, self._text_after)
            if shown and not shown[-1].isspace() and sentence_end(shown) < 0:
                shown = shown[: len(shown.rstrip()) - len(shown.rstrip().split()[-1])]  # whole words only
            self._show(shown.rstrip() if shown.strip() else "")

    def _on_finished(self, request_id: int, result: AssistResult) -> None:
        if request_id != self._request_id:
            return
        self._request_id = None
        if result.candidates:
            self._show(result.candidates[0].text)

    def _forget(self, request_id: int) -> None:
        if request_id == self._request_id:
            self._request_id = None

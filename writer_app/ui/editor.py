"""The text editor widget: plain text with Markdown highlighting, zoom, an Assist context menu, and
ghost text: a suggestion painted after the cursor, never part of the document until accepted."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QFontDatabase,
    QInputMethodEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

from writer_app.ui.markdown_highlighter import MarkdownHighlighter

PARAGRAPH_SEPARATOR = "\u2029"
_NEXT_WORD = re.compile(r"\s*\S+")
_GHOST_KEYS = {
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier),
}
_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr}


def cursor_text(cursor: QTextCursor) -> str:
    """The cursor's selection with real newlines (Qt uses U+2029 between blocks)."""
    return cursor.selectedText().replace(PARAGRAPH_SEPARATOR, "\n")


def qt_length(text: str) -> int:
    """How many positions `text` takes in a Qt document (UTF-16 units: an emoji takes two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Editor(QPlainTextEdit):
    """Emits `focusLost` for autosave; the window supplies the Assist menu for the context menu.

    While a ghost suggestion shows (and only then): Tab accepts it all (one undo step), Ctrl+Right its
    next word, Esc dismisses it; typing what it starts with keeps the rest, anything else — a key, a
    click, an edit from elsewhere — discards it (`ghostDiscarded`).
    """

    focusLost = Signal()
    ghostDiscarded = Signal()
    ghostAccepted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assist_menu: QMenu | None = None
        self.context_menu_hook: Callable[[QMenu, QPoint], None] | None = None  # spelling suggestions
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSize(12)
        self.setFont(font)
        self.highlighter = MarkdownHighlighter(self.document(), self.palette())
        self._base_point_size = 12
        self._zoom_steps = 0
        self._ghost = ""
        self._ghost_at = -1
        self._keeping_ghost = False  # the change under way is the user typing or accepting the ghost
        self.cursorPositionChanged.connect(self._ghost_still_valid)
        self.textChanged.connect(self._ghost_still_valid)

    # ----- ghost text ---------------------------------------------------------------------------
    @property
    def ghost_text(self) -> str:
        return self._ghost

    def show_ghost(self, text: str, position: int) -> None:
        """Paint `text` after `position` (where the cursor must be) without touching the document."""
        self._ghost, self._ghost_at = text, position
        self.viewport().update()

    def clear_ghost(self) -> None:
        if self._ghost:
            self._ghost, self._ghost_at = "", -1
            self.viewport().update()

    def _discard_ghost(self) -> None:
        if self._ghost:
            self.clear_ghost()
            self.ghostDiscarded.emit()

    def _ghost_still_valid(self) -> None:
        if not self._ghost or self._keeping_ghost:
            return
        cursor = self.textCursor()
        if cursor.position() != self._ghost_at or cursor.hasSelection():
            self._discard_ghost()

    def _keep_rest(self, rest: str) -> None:
        if rest:
            self.show_ghost(rest, self.textCursor().position())
        else:
            self.clear_ghost()

    def _type_into_ghost(self, text: str, edit: Callable[[], None]) -> None:
        """Run `edit`, which puts `text` (the start of the suggestion) into the document, and keep
        showing the rest of the suggestion after it."""
        rest = self._ghost[len(text) :]
        self._keeping_ghost = True
        try:
            edit()
        finally:
            self._keeping_ghost = False
        self._keep_rest(rest)

    def _insert(self, text: str) -> None:
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def _accept_ghost(self, text: str) -> None:
        self._type_into_ghost(text, lambda: self._insert(text))
        self.ghostAccepted.emit(text)

    def event(self, event: QEvent) -> bool:
        # Tab, Esc and Ctrl+Right belong to the suggestion while it shows, before any window shortcut;
        # with other modifiers (Ctrl+Tab, Shift+Esc …) they stay the window's.
        if event.type() == QEvent.Type.ShortcutOverride and self._ghost:
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if (event.key(), modifiers) in _GHOST_KEYS:
                event.accept()
                return True
        return super().event(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Composed input (IME): a commit that matches the suggestion keeps its rest; composing, or
        anything else, discards it."""
        commit = event.commitString()
        if self._ghost and not event.preeditString() and commit and self._ghost.startswith(commit):
            self._type_into_ghost(commit, lambda: super(Editor, self).inputMethodEvent(event))
            return
        self._discard_ghost()
        super().inputMethodEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._ghost:
            super().keyPressEvent(event)
            return
        key = event.key()
        if key in _MODIFIER_KEYS:  # Ctrl pressed on its way to Ctrl+Right: not a keystroke of its own
            super().keyPressEvent(event)
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # arrows may carry it
        if key == Qt.Key.Key_Tab and modifiers == Qt.KeyboardModifier.NoModifier:
            self._accept_ghost(self._ghost)
            return
        if key == Qt.Key.Key_Right and modifiers == Qt.KeyboardModifier.ControlModifier:
            self._accept_ghost(_NEXT_WORD.match(self._ghost).group())  # type: ignore[union-attr]
            return
        if key == Qt.Key.Key_Escape:
            self._discard_ghost()
            return
        typed = event.text()
        if typed and typed.isprintable() and self._ghost.startswith(typed):
            self._type_into_ghost(typed, lambda: super(Editor, self).keyPressEvent(event))
            return
        self._discard_ghost()
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        cursor = self.textCursor()
        if not self._ghost or cursor.position() != self._ghost_at or cursor.hasSelection():
            return
        rect = self.cursorRect(cursor)
        painter = QPainter(self.viewport())
        colour = QColor(self.palette().color(self.palette().ColorRole.Text))
        colour.setAlphaF(0.45)
        painter.setPen(colour)
        painter.setFont(self.font())
        metrics = self.fontMetrics()
        width = max(self.viewport().width() - rect.right() - 4, 0)
        shown = metrics.elidedText(self._ghost, Qt.TextElideMode.ElideRight, width)
        painter.drawText(rect.right() + 1, rect.top() + metrics.ascent(), shown)
        painter.end()

    def use_palette(self, palette: QPalette) -> None:
        """A new theme: the highlighter's colours (the editor's own follow the application's)."""
        self.highlighter.use_palette(palette)
        self.highlighter.rehighlight()

    def set_base_font(self, font: QFont) -> None:
        self._base_point_size = max(font.pointSize(), 6)
        self.setFont(font)
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        font = self.font()
        font.setPointSize(max(self._base_point_size + self._zoom_steps, 6))
        self.setFont(font)

    def zoom(self, steps: int) -> int:
        """Zoom in (+) or out (−) by `steps` points, or reset with 0; returns the zoom level."""
        self._zoom_steps = max(-6, min(self._zoom_steps + steps, 30)) if steps else 0
        self._apply_zoom()
        return self._zoom_steps

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        if self.assist_menu is not None:
            menu.insertMenu(menu.actions()[0] if menu.actions() else None, self.assist_menu)
            menu.insertSeparator(menu.actions()[1] if len(menu.actions()) > 1 else None)
        if self.context_menu_hook is not None:
            self.context_menu_hook(menu, event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()

    def word_and_char_count(self) -> tuple[int, int]:
        text = self.toPlainText()
        return len(text.split()), len(text)

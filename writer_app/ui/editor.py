"""The text editor widget: plain text with Markdown highlighting, zoom and an Assist context menu."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QContextMenuEvent, QFocusEvent, QFont, QFontDatabase, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

from writer_app.ui.markdown_highlighter import MarkdownHighlighter

PARAGRAPH_SEPARATOR = "\u2029"


def cursor_text(cursor: QTextCursor) -> str:
    """The cursor's selection with real newlines (Qt uses U+2029 between blocks)."""
    return cursor.selectedText().replace(PARAGRAPH_SEPARATOR, "\n")


class Editor(QPlainTextEdit):
    """Emits `focusLost` for autosave; the window supplies the Assist menu for the context menu."""

    focusLost = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assist_menu: QMenu | None = None
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setTabChangesFocus(False)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSize(12)
        self.setFont(font)
        self.highlighter = MarkdownHighlighter(self.document(), self.palette())
        self._base_point_size = 12
        self._zoom_steps = 0

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
        menu.exec(event.globalPos())
        menu.deleteLater()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()

    def word_and_char_count(self) -> tuple[int, int]:
        text = self.toPlainText()
        return len(text.split()), len(text)

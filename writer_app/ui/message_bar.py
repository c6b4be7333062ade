"""A message bar across the top of the window: errors and notices that do not block."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

# (background, text, border) for a light and a dark window palette; each pair keeps a contrast of
# at least 7:1 between its text and background.
_COLOURS = {
    ("error", False): ("#fde2e1", "#5c1111", "#e5a3a1"),
    ("info", False): ("#e2ecfd", "#0f2f5c", "#a1b9e5"),
    ("error", True): ("#4a1c1b", "#ffd9d6", "#8c3b37"),
    ("info", True): ("#1b2c4a", "#d6e4ff", "#3b5a8c"),
}


class MessageBar(QFrame):
    """Shows one sentence with a close button; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = "info"
        self._styling = False
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        if parent is not None:  # the window's palette is what says light or dark
            parent.installEventFilter(self)
        self.hide()

    def is_dark(self) -> bool:
        """Whether the window around the bar is dark (its own palette carries the bar's style sheet)."""
        source = self.parentWidget().palette() if self.parentWidget() else QApplication.palette()
        return source.color(QPalette.ColorRole.Window).lightness() < 128

    def colours(self) -> tuple[str, str, str]:
        """(background, text, border) for the current level and palette."""
        return _COLOURS[(self.level if self.level == "error" else "info", self.is_dark())]

    def _apply_style(self) -> None:
        background, text, border = self.colours()
        self._styling = True  # a style sheet change sends a palette change of its own
        try:
            self.setStyleSheet(f"MessageBar {{background:{background}; border:1px solid {border};}}")
            self.label.setStyleSheet(f"border:none; background:transparent; color:{text};")
        finally:
            self._styling = False

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        self._apply_style()
        self.label.setText(text)
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ApplicationPaletteChange and not self._styling:  # light/dark
            self._apply_style()
        super().changeEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.PaletteChange:
            self._apply_style()
        return False

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

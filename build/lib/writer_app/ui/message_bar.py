"""A message bar across the top of the window: errors and notices that do not block."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_STYLES = {
    "error": "background:#fde2e1; color:#5c1111; border:1px solid #e5a3a1;",
    "info": "background:#e2ecfd; color:#0f2f5c; border:1px solid #a1b9e5;",
}


class MessageBar(QFrame):
    """Shows one sentence with a close button; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        self.setStyleSheet(f"MessageBar {{{_STYLES.get(level, _STYLES['info'])}}}")
        self.label.setStyleSheet("border:none; background:transparent;")
        self.label.setText(text)
        self.show()

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

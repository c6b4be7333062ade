"""The rewrite feature's own controls: a free instruction and its Rewrite button (above the candidates)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QStyle, QWidget


class RewriteBar(QWidget):
    """Emits `instructionSubmitted(text)` when the user asks for a rewrite by their own words."""

    instructionSubmitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instruction = QLineEdit(self)
        self.instruction.setPlaceholderText("Custom instruction, e.g. “make it more confident”")
        self.instruction.setClearButtonEnabled(True)
        self.instruction.returnPressed.connect(self._submit)
        self.rewrite_button = QPushButton("Rewrite", self)
        self.rewrite_button.clicked.connect(self._submit)
        row = QHBoxLayout(self)
        margin = self.style().pixelMetric(QStyle.PixelMetric.PM_LayoutLeftMargin)
        row.setContentsMargins(margin, margin, margin, 0)  # aligned with the panel below it
        row.addWidget(self.instruction, 1)
        row.addWidget(self.rewrite_button)

    def _submit(self) -> None:
        text = self.instruction.text().strip()
        if text:
            self.instructionSubmitted.emit(text)

    def set_instruction(self, text: str) -> None:
        self.instruction.setText(text)

    def focus_instruction(self) -> None:
        self.instruction.setFocus()
        self.instruction.selectAll()

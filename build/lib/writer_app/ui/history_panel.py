"""The AI edit history panel: each accepted suggestion, with a Revert button."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from writer_app.documents.ai_history import AiEdit


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class HistoryPanel(QWidget):
    """Lists AI edits, newest first; emits `revertRequested(edit_id)`."""

    revertRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.revert_button = QPushButton("Revert selected edit", self)
        self.revert_button.clicked.connect(self._revert_selected)
        self.list.itemActivated.connect(lambda _item: self._revert_selected())
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.revert_button)

    def show_edits(self, edits: list[AiEdit]) -> None:
        self.list.clear()
        for edit in reversed(edits):
            when = time.strftime("%H:%M", time.localtime(edit.accepted_at))
            state = " (reverted)" if edit.reverted else ""
            item = QListWidgetItem(
                f"{when} {edit.feature}{state}\n− {_short(edit.original)}\n+ {_short(edit.chosen)}"
                + (f"\n  {len(edit.others)} other candidate(s)" if edit.others else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, edit.edit_id)
            item.setToolTip(f"Original:\n{edit.original}\n\nChosen:\n{edit.chosen}")
            if edit.reverted:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)

    def _revert_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.revertRequested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

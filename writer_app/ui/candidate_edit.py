"""Editing a proposal in place before Accept or Insert: a card's Edit swaps its view for a text editor;
what is typed is the candidate from then on, and when typing settles the candidate is ranked again
(`candidateEdited`), so its score and explanation follow the edit."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPlainTextEdit

SETTLE_MS = 800  # the edit is ranked again this long after typing stops


def toggle_edit(panel, index: int) -> QPlainTextEdit | None:
    """Start editing candidate `index` of the candidates panel, or finish (the view shows the edit)."""
    card = panel.card(index)
    if card is None or not card.finished or panel.applied:
        return None
    editor: QPlainTextEdit | None = getattr(card, "editor", None)
    if editor is not None and editor.isVisible():  # Done: back to the diff of the edited text
        editor.hide()
        card.view.show()
        card.buttons["edit"].setText("Edit")
        panel._show(card, card.text)
        return editor
    if editor is None:
        editor = QPlainTextEdit(card)
        card.layout().insertWidget(card.layout().indexOf(card.view), editor)
        card.editor = editor
        settle = QTimer(editor)
        settle.setSingleShot(True)
        settle.setInterval(SETTLE_MS)
        settle.timeout.connect(lambda: panel.candidateEdited.emit(index, card.text))

        def typed() -> None:
            card.text = editor.toPlainText()
            settle.start()

        editor.textChanged.connect(typed)
    editor.blockSignals(True)
    editor.setPlainText(card.text)
    editor.blockSignals(False)
    card.view.hide()
    editor.show()
    editor.setFocus()
    card.buttons["edit"].setText("Done")
    return editor

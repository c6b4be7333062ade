"""Find and Replace: a bar under the editor that searches the editor's document."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor, QTextDocument
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from writer_app.ui.editor import Editor


class FindBar(QWidget):
    """Find next/previous, replace, replace all; Esc closes it."""

    messageRequested = Signal(str)

    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.find_field = QLineEdit(self)
        self.find_field.setPlaceholderText("Find")
        self.find_field.setClearButtonEnabled(True)
        self.replace_field = QLineEdit(self)
        self.replace_field.setPlaceholderText("Replace with")
        self.case = QCheckBox("Match case", self)
        self.status = QLabel(self)
        buttons = []
        for label, slot in (
            ("Previous", self.find_previous),
            ("Next", self.find_next),
            ("Replace", self.replace_one),
            ("Replace all", self.replace_all),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            buttons.append(button)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.find_field, 2)
        layout.addWidget(self.replace_field, 2)
        layout.addWidget(self.case)
        for button in buttons:
            layout.addWidget(button)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.find_field.returnPressed.connect(self.find_next)
        self.replace_field.returnPressed.connect(self.replace_one)
        self.hide()

    def open_bar(self, replace: bool = False) -> None:
        self.show()
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected:
            self.find_field.setText(selected)
        (self.replace_field if replace and self.find_field.text() else self.find_field).setFocus()
        self.find_field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.editor.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        super().keyPressEvent(event)

    def _flags(self, backward: bool = False) -> QTextDocument.FindFlag:
        flags = QTextDocument.FindFlag(0)
        if self.case.isChecked():
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        if backward:
            flags |= QTextDocument.FindFlag.FindBackward
        return flags

    def _find(self, backward: bool) -> bool:
        needle = self.find_field.text()
        if not needle:
            return False
        if self.editor.find(needle, self._flags(backward)):
            self.status.setText("")
            return True
        cursor = self.editor.textCursor()  # wrap around
        cursor.movePosition(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        self.editor.setTextCursor(cursor)
        found = self.editor.find(needle, self._flags(backward))
        self.status.setText("" if found else "Not found")
        return found

    def find_next(self) -> bool:
        return self._find(backward=False)

    def find_previous(self) -> bool:
        return self._find(backward=True)

    def _selection_matches(self) -> bool:
        selected = self.editor.textCursor().selectedText()
        needle = self.find_field.text()
        return bool(needle) and (
            selected == needle if self.case.isChecked() else selected.casefold() == needle.casefold()
        )

    def replace_one(self) -> None:
        if self._selection_matches():
            self.editor.textCursor().insertText(self.replace_field.text())
        self.find_next()

    def replace_all(self) -> int:
        needle = self.find_field.text()
        if not needle:
            return 0
        document = self.editor.document()
        cursor = QTextCursor(document)
        count = 0
        cursor.beginEditBlock()  # one undo step for the whole replacement
        while True:
            found = document.find(needle, cursor, self._flags())
            if found.isNull():
                break
            found.insertText(self.replace_field.text())
            cursor.setPosition(found.position())
            count += 1
        cursor.endEditBlock()
        self.status.setText(f"{count} replaced")
        return count

"""Where a draft's sections go in the document: all headings first (one undo step), then each finished
section under its own heading in one edit block — so it is one undo step even while the user types
elsewhere, and the document never holds half a section. Positions come from Qt only (UTF-16)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextBlock, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from writer_app.assist.draft_text import heading_line
from writer_app.assist.outline import Outline

SECTION_BREAK = "\n\n"


class SectionSlots(QObject):
    """Live write points after the headings of the sections still to write."""

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._slots: dict[int, QTextCursor] = {}  # section: a cursor at the end of its heading line

    def clear(self) -> None:
        self._slots.clear()

    def insert_headings(self, outline: Outline) -> None:
        """All headings at the cursor as one undo step; each section goes under its own."""
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        before = QTextCursor(cursor)
        before.movePosition(QTextCursor.MoveOperation.Start, QTextCursor.MoveMode.KeepAnchor)
        after = QTextCursor(cursor)
        after.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        previous = cursor.block().previous()
        if not before.selectedText().strip():
            lead = ""
        elif cursor.atBlockStart() and previous.isValid() and not previous.text().strip():
            lead = ""  # already after a blank line
        else:
            lead = "\n" if cursor.atBlockStart() else SECTION_BREAK
        trail = SECTION_BREAK if after.selectedText().strip() else ""
        start = cursor.position()
        cursor.beginEditBlock()
        cursor.insertText(lead + SECTION_BREAK.join(heading_line(s.title) for s in outline.sections) + trail)
        cursor.endEditBlock()
        self.find_headings(outline, 0, start)

    def find_headings(self, outline: Outline, first: int, start: int = 0) -> None:
        """Write points after the sections' headings, found in order from `start`; a missing heading
        of a section from `first` on is added at the end of the document."""
        self.clear()
        block = self.editor.document().findBlock(start)
        for index, section in enumerate(outline.sections):
            heading = heading_line(section.title)
            found = block
            while found.isValid() and found.text().rstrip() != heading:
                found = found.next()
            if not found.isValid():
                if index < first:
                    continue  # split_draft has already said when a written section's heading is gone
                found = self._append_heading(heading)
            slot = QTextCursor(found)
            slot.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            self._slots[index] = slot
            block = found.next()

    def keep_from(self, first: int) -> None:
        """Forget the write points of the sections before `first` (written already)."""
        self._slots = {index: slot for index, slot in self._slots.items() if index >= first}

    def _append_heading(self, heading: str) -> QTextBlock:
        end = QTextCursor(self.editor.document())
        end.movePosition(QTextCursor.MoveOperation.End)
        end.beginEditBlock()
        end.insertText(SECTION_BREAK + heading)
        end.endEditBlock()
        return end.block()

    def finish(self, index: int, text: str) -> bool:
        """Section `index` under its heading, in one edit block; False when it has no write point."""
        slot = self._slots.pop(index, None)
        if slot is None:
            return False
        slot.beginEditBlock()
        slot.insertText(SECTION_BREAK + text.strip())
        slot.endEditBlock()
        return True

"""Where a draft's sections go in the document: headings first, each section streamed under its own
heading through live cursors, and every change to one section joined into one undo step as long
as nothing else was edited in between."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from writer_app.assist.draft_text import heading_line
from writer_app.assist.outline import Outline

SECTION_BREAK = "\n\n"


class SectionSlots(QObject):
    """Live write points of the sections still to write, in one editor's document."""

    def __init__(self, editor: QPlainTextEdit, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._slots: dict[int, tuple[QTextCursor, QTextCursor]] = {}  # section: (body start, write point)
        self._joinable = False  # the top undo step is the section being written
        self._ours = False
        editor.document().undoCommandAdded.connect(self._on_undo_command)

    def clear(self) -> None:
        self._slots.clear()
        self._joinable = False

    def insert_headings(self, outline: Outline) -> None:
        """All headings at the cursor as one undo step; each section is written under its own."""
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        text = self.editor.toPlainText()
        position = cursor.position()
        lead = "" if not text[:position].strip() else ("\n" if text[:position].endswith("\n") else "\n\n")
        trail = SECTION_BREAK if text[position:].strip() else ""
        headings = [heading_line(s.title) for s in outline.sections]
        cursor.beginEditBlock()
        cursor.insertText(lead + SECTION_BREAK.join(headings) + trail)
        cursor.endEditBlock()
        self.clear()
        offset = position + len(lead)
        for index, heading in enumerate(headings):
            offset += len(heading)
            self._slots[index] = self._slot_at(offset)
            offset += len(SECTION_BREAK)

    def find_headings(self, outline: Outline, first: int) -> None:
        """Write points after the headings of the sections from `first` on (a missing heading is
        added at the end of the document)."""
        self.clear()
        document = self.editor.document()
        position = 0
        for index in range(first, len(outline.sections)):
            heading = heading_line(outline.sections[index].title)
            found = document.find(heading, position, QTextDocument.FindFlag.FindCaseSensitively)
            while not found.isNull() and found.block().text().rstrip() != heading:
                found = document.find(heading, found.position(), QTextDocument.FindFlag.FindCaseSensitively)
            if found.isNull():
                found = QTextCursor(document)
                found.movePosition(QTextCursor.MoveOperation.End)
                self._edit(found, lambda cursor, h=heading: cursor.insertText(SECTION_BREAK + h))
                self._joinable = False
            block_end = found.block().position() + len(found.block().text())
            self._clear_unwritten(outline, index, block_end)
            self._slots[index] = self._slot_at(block_end)
            position = block_end

    def _clear_unwritten(self, outline: Outline, index: int, body_start: int) -> None:
        """What stands under an unwritten section's heading up to the next one — a section cut off by
        a crash, autosaved halfway — goes (one undo step), so Resume does not write it twice."""
        if index + 1 >= len(outline.sections):
            return  # the last section's end is not marked: nothing is taken out
        following = heading_line(outline.sections[index + 1].title)
        text = self.editor.toPlainText()
        end = text.find("\n" + following, body_start)
        if end > body_start and text[body_start:end].strip():
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(body_start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText("\n")
            self._joinable = False

    def _slot_at(self, position: int) -> tuple[QTextCursor, QTextCursor]:
        start = QTextCursor(self.editor.document())
        start.setPosition(position)
        start.setKeepPositionOnInsert(True)  # stays before what is written at it
        write = QTextCursor(self.editor.document())
        write.setPosition(position)
        return start, write

    def _edit(self, cursor: QTextCursor, change: Callable[[QTextCursor], None]) -> None:
        """A change to the section being written, joined to its undo step while that is the last one."""
        self._ours = True
        (cursor.joinPreviousEditBlock if self._joinable else cursor.beginEditBlock)()
        change(cursor)
        cursor.endEditBlock()
        self._ours = False
        self._joinable = True

    def _on_undo_command(self) -> None:
        if not self._ours:
            self._joinable = False  # the user edited: the section goes on in a step of its own

    def _body(self, index: int) -> QTextCursor | None:
        slot = self._slots.get(index)
        if slot is None:
            return None
        body = QTextCursor(slot[1])
        body.setPosition(slot[0].position(), QTextCursor.MoveMode.KeepAnchor)
        return body

    def append(self, index: int, text: str) -> None:
        """Streamed text of section `index` at its write point."""
        slot = self._slots.get(index)
        if slot is None:
            return
        start, write = slot
        piece = SECTION_BREAK + text.lstrip() if write.position() == start.position() else text
        self._edit(write, lambda cursor: cursor.insertText(piece))

    def remove(self, index: int) -> None:
        """Take out what was streamed for section `index` (written again, or stopped halfway)."""
        body = self._body(index)
        if body is not None and body.hasSelection():
            self._edit(body, lambda cursor: cursor.removeSelectedText())

    def finish(self, index: int, text: str) -> None:
        """The section's final text replaces what was streamed; the next section is a new undo step."""
        body = self._body(index)
        if body is None:
            return
        self._edit(body, lambda cursor: cursor.insertText(SECTION_BREAK + text.strip()))
        self._joinable = False

"""The Draft panel: an instruction and a target length, the editable outline (titles, points, word
budgets, order; add, delete, re-plan one section), where to write, and the draft's progress with
Pause, Resume and Stop."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer_app.assist.outline import MAX_TARGET_WORDS, MIN_TARGET_WORDS, Outline, Section, check_outline

DESTINATIONS = (("new", "Into a new document"), ("here", "Here, at the cursor"))
TITLE, POINT, WORDS, WRITTEN = range(4)


class OutlinePanel(QWidget):
    """Edits the plan and drives the draft; the draft session does the work."""

    planRequested = Signal(str, int)  # instruction, target words
    replanRequested = Signal(int)  # section row
    writeRequested = Signal(str, int)  # destination ("new" or "here"), candidates per section
    pauseRequested = Signal()
    resumeRequested = Signal()
    stopRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instruction = QPlainTextEdit(self)
        self.instruction.setPlaceholderText("What to write, e.g. “An essay on the history of tea”")
        self.instruction.setMaximumHeight(70)
        self.target = QSpinBox(self)
        self.target.setRange(MIN_TARGET_WORDS, MAX_TARGET_WORDS)
        self.target.setSingleStep(100)
        self.target.setValue(1500)
        self.target.setSuffix(" words")
        self.plan_button = QPushButton("Plan", self)
        self.plan_button.setToolTip("Plan the sections (Ctrl+Return in the instruction)")
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Title", "Main point", "Words", "Written"])
        self.table.horizontalHeader().setSectionResizeMode(POINT, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.total_label = QLabel(self)
        self.buttons = {
            name: QPushButton(label, self)
            for name, label in (
                ("add", "Add"),
                ("delete", "Delete"),
                ("up", "Up"),
                ("down", "Down"),
                ("replan", "Re-plan"),
            )
        }
        self.destination = QComboBox(self)
        for key, label in DESTINATIONS:
            self.destination.addItem(label, key)
        self.best_of = QSpinBox(self)
        self.best_of.setRange(1, 4)
        self.best_of.setPrefix("best of ")
        self.best_of.setToolTip("Candidates per section; the reward keeps the best")
        self.write_button = QPushButton("Write", self)
        self.pause_button = QPushButton("Pause", self)
        self.stop_button = QPushButton("Stop", self)
        self.preview_label = QLabel("", self)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setMaximumHeight(140)
        self.preview.setPlaceholderText(
            "The section being written streams here; it goes into the document whole."
        )
        self.progress = QProgressBar(self)
        self.progress.setFormat("%v of %m words")
        self.status = QLabel("Plan a draft: an instruction, a length, then Plan.", self)
        self.status.setWordWrap(True)
        self._layout()
        self._connect()
        self.set_state("idle")

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.addWidget(QLabel("Instruction", self), 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.instruction, 0, 1, 1, 2)
        grid.addWidget(QLabel("Length", self), 1, 0)
        grid.addWidget(self.target, 1, 1)
        grid.addWidget(self.plan_button, 1, 2)
        edit_row = QHBoxLayout()
        for button in self.buttons.values():
            edit_row.addWidget(button)
        edit_row.addStretch(1)
        write_row = QHBoxLayout()
        controls = (self.destination, self.best_of, self.write_button, self.pause_button, self.stop_button)
        for widget in controls:
            write_row.addWidget(widget)
        column = QVBoxLayout(self)
        column.addLayout(grid)
        column.addWidget(self.table, 1)
        column.addWidget(self.total_label)
        column.addLayout(edit_row)
        column.addLayout(write_row)
        column.addWidget(self.preview_label)
        column.addWidget(self.preview)
        column.addWidget(self.progress)
        column.addWidget(self.status)

    def _connect(self) -> None:
        self.plan_button.clicked.connect(self._ask_plan)
        QShortcut(QKeySequence("Ctrl+Return"), self.instruction, self._ask_plan)
        self.buttons["add"].clicked.connect(self.add_section)
        self.buttons["delete"].clicked.connect(self.delete_section)
        self.buttons["up"].clicked.connect(lambda: self.move_section(-1))
        self.buttons["down"].clicked.connect(lambda: self.move_section(1))
        self.buttons["replan"].clicked.connect(lambda: self.replanRequested.emit(self.table.currentRow()))
        self.write_button.clicked.connect(
            lambda: self.writeRequested.emit(self.destination.currentData(), self.best_of.value())
        )
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.stop_button.clicked.connect(self.stopRequested)
        self.table.itemChanged.connect(lambda _item: self._update_total())
        self.target.valueChanged.connect(lambda _value: self._update_total())

    def restore(self, words: int, destination: str, best_of: int) -> None:
        """The remembered target, destination and candidates per section."""
        self.target.setValue(words)
        index = self.destination.findData(destination)
        self.destination.setCurrentIndex(max(0, index))
        self.best_of.setValue(best_of)

    def _ask_plan(self) -> None:
        self.planRequested.emit(self.instruction.toPlainText().strip(), self.target.value())

    def _pause_or_resume(self) -> None:
        (self.resumeRequested if self._state in ("paused", "stopped") else self.pauseRequested).emit()

    # ----- the outline ---------------------------------------------------------------------------
    def set_outline(self, outline: Outline) -> None:
        self.instruction.setPlainText(outline.instruction)
        self.target.setValue(outline.target_words)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for section in outline.sections:
            self._append(section)
        self.table.blockSignals(False)
        self.table.resizeRowsToContents()
        self._update_total()

    def _append(self, section: Section, row: int | None = None) -> None:
        row = self.table.rowCount() if row is None else row
        self.table.insertRow(row)
        self.table.setItem(row, TITLE, QTableWidgetItem(section.title))
        self.table.setItem(row, POINT, QTableWidgetItem(section.point))
        words = QTableWidgetItem()
        words.setData(Qt.ItemDataRole.EditRole, section.words)
        self.table.setItem(row, WORDS, words)
        written = QTableWidgetItem("")
        written.setFlags(written.flags() & ~Qt.ItemFlag.ItemIsEditable)
        written.setToolTip("Words written and LongWriter's length score S_l against the budget")
        self.table.setItem(row, WRITTEN, written)

    def outline(self) -> Outline:
        """The outline as edited; a UserError names what is missing."""
        sections = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (TITLE, POINT, WORDS)]
            title, point, words = (cell.text().strip() if cell else "" for cell in cells)
            sections.append(Section(title, point, int(words) if words.isdigit() else 0))
        outline = Outline(self.instruction.toPlainText().strip(), self.target.value(), tuple(sections))
        check_outline(outline)
        return outline

    def add_section(self) -> None:
        row = self.table.currentRow() + 1 if self.table.currentRow() >= 0 else self.table.rowCount()
        self._append(Section("New section", "", 300), row)
        self.table.setCurrentCell(row, TITLE)
        self._update_total()

    def delete_section(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())
            self._update_total()

    def move_section(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        taken = [self.table.takeItem(row, column) for column in range(4)]
        self.table.removeRow(row)
        self.table.insertRow(target)
        for column, item in enumerate(taken):
            self.table.setItem(target, column, item)
        self.table.setCurrentCell(target, TITLE)

    def replace_section(self, row: int, section: Section) -> None:
        self.table.blockSignals(True)
        self.table.removeRow(row)
        self._append(section, row)
        self.table.blockSignals(False)
        self.table.resizeRowToContents(row)
        self._update_total()

    def _update_total(self) -> None:
        total = 0
        for row in range(self.table.rowCount()):
            item = self.table.item(row, WORDS)
            total += int(item.text()) if item and item.text().isdigit() else 0
        target = self.target.value()
        off = abs(total - target) > 0.1 * target
        colour = "color:#b00020;" if off and self.table.rowCount() else ""
        self.total_label.setText(
            f'<span style="{colour}">{self.table.rowCount()} sections, '
            f"{total:,} of {target:,} words planned</span>"
        )

    # ----- the draft ---------------------------------------------------------------------------
    def set_state(self, state: str) -> None:
        """idle, planning, writing, paused or stopped (a draft that can be resumed)."""
        self._state = state
        busy = state in ("planning", "writing", "paused")
        for widget in (self.plan_button, self.write_button):
            widget.setEnabled(not busy)
        for widget in (self.table, *self.buttons.values()):  # a resumable draft keeps its plan
            widget.setEnabled(state == "idle")
        self.pause_button.setEnabled(state in ("writing", "paused", "stopped"))
        self.pause_button.setText("Resume" if state in ("paused", "stopped") else "Pause")
        self.stop_button.setEnabled(busy)

    @property
    def state(self) -> str:
        return self._state

    def mark_written(self, row: int, words: int, score: float) -> None:
        """A finished section's words and S_l in its row."""
        item = self.table.item(row, WRITTEN)
        if item is not None:
            self.table.blockSignals(True)
            item.setText(f"{words} · S_l {score:.0f}")
            self.table.blockSignals(False)

    def clear_written(self) -> None:
        for row in range(self.table.rowCount()):
            self.mark_written(row, 0, 0)
            item = self.table.item(row, WRITTEN)
            if item is not None:
                item.setText("")

    def stream(self, title: str, text: str, restart: bool = False) -> None:
        """Streamed text of the section being written (it reaches the document when finished)."""
        if restart:
            self.preview.clear()
            self.preview_label.setText("")
            return
        if title and self.preview_label.text() != title:
            self.preview_label.setText(title)
        cursor = self.preview.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)
        self.preview.ensureCursorVisible()

    def show_progress(self, done: int, total: int, detail: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(done, total))
        self.status.setText(detail)

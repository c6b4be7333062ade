"""The Style panel: the user's voices (style profiles), the active one, how close the selection is to
it, and the buttons that write in it; the style session does the work."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer_app.reward.text_units import words

NO_VOICE = "No voice (the model's own)"


class StylePanel(QWidget):
    """Profiles and the meter; every button is a signal."""

    activeChanged = Signal(str)  # a profile's name, "" for none
    createRequested = Signal(str)  # "selection", "document" or "files"
    addRequested = Signal(str)  # "selection" or "files": more samples for the active profile
    removeRequested = Signal(int)  # a sample's index
    renameRequested = Signal()
    deleteRequested = Signal()
    imitateRequested = Signal(str, str)  # kind ("rewrite", "continue", "write"), instruction

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profiles = QComboBox(self)
        self.profiles.setToolTip(
            "The active voice: Continue Writing and Rewrite/Write in Voice write in it, and every rewrite "
            "is also ranked by how close it comes"
        )
        self.profiles.currentIndexChanged.connect(lambda _i: self.activeChanged.emit(self.active()))
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.samples = QListWidget(self)
        self.samples.setMaximumHeight(90)
        self.samples.setToolTip("The voice's samples; select one and press Remove Sample to drop it")
        self.meter = QLabel(self)
        self.meter.setWordWrap(True)
        self.meter.setObjectName("style-meter")

        def button(text: str, tip: str, slot) -> QPushButton:
            widget = QPushButton(text, self)
            widget.setToolTip(tip)
            widget.clicked.connect(slot)
            return widget

        create = QGridLayout()
        create.addWidget(QLabel("New voice from:"), 0, 0, 1, 3)
        sources = (
            ("Selection", "the selected text"),
            ("Document", "the whole document"),
            ("Files…", "files"),
        )
        self.create_buttons: list[QPushButton] = []
        for column, (label, what) in enumerate(sources):
            source = label.rstrip("…").lower()
            widget = button(label, f"A voice from {what}", lambda s=source: self.createRequested.emit(s))
            create.addWidget(widget, 1, column)
            self.create_buttons.append(widget)
        manage = QHBoxLayout()
        add = self.addRequested.emit
        self.add_selection = button(
            "Add Selection", "Add the selection to the samples", lambda: add("selection")
        )
        self.add_files = button("Add Files…", "Add files to the samples", lambda: add("files"))
        self.remove = button(
            "Remove Sample",
            "Drop the selected sample",
            lambda: self.removeRequested.emit(self.samples.currentRow()),
        )
        self.rename = button("Rename…", "Rename the voice", self.renameRequested.emit)
        self.delete = button("Delete", "Delete the voice and its samples", self.deleteRequested.emit)
        for widget in (self.add_selection, self.add_files, self.remove, self.rename, self.delete):
            manage.addWidget(widget)
        write = QGridLayout()
        self.rewrite = button(
            "Rewrite Selection", "Rewrite the selection in the voice", lambda: self.imitate("rewrite")
        )
        self.go_on = button("Continue at Cursor", "Continue in the voice", lambda: self.imitate("continue"))
        self.instruction = QLineEdit(self)
        self.instruction.setPlaceholderText("What to write, e.g. a note declining an invitation")
        self.instruction.returnPressed.connect(lambda: self.imitate("write"))
        self.write = button(
            "Write", "Write new text at the cursor in the voice", lambda: self.imitate("write")
        )
        write.addWidget(self.rewrite, 0, 0)
        write.addWidget(self.go_on, 0, 1)
        write.addWidget(self.instruction, 1, 0)
        write.addWidget(self.write, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Voice</b>"))
        layout.addWidget(self.profiles)
        layout.addWidget(self.about)
        layout.addWidget(self.samples)
        layout.addLayout(manage)
        layout.addWidget(self.meter)
        layout.addWidget(QLabel("<b>Write in this voice</b>"))
        layout.addLayout(write)
        layout.addLayout(create)
        layout.addStretch(1)
        self._busy = False
        self.set_profiles([], "")

    def imitate(self, kind: str) -> None:
        self.imitateRequested.emit(kind, self.instruction.text().strip() if kind == "write" else "")

    def active(self) -> str:
        return str(self.profiles.currentData() or "")

    def set_profiles(self, names: list[str], active: str) -> None:
        """The choice of voices, `active` selected (none when it is not among them)."""
        self.profiles.blockSignals(True)
        self.profiles.clear()
        self.profiles.addItem(NO_VOICE, "")
        for name in names:
            self.profiles.addItem(name, name)
        self.profiles.setCurrentIndex(max(0, self.profiles.findData(active)) if active else 0)
        self.profiles.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        has_voice = bool(self.active()) and not self._busy
        for widget in (self.add_selection, self.add_files, self.remove, self.rename, self.delete):
            widget.setEnabled(has_voice)
        for widget in (self.rewrite, self.go_on, self.write, self.instruction):
            widget.setEnabled(has_voice)

    def show_profile(self, description: str, samples: list[str]) -> None:
        """The active voice's figures and one line per sample."""
        self.about.setText(description)
        self.samples.clear()
        for number, sample in enumerate(samples, start=1):
            self.samples.addItem(f"{number}. {' '.join(sample.split())[:60]}… ({len(words(sample)):,} words)")
        self.samples.setVisible(bool(samples))
        self._enable()

    def set_busy(self, busy: bool) -> None:
        """While a voice is measured, the voices cannot change (the measurement would undo it)."""
        self._busy = busy
        self.profiles.setEnabled(not busy)
        for widget in self.create_buttons:
            widget.setEnabled(not busy)
        self._enable()

    def show_meter(self, text: str) -> None:
        self.meter.setText(text)

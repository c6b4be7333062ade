"""The status bar's permanent parts: a busy bar, what the lanes run, tokens per second, word and
character counts (once typing pauses) and the model with its loading state and where text goes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from writer_app.ui.editor import Editor
from writer_app.ui.model_source import is_server_source, where_text
from writer_app.worker.controller import AssistController

COUNT_DELAY_MS = 300


class StatusLine(QObject):
    """Fills `bar`; `running` says whether this window's assistant job still runs."""

    def __init__(
        self, bar: QStatusBar, editor: Editor, controller: AssistController, running: Callable[[], bool]
    ) -> None:
        super().__init__(bar)
        self.editor, self._running, self.controller = editor, running, controller
        self.model_label = QLabel("No model", bar)
        self.lanes_label = QLabel("", bar)
        self.speed_label = QLabel("", bar)
        self.count_label = QLabel("", bar)
        self.busy = QProgressBar(bar)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.hide()
        for widget in (self.busy, self.lanes_label, self.speed_label, self.count_label, self.model_label):
            bar.addPermanentWidget(widget)
        self.count_timer = QTimer(self)  # counting words in a large file costs milliseconds:
        self.count_timer.setSingleShot(True)  # do it once typing pauses, not on every key
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self.update_counts)
        editor.document().contentsChange.connect(lambda _at, _removed, _added: self.count_timer.start())
        controller.modelLoading.connect(self.model_loading)
        controller.modelLoaded.connect(self.model_loaded)
        controller.modelFailed.connect(self.model_failed)
        controller.lanesChanged.connect(self.lanes_label.setText)
        if controller.model_name:
            self.model_loaded(controller.model_name, 0.0)
        self.update_counts()

    def update_counts(self) -> None:
        words, chars = self.editor.word_and_char_count()
        self.count_label.setText(f"{words:,} words, {chars:,} characters")

    def model_loading(self, source: str) -> None:
        remote = is_server_source(source)
        self.model_label.setText(f"Connecting to {source}…" if remote else f"Loading {Path(source).name}…")
        self.busy.show()

    def model_loaded(self, name: str, seconds: float) -> None:
        """The model's name and where the text goes: this computer, or the server's machine."""
        source = self.controller.model_source
        self.model_label.setText(f"Model: {name} ({where_text(source)})")
        self.model_label.setToolTip(f"{source}\nReady in {seconds:.1f} s")
        self.busy.setVisible(self._running())

    def model_failed(self, _message: str) -> None:
        self.model_label.setText("No model")
        self.busy.hide()

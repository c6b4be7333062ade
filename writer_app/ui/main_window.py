"""The main window: a plain-text editor with a rewrite menu and a candidates list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QStatusBar,
)

from writer_app.assist.modes import MODES
from writer_app.assist.text_input import decode_input
from writer_app.assist.types import AssistResult, Candidate, RewriteRequest
from writer_app.errors import UserError
from writer_app.worker.controller import AssistController


class MainWindow(QMainWindow):
    """Editor, Assist menu and candidates dock; wires the controller's signals."""

    def __init__(self, controller: AssistController) -> None:
        super().__init__()
        self.controller = controller
        self.setWindowTitle("Writer")
        self.resize(1000, 700)
        self.editor = QPlainTextEdit(self)
        self.setCentralWidget(self.editor)
        self.candidates = QListWidget(self)
        self.candidates.itemActivated.connect(self._accept_item)
        dock = QDockWidget("Candidates", self)
        dock.setWidget(self.candidates)
        self.addDockWidget(dock.allowedAreas().__class__.RightDockWidgetArea, dock)
        self.model_label = QLabel("No model", self)
        status = QStatusBar(self)
        status.addPermanentWidget(self.model_label)
        self.setStatusBar(status)
        self._selection: tuple[int, int, str] | None = None
        self._streams: dict[int, str] = {}
        self._build_menu()
        controller.modelLoading.connect(lambda path: self.model_label.setText(f"Loading {Path(path).name}…"))
        controller.modelLoaded.connect(lambda name, s: self.model_label.setText(f"{name} ({s:.1f} s)"))
        controller.modelFailed.connect(self.show_message)
        controller.chunksReady.connect(self._on_chunks)
        controller.candidateRestarted.connect(self._on_restarted)
        controller.candidateFinished.connect(self._on_candidate)
        controller.requestFinished.connect(self._on_finished)
        controller.requestFailed.connect(lambda _id, message: self.show_message(message))

    def _build_menu(self) -> None:
        assist = self.menuBar().addMenu("&Assist")
        for number, mode in enumerate(MODES.values(), start=1):
            action = QAction(mode.label, self)
            action.setShortcut(QKeySequence(f"Ctrl+Alt+{number}"))
            action.triggered.connect(lambda _=False, key=mode.key: self.request_rewrite(key))
            assist.addAction(action)
        stop = QAction("Stop", self)
        stop.setShortcut(QKeySequence("Esc"))
        stop.triggered.connect(self.controller.cancel)
        assist.addAction(stop)

    def show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)

    def open_path(self, path: Path) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise UserError(f"Could not open {path}: {error.strerror}.") from error
        self.editor.setPlainText(decode_input(data))
        self.setWindowTitle(f"{Path(path).name} — Writer")

    def request_rewrite(self, mode: str) -> None:
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            self.show_message("Select the text to rewrite first.")
            return
        text = cursor.selectedText().replace("\u2029", "\n")
        full = self.editor.toPlainText()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        self._selection = (start, end, text)
        self._streams.clear()
        self.candidates.clear()
        self.controller.submit(
            RewriteRequest(text=text, mode=mode, context_before=full[:start], context_after=full[end:])
        )

    def _show_stream(self, index: int) -> None:
        while self.candidates.count() <= index:
            self.candidates.addItem(QListWidgetItem(""))
        self.candidates.item(index).setText(self._streams.get(index, ""))

    def _on_chunks(self, _request_id: int, index: int, text: str) -> None:
        self._streams[index] = self._streams.get(index, "") + text
        self._show_stream(index)

    def _on_restarted(self, _request_id: int, index: int) -> None:
        self._streams[index] = ""
        self._show_stream(index)

    def _on_candidate(self, _request_id: int, candidate: Candidate) -> None:
        self._streams[candidate.index] = candidate.text
        self._show_stream(candidate.index)

    def _on_finished(self, _request_id: int, result: AssistResult) -> None:
        speed = result.timings.tokens_per_s
        self.show_message(f"{len(result.candidates)} candidates at {speed:.1f} tokens/s")

    def _accept_item(self, item: QListWidgetItem) -> None:
        if self._selection is None:
            return
        start, end, original = self._selection
        cursor = self.editor.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, cursor.MoveMode.KeepAnchor)
        if cursor.selectedText().replace("\u2029", "\n") != original:
            self.show_message("The selected text changed since the request: not applied.")
            return
        cursor.beginEditBlock()
        cursor.insertText(item.text())
        cursor.endEditBlock()
        self._selection = None

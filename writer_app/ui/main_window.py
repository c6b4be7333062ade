"""The main window: the mediator that wires editor, panels, files, autosave and the assistant."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from writer_app.assist.cleaning import with_margins_of
from writer_app.assist.modes import MODES
from writer_app.assist.types import AssistResult, Candidate, RewriteRequest
from writer_app.documents.ai_history import AiEditHistory
from writer_app.documents.autosave import AutosaveStore, new_document_id
from writer_app.documents.file_io import DiskState, SaveConflictError, read_document, save_document
from writer_app.errors import UserError
from writer_app.model_config import engine_config_for
from writer_app.modelhub.store import ModelStore
from writer_app.ui.candidates_panel import CandidatesPanel
from writer_app.ui.editor import Editor, cursor_text
from writer_app.ui.find_bar import FindBar
from writer_app.ui.history_panel import HistoryPanel
from writer_app.ui.message_bar import MessageBar
from writer_app.ui.model_manager import ModelManagerDialog
from writer_app.ui.prompts import Prompts
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

LOGGER = logging.getLogger(__name__)
AUTOSAVE_INTERVAL_MS = 30_000
# A snapshot copies the whole text on the GUI thread (20 ms for 5 MB): the timer waits for a pause.
AUTOSAVE_PAUSE_S = 1.0
COUNT_DELAY_MS = 300
# Below this best score (of 10) the panel suggests regenerating or a larger model.
LOW_SCORE = 2.5


@dataclass
class PendingRewrite:
    """The request in flight and the live range of the text it rewrites (it follows edits)."""

    request_id: int
    request: RewriteRequest
    range_cursor: QTextCursor
    title: str


class MainWindow(QMainWindow):
    """One document per window; the controller, settings, autosave store and prompts are passed in."""

    autosaveFailed = Signal(str)  # emitted from the autosave thread; handled on the GUI thread

    def __init__(
        self,
        controller: AssistController,
        settings: AppSettings,
        autosave: AutosaveStore,
        history_dir: Path,
        prompts: Prompts | None = None,
        model_store: ModelStore | None = None,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.assist = controller.client(self)  # this window's requests and only their results
        self.settings = settings
        self.autosave = autosave
        self.history_dir = history_dir
        self.prompts = prompts or Prompts()
        self.model_store = model_store
        self.path: Path | None = None
        self.line_ending = "\n"
        self.has_bom = False
        self.disk: DiskState | None = None
        self.document_id = new_document_id()
        self.history = AiEditHistory()
        self._edit_ranges: dict[int, QTextCursor] = {}
        self._pending: PendingRewrite | None = None
        self._seed = int(time.time()) & 0xFFFF
        self._last_result: AssistResult | None = None
        self._autosave_dirty = False  # edits not yet in an autosave snapshot
        self._last_edit = 0.0
        self._last_snapshot = time.monotonic()
        self._closed = False  # closed by the user: its text was saved or deliberately discarded

        self.editor = Editor(self)
        self.find_bar = FindBar(self.editor, self)
        self.message_bar = MessageBar(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.candidates = CandidatesPanel(self)
        self.candidates.count.setValue(settings.candidate_count)
        self.candidates.set_order(settings.candidate_order)
        self.candidates.instruction.setText(settings.last_instruction)
        self.candidates_dock = self._dock("Candidates", "candidates", self.candidates)
        self.history_panel = HistoryPanel(self)
        self.history_dock = self._dock("AI edits", "history", self.history_panel)
        self.tabifyDockWidget(self.candidates_dock, self.history_dock)
        self.candidates_dock.raise_()
        self.resizeDocks([self.candidates_dock], [440], Qt.Orientation.Horizontal)

        loaded = controller.model_name
        self.model_label = QLabel(f"Model: {loaded}" if loaded else "No model", self)
        self.speed_label = QLabel("", self)
        self.count_label = QLabel("", self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.hide()
        for widget in (self.busy, self.speed_label, self.count_label, self.model_label):
            self.statusBar().addPermanentWidget(widget)

        self.count_timer = QTimer(self)  # counting words in a large file costs milliseconds:
        self.count_timer.setSingleShot(True)  # do it once typing pauses, not on every key
        self.count_timer.setInterval(COUNT_DELAY_MS)
        self.count_timer.timeout.connect(self._update_counts)
        self._build_actions()
        self._connect()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_INTERVAL_MS)
        self.autosave_timer.timeout.connect(self._autosave_at_a_pause)
        self._autosave_retry = QTimer(self)
        self._autosave_retry.setSingleShot(True)
        self._autosave_retry.setInterval(int(AUTOSAVE_PAUSE_S * 1000))
        self._autosave_retry.timeout.connect(self._autosave_at_a_pause)
        self.autosave_timer.start()
        self._restore_settings()
        self._update_title()
        self._update_counts()

    # ----- construction ------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}-dock")
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _action(
        self,
        menu: QMenu,
        text: str,
        shortcut: QKeySequence | str | None,
        slot: Callable[[], object],
        *,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New", QKeySequence.StandardKey.New, self.new_document)
        self._action(file_menu, "&Open…", QKeySequence.StandardKey.Open, self.open_dialog)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self._action(file_menu, "&Save", QKeySequence.StandardKey.Save, self.save)
        self._action(file_menu, "Save &As…", "Ctrl+Shift+S", self.save_as)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close)

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", QKeySequence.StandardKey.Undo, self.editor.undo)
        self._action(edit, "&Redo", "Ctrl+Shift+Z", self.editor.redo)
        edit.addSeparator()
        self._action(edit, "Cu&t", QKeySequence.StandardKey.Cut, self.editor.cut)
        self._action(edit, "&Copy", QKeySequence.StandardKey.Copy, self.editor.copy)
        self._action(edit, "&Paste", QKeySequence.StandardKey.Paste, self.editor.paste)
        self._action(edit, "Select &All", QKeySequence.StandardKey.SelectAll, self.editor.selectAll)
        edit.addSeparator()
        self._action(edit, "&Find…", QKeySequence.StandardKey.Find, self.find_bar.open_bar)
        self._action(edit, "&Replace…", "Ctrl+H", lambda: self.find_bar.open_bar(replace=True))
        self._action(edit, "Find &Next", "F3", self.find_bar.find_next)
        self._action(edit, "Find &Previous", "Shift+F3", self.find_bar.find_previous)

        view = bar.addMenu("&View")
        self._action(view, "Zoom &In", "Ctrl++", lambda: self.zoom(1))
        self._action(view, "Zoom &Out", "Ctrl+-", lambda: self.zoom(-1))
        self._action(view, "&Reset Zoom", "Ctrl+0", lambda: self.zoom(0))
        self._action(view, "&Font…", "Ctrl+Shift+T", self.choose_font)
        view.addSeparator()
        self._action(view, "&Candidates Panel", "Ctrl+Shift+C", lambda: self._show_dock(self.candidates_dock))
        self._action(view, "AI &Edit History", "Ctrl+Shift+H", lambda: self._show_dock(self.history_dock))

        self.assist_menu = bar.addMenu("&Assist")
        rewrite_menu = self.assist_menu.addMenu("&Rewrite Selection")
        for number, mode in enumerate(MODES.values(), start=1):
            self._action(
                rewrite_menu,
                mode.label,
                f"Ctrl+{number}",  # not Ctrl+Alt: that is AltGr on many European keyboards
                lambda key=mode.key: self.request_rewrite(mode=key),
            )
        self._action(self.assist_menu, "Custom &Instruction…", "Ctrl+Shift+R", self.focus_instruction)
        self._action(self.assist_menu, "Re&generate", "Ctrl+Shift+G", self.regenerate)
        self.stop_action = self._action(self.assist_menu, "&Stop", "Esc", self.stop)
        self._action(self.assist_menu, "&Models…", "Ctrl+Shift+M", self.open_model_manager)
        self.assist_menu.addSeparator()
        for index in range(3):
            self._action(
                self.assist_menu,
                f"Accept Candidate {index + 1}",
                f"Alt+{index + 1}",
                lambda i=index: self.accept_shown(i),
            )
        self.editor.assist_menu = rewrite_menu

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Writer", "F1", self.show_about)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        for text, slot in (
            ("New", self.new_document),
            ("Open", self.open_dialog),
            ("Save", self.save),
            ("Find", self.find_bar.open_bar),
        ):
            toolbar.addAction(text, slot)
        toolbar.addSeparator()
        for key in ("grammar", "clarity", "concise"):
            toolbar.addAction(MODES[key].label, lambda k=key: self.request_rewrite(mode=k))
        toolbar.addAction("Stop", self.stop)
        self._refresh_recent_menu()

    def _connect(self) -> None:
        editor, controller, panel, assist = self.editor, self.controller, self.candidates, self.assist
        editor.textChanged.connect(self.count_timer.start)
        editor.textChanged.connect(self._mark_autosave_dirty)
        self.autosaveFailed.connect(self._on_autosave_failed)
        editor.modificationChanged.connect(lambda _modified: self._update_title())
        editor.focusLost.connect(self.autosave_now)
        self.find_bar.messageRequested.connect(self.show_message)
        controller.modelLoading.connect(self._on_model_loading)
        controller.modelLoaded.connect(self._on_model_loaded)
        controller.modelFailed.connect(self._on_model_failed)
        assist.chunksReady.connect(lambda _rid, index, text: panel.append_stream(index, text))
        assist.candidateRestarted.connect(lambda _rid, index: panel.restart(index))
        assist.candidateFinished.connect(self._on_candidate)
        assist.generationProgress.connect(
            lambda _rid, _tokens, rate: self.speed_label.setText(f"{rate:.1f} tokens/s")
        )
        assist.requestFinished.connect(self._on_request_finished)
        assist.requestFailed.connect(self._on_request_failed)
        panel.acceptRequested.connect(self.accept_candidate)
        panel.insertRequested.connect(self.insert_candidate_after)
        panel.copyRequested.connect(self.copy_candidate)
        panel.regenerateRequested.connect(self.regenerate)
        panel.stopRequested.connect(self.stop)
        panel.instructionSubmitted.connect(lambda text: self.request_rewrite(instruction=text))
        panel.candidateCountChanged.connect(self._remember_count)
        panel.orderChanged.connect(lambda order: setattr(self.settings, "candidate_order", order))
        self.history_panel.revertRequested.connect(self.revert_edit)

    def _restore_settings(self) -> None:
        if self.settings.geometry is not None:
            self.restoreGeometry(self.settings.geometry)
        else:
            self.resize(1200, 780)
        if self.settings.window_state is not None:
            self.restoreState(self.settings.window_state)
        if self.settings.font_family:
            font = self.editor.font()
            font.setFamily(self.settings.font_family)
            font.setPointSize(self.settings.font_size)
            self.editor.set_base_font(font)
        if self.settings.zoom:
            self.editor.zoom(self.settings.zoom)

    def _show_dock(self, dock: QDockWidget) -> None:
        dock.show()
        dock.raise_()

    # ----- status ------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    @property
    def is_modified(self) -> bool:
        return self.editor.document().isModified()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{'• ' if self.is_modified else ''}{self.title} — Writer")

    def _update_counts(self) -> None:
        words, chars = self.editor.word_and_char_count()
        self.count_label.setText(f"{words:,} words, {chars:,} characters")

    def show_message(self, text: str, level: str = "error") -> None:
        self.message_bar.show_message(text, level)
        if level != "error":
            self.statusBar().showMessage(text, 8000)

    def _on_model_loading(self, path: str) -> None:
        self.model_label.setText(f"Loading {Path(path).name}…")
        self.busy.show()

    def _on_model_loaded(self, name: str, seconds: float) -> None:
        self.model_label.setText(f"Model: {name}")
        self.model_label.setToolTip(f"Loaded in {seconds:.1f} s")
        self.busy.setVisible(self._pending is not None)

    def _on_model_failed(self, message: str) -> None:
        self.model_label.setText("No model")
        self.busy.hide()
        self.show_message(message)

    # ----- files -------------------------------------------------------------------------------
    def _history_file(self) -> Path | None:
        if self.path is None:
            return None
        digest = hashlib.sha1(str(self.path.resolve()).encode()).hexdigest()[:16]
        return self.history_dir / f"{digest}.json"

    def _confirm_discard(self) -> bool:
        """True when the current text may be replaced (saved, discarded, or not modified)."""
        if not self.is_modified:
            return True
        answer = self.prompts.unsaved_changes(self, self.title)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _set_document(
        self,
        text: str,
        path: Path | None,
        disk: DiskState | None,
        line_ending: str = "\n",
        has_bom: bool = False,
    ) -> None:
        self.stop()
        self.assist.cancel_all()  # another document: none of this window's jobs apply any more
        self.autosave.discard(self.document_id)
        self.document_id = new_document_id()
        self.editor.setPlainText(text)
        self.editor.document().setModified(False)
        self.path, self.disk, self.line_ending, self.has_bom = path, disk, line_ending, has_bom
        self._edit_ranges.clear()
        self.history = AiEditHistory()
        history_file = self._history_file()
        if history_file is not None and history_file.is_file():
            try:
                self.history = AiEditHistory.from_json(history_file.read_text(encoding="utf-8"))
            except (OSError, ValueError, TypeError):
                LOGGER.warning("ignoring unreadable AI edit history %s", history_file)
        self.history_panel.show_edits(self.history.edits)
        self._update_title()

    def new_document(self) -> None:
        if self._confirm_discard():
            self._set_document("", None, None)

    def open_dialog(self) -> None:
        folder = str(self.path.parent) if self.path else ""
        path = self.prompts.open_path(self, folder)
        if path is not None and self._confirm_discard():
            self.open_path(path)

    def open_path(self, path: Path) -> bool:
        try:
            loaded = read_document(Path(path))
        except UserError as error:
            self.show_message(str(error))
            return False
        self._set_document(loaded.text, Path(path), loaded.disk, loaded.line_ending, loaded.has_bom)
        self.settings.add_recent(Path(path))
        self._refresh_recent_menu()
        return True

    def restore_snapshot(self, text: str, path: Path | None, disk: DiskState | None = None) -> None:
        """Show recovered text as an unsaved change of `path` (or of a new document)."""
        line_ending, has_bom = "\n", False
        if path is not None and path.is_file():
            try:
                loaded = read_document(path)
            except UserError:
                loaded = None
            if loaded is not None:
                line_ending, has_bom = loaded.line_ending, loaded.has_bom
                # What the file was when the text was autosaved: a later change by another program
                # must still be noticed at the next save.
                disk = disk or loaded.disk
        self._set_document("", path, disk, line_ending, has_bom)
        cursor = QTextCursor(self.editor.document())
        cursor.insertText(text)
        self.editor.document().setModified(True)
        self.editor.document().clearUndoRedoStacks()
        self._autosave_dirty = True
        self._update_title()

    def _refresh_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files
        for number, entry in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number} {entry}")
            action.setShortcut(QKeySequence(f"Alt+Shift+{number}"))
            action.triggered.connect(lambda _checked=False, p=entry: self._open_recent(Path(p)))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear List")
            clear.triggered.connect(self._clear_recent)

    def _open_recent(self, path: Path) -> None:
        if self._confirm_discard():
            self.open_path(path)

    def _clear_recent(self) -> None:
        self.settings.clear_recent()
        self._refresh_recent_menu()

    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self._write(self.path, force=False)

    def save_as(self) -> bool:
        suggested = str(self.path) if self.path else "Untitled.md"
        path = self.prompts.save_path(self, suggested)
        if path is None:
            return False
        # The file dialog asked before replacing another file; the same file keeps the conflict check.
        return self._write(path, force=not self._same_file(path))

    def _same_file(self, path: Path) -> bool:
        return self.path is not None and Path(path).resolve() == self.path.resolve()

    def _write(self, path: Path, force: bool) -> bool:
        text = self.editor.toPlainText()
        try:
            self.disk = save_document(
                path,
                text,
                line_ending=self.line_ending,
                has_bom=self.has_bom,
                expected=self.disk if self._same_file(path) else None,
                force=force,
            )
        except SaveConflictError:
            answer = self.prompts.overwrite_conflict(self, path.name)
            if answer == "overwrite":
                return self._write(path, force=True)
            if answer == "save_as":
                return self.save_as()
            return False
        except UserError as error:
            self.show_message(str(error))
            return False
        self.path = path
        self.editor.document().setModified(False)
        self.autosave.discard(self.document_id)
        self.settings.add_recent(path)
        self._refresh_recent_menu()
        self._save_history()
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def _save_history(self) -> None:
        history_file = self._history_file()
        if history_file is not None and self.history.edits:
            try:
                self.history.save(history_file)
            except UserError:
                LOGGER.warning("could not save the AI edit history", exc_info=True)

    def _mark_autosave_dirty(self) -> None:
        self._autosave_dirty = True
        self._last_edit = time.monotonic()

    def _autosave_at_a_pause(self) -> None:
        now = time.monotonic()
        typing = now - self._last_edit < AUTOSAVE_PAUSE_S
        overdue = now - self._last_snapshot > 2 * AUTOSAVE_INTERVAL_MS / 1000  # never wait for ever
        if typing and not overdue:
            self._autosave_retry.start()  # the user is typing: try again after the pause
        else:
            self.autosave_now()

    def autosave_now(self) -> None:
        """Queue a snapshot of unsaved edits (written on the autosave thread); nothing when unchanged."""
        if self._closed or not self.is_modified or not self._autosave_dirty:
            return
        self._autosave_dirty = False
        self._last_snapshot = time.monotonic()
        self.autosave.save_in_background(
            self.document_id,
            self.path,
            self.title,
            self.editor.toPlainText(),
            self.disk,
            on_error=self.autosaveFailed.emit,
        )

    def write_snapshot_now(self) -> bool:
        """Write this document's snapshot at once (recovery); False, with a message, when it failed."""
        try:
            self.autosave.save(self.document_id, self.path, self.title, self.editor.toPlainText(), self.disk)
        except UserError as error:
            self.show_message(f"The recovered text could not be autosaved again ({error}); save it now.")
            return False
        self._autosave_dirty = False
        return True

    def _on_autosave_failed(self, message: str) -> None:
        self._autosave_dirty = True  # try again at the next tick
        self.statusBar().showMessage(f"Autosave failed: {message}", 8000)

    def zoom(self, steps: int) -> None:
        self.settings.zoom = self.editor.zoom(steps)

    def choose_font(self) -> None:
        font = self.prompts.choose_font(self, self.editor.font())
        if font is not None:
            self.editor.set_base_font(font)  # type: ignore[arg-type]
            self.settings.font_family = self.editor.font().family()
            self.settings.font_size = font.pointSize()  # type: ignore[attr-defined]

    def show_about(self) -> None:
        self.show_message(
            f"Writer — a local-first writing assistant. Model: {self.controller.model_name or 'none'}. "
            "Your text never leaves this computer.",
            "info",
        )

    # ----- the assistant -----------------------------------------------------------------------
    def focus_instruction(self) -> None:
        self._show_dock(self.candidates_dock)
        self.candidates.instruction.setFocus()
        self.candidates.instruction.selectAll()

    def _remember_count(self, count: int) -> None:
        self.settings.candidate_count = count

    def request_rewrite(self, mode: str = "clarity", instruction: str = "") -> int | None:
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            self.show_message("Select the text to rewrite first, then choose a rewrite.", "info")
            return None
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        document_text = self.editor.toPlainText()
        request = RewriteRequest(
            text=cursor_text(cursor),
            mode=mode,
            instruction=instruction,
            context_before=document_text[:start],
            context_after=document_text[end:],
            n_candidates=self.candidates.count.value(),
            seed=self._next_seed(),
        )
        if instruction:
            self.settings.last_instruction = instruction
        title = f"Rewrite: {instruction}" if instruction else f"Rewrite: {MODES[mode].label}"
        range_cursor = QTextCursor(self.editor.document())
        range_cursor.setPosition(start)
        range_cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return self._submit(request, range_cursor, title)

    def _next_seed(self) -> int:
        self._seed = (self._seed + 101) & 0xFFFFFFF
        return self._seed

    def _submit(self, request: RewriteRequest, range_cursor: QTextCursor, title: str) -> int:
        self.message_bar.hide()
        request_id = self.assist.submit(request)
        self._pending = PendingRewrite(request_id, request, range_cursor, title)
        self._last_result = None
        self.candidates.start(request.text, title, request.n_candidates)
        self._show_dock(self.candidates_dock)
        self.busy.show()
        self.speed_label.setText("")
        return request_id

    def regenerate(self) -> None:
        pending = self._pending
        if pending is None:
            self.show_message("Nothing to regenerate yet: select text and choose a rewrite.", "info")
            return
        if cursor_text(pending.range_cursor) != pending.request.text:
            self.show_message("The selected text changed since the request: select it again and rewrite.")
            return
        request = RewriteRequest(
            **{
                **pending.request.__dict__,
                "seed": self._next_seed(),
                "n_candidates": self.candidates.count.value(),
            }
        )
        self._submit(request, pending.range_cursor, pending.title)

    def stop(self) -> None:
        """Esc: stop the assistant if it is writing, else close the find bar."""
        if self.assist.active_request_id is not None:
            self.assist.cancel()
            self.candidates.finish("Stopped.")
            self.busy.hide()
        elif self.find_bar.isVisible():
            self.find_bar.close_bar()

    def _on_candidate(self, _request_id: int, candidate: Candidate) -> None:
        self.candidates.finish_candidate(candidate.index, candidate.text)

    def _on_request_finished(self, _request_id: int, result: AssistResult) -> None:
        self._last_result = result
        self.candidates.show_ranking([(s.start, s.end) for s in result.source_spans], result.candidates)
        self.busy.hide()
        count = len(result.candidates)
        note = " (the document around the selection was shortened to fit)" if result.context_trimmed else ""
        scores = [c.score for c in result.candidates if c.score is not None]
        advice = ""
        if not count:
            advice = " The model gave no usable text: try Regenerate, or a larger model (Assist → Models…)."
        elif scores and max(scores) < LOW_SCORE:
            advice = " None of them scores well: try Regenerate, or a larger model (Assist → Models…)."
        self.candidates.finish(
            f"{count} candidate{'s' if count != 1 else ''} from {result.model} at "
            f"{result.timings.tokens_per_s:.1f} tokens/s{note}. Alt+1…3 accepts one.{advice}"
        )
        self.speed_label.setText(f"{result.timings.tokens_per_s:.1f} tokens/s")

    def _on_request_failed(self, _request_id: int, message: str) -> None:
        self.busy.hide()
        self.candidates.finish(message)
        self.show_message(message)

    def _other_candidates(self, chosen_index: int) -> list[str]:
        return [card.text for card in self.candidates.cards if card.finished and card.index != chosen_index]

    def _range_still_intact(self) -> bool:
        pending = self._pending
        if pending is None:
            return False
        if cursor_text(pending.range_cursor) != pending.request.text:
            self.show_message(
                "The selected text was edited after the request, so the suggestion was not applied: "
                "select the text again and request a new rewrite."
            )
            return False
        return True

    def accept_shown(self, position: int) -> bool:
        """Accept the candidate shown at `position` (0 = top of the panel)."""
        index = self.candidates.index_at(position)
        return index is not None and self.accept_candidate(index)

    def accept_candidate(self, index: int) -> bool:
        text = self.candidates.candidate_text(index)
        if text is None or self._pending is None or not self._range_still_intact():
            return False
        pending = self._pending
        cursor = pending.range_cursor
        text = with_margins_of(pending.request.text, text)
        start = cursor.selectionStart()
        cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self._remember_edit(pending.title, pending.request.text, text, self._other_candidates(index), start)
        self._pending = None
        chosen = self.candidates.card(index)
        name = (
            f"#{chosen.rank}" if chosen is not None and chosen.rank is not None else f"candidate {index + 1}"
        )
        self.assist.cancel()  # the user chose: the candidates still being written are not needed
        self.candidates.mark_applied(f"Applied {name}. Ctrl+Z undoes it.")
        self.busy.hide()
        return True

    def insert_candidate_after(self, index: int) -> bool:
        text = self.candidates.candidate_text(index)
        if text is None or self._pending is None or not self._range_still_intact():
            return False
        pending = self._pending
        insert_at = QTextCursor(self.editor.document())
        insert_at.setPosition(pending.range_cursor.selectionEnd())
        separator = "\n\n" if "\n" in pending.request.text else " "
        start = insert_at.position() + len(separator)
        insert_at.beginEditBlock()
        insert_at.insertText(separator + text)
        insert_at.endEditBlock()
        others = self._other_candidates(index)
        self._remember_edit(f"{pending.title} (inserted after)", "", text, others, start)
        return True

    def copy_candidate(self, index: int) -> None:
        text = self.candidates.candidate_text(index)
        if text is not None:
            QGuiApplication.clipboard().setText(text)
            self.statusBar().showMessage(f"Copied candidate {index + 1}.", 3000)

    def _remember_edit(self, feature: str, original: str, chosen: str, others: list[str], start: int) -> None:
        edit = self.history.record(feature, original, chosen, others)
        tracker = QTextCursor(self.editor.document())
        tracker.setPosition(start)
        tracker.setPosition(start + len(chosen), QTextCursor.MoveMode.KeepAnchor)
        self._edit_ranges[edit.edit_id] = tracker
        self.history_panel.show_edits(self.history.edits)

    def _locate_edit(self, edit_id: int, chosen: str) -> QTextCursor | None:
        tracker = self._edit_ranges.get(edit_id)
        if tracker is not None and cursor_text(tracker) == chosen:
            return tracker
        text = self.editor.toPlainText()  # after a reopen: the text must occur exactly once
        if chosen and text.count(chosen) == 1:
            found = QTextCursor(self.editor.document())
            found.setPosition(text.index(chosen))
            found.setPosition(text.index(chosen) + len(chosen), QTextCursor.MoveMode.KeepAnchor)
            return found
        return None

    def revert_edit(self, edit_id: int) -> bool:
        edit = next((e for e in self.history.edits if e.edit_id == edit_id), None)
        if edit is None or edit.reverted:
            return False
        cursor = self._locate_edit(edit_id, edit.chosen)
        if cursor is None:
            self.show_message("That AI edit cannot be reverted: its text was changed since it was applied.")
            return False
        cursor.beginEditBlock()
        cursor.insertText(edit.original)
        cursor.endEditBlock()
        self.history.mark_reverted(edit_id)
        self._edit_ranges.pop(edit_id, None)
        self.history_panel.show_edits(self.history.edits)
        return True

    def open_model_manager(self) -> ModelManagerDialog | None:
        if self.model_store is None:
            self.show_message("The model manager is not available in this window.", "info")
            return None
        dialog = ModelManagerDialog(self.model_store, parent=self)
        dialog.modelChosen.connect(self.switch_model)
        dialog.open()
        return dialog

    def switch_model(self, path: Path | None) -> None:
        if path is None:
            self.show_message("No model is installed: open Assist → Models… to download one.")
            return
        self.stop()
        self.controller.load_model(engine_config_for(Path(path)))

    # ----- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        self.stop()
        self.assist.cancel_all()
        self.autosave_timer.stop()
        self.autosave.discard(self.document_id)
        self._save_history()
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        self._closed = True
        event.accept()

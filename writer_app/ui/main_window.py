"""The main window: the mediator that builds the widgets and sessions of one document and wires them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QVBoxLayout, QWidget

from writer_app.assist.style_profiles import ProfileStore
from writer_app.assist.user_actions import ActionStore
from writer_app.documents.autosave import AutosaveStore
from writer_app.documents.draft_journal import DraftJournal
from writer_app.documents.file_io import DiskState
from writer_app.documents.spelling import PersonalWords, Spelling
from writer_app.modelhub.store import ModelStore
from writer_app.ui.actions import build_actions
from writer_app.ui.ai_edits import AiEditTracker
from writer_app.ui.assist_session import AssistSession
from writer_app.ui.candidates_panel import CandidatesPanel
from writer_app.ui.document_session import DocumentSession
from writer_app.ui.draft_session import DraftSession
from writer_app.ui.editor import Editor
from writer_app.ui.export_actions import Exporter
from writer_app.ui.find_bar import FindBar
from writer_app.ui.ghost_text import GhostText
from writer_app.ui.history_panel import HistoryPanel
from writer_app.ui.message_bar import MessageBar
from writer_app.ui.model_manager import ModelManagerDialog
from writer_app.ui.model_source import chosen_config
from writer_app.ui.outline_panel import OutlinePanel
from writer_app.ui.preferences import PreferencesDialog
from writer_app.ui.prompts import Prompts
from writer_app.ui.recent_menu import fill_recent_menu
from writer_app.ui.review_panel import ReviewPanel
from writer_app.ui.review_session import ReviewSession
from writer_app.ui.rewrite_bar import RewriteBar
from writer_app.ui.settings import AppSettings
from writer_app.ui.spell_check import SpellCheck
from writer_app.ui.status_line import StatusLine
from writer_app.ui.style_panel import StylePanel
from writer_app.ui.style_session import StyleSession
from writer_app.ui.user_actions_ui import install as install_user_actions
from writer_app.worker.controller import AssistController


class MainWindow(QMainWindow):
    """One document per window; the controller, settings, autosave store and prompts are passed in.

    The window owns no behaviour of its own beyond the view: `documents` (files, autosave), `session`
    (assistant jobs), `edits` (applied suggestions) and the action table in `ui/actions.py` do the
    work; their signals meet here.
    """

    def __init__(
        self,
        controller: AssistController,
        settings: AppSettings,
        autosave: AutosaveStore,
        history_dir: Path,
        prompts: Prompts | None = None,
        model_store: ModelStore | None = None,
        drafts_dir: Path | None = None,
        personal_words: PersonalWords | None = None,
        styles: ProfileStore | None = None,
        actions: ActionStore | None = None,
    ) -> None:
        super().__init__()
        self.controller, self.settings, self.autosave = controller, settings, autosave
        self.prompts = prompts or Prompts()
        self.model_store = model_store
        self.editor = Editor(self)
        self.find_bar = FindBar(self.editor, self)
        self.message_bar = MessageBar(self)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget, stretch in ((self.message_bar, 0), (self.editor, 1), (self.find_bar, 0)):
            layout.addWidget(widget, stretch)
        self.setCentralWidget(central)
        self.rewrite_bar = RewriteBar(self)
        self.rewrite_bar.set_instruction(settings.last_instruction)
        self.candidates = CandidatesPanel(self)
        self.candidates.set_candidate_count(settings.candidate_count)
        self.candidates.set_order(settings.candidate_order)
        assist_area = QWidget(self)
        column = QVBoxLayout(assist_area)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.rewrite_bar)
        column.addWidget(self.candidates, 1)
        self.candidates_dock = self._dock("Candidates", "candidates", assist_area)
        self.history_panel, self.outline_panel = HistoryPanel(self), OutlinePanel(self)
        self.style_panel, self.review_panel = StylePanel(self), ReviewPanel(self)
        self.history_dock, self.draft_dock, self.style_dock, self.review_dock = side = [
            self._dock(title, name, widget)
            for title, name, widget in (
                ("AI edits", "history", self.history_panel),
                ("Draft", "draft", self.outline_panel),
                ("Style", "style", self.style_panel),
                ("Review", "review", self.review_panel),
            )
        ]
        for dock in side:
            self.tabifyDockWidget(self.candidates_dock, dock)
        self.candidates_dock.raise_()
        self.resizeDocks([self.candidates_dock], [440], Qt.Orientation.Horizontal)

        self.documents = DocumentSession(self.editor, settings, autosave, self.prompts, self)
        self.edits = AiEditTracker(self.editor, history_dir, self)
        self.session = AssistSession(controller, self.editor, self.candidates, self.edits, settings, self)
        self.assist = self.session.client  # this window's jobs and only their results
        self.ghost = GhostText(self.editor, self.assist, settings, self)
        journal = DraftJournal(drafts_dir or history_dir.parent / "drafts")
        self.exporter = Exporter(self)
        self.exporter.finished.connect(self.show_message)
        personal = personal_words or PersonalWords(history_dir.parent / "dictionary.txt")
        self.spell = SpellCheck(self.editor, Spelling(personal), self)
        self.drafts = DraftSession(
            controller, self.editor, self.documents, self.outline_panel, journal, settings, self
        )

        styles = styles or ProfileStore(history_dir.parent / "styles")
        self.voices = StyleSession(
            controller, styles, self.style_panel, self.editor, self.session, settings, self.prompts, self
        )
        self.reviews = ReviewSession(controller, self.editor, self.review_panel, self.session, self)
        self.status = StatusLine(self.statusBar(), self.editor, controller, lambda: self.session.running)
        self.count_label, self.model_label = self.status.count_label, self.status.model_label
        self.actions_by_name = build_actions(self)
        self.recent_menu = self.actions_by_name["File/Open Recent"]
        self.editor.assist_menu = self.actions_by_name["Assist/Rewrite Selection"]
        install_user_actions(self, actions or ActionStore(history_dir.parent / "actions"))
        self._connect()
        self._refresh_recent_menu()
        self._restore_settings()
        self._update_title()

    # ----- construction ------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}-dock")
        dock.setWidget(widget)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def _connect(self) -> None:
        documents, session, panel, controller = self.documents, self.session, self.candidates, self.controller
        self.find_bar.messageRequested.connect(self.show_message)
        documents.titleChanged.connect(self._update_title)
        documents.messageRequested.connect(self.show_message)
        documents.statusRequested.connect(self.statusBar().showMessage)
        documents.recentChanged.connect(self._refresh_recent_menu)
        documents.documentReplaced.connect(session.stop_everything)  # only once the new text is in
        documents.documentReplaced.connect(self.ghost.close)
        documents.documentReplaced.connect(self.spell.follow_document)
        documents.documentReplaced.connect(lambda: self.edits.load(self.documents.path))
        documents.saved.connect(self.edits.save)
        self.edits.editsChanged.connect(self.history_panel.show_edits)
        self.edits.messageRequested.connect(self.show_message)
        self.history_panel.revertRequested.connect(self.edits.revert)
        self.ghost.statusRequested.connect(self.statusBar().showMessage)
        session.busyChanged.connect(self._set_busy)
        session.speedChanged.connect(self.status.speed_label.setText)
        session.panelRequested.connect(lambda: self.show_dock(self.candidates_dock))
        for source in (self.drafts, session):
            source.statusRequested.connect(self.statusBar().showMessage)
        documents.documentReplaced.connect(self.reviews.clear)
        docks = (self.draft_dock, self.style_dock, self.review_dock)
        for source, dock in zip((self.drafts, self.voices, self.reviews), docks, strict=True):
            source.messageRequested.connect(self.show_message)
            source.panelRequested.connect(lambda dock=dock: self.show_dock(dock))
        session.messageRequested.connect(self.show_message)
        panel.acceptRequested.connect(session.accept_candidate)
        panel.insertRequested.connect(session.insert_candidate_after)
        panel.copyRequested.connect(session.copy_candidate)
        panel.regenerateRequested.connect(session.regenerate)
        panel.stopRequested.connect(self.stop)
        self.rewrite_bar.instructionSubmitted.connect(lambda text: session.request_rewrite(instruction=text))
        panel.candidateCountChanged.connect(lambda count: setattr(self.settings, "candidate_count", count))
        panel.orderChanged.connect(lambda order: setattr(self.settings, "candidate_order", order))
        controller.modelFailed.connect(self.show_message)

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
        self.spell.set_language(self.settings.spell_language)
        self.spell.set_enabled(self.settings.spell_enabled)

    def show_dock(self, dock: QDockWidget) -> None:
        dock.show()
        dock.raise_()

    # ----- status ------------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.documents.path

    @property
    def is_modified(self) -> bool:
        return self.documents.is_modified

    def _update_title(self) -> None:
        self.setWindowTitle(f"{'• ' if self.is_modified else ''}{self.documents.title} — Writer")

    def show_message(self, text: str, level: str = "error") -> None:
        self.message_bar.show_message(text, level)
        if level != "error":
            self.statusBar().showMessage(text, 8000)

    def _set_busy(self, busy: bool) -> None:
        self.status.busy.setVisible(busy)
        if busy:
            self.message_bar.hide()

    # ----- files (the document session does the work) ------------------------------------------
    def new_document(self) -> None:
        if self.documents.confirm_discard(self):
            self.documents.set_document("", None, None)

    def open_dialog(self) -> None:
        path = self.prompts.open_path(self, str(self.path.parent) if self.path else "")
        if path is not None and self.documents.confirm_discard(self):
            self.open_path(path)

    def open_path(self, path: Path) -> bool:
        return self.documents.open_path(path)  # a file that cannot be read leaves everything as it was

    def restore_snapshot(
        self, text: str, path: Path | None, disk: DiskState | None = None, document_id: str = ""
    ) -> None:
        self.documents.restore_snapshot(text, path, disk, document_id)

    def save(self) -> bool:
        return self.documents.save(self)

    def save_as(self) -> bool:
        return self.documents.save_as(self)

    def autosave_now(self) -> None:
        self.documents.autosave_now()

    def write_snapshot_now(self) -> bool:
        return self.documents.write_snapshot_now()

    def _refresh_recent_menu(self) -> None:
        fill_recent_menu(self.recent_menu, self.settings, self._open_recent)  # type: ignore[arg-type]

    def _open_recent(self, path: Path) -> None:
        if self.documents.confirm_discard(self):
            self.open_path(path)

    # ----- view --------------------------------------------------------------------------------
    def zoom(self, steps: int) -> None:
        self.settings.zoom = self.editor.zoom(steps)

    def choose_font(self) -> None:
        font = self.prompts.choose_font(self, self.editor.font())
        if font is not None:
            self.editor.set_base_font(font)  # type: ignore[arg-type]
            self.settings.font_family = self.editor.font().family()
            self.settings.font_size = font.pointSize()  # type: ignore[attr-defined]

    # ----- the assistant (the assist session does the work) ------------------------------------
    def focus_instruction(self) -> None:
        self.show_dock(self.candidates_dock)
        self.rewrite_bar.focus_instruction()

    def request_rewrite(self, mode: str = "clarity", instruction: str = "") -> int | None:
        return self.session.request_rewrite(mode, instruction)

    def accept_candidate(self, index: int) -> bool:
        return self.session.accept_candidate(index)

    def accept_shown(self, position: int) -> bool:
        return self.session.accept_shown(position)

    def continue_with_words(self) -> int | None:
        words = self.prompts.ask_number(self, "Continue writing", "About how many words?", 150, 10, 2_000)
        return None if words is None else self.session.request_continuation("words", words)

    def open_preferences(self) -> PreferencesDialog:
        """The one Preferences dialog of this window (raised again when already open)."""
        dialog = self.findChild(PreferencesDialog)
        if dialog is None:
            dialog = PreferencesDialog(self, self.settings)
        dialog.open()
        dialog.raise_()
        return dialog

    def set_suggestions(self, enabled: bool) -> None:
        self.ghost.set_enabled(enabled)
        self.actions_by_name["ghost"].setChecked(enabled)

    def stop(self) -> None:
        """Esc: stop the assistant if it is writing (a suggestion on its way included), else close the
        find bar."""
        self.ghost.stop()
        if not self.session.stop() and self.find_bar.isVisible():
            self.find_bar.close_bar()

    def open_model_manager(self) -> ModelManagerDialog | None:
        if self.model_store is None:
            self.show_message("The model manager is not available in this window.", "info")
            return None
        dialog = ModelManagerDialog(self.model_store, parent=self)
        dialog.modelChosen.connect(lambda path: self.switch_model(path, local=True))
        dialog.open()
        return dialog

    def switch_model(self, path: Path | None, local: bool = False) -> None:
        """Load the chosen model source again: the server, or `path` on this computer (`local`:
        the model manager's choice, which makes this computer the source)."""
        if local:
            self.settings.model_source = "local"
        config = chosen_config(self.settings, path)
        if config is None:
            self.show_message("No model is installed: open Assist → Models… to download one.")
            return
        self.session.stop()
        self.controller.load_model(config)

    # ----- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.documents.confirm_discard(self):
            event.ignore()
            return
        for session in (self.drafts, self.reviews, self.voices):  # a draft's sections stay: Resume goes on
            session.stop()
        self.session.stop_everything()
        self.ghost.close()
        self.documents.close()
        self.edits.save(self.path)
        self.settings.geometry = self.saveGeometry()
        self.settings.window_state = self.saveState()
        self.settings.sync()
        event.accept()

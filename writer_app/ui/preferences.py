"""The one Preferences dialog (Ctrl+,): model source (this computer or a server), model and threads,
context size, candidates, anti-slop and banned phrases, autosave, editor font, theme, spell checking,
suggestions while typing.
Every change applies at once to every window and is remembered; "Restore Defaults" puts them back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from writer_app.assist.anti_slop import all_phrases, user_phrases
from writer_app.documents.spelling import LANGUAGES
from writer_app.engine.hardware import physical_cores
from writer_app.engine.server_api import is_local_server
from writer_app.errors import UserError
from writer_app.ui.model_source import ModelSourceBox, host_of
from writer_app.ui.settings import AppSettings
from writer_app.ui.theme import THEMES, apply_theme

MODEL_RELOAD_MS = 800  # a model reload waits until the spin boxes stop moving
CONTEXTS = (2048, 4096, 8192, 16384, 32768)
DEFAULTS = (
    "model_source",  # this computer (the server's address and key stay for next time)
    "model_context",
    "model_threads",
    "candidate_count",
    "autosave_s",
    "font_family",
    "font_size",
    "theme",
    "spell_enabled",
    "spell_language",
    "ghost_enabled",
    "ghost_delay_ms",
    "anti_slop",
)


def apply_bans(controller: object, settings: AppSettings) -> None:
    """Hand the worker the phrases to keep out (the lexicon's and the user's), or none when off."""
    own = user_phrases(settings.banned_phrases)  # kept out even with the lexicon off, as on the CLI
    phrases = all_phrases(own) if settings.anti_slop else own
    controller.set_banned(phrases)  # type: ignore[attr-defined]


def main_windows() -> list[QWidget]:
    from writer_app.ui.main_window import MainWindow

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


class PreferencesDialog(QDialog):
    """Reads and writes `AppSettings`; `window` is the one whose model store and controller it uses."""

    def __init__(self, window: QWidget, settings: AppSettings) -> None:
        super().__init__(window)
        self.setWindowTitle("Preferences")
        self.window_, self.settings = window, settings
        self.source_box = ModelSourceBox(settings, self)
        self.source_box.use_server.connect(self.use_server)
        self.source_box.use_local.connect(self._reload_model)
        controller = getattr(window, "controller", None)
        if controller is not None:  # the source group says how the switch went
            controller.modelLoaded.connect(self.source_box.model_ready)
            controller.modelFailed.connect(self.source_box.model_failed)
        self.model = QComboBox(self)
        self.threads = QSpinBox(self)
        self.threads.setRange(0, max(2, physical_cores() * 2))
        self.threads.setSpecialValueText(f"automatic ({physical_cores()})")
        self.context = QComboBox(self)
        for size in CONTEXTS:
            self.context.addItem(f"{size:,} tokens", size)
        self.candidates = QSpinBox(self)
        self.candidates.setRange(1, 8)
        self.autosave = QSpinBox(self)
        self.autosave.setRange(5, 600)
        self.autosave.setSuffix(" s")
        self.font_family = QFontComboBox(self)
        self.font_size = QSpinBox(self)
        self.font_size.setRange(6, 48)
        self.theme = QComboBox(self)
        for key, label in THEMES:
            self.theme.addItem(label, key)
        self.spell = QCheckBox("Underline misspellings as I type", self)
        self.spell_language = QComboBox(self)
        self.spell_language.addItem("The document's language", "auto")
        for code, name in LANGUAGES.items():
            self.spell_language.addItem(name, code)
        self.anti_slop = QCheckBox("Keep clichés and filler out while writing (the slop lexicon)", self)
        self.banned = QLineEdit(self)
        self.banned.setPlaceholderText("your own, comma-separated: e.g. synergy, game changer")
        self.ghost = QCheckBox("Suggest while I type (Tab accepts)", self)
        self.ghost_delay = QSpinBox(self)
        self.ghost_delay.setRange(150, 5_000)
        self.ghost_delay.setSingleStep(50)
        self.ghost_delay.setSuffix(" ms after a pause")
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(MODEL_RELOAD_MS)
        self._reload.timeout.connect(self._reload_model)
        self._layout()
        self._load()
        self._connect()

    def _layout(self) -> None:
        form = QFormLayout(self)
        form.addRow(self.source_box)
        font_row = QHBoxLayout()
        font_row.addWidget(self.font_family, 1)
        font_row.addWidget(self.font_size)
        rows = (
            ("Model on this computer", self.model),
            ("Threads", self.threads),
            ("Context size", self.context),
            ("Candidates", self.candidates),
            ("Slop", self.anti_slop),
            ("Banned phrases", self.banned),
            ("Autosave every", self.autosave),
            ("Editor font", font_row),
            ("Theme", self.theme),
            ("Spelling", self.spell),
            ("Spelling language", self.spell_language),
            ("Suggestions", self.ghost),
            ("Suggest", self.ghost_delay),
        )
        for label, field in rows:
            form.addRow(label, field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Close | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.rejected.connect(self.close)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        form.addRow(buttons)

    def _load(self) -> None:
        """The controls from the settings, without applying anything."""
        s = self.settings
        self.blockSignals(True)
        widgets = (
            self.model,
            self.threads,
            self.context,
            self.candidates,
            self.anti_slop,
            self.banned,
            self.autosave,
            self.font_family,
            self.font_size,
            self.theme,
            self.spell,
            self.spell_language,
            self.ghost,
            self.ghost_delay,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.model.clear()
        store = getattr(self.window_, "model_store", None)
        if store is not None:
            for model in store.installed():
                self.model.addItem(model.name, model.id)
            self.model.setCurrentIndex(max(0, self.model.findData(store.active_id())))
        self.threads.setValue(s.model_threads)
        self.context.setCurrentIndex(max(0, self.context.findData(s.model_context)))
        self.candidates.setValue(s.candidate_count)
        self.anti_slop.setChecked(s.anti_slop)
        self.banned.setText(s.banned_phrases)
        self.autosave.setValue(s.autosave_s)
        editor_font = self.window_.editor.font()  # type: ignore[attr-defined]
        self.font_family.setCurrentFont(QFont(s.font_family or editor_font.family()))
        self.font_size.setValue(s.font_size)
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        self.spell.setChecked(s.spell_enabled)
        self.spell_language.setCurrentIndex(max(0, self.spell_language.findData(s.spell_language)))
        self.ghost.setChecked(s.ghost_enabled)
        self.ghost_delay.setValue(s.ghost_delay_ms)
        for widget in widgets:
            widget.blockSignals(False)
        self.blockSignals(False)

    def _connect(self) -> None:
        on = self._on
        self.model.currentIndexChanged.connect(lambda _i: self._choose_model())
        self.threads.valueChanged.connect(on("model_threads", lambda v: self._reload.start()))
        self.context.currentIndexChanged.connect(
            lambda _i: self._set("model_context", self.context.currentData(), lambda v: self._reload.start())
        )
        self.candidates.valueChanged.connect(
            on("candidate_count", lambda v: self._each(lambda w: w.candidates.set_candidate_count(v)))
        )
        self.anti_slop.toggled.connect(on("anti_slop", lambda v: self._apply_bans()))
        self.banned.editingFinished.connect(
            lambda: self._set("banned_phrases", self.banned.text(), lambda v: self._apply_bans())
        )
        self.autosave.valueChanged.connect(
            on("autosave_s", lambda v: self._each(lambda w: w.documents.timer.setInterval(v * 1000)))
        )
        self.font_family.currentFontChanged.connect(
            lambda font: self._set("font_family", font.family(), lambda v: self._apply_font())
        )
        self.font_size.valueChanged.connect(on("font_size", lambda v: self._apply_font()))
        self.theme.currentIndexChanged.connect(
            lambda _i: self._set("theme", self.theme.currentData(), self._apply_theme)
        )
        self.spell.toggled.connect(
            on("spell_enabled", lambda v: self._each(lambda w: w.spell.set_enabled(v)))
        )
        self.spell_language.currentIndexChanged.connect(
            lambda _i: self._set(
                "spell_language",
                self.spell_language.currentData(),
                lambda v: self._each(lambda w: w.spell.set_language(v)),
            )
        )
        self.ghost.toggled.connect(on("ghost_enabled", lambda v: self._each(lambda w: w.set_suggestions(v))))
        self.ghost_delay.valueChanged.connect(on("ghost_delay_ms", lambda v: None))  # read at each pause

    # ----- applying ----------------------------------------------------------------------------------
    def _on(self, name: str, apply: Callable[[object], None]) -> Callable[[object], None]:
        return lambda value: self._set(name, value, apply)

    def _set(self, name: str, value: object, apply: Callable[[object], None]) -> None:
        setattr(self.settings, name, value)
        apply(getattr(self.settings, name))

    def _each(self, change: Callable[[QWidget], object]) -> None:
        for window in main_windows():
            change(window)

    def _apply_font(self) -> None:
        font = QFont(self.settings.font_family)
        font.setPointSize(self.settings.font_size)
        self._each(lambda w: w.editor.set_base_font(font))

    def _apply_bans(self) -> None:
        controller = getattr(self.window_, "controller", None)
        if controller is not None:
            apply_bans(controller, self.settings)

    def _apply_theme(self, theme: object) -> None:
        apply_theme(str(theme))

    def _choose_model(self) -> None:
        store = getattr(self.window_, "model_store", None)
        model_id = self.model.currentData()
        if store is None or model_id is None:
            return
        store.set_active(model_id)
        self.settings.model_source = "local"  # a model of this computer chosen: it runs here
        self.source_box.load()
        self._reload.start()

    def _reload_model(self) -> None:
        store = getattr(self.window_, "model_store", None)
        path = store.active_path() if store is not None else None
        if path is not None or self.settings.model_source == "server":
            self.window_.switch_model(path)  # type: ignore[attr-defined]

    def show_model_source(self) -> None:
        """Assist → Model Source…: the source's group, with the first thing to fill in focused."""
        box = self.source_box
        (box.url if box.source.currentData() == "server" else box.source).setFocus()

    def use_server(self) -> None:
        """Make the entered server the model source; the first time text would go to another
        machine, the user agrees in one sentence first."""
        box = self.source_box
        try:
            url, _model, _key = box.entered()
        except UserError as error:
            box.status.setText(str(error))
            return
        allowed = [host for host in self.settings.servers_allowed.split() if host]
        host = host_of(url)
        if not is_local_server(url) and host not in allowed:
            encrypted = url.startswith("https://")
            if not self.window_.prompts.send_text_to(self, host, encrypted):  # type: ignore[attr-defined]
                return
            self.settings.servers_allowed = " ".join([*allowed, host])
        box.store()
        box.status.setText(f"Connecting to {url}… (the status bar shows when the model is ready)")
        self._reload.stop()
        self._reload_model()

    def restore_defaults(self) -> None:
        s = self.settings
        reload = (s.model_context, s.model_threads, s.model_source) != (4096, 0, "local")
        self.settings.restore_defaults(DEFAULTS)
        self._load()
        self.source_box.load()
        self._apply_font()
        self._apply_theme(self.settings.theme)
        for window in main_windows():
            window.candidates.set_candidate_count(self.settings.candidate_count)  # type: ignore[attr-defined]
            window.documents.timer.setInterval(self.settings.autosave_s * 1000)  # type: ignore[attr-defined]
            window.spell.set_enabled(self.settings.spell_enabled)  # type: ignore[attr-defined]
            window.spell.set_language(self.settings.spell_language)  # type: ignore[attr-defined]
            window.set_suggestions(self.settings.ghost_enabled)  # type: ignore[attr-defined]
        self._apply_bans()
        if reload:
            self._reload.start()

"""UI fixtures: a main window on the real worker with the tiny model, and scripted prompts."""

from __future__ import annotations

from pathlib import Path

import pytest

from writer_app.documents.autosave import AutosaveStore
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.prompts import Prompts
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController

TIMEOUT_MS = 30_000


class ScriptedPrompts(Prompts):
    """Answers dialogs from `answers` and records every question asked."""

    def __init__(self) -> None:
        self.answers: dict[str, object] = {}
        self.asked: list[str] = []

    def _answer(self, question: str, default: object) -> object:
        self.asked.append(question)
        return self.answers.get(question, default)

    def open_path(self, parent, folder=""):
        return self._answer("open_path", None)

    def save_path(self, parent, suggested=""):
        return self._answer("save_path", None)

    def export_path(self, parent, suggested, file_filter):
        return self._answer("export_path", None)

    def welcome(self, parent, text, can_download):
        self.welcome_text = text
        return self._answer("welcome", "later")

    def unsaved_changes(self, parent, title):
        return self._answer("unsaved_changes", "cancel")

    def overwrite_conflict(self, parent, title):
        return self._answer("overwrite_conflict", "cancel")

    def recover(self, parent, snapshot):
        return self._answer("recover", True)

    def choose_font(self, parent, current):
        return self._answer("choose_font", None)

    def ask_number(self, parent, title, label, value, low, high):
        return self._answer("ask_number", None)

    def ask_choice(self, parent, title, label, items):
        return self._answer("ask_choice", None)

    def ask_text(self, parent, title, label, value=""):
        return self._answer("ask_text", None)

    def open_paths(self, parent, title):
        return self._answer("open_paths", [])


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    return AppPaths.under(tmp_path / "app")


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


def new_window(
    qtbot, controller: AssistController, app_paths: AppPaths, prompts: ScriptedPrompts, model_store=None
) -> MainWindow:
    """A shown main window on `controller`, with its folders under `app_paths`."""
    window = MainWindow(
        controller,
        AppSettings(app_paths.config_dir),
        AutosaveStore(app_paths.state_dir / "autosave"),
        app_paths.state_dir / "ai-history",
        prompts,
        model_store,
    )
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.fixture
def make_window(qtbot, controller: AssistController, app_paths: AppPaths, prompts: ScriptedPrompts):
    return lambda: new_window(qtbot, controller, app_paths, prompts)


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()

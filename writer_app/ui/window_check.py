"""The self-test's window check: build the main window without a model and render it offscreen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from writer_app.documents.autosave import AutosaveStore
from writer_app.errors import UserError
from writer_app.paths import AppPaths
from writer_app.ui.main_window import MainWindow
from writer_app.ui.pdf_export import markdown_to_pdf
from writer_app.ui.settings import AppSettings
from writer_app.worker.controller import AssistController


def render_main_window(home: Path) -> str:
    """Render the window with a short document; a sentence of what was drawn, or a UserError."""
    app = QApplication.instance() or QApplication(["writer-app"])
    paths = AppPaths.under(home)
    controller = AssistController(lambda config: None)  # no model: the window alone is under test
    autosave = AutosaveStore(paths.state_dir / "autosave")
    try:
        window = MainWindow(
            controller, AppSettings(paths.config_dir), autosave, paths.state_dir / "ai-history"
        )
        window.resize(900, 600)
        window.editor.setPlainText("# Self-test\n\nThe editor renders this paragraph.")
        image = window.grab().toImage()
        app.processEvents()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
        window.editor.document().setModified(False)
        window.close()
    finally:
        controller.shutdown(5_000)
        autosave.close()
    if image.isNull() or len(colours) < 3:
        raise UserError("Self-test failed: the main window did not render (Qt's plugins may be missing).")
    pdf = markdown_to_pdf("# Self-test\n\nSome *emphasis*.", "Self-test")
    if not pdf.startswith(b"%PDF") or len(pdf) < 1_000:
        raise UserError("Self-test failed: the PDF export wrote nothing (Qt's fonts may be missing).")
    return (
        f"window: rendered {image.width()}×{image.height()} offscreen with {app.platformName()}; "
        f"PDF export {len(pdf):,} bytes"
    )

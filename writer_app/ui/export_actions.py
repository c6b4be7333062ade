"""File → Export: the document as HTML, PDF or DOCX, written on a background thread (a long document
takes seconds) with the result in the message bar."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from writer_app.documents.export import export_docx, export_html
from writer_app.errors import UserError
from writer_app.ui.pdf_export import export_pdf

KINDS = {"html": "Web page (*.html)", "pdf": "PDF (*.pdf)", "docx": "Word document (*.docx)"}
_WRITERS = {"html": export_html, "pdf": export_pdf, "docx": export_docx}


class Exporter(QObject):
    """Asks where, then writes off the GUI thread; `finished(message, level)` reports back."""

    finished = Signal(str, str)

    def __init__(self, window: QObject) -> None:
        super().__init__(window)
        self.window_ = window
        self.running: threading.Thread | None = None

    def export(self, kind: str) -> Path | None:
        window = self.window_
        if self.running is not None and self.running.is_alive():
            self.finished.emit("An export is still being written: wait a moment.", "info")
            return None
        source = window.path  # type: ignore[attr-defined]
        suggested = source.with_suffix(f".{kind}") if source else Path.home() / f"Untitled.{kind}"
        path = window.prompts.export_path(window, str(suggested), KINDS[kind])  # type: ignore[attr-defined]
        if path is None:
            return None
        path = path if path.suffix else path.with_suffix(f".{kind}")
        text, title = window.editor.toPlainText(), window.documents.title  # type: ignore[attr-defined]
        self.running = threading.Thread(target=self._write, args=(kind, text, path, title), daemon=True)
        self.running.start()
        return path

    def _write(self, kind: str, text: str, path: Path, title: str) -> None:
        try:
            _WRITERS[kind](text, path, title)
        except UserError as error:
            self.finished.emit(str(error), "error")
        except Exception as error:  # a bug must still reach the user as a sentence
            self.finished.emit(f"The export failed ({error}).", "error")
        else:
            self.finished.emit(f"Exported to {path}.", "info")

    def wait(self, timeout_s: float = 30.0) -> None:
        if self.running is not None:
            self.running.join(timeout_s)

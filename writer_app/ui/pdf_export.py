"""PDF export through Qt's own text layout and PDF writer (no other library): the Markdown rendered
to HTML, laid out on A4 pages with margins, written atomically."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from writer_app.documents.export import markdown_to_html
from writer_app.documents.file_io import atomic_write_bytes

RESOLUTION_DPI = 300


def markdown_to_pdf(text: str, title: str = "") -> bytes:
    """The document as PDF bytes (needs a QGuiApplication; the offscreen platform will do)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(title)
    writer.setCreator("Writer")
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(20, 20, 20, 20)
        )
    )
    document = QTextDocument()
    document.setDefaultFont(QFont("Serif", 11))
    document.setHtml(markdown_to_html(text, title, standalone=False))
    document.print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def export_pdf_headless(text: str, out: Path, title: str = "") -> None:
    """`export_pdf` from the command line: a QGuiApplication on the offscreen platform when there is
    no display (PDF layout needs Qt's fonts, not a screen)."""
    if not any(os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - alive while exporting
    export_pdf(text, out, title)


def export_pdf(text: str, out: Path, title: str = "") -> None:
    atomic_write_bytes(out, markdown_to_pdf(text, title))

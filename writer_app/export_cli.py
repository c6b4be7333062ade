"""`writer-app export FILE --to html|pdf|docx [--out PATH]`: the File → Export of the window, headless."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from writer_app.documents.export import FORMATS, export_docx, export_html
from writer_app.documents.file_io import read_document
from writer_app.errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message[:1].upper()}{message[1:]} (see `writer-app export --help`).")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="writer-app export", description="Export a Markdown or text file as HTML, PDF or DOCX."
    )
    parser.add_argument("file", type=Path, help="the document to export")
    parser.add_argument("--to", choices=FORMATS, required=True, help="the format")
    parser.add_argument(
        "--out", type=Path, help="where to write it (default: beside FILE, with the new suffix)"
    )
    return parser


def export_file(source: Path, kind: str, out: Path | None = None) -> Path:
    """Export `source` as `kind`; the file written."""
    text = read_document(source).text
    out = (out or source.with_suffix(f".{kind}")).expanduser()
    if out.exists() and out.resolve() == source.resolve():
        raise UserError(f"Exporting {source.name} as {kind} would overwrite it: choose another --out.")
    title = source.stem
    if kind == "html":
        export_html(text, out, title)
    elif kind == "docx":
        export_docx(text, out, title)
    else:
        if (
            not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY")
        ):
            os.environ["QT_QPA_PLATFORM"] = "offscreen"  # PDF layout needs Qt's fonts, not a screen
        from PySide6.QtGui import QGuiApplication

        app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - kept alive
        from writer_app.ui.pdf_export import export_pdf

        export_pdf(text, out, title)
    return out


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    written = export_file(args.file.expanduser(), args.to, args.out)
    print(f"Exported {args.file.name} to {written}.")
    return 0

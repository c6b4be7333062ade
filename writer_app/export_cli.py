"""`writer-app export FILE --to html|pdf|docx [--out PATH]`: the File → Export of the window, headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from writer_app.cli import SentenceParser
from writer_app.documents.export import FORMATS, export_docx, export_html
from writer_app.documents.file_io import read_document
from writer_app.errors import UserError


def _parser() -> argparse.ArgumentParser:
    parser = SentenceParser(
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
        from writer_app.ui.pdf_export import export_pdf_headless

        export_pdf_headless(text, out, title)
    return out


def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    written = export_file(args.file.expanduser(), args.to, args.out)
    print(f"Exported {args.file.name} to {written}.")
    return 0

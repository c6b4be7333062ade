"""Export a Markdown document: parsed by markdown-it-py (CommonMark, never regular expressions) into
HTML, or walked token by token into a DOCX with python-docx (headings, emphasis, code, links, lists,
quotes, rules). PDF goes through Qt's own text layout (`ui/pdf_export.py`)."""

from __future__ import annotations

import html
import io
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes

FORMATS = ("html", "pdf", "docx")
_CSS = (
    "body{font-family:Georgia,'Times New Roman',serif;max-width:42em;margin:2em auto;line-height:1.5;"
    "padding:0 1em}code,pre{font-family:monospace;background:#f4f4f4}pre{padding:.6em;overflow:auto}"
    "blockquote{margin-left:0;padding-left:1em;border-left:3px solid #ccc;color:#555}"
)


def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def markdown_to_html(text: str, title: str = "", *, standalone: bool = True) -> str:
    """The document as HTML; `standalone` wraps it in a page with a title and a little CSS."""
    body = _parser().render(text)
    if not standalone:
        return body
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head>\n<body>\n{body}</body></html>\n"
    )


def export_html(text: str, out: Path, title: str = "") -> None:
    atomic_write_bytes(out, markdown_to_html(text, title).encode("utf-8"))


def markdown_to_docx(text: str, title: str = "") -> bytes:
    """The document as DOCX bytes."""
    from docx import Document

    document = Document()
    if title:
        document.core_properties.title = title
    _DocxWriter(document).write(_parser().parse(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def export_docx(text: str, out: Path, title: str = "") -> None:
    atomic_write_bytes(out, markdown_to_docx(text, title))


class _DocxWriter:
    """Turns markdown-it's block tokens into paragraphs and its inline tokens into runs."""

    def __init__(self, document) -> None:
        self.document = document
        self.lists: list[str] = []  # "List Bullet" / "List Number", innermost last
        self.numbers: list[int | None] = []  # each ordered list's own numbering (restarts, start)
        self.quote = 0

    def write(self, tokens: list) -> None:
        pending_style: str | None = None
        for token in tokens:
            kind = token.type
            if kind == "heading_open":
                pending_style = f"Heading {min(int(token.tag[1]), 9)}"
            elif kind in ("bullet_list_open", "ordered_list_open"):
                self.lists.append("List Bullet" if kind == "bullet_list_open" else "List Number")
                self.numbers.append(
                    self._new_numbering(int(token.attrGet("start") or 1))
                    if kind == "ordered_list_open"
                    else None
                )
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
                self.numbers.pop()
            elif kind == "blockquote_open":
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote -= 1
            elif kind == "inline":
                self._paragraph(token.children or [], pending_style or self._block_style())
                pending_style = None
            elif kind in ("fence", "code_block"):
                self._code(token.content)
            elif kind == "hr":
                self.document.add_paragraph("\u2042", style=None).alignment = 1  # a centred asterism

    def _block_style(self) -> str | None:
        if self.lists:
            depth = len(self.lists)
            return self.lists[-1] + (f" {min(depth, 3)}" if depth > 1 else "")
        return "Quote" if self.quote else None

    def _code(self, content: str) -> None:
        paragraph = self.document.add_paragraph(style="No Spacing")
        run = paragraph.add_run(content.rstrip("\n"))
        run.font.name = "Courier New"

    def _new_numbering(self, start: int) -> int | None:
        """A numbering instance of "List Number"'s own list that starts at `start`, so each ordered
        list counts from its own first number instead of going on from the one before."""
        from docx.oxml.ns import qn
        from docx.oxml.shared import OxmlElement

        style = self.document.styles["List Number"].element
        num_pr = style.pPr.numPr if style.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        abstract = next((n.abstractNumId.val for n in numbering.num_lst if n.numId == num_pr.numId.val), None)
        if abstract is None:
            return None
        number = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start_at = OxmlElement("w:startOverride")
        start_at.set(qn("w:val"), str(start))
        override.append(start_at)
        number.append(override)
        return number.numId

    def _paragraph(self, children: list, style: str | None) -> None:
        paragraph = self.document.add_paragraph(style=style)
        top_level = len(self.lists) == 1  # nested lists keep their own style's numbering and level
        number = self.numbers[-1] if top_level and self.lists[-1] == "List Number" else None
        if number is not None:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_numId().val = number
            num_pr.get_or_add_ilvl().val = 0
        bold = italic = 0
        link: str | None = None
        for child in children:
            kind = child.type
            if kind == "strong_open":
                bold += 1
            elif kind == "strong_close":
                bold -= 1
            elif kind == "em_open":
                italic += 1
            elif kind == "em_close":
                italic -= 1
            elif kind == "link_open":
                link = child.attrGet("href") or ""
            elif kind == "link_close":
                link = None
            elif kind in ("softbreak",):
                paragraph.add_run(" ")
            elif kind == "hardbreak":
                paragraph.add_run().add_break()
            elif kind in ("text", "code_inline", "html_inline", "image"):
                content = child.content
                if link is not None:
                    _add_hyperlink(paragraph, content, link, bold > 0, italic > 0)
                    continue
                run = paragraph.add_run(content)
                run.bold, run.italic = bold > 0 or None, italic > 0 or None
                if kind == "code_inline":
                    run.font.name = "Courier New"


def _add_hyperlink(paragraph, text: str, url: str, bold: bool, italic: bool) -> None:
    """A real, clickable hyperlink run (python-docx has no public API for one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.oxml.shared import OxmlElement

    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "0563C1"), ("w:u", "single")):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    for flag, tag in ((bold, "w:b"), (italic, "w:i")):
        if flag:
            properties.append(OxmlElement(tag))
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    content.set(qn("xml:space"), "preserve")
    run.append(content)
    link.append(run)
    paragraph._p.append(link)

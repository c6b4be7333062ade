"""Export of a fixed Markdown document, read back by independent readers: the HTML's elements, the
DOCX through python-docx, the PDF's text and fonts through pypdf; the export command's errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from writer_app import cli
from writer_app.documents.export import markdown_to_docx, markdown_to_html

DOCUMENT = """# The Lighthouse

The *keeper* climbed the **stairs** and wrote in [the log](https://example.org/log).

## At night

- the lamp
- the clock
  - its key

1. wind it
2. light it

> The sea was calm.

```
lamp.on()
```

---

A last line with `code`.
"""


def test_html_is_commonmark_with_every_element() -> None:
    page = markdown_to_html(DOCUMENT, "Lighthouse")
    for fragment in (
        "<title>Lighthouse</title>",
        "<h1>The Lighthouse</h1>",
        "<h2>At night</h2>",
        "<em>keeper</em>",
        "<strong>stairs</strong>",
        '<a href="https://example.org/log">the log</a>',
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<pre><code>lamp.on()",
        "<hr />",
        "<code>code</code>",
    ):
        assert fragment in page, fragment


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_paragraphs(data: bytes) -> list[tuple[str, list[tuple[str, bool, bool]]]]:
    """(style id, runs as (text, bold, italic)) per paragraph, read from the package's XML with the
    standard library — not by python-docx, which wrote it."""
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    paragraphs = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        runs = [
            (
                "".join(t.text or "" for t in r.iter(f"{W}t")),
                r.find(f"{W}rPr/{W}b") is not None,
                r.find(f"{W}rPr/{W}i") is not None,
            )
            for r in p.iter(f"{W}r")
        ]
        paragraphs.append((style.get(f"{W}val") if style is not None else "Normal", runs))
    return paragraphs


def test_docx_reads_back_with_headings_emphasis_lists_and_link() -> None:
    data = markdown_to_docx(DOCUMENT, "Lighthouse")
    paragraphs = docx_paragraphs(data)
    text = [(style, "".join(r[0] for r in runs)) for style, runs in paragraphs]
    assert ("Heading1", "The Lighthouse") in text and ("Heading2", "At night") in text
    assert ("ListBullet2", "its key") in text and ("ListNumber", "wind it") in text
    assert ("Quote", "The sea was calm.") in text
    runs = [run for _style, runs in paragraphs for run in runs]
    assert ("keeper", False, True) in runs and ("stairs", True, False) in runs
    package = zipfile.ZipFile(io.BytesIO(data))
    assert 'Target="https://example.org/log"' in package.read("word/_rels/document.xml.rels").decode()
    assert "<dc:title>Lighthouse</dc:title>" in package.read("docProps/core.xml").decode()


def test_each_ordered_list_counts_from_its_own_start() -> None:
    data = markdown_to_docx("1. a\n2. b\n\nBetween.\n\n3. c\n4. d\n")
    root = ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ids = [n.get(f"{W}val") for n in root.iter(f"{W}numId")]
    assert len(ids) == 4 and ids[0] == ids[1] != ids[2] == ids[3]
    numbering = zipfile.ZipFile(io.BytesIO(data)).read("word/numbering.xml").decode()
    assert 'w:startOverride w:val="1"' in numbering and 'w:startOverride w:val="3"' in numbering


def test_pdf_reads_back_with_its_headings_and_bold_and_italic_fonts(qapp) -> None:
    from writer_app.ui.pdf_export import markdown_to_pdf

    reader = PdfReader(io.BytesIO(markdown_to_pdf(DOCUMENT, "Lighthouse")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in ("The Lighthouse", "At night", "keeper", "stairs", "The sea was calm."):
        assert words in text, words
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Bold" in f for f in fonts) and any("Italic" in f or "Oblique" in f for f in fonts), fonts
    assert reader.metadata.title == "Lighthouse"


@pytest.mark.parametrize("kind", ["html", "pdf", "docx"])
def test_the_export_command_writes_each_format(tmp_path: Path, kind: str, capsys) -> None:
    source = tmp_path / "story.md"
    source.write_text(DOCUMENT)
    assert cli.main(["export", str(source), "--to", kind]) == 0
    out = tmp_path / f"story.{kind}"
    assert out.stat().st_size > 100 and f"Exported story.md to {out}" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["export", "missing.md", "--to", "html"], "no such file"),
        (["export", "story.md", "--to", "rtf"], "invalid choice"),
        (["export", "story.html", "--to", "html"], "would overwrite it"),
        (["export", "story.md", "--to", "html", "--out", "/proc/x.html"], "Could not save x.html"),
    ],
)
def test_export_errors_are_one_sentence(tmp_path: Path, monkeypatch, argv, sentence, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story.md").write_text(DOCUMENT)
    (tmp_path / "story.html").write_text("<p>hi</p>")
    assert cli.main(argv) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and sentence in error and "Traceback" not in error

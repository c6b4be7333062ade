"""Markdown highlighting: which characters get which format."""

from __future__ import annotations

from PySide6.QtGui import QFont

from writer_app.ui.editor import Editor


def formats_of(editor: Editor, line: int) -> list[tuple[int, int, QFont.Weight, bool, str]]:
    block = editor.document().findBlockByNumber(line)
    return [
        (r.start, r.length, r.format.fontWeight(), r.format.fontItalic(), r.format.fontFamilies() or "")
        for r in block.layout().formats()
    ]


def test_headings_emphasis_code_links_and_fences(qtbot) -> None:
    editor = Editor()
    qtbot.addWidget(editor)
    editor.setPlainText(
        "# Title\nplain **bold** and *it* and `code` and [a](b)\n```\n# not a heading\n\n```\n- item"
    )
    heading = formats_of(editor, 0)
    assert heading[0][:3] == (0, 7, QFont.Weight.Bold)
    inline = {(start, length) for start, length, *_ in formats_of(editor, 1)}
    text = editor.document().findBlockByNumber(1).text()
    assert (text.index("**bold**"), 8) in inline
    assert (text.index("*it*"), 4) in inline
    assert (text.index("`code`"), 6) in inline
    assert (text.index("[a](b)"), 6) in inline
    fenced = formats_of(editor, 3)
    assert fenced and fenced[0][2] != QFont.Weight.Bold  # code inside the fence, not a heading
    assert formats_of(editor, 4) == []  # the empty line inside the fence
    assert editor.document().findBlockByNumber(4).userState() == 1  # still in the fence
    assert formats_of(editor, 6)[0][:2] == (0, 2)  # the list marker

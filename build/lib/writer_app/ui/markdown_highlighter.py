"""Markdown syntax highlighting: headings, emphasis, lists, quotes, code, links."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QPalette, QSyntaxHighlighter, QTextCharFormat, QTextDocument

_IN_FENCE = 1


def _format(
    color: QColor | None = None, *, bold: bool = False, italic: bool = False, mono: bool = False
) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if color is not None:
        fmt.setForeground(color)
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if mono:
        fmt.setFontFamilies(["monospace"])
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    """Line-by-line rules plus a block state for fenced code."""

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        dark = palette.color(QPalette.ColorRole.Base).lightness() < 128
        accent = QColor("#7aa2f7" if dark else "#1f4fa3")
        muted = QColor("#8b949e" if dark else "#6a737d")
        code = QColor("#e0af68" if dark else "#9a3e00")
        link = QColor("#73daca" if dark else "#0b6e6e")
        self._heading = _format(accent, bold=True)
        self._code = _format(code, mono=True)
        self._fence = _format(muted, mono=True)
        self._line_rules: list[tuple[re.Pattern[str], QTextCharFormat]] = [
            (re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$"), _format(muted)),
            (re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s"), _format(accent, bold=True)),
            (re.compile(r"^\s{0,3}>.*$"), _format(muted, italic=True)),
        ]
        # One pass over the line for the inline rules; which group matched picks the format.
        self._inline = re.compile(
            r"(?P<code>`[^`\n]+`)"
            r"|(?P<bold>(\*\*|__)(?=\S).+?(?<=\S)\3)"
            r"|(?P<italic>(?<![*\w])([*_])(?=\S).+?(?<=\S)\5(?![*\w]))"
            r"|(?P<link>!?\[[^\]\n]*\]\([^)\n]*\)|<https?://[^>\s]+>)"
        )
        self._inline_formats = {
            "code": self._code,
            "bold": _format(bold=True),
            "italic": _format(italic=True),
            "link": _format(link),
        }
        self._heading_rule = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
        self._fence_rule = re.compile(r"^\s{0,3}(```|~~~)")
        self._inline_marks = set("`*_[<")
        self._line_starts = set("-*+0123456789>_")

    def highlightBlock(self, text: str) -> None:
        in_fence = self.previousBlockState() == _IN_FENCE
        if not text:
            self.setCurrentBlockState(_IN_FENCE if in_fence else 0)
            return
        if (text[0] in "`~ " or in_fence) and self._fence_rule.match(text):
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(0 if in_fence else _IN_FENCE)
            return
        if in_fence:
            self.setFormat(0, len(text), self._code)
            self.setCurrentBlockState(_IN_FENCE)
            return
        self.setCurrentBlockState(0)
        first = text.lstrip()[:1]
        if first == "#" and self._heading_rule.match(text):
            self.setFormat(0, len(text), self._heading)
            return
        if first in self._line_starts:
            for pattern, fmt in self._line_rules:
                match = pattern.match(text)
                if match:
                    self.setFormat(match.start(), match.end() - match.start(), fmt)
                    break
        if self._inline_marks.isdisjoint(text):
            return
        for match in self._inline.finditer(text):
            kind = match.lastgroup or ""
            fmt = self._inline_formats.get(kind)
            if fmt is not None:
                self.setFormat(match.start(), match.end() - match.start(), fmt)

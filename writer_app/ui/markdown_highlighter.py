"""Markdown syntax highlighting — headings, emphasis, lists, quotes, code, links — and misspellings."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextDocument,
)

_IN_FENCE = 1  # block state bits: inside a fenced code block,
_SPELL_PENDING = 2  # and prose whose spelling was not checked yet (out of view when highlighted)


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
        # Spell checking (ui/spell_check.py): whether to check a block now (only those in view), and
        # the spans of a line to underline.
        self.spelling: Callable[[QTextBlock], bool] | None = None
        self.spelling_spans: Callable[[str], list[tuple[int, int]]] | None = None
        self.use_palette(palette)

    def use_palette(self, palette: QPalette) -> None:
        """Colours for a light or a dark background (call `rehighlight` after a change)."""
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
        self._list_item = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
        self._fence_rule = re.compile(r"^\s{0,3}(```|~~~)")
        self._inline_marks = set("`*_[<")
        self._line_starts = set("-*+0123456789>_")
        self._misspelled = QColor("#ff6b6b" if dark else "#d0021b")

    def highlightBlock(self, text: str) -> None:
        if self._markdown(text) and self.spelling is not None:
            if self.spelling(self.currentBlock()):
                self._underline_misspellings(text)
            else:
                self.setCurrentBlockState(self.currentBlockState() | _SPELL_PENDING)

    @staticmethod
    def spelling_pending(block: QTextBlock) -> bool:
        """The block is prose highlighted while out of view: its spelling is still to be checked."""
        return block.userState() > 0 and bool(block.userState() & _SPELL_PENDING)

    def _underline_misspellings(self, text: str) -> None:
        spans = self.spelling_spans(text) if self.spelling_spans is not None else []
        wide = not text.isascii() and any(ord(c) > 0xFFFF for c in text)
        for start, end in spans:
            if wide:  # Qt counts UTF-16 units; Python counts code points
                start, end = (len(text[:i].encode("utf-16-le")) // 2 for i in (start, end))
            fmt = QTextCharFormat(self.format(start))
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
            fmt.setUnderlineColor(self._misspelled)
            self.setFormat(start, end - start, fmt)

    def _markdown(self, text: str) -> bool:
        """Markdown formats for one line; True when it is prose (spell-checked), False for code."""
        previous = self.previousBlockState()
        in_fence = previous > 0 and bool(previous & _IN_FENCE)
        if not text:
            self.setCurrentBlockState(_IN_FENCE if in_fence else 0)
            return False
        if (text[0] in "`~ " or in_fence) and self._fence_rule.match(text):
            self.setFormat(0, len(text), self._fence)
            self.setCurrentBlockState(0 if in_fence else _IN_FENCE)
            return False
        if in_fence:
            self.setFormat(0, len(text), self._code)
            self.setCurrentBlockState(_IN_FENCE)
            return False
        self.setCurrentBlockState(0)
        if text.startswith(("    ", "\t")) and not self._list_item.match(text):
            self.setFormat(0, len(text), self._code)  # an indented code block: no spell check
            return False
        first = text.lstrip()[:1]
        if first == "#" and self._heading_rule.match(text):
            self.setFormat(0, len(text), self._heading)
            return True
        if first in self._line_starts:
            for pattern, fmt in self._line_rules:
                match = pattern.match(text)
                if match:
                    self.setFormat(match.start(), match.end() - match.start(), fmt)
                    break
        if self._inline_marks.isdisjoint(text):
            return True
        for match in self._inline.finditer(text):
            kind = match.lastgroup or ""
            fmt = self._inline_formats.get(kind)
            if fmt is not None:
                self.setFormat(match.start(), match.end() - match.start(), fmt)
        return True

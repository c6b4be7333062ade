"""Spell checking as you type, for one window: misspellings get a wavy underline in the lines in view
(a line scrolled into view is checked when scrolling stops), the context menu offers suggestions,
"Add to Dictionary" and "Ignore", and the document's language picks the word list."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtGui import QTextBlock, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QMenu

from writer_app.documents.spelling import LANGUAGES, Spelling
from writer_app.errors import UserError
from writer_app.ui.editor import Editor, qt_length

SCROLL_SETTLE_MS = 80
LANGUAGE_PAUSE_MS = 2_000
MARGIN_BLOCKS = 10  # lines just above and below the view are checked too


class SpellCheck(QObject):
    """Hooks the editor's highlighter and context menu; `enabled` and `language` come from settings."""

    def __init__(self, editor: Editor, spelling: Spelling, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.spelling = editor, spelling
        self.enabled = False
        self.auto_language = True
        self._view = (0, -1)  # block numbers in view, with the margin
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SCROLL_SETTLE_MS)
        self._settle.timeout.connect(self._check_view)
        editor.verticalScrollBar().valueChanged.connect(lambda _value: self._settle.start())
        # Lines that came into view without a scroll: a paste, a resize, zoom or another font. Only
        # lines still pending are highlighted then, so this costs nothing when there are none.
        editor.document().blockCountChanged.connect(lambda _count: self._settle.start())
        editor.updateRequest.connect(lambda _rect, dy: None if dy else self._settle.start())
        self._language_pause = QTimer(self)  # "auto": the language is looked at again after typing
        self._language_pause.setSingleShot(True)
        self._language_pause.setInterval(LANGUAGE_PAUSE_MS)
        self._language_pause.timeout.connect(self.follow_document)
        editor.document().contentsChange.connect(
            lambda _at, _removed, added: added and self._language_pause.start()
        )
        editor.context_menu_hook = self.add_to_menu
        highlighter = editor.highlighter
        highlighter.spelling_spans = spelling.misspelled
        self._update_view()

    # ----- switching -------------------------------------------------------------------------------
    def set_enabled(self, enabled: bool) -> None:
        if enabled == self.enabled:
            return
        self.enabled = enabled
        self.editor.highlighter.spelling = self._in_view if enabled else None
        self._recheck_all()

    def set_language(self, language: str) -> None:
        """A language code, or "auto" to follow the document's language."""
        self.auto_language = language == "auto"
        if not self.auto_language:
            try:
                self.spelling.set_language(language)
            except UserError:
                return
        else:
            self.follow_document()
            return
        self._recheck_all()

    def follow_document(self) -> None:
        """With "auto", the word list of the language the document is written in (English when unsure)."""
        if not self.auto_language:
            return
        from writer_app.reward.language import identify

        code = identify(self.editor.toPlainText()[:5_000]).code
        language = code if code in LANGUAGES else "en"
        if language != self.spelling.language:
            self.spelling.set_language(language)
            self._recheck_all()

    def _recheck_all(self) -> None:
        """After a switch, a language or a new word: highlight again (the spelling of lines in view
        only; the others when they scroll into view — a 1 MB document is never checked whole)."""
        self._update_view()
        self.editor.highlighter.rehighlight()

    # ----- only what is in view ---------------------------------------------------------------------
    def _update_view(self) -> None:
        first = self.editor.firstVisibleBlock()
        block, height, bottom = first, self.editor.viewport().height(), 0.0
        last = first.blockNumber()
        while block.isValid() and bottom <= height:
            bottom += self.editor.blockBoundingRect(block).height()
            last = block.blockNumber()
            block = block.next()
        self._view = (first.blockNumber() - MARGIN_BLOCKS, last + MARGIN_BLOCKS)

    def _in_view(self, block: QTextBlock) -> bool:
        return self._view[0] <= block.blockNumber() <= self._view[1]

    def _check_view(self) -> None:
        """Scrolling stopped: check the lines now in view that were highlighted out of view."""
        if not self.enabled:
            return
        self._update_view()
        highlighter = self.editor.highlighter
        block = self.editor.document().findBlockByNumber(max(0, self._view[0]))
        while block.isValid() and block.blockNumber() <= self._view[1]:
            if highlighter.spelling_pending(block):
                highlighter.rehighlightBlock(block)
            block = block.next()

    # ----- the context menu -------------------------------------------------------------------------
    def word_at(self, position: QPoint) -> tuple[QTextCursor, str] | None:
        """The misspelled word under `position` (viewport coordinates), selected, or None."""
        if not self.enabled:
            return None
        cursor = self.editor.cursorForPosition(position)
        block = cursor.block()
        text = block.text()
        offset = len(text.encode("utf-16-le")[: cursor.positionInBlock() * 2].decode("utf-16-le", "ignore"))
        underlined = [
            (r.start, r.start + r.length)
            for r in block.layout().formats()
            if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline
        ]
        if not any(a <= cursor.positionInBlock() <= b for a, b in underlined):
            return None  # only what is underlined (never code, never a line not yet checked)
        for start, end in self.spelling.misspelled(text):
            if start <= offset <= end:
                word = QTextCursor(block)
                word.setPosition(block.position() + qt_length(text[:start]))
                word.setPosition(block.position() + qt_length(text[:end]), QTextCursor.MoveMode.KeepAnchor)
                return word, text[start:end]
        return None

    def add_to_menu(self, menu: QMenu, position: QPoint) -> None:
        found = self.word_at(position)
        if found is None:
            return
        cursor, word = found
        first = menu.actions()[0] if menu.actions() else None
        suggestions = self.spelling.suggestions(word)
        for suggestion in suggestions:
            action = menu.addAction(suggestion)
            action.triggered.connect(lambda _checked=False, s=suggestion: self._replace(cursor, s))
            menu.insertAction(first, action)
        if not suggestions:
            none = menu.addAction("(no suggestions)")
            none.setEnabled(False)
            menu.insertAction(first, none)
        add = menu.addAction(f"Add “{word}” to Dictionary")
        add.triggered.connect(lambda: self.add_word(word))
        ignore = menu.addAction(f"Ignore “{word}”")
        ignore.triggered.connect(lambda: self.ignore_word(word))
        menu.insertAction(first, add)
        menu.insertAction(first, ignore)
        menu.insertSeparator(first)

    def _replace(self, cursor: QTextCursor, suggestion: str) -> None:
        cursor.beginEditBlock()
        cursor.insertText(suggestion)
        cursor.endEditBlock()

    def add_word(self, word: str) -> None:
        try:
            self.spelling.add_to_dictionary(word)
        except UserError:
            self.spelling.ignore(word)  # the list could not be written: at least this session knows it
        self._recheck_lines_with(word)

    def ignore_word(self, word: str) -> None:
        self.spelling.ignore(word)
        self._recheck_lines_with(word)

    def _recheck_lines_with(self, word: str) -> None:
        """Only the lines where `word` occurs lose their underline (a search in Qt, not a full pass)."""
        document = self.editor.document()
        found = document.find(word, 0, QTextDocument.FindFlag.FindWholeWords)
        while not found.isNull():
            self.editor.highlighter.rehighlightBlock(found.block())
            found = document.find(
                word, found.block().position() + found.block().length(), QTextDocument.FindFlag.FindWholeWords
            )

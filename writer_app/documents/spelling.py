"""Spell checking with pyspellchecker's word lists (shipped in its wheel, twelve languages): the words
of a line to underline — Markdown code, URLs, e-mail addresses, numbers and acronyms skipped — their
suggestions, and a personal word list in the data folder."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from writer_app.documents.file_io import atomic_write_bytes
from writer_app.errors import UserError

LANGUAGES = {
    "en": "English",
    "de": "German",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
    "ar": "Arabic",
    "eu": "Basque",
    "fa": "Persian",
    "lv": "Latvian",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_SKIP = re.compile(
    r"`[^`\n]*`"  # a Markdown code span
    r"|\b(?:https?|ftp)://\S+|\bwww\.\S+"  # a URL
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|\S*\d\S*"  # anything with a digit: versions, dates, code
    r"|\]\([^)\s]*\)"  # a Markdown link's target
)


_MAY_SKIP = re.compile(r"[`@\d]|://|www\.|\]\(")  # a cheap test before the full one


class Spelling:
    """One checker per app: the chosen language's word list, the personal list, the ignored words."""

    def __init__(self, personal_file: Path, language: str = "en") -> None:
        self.personal_file = Path(personal_file)
        self._lock = threading.Lock()
        self._lists: dict[str, object] = {}
        self.language = language if language in LANGUAGES else "en"
        self.ignored: set[str] = set()
        self.personal = self._read_personal()
        self._known = self._words(self.language)

    def _read_personal(self) -> set[str]:
        try:
            lines = self.personal_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return set()  # none yet, or unreadable: that must not stop the editor; adding a word rewrites it
        return {line.strip() for line in lines if line.strip()}

    def _checker(self, language: str):
        from spellchecker import SpellChecker

        with self._lock:
            if language not in self._lists:
                self._lists[language] = SpellChecker(language=language, distance=2)
            return self._lists[language]

    def _words(self, language: str) -> dict[str, int]:
        return self._checker(language).word_frequency.dictionary  # type: ignore[attr-defined]

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise UserError(f"There is no word list for {language!r}: choose one of {', '.join(LANGUAGES)}.")
        self.language = language
        self._known = self._words(language)

    def is_known(self, word: str) -> bool:
        if word in self.personal or word in self.ignored:
            return True
        lower = word.lower()
        if lower in self._known or lower.replace("’", "'") in self._known:
            return True
        if len(word) > 1 and word.isupper():
            return True  # an acronym
        for suffix in ("'s", "’s", "s'", "s’"):
            if lower.endswith(suffix) and lower[: -len(suffix)] in self._known:
                return True
        return False

    def misspelled(self, text: str) -> list[tuple[int, int]]:
        """Spans of `text` (one line) to underline."""
        skipped = [(m.start(), m.end()) for m in _SKIP.finditer(text)] if _MAY_SKIP.search(text) else []
        spans = []
        for match in _WORD.finditer(text):
            start, end = match.span()
            if skipped and any(a <= start < b for a, b in skipped):
                continue
            if not self.is_known(match.group()):
                spans.append((start, end))
        return spans

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Likely corrections, the most frequent first, in the word's own case."""
        checker = self._checker(self.language)
        found = checker.candidates(word.lower()) or set()  # type: ignore[attr-defined]
        found.discard(word.lower())
        ranked = sorted(found, key=lambda w: -self._known.get(w, 0))[:limit]
        if word[:1].isupper():
            ranked = [w[:1].upper() + w[1:] for w in ranked]
        return ranked

    def add_to_dictionary(self, word: str) -> None:
        """Remember `word` in the personal list (written atomically; it survives a restart)."""
        self.personal.add(word)
        self.personal_file.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(f"{w}\n" for w in sorted(self.personal)).encode("utf-8")
        atomic_write_bytes(self.personal_file, data)

    def ignore(self, word: str) -> None:
        """Accept `word` until the app quits."""
        self.ignored.add(word)
